"""Reads of schooling: school years and campaigns, the sector school of an address, a
family's enrolments, the commission's view and the lists for schools. Each runs a fixed
number of queries, whatever the number of rows."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches.rules import OPEN_STATUSES, Status
from espace_citoyen.families.models import Document, DocumentKind, DocumentStatus, Guardian
from espace_citoyen.portal.selectors import commune_get
from espace_citoyen.schooling import rules
from espace_citoyen.schooling.models import (
    Derogation,
    DerogationMotive,
    Enrolment,
    RequestedDocument,
    School,
    SchoolYear,
    SectorImport,
    SectorRule,
)

ACTIVE_STATUSES = frozenset(OPEN_STATUSES | {Status.ACCEPTED})


# --- school years -------------------------------------------------------------------------


def school_years_to_come(today: date) -> list[SchoolYear]:
    """The school years not over yet (the current one and the next ones)."""
    return list(SchoolYear.objects.filter(end_date__gte=today).order_by("start_date"))


def school_year_default(today: date) -> SchoolYear | None:
    """The year agents look at first: the one whose campaign is open, else the next one
    to start, else the last one."""
    return school_year_default_among(school_years_all(), today)


def schools_active() -> list[School]:
    return list(School.objects.filter(active=True))


def motives_active() -> list[DerogationMotive]:
    return list(DerogationMotive.objects.filter(active=True))


# --- the carte scolaire -------------------------------------------------------------------


def _as_line(rule: SectorRule) -> rules.SectorLine:
    return rules.SectorLine(
        street=rule.street,
        range=rule.range,
        school=str(rule.school_id),
        school_kind=rule.school.kind,
    )


def sector_rules(search: str = "") -> list[SectorRule]:
    """The carte scolaire, street by street; `search` keeps the streets whose name
    contains it (accents, case and abbreviations ignored)."""
    queryset = SectorRule.objects.select_related("school")
    key = rules.street_key(search) if search else ""
    if key:
        queryset = queryset.filter(street_key__contains=key)
    return list(queryset)


def sector_last_import() -> SectorImport | None:
    return SectorImport.objects.select_related("by").first()


class SectorNotFound(ApplicationError):
    """The address is outside the commune or outside the carte scolaire."""


@dataclass
class Sector:
    """The sector schools of an address, by cycle (maternelle, élémentaire)."""

    address: str
    schools: dict[str, School] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    outside: str = ""  # the message when the address is not in the commune


def _commune():
    commune = commune_get()
    codes = [code for code in (commune.postal_codes or "").split(",") if code.strip()]
    return codes, (commune.name if commune.pk else "")


def address_text(address_line1: str, address_line2: str, postal_code: str, city: str) -> str:
    return ", ".join(
        part.strip()
        for part in (address_line1, address_line2, f"{postal_code} {city}")
        if part.strip()
    )


def sector_for_address(
    *, address_line1: str, address_line2: str = "", postal_code: str, city: str
) -> Sector:
    """The sector school of each cycle for an address (one query for the map), or the
    reason why there is none, written for the family."""
    text = address_text(address_line1, address_line2, postal_code, city)
    sector = Sector(address=text)
    codes, commune_name = _commune()
    if not rules.address_in_commune(
        postal_code=postal_code,
        city=city,
        commune_postal_codes=codes,
        commune_name=commune_name,
    ):
        sector.outside = _(
            "Votre adresse (%(address)s) n'est pas dans la commune de %(commune)s : elle "
            "n'a pas d'école de secteur ici. Pour scolariser votre enfant dans la commune, "
            "adressez-vous d'abord à la mairie de votre commune de résidence, puis au "
            "service scolaire."
        ) % {"address": text, "commune": commune_name or _("la commune")}
        return sector
    candidates = [rules.parse_address_line(line) for line in (address_line1, address_line2)]
    candidates = [parsed for parsed in candidates if rules.street_key(parsed.street)]
    keys = [rules.street_key(parsed.street) for parsed in candidates]
    found = list(SectorRule.objects.filter(street_key__in=keys).select_related("school"))
    parsed = next(
        (
            p
            for p, key in zip(candidates, keys, strict=True)
            if any(r.street_key == key for r in found)
        ),
        None,
    )
    if parsed is None:
        street = candidates[0].street if candidates else address_line1
        message = _(
            "La voie « %(street)s » ne figure pas dans la carte scolaire de la commune. "
            "Vérifiez l'adresse de votre carte famille (rubrique « Mettre à jour vos données "
            "personnelles ») ou contactez le service scolaire."
        ) % {"street": street}
        sector.problems = dict.fromkeys(rules.CYCLES, message)
        return sector
    key = rules.street_key(parsed.street)
    street_rules = [rule for rule in found if rule.street_key == key]
    for cycle in rules.CYCLES:
        matches = rules.sector_matches(
            [_as_line(rule) for rule in street_rules], number=parsed.number, cycle=cycle
        )
        school_ids = {line.school for line in matches}
        if len(school_ids) == 1:
            school_id = int(school_ids.pop())
            sector.schools[cycle] = next(r.school for r in street_rules if r.school_id == school_id)
        elif not school_ids and parsed.number is None:
            sector.problems[cycle] = _(
                "Aucune école %(cycle)s n'est prévue pour « %(street)s » dans la carte "
                "scolaire : contactez le service scolaire."
            ) % {"cycle": rules.CYCLE_LABELS[cycle], "street": parsed.street}
        elif not school_ids:
            sector.problems[cycle] = _(
                "Aucune école %(cycle)s n'est prévue pour le numéro %(number)d de « %(street)s » "
                "dans la carte scolaire : contactez le service scolaire."
            ) % {
                "cycle": rules.CYCLE_LABELS[cycle],
                "number": parsed.number,
                "street": parsed.street,
            }
        else:
            sector.problems[cycle] = _(
                "L'école de secteur de « %(street)s » dépend du numéro dans la voie : "
                "indiquez-le dans l'adresse de votre carte famille."
            ) % {"street": parsed.street}
    return sector


def sector_school(
    *, address_line1: str, address_line2: str = "", postal_code: str, city: str, level: str
) -> School:
    """The sector school for a child of `level` living at this address; SectorNotFound
    (an ApplicationError with a message for the family) when there is none."""
    sector = sector_for_address(
        address_line1=address_line1, address_line2=address_line2, postal_code=postal_code, city=city
    )
    if sector.outside:
        raise SectorNotFound(sector.outside, code="outside")
    cycle = rules.cycle_of(level)
    if cycle not in sector.schools:
        raise SectorNotFound(sector.problems[cycle], code="unknown_street")
    return sector.schools[cycle]


def sector_for_family(family) -> Sector:
    return sector_for_address(
        address_line1=family.address_line1,
        address_line2=family.address_line2,
        postal_code=family.postal_code,
        city=family.city,
    )


# --- enrolments ---------------------------------------------------------------------------


def _enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.select_related(
        "demarche", "child", "school_year", "school", "sector_school"
    )


def enrolments_of_family(family) -> list[Enrolment]:
    """The family's enrolments, newest year first, with their dérogations."""
    return list(
        _enrolments()
        .filter(family=family)
        .prefetch_related(
            Prefetch(
                "derogations",
                queryset=Derogation.objects.select_related("demarche", "requested_school"),
            )
        )
        .order_by("-school_year__start_date", "child__birth_date", "-created_at")
    )


