"""The school service's screens: the carte scolaire (rules, CSV import and export, the
sector school of an address), the dérogation commission, the lists for schools, the
reference data (schools, campaign windows) and the enrolment certificate."""

import tablib
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.accounts.roles import Role, has_role
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.core.pdf import pdf_response
from espace_citoyen.core.spreadsheets import spreadsheet_response
from espace_citoyen.schooling import rules, selectors, services
from espace_citoyen.schooling.certificate import certificate_filename, certificate_render
from espace_citoyen.schooling.forms import (
    AddressCheckForm,
    CampaignForm,
    ListFilter,
    SectorImportForm,
    YearFilter,
)
from espace_citoyen.schooling.models import Enrolment, School, SchoolYear

SECTOR_FILE_MAX_BYTES = 2 * 1024 * 1024


def _year(form, years: list[SchoolYear]) -> SchoolYear | None:
    """The year chosen in the filter, else the one agents look at first."""
    if form.is_bound and form.is_valid() and form.cleaned_data.get("annee"):
        return next((y for y in years if y.pk == form.cleaned_data["annee"]), None)
    return selectors.school_year_default_among(years, timezone.localdate())


# --- carte scolaire -----------------------------------------------------------------------


def _sector_context(request, **extra) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    grouped: list[tuple[str, list]] = []
    for rule in selectors.sector_rules(query):
        if grouped and grouped[-1][1][0].street_key == rule.street_key:
            grouped[-1][1].append(rule)
        else:
            grouped.append((rule.street, [rule]))
    check_form = AddressCheckForm(request.GET if "address_line1" in request.GET else None)
    check = None
    if check_form.is_bound and check_form.is_valid():
        check = selectors.sector_for_address(**check_form.cleaned_data)
    return {
        "query": query,
        "streets": grouped,
        "rule_count": sum(len(rules_) for _street, rules_ in grouped),
        "check_form": check_form,
        "check": check,
        "import_form": SectorImportForm(),
        "last_import": selectors.sector_last_import(),
        **extra,
    }


@require_safe
@agent_required(Role.SCOLAIRE)
def sector(request):
    return render(request, "backoffice/schooling/sector.html", _sector_context(request))


@require_POST
@agent_required(Role.SCOLAIRE)
def sector_import(request):
    form = SectorImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > SECTOR_FILE_MAX_BYTES:
            form.add_error(
                "file", _("Ce fichier est trop gros pour une carte scolaire (2 Mo au plus).")
            )
        else:
            try:
                report = services.sector_map_import(
                    content=upload.read(), filename=upload.name or "carte.csv", actor=request.user
                )
            except services.SectorImportRejected as error:
                form.add_error("file", error.message)
                report = error.report
            else:
                messages.success(
                    request,
                    _("La carte scolaire est remplacée : %(n)d règles importées.")
                    % {"n": len(report.lines)},
                )
                return redirect("backoffice:school_sector")
    return render(
        request,
        "backoffice/schooling/sector.html",
        _sector_context(request, import_form=form, report=report),
        status=400,
    )


@require_safe
@agent_required(Role.SCOLAIRE)
def sector_export(request):
    dataset = tablib.Dataset(headers=rules.CSV_HEADER)
    for row in services.sector_map_rows():
        dataset.append(row)
    return spreadsheet_response(dataset, "csv", "carte-scolaire")


# --- commission ---------------------------------------------------------------------------


@require_safe
@agent_required(Role.SCOLAIRE)
def commission(request):
    years = selectors.school_years_all()
    form = YearFilter(request.GET or None, years=years)
    year = _year(form, years)
    if year is not None and not form.is_bound:
        form = YearFilter(initial={"annee": year.pk}, years=years)
    groups = selectors.commission(year) if year else []
    return render(
        request,
        "backoffice/schooling/commission.html",
        {
            "form": form,
            "year": year,
            "groups": groups,
            "pending": sum(len(group.requests) for group in groups),
        },
    )


# --- lists for schools --------------------------------------------------------------------

LIST_HEADERS = [
    "École",
    "Niveau",
    "Nom",
    "Prénom",
    "Sexe",
    "Date de naissance",
    "Responsable légal 1",
    "Téléphone 1",
    "Courriel 1",
    "Responsable légal 2",
    "Téléphone 2",
    "Courriel 2",
    "Adresse",
    "Dérogation",
    "Démarche",
]


