"""Citizen side of pricing: « je mets à jour mes tarifs » (the income declaration in
three ways), « obtenir vos tarifs personnalisés », and the public simulator and grids."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.families.access import family_required
from espace_citoyen.families.models import Family
from espace_citoyen.pricing import api_particulier, forms, rules, selectors, services

# --- « je mets à jour mes tarifs » -----------------------------------------------------------


@login_required
@require_safe
@family_required
def declare(request, *, family: Family):
    """The choice of the way to declare, with the family's current QF and any pending
    declaration."""
    pending = selectors.declaration_pending(family)
    return _declare_page(request, family, pending, forms.DocumentAddForm() if pending else None)


def _declare_page(request, family, pending, document_form, *, status: int = 200):
    today = timezone.localdate()
    records = selectors.quotient_history(family)
    return render(
        request,
        "pricing/declare.html",
        {
            "family": family,
            "current": selectors.quotient_on(records, today),
            "upcoming": selectors.quotients_upcoming(records, today),
            "pending": pending,
            "document_form": document_form,
            "api_enabled": api_particulier.is_enabled(),
            "next_month": rules.french_date(rules.first_of_next_month(today)),
        },
        status=status,
    )


def _declared(request, declaration):
    messages.success(
        request,
        _(
            "Votre déclaration est transmise à la régie (démarche %(ref)s). Une fois "
            "validée, votre quotient familial s'appliquera à vos tarifs à partir du premier "
            "jour du mois suivant."
        )
        % {"ref": declaration.demarche.reference},
    )
    return redirect("pricing:declare")


@family_required
def _declaration_page(request, form_class, submit, *, title, intro, family: Family):
    """A declaration with its document: the form, the service through `submit(family,
    cleaned_data)`, the service's errors on the form, nothing typed lost."""
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = submit(family, form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            return _declared(request, declaration)
    return render(
        request,
        "pricing/declare_form.html",
        {"form": form, "title": title, "intro": intro, "multipart": True},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declare_caf(request):
    return _declaration_page(
        request,
        forms.CafDeclarationForm,
        lambda family, data: services.declaration_submit_caf(
            family=family, actor=request.user, qf=data["qf"], attestation=data["document"]
        ),
        title=_("Déclarer mon quotient familial CAF ou MSA"),
        intro=_(
            "Recopiez le quotient familial de votre attestation et joignez-la : la "
            "régie le vérifiera."
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declare_tax(request):
    return _declaration_page(
        request,
        forms.TaxDeclarationForm,
        lambda family, data: services.declaration_submit_tax(
            family=family,
            actor=request.user,
            income=data["income"],
            parts=data["parts"],
            year=data["year"],
            notice=data["document"],
        ),
        title=_("Déclarer mes revenus avec mon avis d'imposition"),
        intro=_(
            "Votre quotient familial est calculé ainsi : revenu fiscal de référence ÷ 12 "
            "mois ÷ nombre de parts, arrondi à l'euro inférieur. Joignez votre avis : la "
            "régie le vérifiera."
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def declare_api(request, *, family: Family):
    """With the family's consent, the QF is read from the CAF or the MSA."""
    if not api_particulier.is_enabled():
        raise Http404
    guardian = next((g for g in family.guardians.all() if g.user_id == request.user.pk), None)
    form = forms.ApiConsentForm(
        request.POST or None, initial=forms.ApiConsentForm.initial_for(guardian)
    )
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_submit_api(
                family=family,
                actor=request.user,
                identity=form.identity(),
                consent=form.cleaned_data["consent"],
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "La %(provider)s indique un quotient familial de %(qf)s. Il est transmis "
                    "à la régie (démarche %(ref)s) ; une fois validé, il s'appliquera à vos "
                    "tarifs à partir du premier jour du mois suivant."
                )
                % {
                    "provider": declaration.api_provider,
                    "qf": rules.whole_euros(declaration.declared_qf),
                    "ref": declaration.demarche.reference,
                },
            )
            return redirect("pricing:declare")
    return render(
        request,
        "pricing/declare_form.html",
        {
            "form": form,
            "title": _("Consulter mon quotient familial auprès de la CAF ou de la MSA"),
            "intro": _(
                "Avec votre accord, la mairie lit votre quotient familial auprès de la CAF ou "
                "de la MSA (service API Particulier de l'État) : vous n'avez pas de document à "
                "fournir. Seuls le quotient, l'organisme et le mois sont conservés."
            ),
            "multipart": False,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def declare_none(request, *, family: Family):
    """« Je ne déclare pas mes revenus »: the highest rate from next month."""
    form = forms.WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.quotient_waive(family=family, actor=request.user)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            if record.starts_on > timezone.localdate():
                text = _(
                    "C'est noté : le tarif le plus élevé s'appliquera à partir du %(date)s."
                ) % {"date": rules.french_date(record.starts_on)}
            else:
                text = _("C'est noté : le tarif le plus élevé s'applique.")
            messages.success(request, text)
            return redirect("pricing:declare")
    return render(
        request,
        "pricing/declare_form.html",
        {
            "form": form,
            "title": _("Ne pas déclarer mes revenus"),
            "intro": _(
                "Sans déclaration, le tarif le plus élevé de chaque activité s'applique ; "
                "un quotient familial déjà enregistré reste valable jusqu'à la fin du mois. "
                "Vous pourrez déclarer vos revenus plus tard."
            ),
            "multipart": False,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
@family_required
def declaration_document(request, *, family: Family):
    """Add a document to the pending declaration (when the régie asks for one)."""
    pending = selectors.declaration_pending(family)
    if pending is None:
        messages.error(request, _("Vous n'avez pas de déclaration en cours d'examen."))
        return redirect("pricing:declare")
    form = forms.DocumentAddForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.declaration_document_add(
                declaration=pending, actor=request.user, upload=form.cleaned_data["document"]
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Le document est ajouté à votre déclaration."))
            return redirect("pricing:declare")
    return _declare_page(request, family, pending, form, status=400)


# --- « obtenir vos tarifs personnalisés » -------------------------------------------------------


@login_required
@require_safe
@family_required
def my_rates(request, *, family: Family):
    today = timezone.localdate()
    return render(
        request,
        "pricing/my_rates.html",
        {
            "family": family,
            "rates": selectors.personal_rates(family, today=today),
            "pending": selectors.declaration_pending(family),
            "today": today,
        },
    )


# --- public: simulator and grids -----------------------------------------------------------------


@require_safe
def simulator(request):
    """Anyone, logged in or not: activity + QF (+ resident) → the price, explained."""
    today = timezone.localdate()
    activities = [entry.activity for entry in selectors.activities_with_grids(today)]
    # Other parameters (a campaign's utm_source…) leave the form blank, without errors.
    asked = any(name in request.GET for name in forms.SimulatorForm.base_fields)
    form = forms.SimulatorForm(request.GET if asked else None, activities=activities)
    result = grid = None
    status = 200
    if asked and form.is_valid():
        day = form.cleaned_data["day"] or today
        grid = selectors.grid_on(form.cleaned_data["activity"], day)
        if grid is None:
            form.add_error(
                "day",
                _("Aucune grille tarifaire de cette activité ne s'applique le %(date)s.")
                % {"date": rules.french_date(day)},
            )
            status = 400
        else:
            result = rules.unit_price(
                grid.as_rule(),
                form.cleaned_data["qf"],
                resident=form.cleaned_data["resident"] == "oui",
            )
    elif asked:
        status = 400
    return render(
        request,
        "pricing/simulator.html",
        {"form": form, "result": result, "grid": grid},
        status=status,
    )


@require_safe
def grids(request):
    today = timezone.localdate()
    entries = [
        (entry.activity, [(grid, grid.applies_on(today)) for grid in entry.grids])
        for entry in selectors.activities_with_grids(today)
    ]
    return render(request, "pricing/grids.html", {"entries": entries, "today": today})
