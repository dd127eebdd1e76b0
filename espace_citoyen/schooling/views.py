"""Citizen side of schooling: « Inscrire votre enfant à l'école », « Demander une
dérogation au périmètre scolaire », papers added to those démarches, the certificate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.core.pdf import pdf_response
from espace_citoyen.families.access import family_required
from espace_citoyen.families.models import Family
from espace_citoyen.families.selectors import family_for_user
from espace_citoyen.schooling import rules, selectors, services
from espace_citoyen.schooling.certificate import certificate_filename, certificate_render
from espace_citoyen.schooling.forms import (
    DerogationForm,
    DerogationPaperForm,
    EnrolmentForm,
    PaperForm,
)
from espace_citoyen.schooling.models import Derogation, Enrolment


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def enrol(request, *, family: Family):
    today = timezone.localdate()
    years = selectors.school_years_to_come(today)
    open_years = [
        year
        for year in years
        if rules.campaign_is_open(today, year.campaign_start, year.campaign_end)
    ]
    children = list(family.children.all())
    enrolments = selectors.enrolments_of_family(family)
    form = EnrolmentForm(
        request.POST or None,
        request.FILES or None,
        children=children,
        years=years,
        initial={"school_year": open_years[0].pk if open_years else None},
    )
    if request.method == "POST" and form.is_valid():
        child = next(c for c in children if c.pk == form.cleaned_data["child"])
        school_year = next(y for y in years if y.pk == form.cleaned_data["school_year"])
        try:
            enrolment = services.enrolment_submit(
                family=family,
                child=child,
                school_year=school_year,
                actor=request.user,
                level=form.cleaned_data["level"],
                documents=form.documents(),
                sworn_statements=form.cleaned_data["sworn_statements"],
                message=form.cleaned_data["message"],
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande d'inscription de %(child)s (%(school)s) est transmise"
                    " au service scolaire (démarche %(reference)s). Vous recevrez un "
                    "courriel à chaque étape."
                )
                % {
                    "child": child.first_name,
                    "school": enrolment.school.name,
                    "reference": enrolment.demarche.reference,
                },
            )
            return redirect("demarches:detail", enrolment.demarche.reference)
    proposals = [
        {
            "year": year,
            "children": [
                (child, rules.level_for_birth_date(child.birth_date, year.start_date))
                for child in children
            ],
        }
        for year in open_years
    ]
    return render(
        request,
        "schooling/enrol.html",
        {
            "family": family,
            "form": form,
            "sector": selectors.sector_for_family(family),
            "years": [
                {
                    "year": year,
                    "open": year in open_years,
                    "message": ""
                    if year in open_years
                    else rules.campaign_closed_message(
                        year.label, today, year.campaign_start, year.campaign_end
                    ),
                }
                for year in years
            ],
            "open_years": open_years,
            "proposals": proposals,
            "enrolments": enrolments,
            "children": children,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def derogation(request, *, family: Family):
    all_enrolments = selectors.enrolments_of_family(family)
    today = timezone.localdate()
    enrolments = [e for e in all_enrolments if selectors.may_ask_derogation(e, today)]
    schools = selectors.schools_active()
    motives = selectors.motives_active()
    initial = {}
    wanted = request.GET.get("inscription", "")
    chosen = next((e for e in enrolments if str(e.pk) == wanted), None)
    if chosen is not None:
        initial["enrolment"] = chosen.pk
    elif len(enrolments) == 1:
        initial["enrolment"] = enrolments[0].pk
    form = DerogationForm(
        request.POST or None,
        request.FILES or None,
        enrolments=enrolments,
        schools=schools,
        motives=motives,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.derogation_submit(
                family=family,
                enrolment=next(e for e in enrolments if e.pk == data["enrolment"]),
                requested_school=next(s for s in schools if s.pk == data["requested_school"]),
                motive=next(m for m in motives if m.pk == data["motive"]),
                explanation=data["explanation"],
                actor=request.user,
                documents=[data["document"]] if data.get("document") else [],
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Votre demande de dérogation est transmise au service scolaire (démarche "
                    "%(reference)s). Vous recevrez un courriel à chaque étape."
                )
                % {"reference": created.demarche.reference},
            )
            return redirect("demarches:detail", created.demarche.reference)
    derogations = [d for e in all_enrolments for d in e.derogations.all()]
    return render(
        request,
        "schooling/derogation.html",
        {
            "family": family,
            "form": form,
            "enrolments": enrolments,
            "derogations": derogations,
            "sector": selectors.sector_for_family(family),
        },
        status=400 if form.errors else 200,
    )


def _demarche_of(request, reference: str) -> tuple:
    """The family's enrolment or dérogation démarche `reference` (404 for another's)."""
    family = family_for_user(request.user)
    if family is None:
        raise Http404
    enrolment = (
        Enrolment.objects.filter(demarche__reference=reference, family=family)
        .select_related("demarche", "child", "school", "school_year", "family")
        .first()
    )
    if enrolment is not None:
        return enrolment.demarche, enrolment, None
    derogation = (
        Derogation.objects.filter(demarche__reference=reference, enrolment__family=family)
        .select_related("demarche", "enrolment__child", "enrolment__family", "requested_school")
        .first()
    )
    if derogation is None:
        raise Http404
    return derogation.demarche, derogation.enrolment, derogation


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def documents(request, reference: str):
    demarche, enrolment, derogation = _demarche_of(request, reference)
    form_class = PaperForm if derogation is None else DerogationPaperForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if derogation is None:
                services.enrolment_document_add(
                    enrolment=enrolment,
                    actor=request.user,
                    key=form.cleaned_data["key"],
                    upload=form.cleaned_data.get("file"),
                    sworn=form.cleaned_data["sworn"],
                )
            else:
                services.derogation_document_add(
                    derogation=derogation, actor=request.user, upload=form.cleaned_data["file"]
                )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("C'est enregistré : le service scolaire en est informé."))
            return redirect("demarches:detail", reference)
    return render(
        request,
        "schooling/documents.html",
        {"form": form, "demarche": demarche, "enrolment": enrolment, "derogation": derogation},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def certificate(request, reference: str):
    demarche, enrolment, derogation = _demarche_of(request, reference)
    if derogation is not None or not enrolment.certificate_available:
        raise Http404
    return pdf_response(certificate_render(enrolment), certificate_filename(enrolment))
