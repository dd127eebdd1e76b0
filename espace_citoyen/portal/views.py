from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from espace_citoyen.core.models import DemoMail
from espace_citoyen.demarches.selectors import demarche_latest_for_owners
from espace_citoyen.families.selectors import family_card_for_user
from espace_citoyen.portal.rules import darken
from espace_citoyen.portal.selectors import (
    accessibility_statement,
    catalogue_key,
    commune_get,
    teleservice_list,
    teleservice_search,
)

SEARCH_MAX_LENGTH = 100


@require_safe
def home(request):
    return render(request, "portal/home.html", {"teleservices": teleservice_list()})


@require_safe
def catalogue(request):
    return render(request, "portal/catalogue.html", {"teleservices": teleservice_list()})


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    results = teleservice_search(query) if query else []
    catalogue = [] if results else teleservice_list()
    return render(
        request,
        "portal/search.html",
        {"query": query, "results": results, "catalogue": catalogue},
    )


@login_required
@require_safe
def dashboard(request):
    card = family_card_for_user(request.user)
    family = card.family if card else None
    owners = [owner for owner in (family, request.user) if owner is not None]
    teleservices = teleservice_list()
    return render(
        request,
        "portal/dashboard.html",
        {
            "teleservices": teleservices,
            "catalogue_key": catalogue_key(teleservices),
            "family": family,
            "children": card.children if card else [],
            "demarches": demarche_latest_for_owners(*owners, limit=5),
        },
    )


@require_safe
def legal_notice(request):
    return render(request, "portal/legal_notice.html")


@require_safe
def accessibility(request):
    """The statement, on the RGAA model; every figure comes from the latest audit grid."""
    return render(request, "portal/accessibility.html", accessibility_statement())


@require_safe
def sitemap(request):
    """The second way to find a page besides the search (RGAA 12.1): every page a visitor
    can reach from here, the téléservices of the catalogue included."""
    return render(request, "portal/sitemap.html", {"teleservices": teleservice_list()})


@require_safe
def privacy(request):
    return render(request, "portal/privacy.html")


@require_safe
def theme(request):
    """The commune's colours as CSS custom properties (no inline style: strict CSP)."""
    commune = commune_get()
    css = (
        ":root{"
        f"--primary:{commune.primary_colour};"
        f"--primary-dark:{darken(commune.primary_colour)};"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def demo_mailbox_on() -> bool:
    """The demo mailbox exists only in a local demo: DEBUG on and no SMTP server. With
    DEBUG off it answers 404 whatever else is set (it shows everyone's mail)."""
    return bool(settings.DEBUG and settings.DEMO_MAILBOX)


def _demo_mailbox_enabled() -> None:
    if not demo_mailbox_on():
        raise Http404


@require_safe
def demo_mailbox(request):
    _demo_mailbox_enabled()
    page = Paginator(DemoMail.objects.all(), 30).get_page(request.GET.get("page"))
    return render(request, "portal/demo_mailbox.html", {"page": page})


@require_safe
def demo_mail(request, pk: int):
    _demo_mailbox_enabled()
    mail = get_object_or_404(DemoMail, pk=pk)
    return render(request, "portal/demo_mail.html", {"mail": mail})