def enrolment_active(child, school_year) -> Enrolment | None:
    """The child's active enrolment (submitted, examined or accepted) for the year."""
    return _enrolments().filter(child=child, school_year=school_year, active=True).first()


def enrolment_accepted_for_child(child, school_year) -> Enrolment | None:
    """Where the child is enrolled for the year (accepted enrolment), for the other
    services (périscolaire…): `.school` and `.level`."""
    return (
        _enrolments()
        .filter(child=child, school_year=school_year, active=True, demarche__status=Status.ACCEPTED)
        .first()
    )


def enrolment_by_demarche(demarche) -> Enrolment | None:
    return _enrolments().filter(demarche=demarche).first()


def derogation_by_demarche(demarche) -> Derogation | None:
    return (
        Derogation.objects.filter(demarche=demarche)
        .select_related(
            "motive",
            "requested_school",
            "enrolment__demarche",
            "enrolment__school",
            "enrolment__sector_school",
            "enrolment__school_year",
            "enrolment__child",
        )
        .first()
    )


def accepted_counts(school_year) -> dict[int, int]:
    """Accepted enrolments per school for the year, in one query."""
    rows = (
        Enrolment.objects.filter(
            school_year=school_year, active=True, demarche__status=Status.ACCEPTED
        )
        .values("school_id")
        .annotate(n=Count("id"))
    )
    return {row["school_id"]: row["n"] for row in rows}


def places_left(school: School, school_year) -> int | None:
    """Places left at the school for the year (None when its capacity is not set)."""
    if school.capacity is None:
        return None
    return rules.places_left(school.capacity, accepted_counts(school_year).get(school.pk, 0))


# --- the commission -----------------------------------------------------------------------


@dataclass
class CommissionSchool:
    school: School
    accepted: int
    places_left: int | None
    requests: list[Derogation]