def _list_row(enrolment: Enrolment) -> list:
    guardians = list(enrolment.family.guardians.all())[:2]
    cells = []
    for index in range(2):
        guardian = guardians[index] if index < len(guardians) else None
        cells += (
            [guardian.formal_name, guardian.phone_mobile or guardian.phone_home, guardian.email]
            if guardian
            else ["", "", ""]
        )
    child = enrolment.child
    return [
        enrolment.school.name,
        enrolment.level,
        child.last_name,
        child.first_name,
        child.get_sex_display(),
        child.birth_date.strftime("%d/%m/%Y"),
        *cells,
        ", ".join(enrolment.family.address_lines),
        _("oui") if enrolment.by_derogation else _("non"),
        enrolment.demarche.reference,
    ]


@require_safe
@agent_required(Role.SCOLAIRE)
def school_lists(request):
    years = selectors.school_years_all()
    schools = list(School.objects.all())
    form = ListFilter(request.GET or None, years=years, schools=schools)
    year = _year(form, years)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if year is not None and not form.is_bound:
        form = ListFilter(initial={"annee": year.pk}, years=years, schools=schools)
    school = next((s for s in schools if s.pk == cleaned.get("ecole")), None)
    level = cleaned.get("niveau", "")
    enrolments = selectors.school_list(year, school=school, level=level) if year else []
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "ods") and year is not None:
        dataset = tablib.Dataset(headers=LIST_HEADERS, title=year.label)
        for enrolment in enrolments:
            dataset.append(_list_row(enrolment))
        name = f"inscrits-{year.label}"
        if school is not None:
            name += "-" + "-".join(rules.street_key(school.name).split())
        if level:
            name += f"-{level}"
        return spreadsheet_response(dataset, fmt, name)
    params = request.GET.copy()
    params.pop("format", None)
    if year is not None and "annee" not in params:
        params["annee"] = year.pk
    return render(
        request,
        "backoffice/schooling/lists.html",
        {
            "form": form,
            "year": year,
            "enrolments": enrolments,
            "query_string": params.urlencode(),
        },
    )


# --- reference data -----------------------------------------------------------------------


@require_safe
@agent_required(Role.SCOLAIRE, Role.ADMINISTRATEUR)
def reference(request):
    years = selectors.school_years_all()
    year = selectors.school_year_default_among(years, timezone.localdate())
    counts = selectors.accepted_counts(year) if year else {}
    schools = [
        {
            "school": school,
            "accepted": counts.get(school.pk, 0),
            "places_left": rules.places_left(school.capacity, counts.get(school.pk, 0)),
        }
        for school in School.objects.all()
    ]
    return render(
        request,
        "backoffice/schooling/reference.html",
        {
            "schools": schools,
            "year": year,
            "years": years,
            "is_admin": has_role(request.user, Role.ADMINISTRATEUR) and request.user.is_staff,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@agent_required(Role.SCOLAIRE, Role.ADMINISTRATEUR)
def campaign_edit(request, pk: int):
    year = SchoolYear.objects.filter(pk=pk).first()
    if year is None:
        raise Http404
    form = CampaignForm(
        request.POST or None,
        initial={"campaign_start": year.campaign_start, "campaign_end": year.campaign_end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.school_year_campaign_set(
                school_year=year,
                start=form.cleaned_data["campaign_start"],
                end=form.cleaned_data["campaign_end"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("La campagne d'inscription %(year)s est enregistrée.") % {"year": year.label},
            )
            return redirect("backoffice:school_reference")
    return render(
        request,
        "backoffice/schooling/campaign.html",
        {"form": form, "year": year},
        status=400 if form.errors else 200,
    )


# --- certificate --------------------------------------------------------------------------


@require_safe
@agent_required(Role.SCOLAIRE)
def certificate(request, reference: str):
    enrolment = (
        Enrolment.objects.filter(demarche__reference=reference)
        .select_related("demarche", "child", "school", "school_year", "family")
        .first()
    )
    if enrolment is None or not enrolment.certificate_available:
        raise Http404
    return pdf_response(certificate_render(enrolment), certificate_filename(enrolment))
