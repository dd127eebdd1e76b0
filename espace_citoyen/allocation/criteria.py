"""The criteria a commune may choose, in plain French, and how each is read from the
family card at the close. A commune adds its own with `criterion_register` (in an
AppConfig.ready()): a key, the sentence families read, and a function giving the ids of
the requests that meet it (a constant number of queries for all requests)."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from espace_citoyen.activities import rules as activity_rules
from espace_citoyen.activities.models import Booking, BookingStatus
from espace_citoyen.allocation.models import Allocation, AllocationRequest, RequestStatus
from espace_citoyen.families.models import Guardian
from espace_citoyen.portal.selectors import commune_get

Compute = Callable[[Allocation, Sequence[AllocationRequest]], set[int]]


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # short, for tables
    explanation: str  # one sentence families read
    compute: Compute
    reserved: bool = False  # the criterion of the reserved share of places


_criteria: dict[str, Criterion] = {}


def criterion_register(criterion: Criterion) -> None:
    _criteria[criterion.key] = criterion


def criterion_get(key: str) -> Criterion | None:
    return _criteria.get(key)


def criteria_all() -> list[Criterion]:
    return list(_criteria.values())


def _normalised(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def _resident(allocation, requests) -> set[int]:
    commune = _normalised(commune_get().name)
    return {r.pk for r in requests if _normalised(r.family.city) == commune}


def _working(allocation, requests) -> set[int]:
    """Every guardian with parental authority states a profession or an employer
    (a single parent: that parent)."""
    working: dict[int, list[bool]] = defaultdict(list)
    for family_id, profession, employer in Guardian.objects.filter(
        family_id__in={r.family_id for r in requests}, parental_authority=True
    ).values_list("family_id", "profession", "employer"):
        working[family_id].append(bool(profession.strip() or employer.strip()))
    return {r.pk for r in requests if working.get(r.family_id) and all(working[r.family_id])}


def _sibling_same_week(allocation, requests) -> set[int]:
    """A brother or sister already has a place, at one of the allocation's sites, in a
    week of the request's first choice."""
    sites = [activity.pk for activity in allocation.activities.all()]
    taken = defaultdict(set)  # family -> {(child, monday)}
    for family_id, child_id, day in Booking.objects.filter(
        family_id__in={r.family_id for r in requests},
        activity_id__in=sites,
        status=BookingStatus.CONFIRMED,
        date__range=(allocation.first_day, allocation.last_day),
    ).values_list("family_id", "child_id", "date"):
        taken[family_id].add((child_id, activity_rules.week_of(day)[0]))
    met = set()
    for request in requests:
        weeks = {
            activity_rules.week_of(date.fromisoformat(day))[0]
            for day in (request.choices[0]["days"] if request.choices else [])
        }
        if any(
            child != request.child_id and monday in weeks
            for child, monday in taken[request.family_id]
        ):
            met.add(request.pk)
    return met


def _not_granted_last_time(allocation, requests) -> set[int]:
    """The child asked at the previous published allocation and got no place."""
    previous = (
        Allocation.objects.filter(published_at__isnull=False, first_day__lt=allocation.first_day)
        .order_by("-first_day")
        .first()
    )
    if previous is None:
        return set()
    refused = set(
        AllocationRequest.objects.filter(
            Q(granted_choice__isnull=True),
            allocation=previous,
            status=RequestStatus.ACTIVE,
            child_id__in={r.child_id for r in requests},
        ).values_list("child_id", flat=True)
    )
    return {r.pk for r in requests if r.child_id in refused}


def _disability_or_pai(allocation, requests) -> set[int]:
    return {r.pk for r in requests if r.child.disability_situation or r.child.has_pai}


for _criterion in [
    Criterion(
        "commune",
        "Habite la commune",
        "La famille habite la commune.",
        _resident,
    ),
    Criterion(
        "travail",
        "Parents qui travaillent",
        "Les parents travaillent ou sont en formation, ou le parent seul travaille.",
        _working,
    ),
    Criterion(
        "fratrie",
        "Frère ou sœur déjà accueilli",
        "Un frère ou une sœur a déjà une place la même semaine.",
        _sibling_same_week,
    ),
    Criterion(
        "non_obtenu",
        "Pas de place la dernière fois",
        "L'enfant a demandé une place aux vacances précédentes et ne l'a pas obtenue.",
        _not_granted_last_time,
    ),
    Criterion(
        "handicap_pai",
        "Handicap ou PAI (places réservées)",
        "Une part des places est réservée aux enfants en situation de handicap ou avec un "
        "projet d'accueil individualisé (PAI).",
        _disability_or_pai,
        reserved=True,
    ),
]:
    criterion_register(_criterion)