def commission(school_year) -> list[CommissionSchool]:
    """Pending dérogation requests of the year, grouped by requested school, each school
    with its accepted enrolments and places left: three queries whatever the count."""
    requests = list(
        Derogation.objects.filter(
            enrolment__school_year=school_year, demarche__status__in=OPEN_STATUSES
        )
        .select_related(
            "demarche",
            "motive",
            "requested_school",
            "enrolment__child",
            "enrolment__school",
            "enrolment__sector_school",
        )
        .order_by("requested_school__name", "demarche__created_at", "id")
    )
    counts = accepted_counts(school_year)
    groups: dict[int, CommissionSchool] = {}
    for request in requests:
        school = request.requested_school
        if school.pk not in groups:
            accepted = counts.get(school.pk, 0)
            groups[school.pk] = CommissionSchool(
                school=school,
                accepted=accepted,
                places_left=rules.places_left(school.capacity, accepted),
                requests=[],
            )
        groups[school.pk].requests.append(request)
    return list(groups.values())


# --- lists for schools --------------------------------------------------------------------


def school_list(school_year, *, school: School | None = None, level: str = "") -> list[Enrolment]:
    """Accepted enrolments of the year, by school, level and name, with each family's
    guardians (for the directors' spreadsheets): two queries."""
    queryset = Enrolment.objects.filter(
        school_year=school_year, active=True, demarche__status=Status.ACCEPTED
    )
    if school is not None:
        queryset = queryset.filter(school=school)
    if level:
        queryset = queryset.filter(level=level)
    enrolments = list(
        queryset.select_related("school", "sector_school", "child", "family", "demarche")
        .prefetch_related(
            Prefetch(
                "family__guardians",
                queryset=Guardian.objects.order_by("position", "id"),
            )
        )
        .order_by("school__name", "level", "child__last_name", "child__first_name", "id")
    )
    order = {level: index for index, level in enumerate(rules.LEVEL_ORDER)}
    enrolments.sort(
        key=lambda e: (e.school.name, order.get(e.level, 99), e.child.last_name, e.child.first_name)
    )
    return enrolments


def open_derogation(enrolment) -> Derogation | None:
    return (
        Derogation.objects.filter(enrolment=enrolment, demarche__status__in=OPEN_STATUSES)
        .select_related("demarche")
        .first()
    )


def may_ask_derogation(enrolment: Enrolment, today: date) -> bool:
    """A dérogation may be asked for an enrolment submitted, examined or accepted, for a
    school year not over yet (needs `demarche` and `school_year`)."""
    return (
        enrolment.active
        and enrolment.demarche.status in ACTIVE_STATUSES
        and enrolment.school_year.end_date >= today
    )


# --- papers of an enrolment ---------------------------------------------------------------


@dataclass
class RequestedPaper:
    """One paper the mayor's service may ask for an enrolment, and what the family gave."""

    key: str
    label: str
    documents: list = field(default_factory=list)
    sworn: bool = False
    links: list = field(default_factory=list)  # (document, url) pairs, set by the views

    @property
    def status(self) -> str:
        if self.documents:
            return "fourni"
        return "attestation" if self.sworn else "demande"


def _paper_of(document, child_id: int) -> str:
    if document.kind == DocumentKind.FAMILY_RECORD or (
        document.kind == DocumentKind.IDENTITY and document.child_id == child_id
    ):
        return RequestedDocument.CHILD_IDENTITY
    if document.kind == DocumentKind.IDENTITY:
        return RequestedDocument.GUARDIANS_IDENTITY
    if document.kind == DocumentKind.PROOF_OF_ADDRESS:
        return RequestedDocument.PROOF_OF_ADDRESS
    return ""


def enrolment_papers(enrolment: Enrolment) -> list[RequestedPaper]:
    """The three papers of D131-3-1 for this enrolment: sent with it or already on the
    family card (unless refused), replaced by a sworn statement, or still requested.
    One query."""
    papers = {
        key: RequestedPaper(key=key, label=label, sworn=key in (enrolment.sworn_statements or []))
        for key, label in RequestedDocument.choices
    }
    documents = (
        Document.objects.filter(
            family_id=enrolment.family_id,
            kind__in=[
                DocumentKind.FAMILY_RECORD,
                DocumentKind.IDENTITY,
                DocumentKind.PROOF_OF_ADDRESS,
            ],
        )
        .exclude(status=DocumentStatus.REFUSED)
        .filter(Q(child__isnull=True) | Q(child_id=enrolment.child_id))
        .order_by("-created_at", "-id")
    )
    for document in documents:
        key = _paper_of(document, enrolment.child_id)
        if key:
            papers[key].documents.append(document)
    return list(papers.values())


def school_years_all() -> list[SchoolYear]:
    return list(SchoolYear.objects.order_by("start_date"))


def school_year_default_among(years: list[SchoolYear], today: date) -> SchoolYear | None:
    """school_year_default() over years already read: no query."""
    for year in years:
        if rules.campaign_is_open(today, year.campaign_start, year.campaign_end):
            return year
    upcoming = [year for year in years if year.start_date >= today]
    if upcoming:
        return upcoming[0]
    return years[-1] if years else None
