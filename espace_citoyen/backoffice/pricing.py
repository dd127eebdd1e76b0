"""The régie's screens for pricing: the queue of income declarations, the validation of
one declaration with its documents side by side (validate, or correct the figure with a
reason), a family's QF history, and the grids with who changed what."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from espace_citoyen.accounts.roles import Role, has_role
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.demarches.rules import is_open
from espace_citoyen.families import selectors as family_selectors
from espace_citoyen.pricing import rules, selectors, services
from espace_citoyen.pricing.forms import ValidationForm


@require_safe
@agent_required(Role.REGIE)
def declarations(request):
    """Income declarations to validate (oldest first), or all of them."""
    show_all = request.GET.get("toutes") == "1"
    queryset = selectors.declarations_queue(only_open=not show_all)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/pricing/declarations.html",
        {
            "page": page,
            "show_all": show_all,
            "query_string": "toutes=1" if show_all else "",
        },
    )


def _validation_context(declaration, form):
    today = timezone.localdate()
    records = selectors.quotient_history(declaration.family)
    documents = selectors.declaration_documents(declaration)
    return {
        "declaration": declaration,
        "demarche": declaration.demarche,
        "family": declaration.family,
        "documents": documents,
        "records": records,
        "current": selectors.quotient_on(records, today),
        "form": form,
        "can_validate": is_open(declaration.demarche.status),
        "starts_on": rules.first_of_next_month(today),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@agent_required(Role.REGIE)
def declaration_validate(request, reference: str):
    """Validate a declaration, as declared or with a corrected figure and its reason.

    Refusing, asking for documents or writing to the family stays on the démarche's
    generic screen, linked from here."""
    declaration = selectors.declaration_for_agent(reference)
    if declaration is None:
        raise Http404
    form = ValidationForm(request.POST or None, initial={"qf": declaration.declared_qf})
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_validate(
                demarche=declaration.demarche,
                agent=request.user,
                qf=form.cleaned_data["qf"],
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Le quotient familial de %(qf)s est validé pour la famille %(family)s ; "
                    "il s'applique à partir du %(date)s. La famille est prévenue."
                )
                % {
                    "qf": rules.whole_euros(declaration.validated_qf),
                    "family": declaration.family.number,
                    "date": rules.french_date(declaration.effective_from),
                },
            )
            return redirect("backoffice:pricing_declarations")
    return render(
        request,
        "backoffice/pricing/validate.html",
        _validation_context(declaration, form),
        status=400 if form.errors else 200,
    )


@require_safe
@agent_required(Role.REGIE)
def quotients(request):
    """Find a family and see its quotient familial today."""
    query = request.GET.get("q", "").strip()[:100]
    results = family_selectors.family_search(query) if query else []
    current = selectors.quotients_on_day(results, timezone.localdate())
    rows = [(family, current.get(family.pk)) for family in results]
    return render(request, "backoffice/pricing/quotients.html", {"query": query, "rows": rows})


@require_safe
@agent_required(Role.REGIE)
def family_quotients(request, pk: int):
    """A family's QF periods and declarations, with who recorded what."""
    family = family_selectors.family_get(pk)
    if family is None:
        raise Http404
    today = timezone.localdate()
    records = selectors.quotient_history(family)
    return render(
        request,
        "backoffice/pricing/family_quotients.html",
        {
            "family": family,
            "records": records,
            "current": selectors.quotient_on(records, today),
            "declarations": selectors.declarations_of(family),
            "resident": selectors.family_is_resident(family),
            "today": today,
        },
    )


@require_safe
@agent_required(Role.REGIE, Role.ADMINISTRATEUR)
def grids(request):
    """Every grid, and the audit trail of who created, changed or deleted one."""
    all_grids, changes = selectors.grids_with_changes()
    today = timezone.localdate()
    return render(
        request,
        "backoffice/pricing/grids.html",
        {
            "grids": [(grid, grid.applies_on(today)) for grid in all_grids],
            "changes": changes,
            "can_configure": has_role(request.user, Role.ADMINISTRATEUR),
        },
    )
