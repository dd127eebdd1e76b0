"""Reads of fair allocation: what families may ask for, their requests and outcomes,
the rules' input built from the database, the agents' preview, the public report."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone

from espace_citoyen.activities import rules as activity_rules
from espace_citoyen.activities import selectors as activity_selectors
from espace_citoyen.activities.models import Activity, ActivityDay, Unit
from espace_citoyen.allocation import criteria as criteria_registry
from espace_citoyen.allocation import rules
from espace_citoyen.allocation.models import (
    Adjustment,
    AgeGroup,
    Allocation,
    AllocationRequest,
    DayCapacity,
    RequestStatus,
)
from espace_citoyen.core import dates, rawsql


def state_of(allocation: Allocation, now=None) -> str:
    return rules.window_state(
        now or timezone.now(),
        opens_at=allocation.opens_at,
        closes_at=allocation.closes_at,
        published=allocation.published_at is not None,
    )


def _with_relations(queryset):
    return queryset.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.select_related("school_year", "school")),
        "groups",
    )


def allocation_get(pk: int) -> Allocation | None:
    return _with_relations(Allocation.objects.filter(pk=pk)).first()


def allocations_for_agent() -> list[Allocation]:
    return list(_with_relations(Allocation.objects.all()))


def allocations_for_family(family) -> list[Allocation]:
    """Allocations a family may look at: those not over yet (window to come, open, or
    closed awaiting publication), and published ones it asked in."""
    today = timezone.localdate()
    return list(
        _with_relations(
            Allocation.objects.filter(
                Q(published_at__isnull=True, last_day__gte=today)
                | Q(published_at__isnull=False, requests__family=family)
            ).distinct()
        )
    )


def requests_of_family(family, allocation: Allocation | None = None) -> list[AllocationRequest]:
    """The family's requests (its own only), with their démarche and child."""
    queryset = AllocationRequest.objects.filter(family=family).select_related(
        "demarche", "child", "allocation"
    )
    if allocation is not None:
        queryset = queryset.filter(allocation=allocation)
    return list(queryset.order_by("allocation_id", "child__birth_date", "id"))


def request_for_demarche(demarche) -> AllocationRequest | None:
    return (
        AllocationRequest.objects.filter(demarche=demarche)
        .select_related("allocation", "child")
        .first()
    )


# --- what may be asked for -------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    key: str  # « 12-s-2027-02-22 » (a week) or « 12-j-2027-02-23 » (a day)
    site: Activity
    days: tuple[date, ...]
    label: str


def operating_days(allocation: Allocation) -> dict[int, list[date]]:
    """Each site's operating days within the allocation's period (two queries)."""
    activities = list(allocation.activities.all())
    exceptions = activity_selectors.exceptions_between(
        activities, allocation.first_day, allocation.last_day
    )
    return {
        activity.pk: activity_rules.operating_days(
            activity_selectors.calendar_for(activity, exceptions),
            start=allocation.first_day,
            end=allocation.last_day,
        )
        for activity in activities
    }


def options(allocation: Allocation) -> list[Option]:
    """What a family may choose: each site's weeks, and its single days unless the site
    is booked by the week."""
    result = []
    days_by_site = operating_days(allocation)
    for activity in allocation.activities.all():
        weeks: dict[date, list[date]] = {}
        for day in days_by_site[activity.pk]:
            weeks.setdefault(activity_rules.week_of(day)[0], []).append(day)
        for monday, days in weeks.items():
            count = len(days)
            result.append(
                Option(
                    key=f"{activity.pk}-s-{monday.isoformat()}",
                    site=activity,
                    days=tuple(days),
                    label=f"{activity.name} — semaine du {dates.day_label(days[0])} "
                    f"({count} jour{'s' if count > 1 else ''})",
                )
            )
        if activity.unit != Unit.WEEK:
            for day in days_by_site[activity.pk]:
                result.append(
                    Option(
                        key=f"{activity.pk}-j-{day.isoformat()}",
                        site=activity,
                        days=(day,),
                        label=f"{activity.name} — {dates.day_label(day)}",
                    )
                )
    return result


def choice_label(allocation: Allocation, choice: dict, sites: dict[int, Activity]) -> str:
    """A stored choice in words: « Centre de loisirs — semaine du lundi 22 février 2027 »."""
    site = sites.get(choice["activity"])
    days = [date.fromisoformat(day) for day in choice["days"]]
    name = site.name if site else "?"
    if len(days) == 1:
        return f"{name} — {dates.day_label(days[0])}"
    return f"{name} — du {dates.day_label(days[0])} au {dates.day_label(days[-1])}"


def group_for(groups: list[AgeGroup], birth_date: date, on: date) -> AgeGroup | None:
    age = activity_rules.age_on(birth_date, on)
    return next((g for g in groups if g.min_age <= age <= g.max_age), None)


# --- the rules' input ------------------------------------------------------------------------


@dataclass
class Input:
    requests: list[rules.Request]
    capacity: dict
    day_capacity: dict
    criteria: list[str]
    reserved: tuple[str, float] | None
    adjustments: dict[str, rules.Adjustment]
    by_ref: dict[str, AllocationRequest] = field(default_factory=dict)


def active_requests(allocation: Allocation) -> list[AllocationRequest]:
    return list(
        AllocationRequest.objects.filter(allocation=allocation, status=RequestStatus.ACTIVE)
        .select_related("demarche", "child", "family")
        .order_by("id")
    )


def request_lines(requests: list[AllocationRequest]) -> list[str]:
    return [
        rules.request_line(
            r.demarche.reference,
            [
                rules.Choice(c["activity"], tuple(date.fromisoformat(d) for d in c["days"]))
                for c in r.choices
            ],
            r.together,
        )
        for r in requests
    ]


def latest_adjustments(allocation: Allocation) -> dict[int, Adjustment]:
    """The adjustment that applies to each request (the latest not withdrawn)."""
    latest = {}
    for adjustment in Adjustment.objects.filter(
        allocation=allocation, withdrawn_at__isnull=True
    ).select_related("agent", "request__demarche"):
        latest[adjustment.request_id] = adjustment
    return latest


def rules_input(allocation: Allocation, requests: list[AllocationRequest] | None = None) -> Input:
    """Everything the allocation needs, read in a constant number of queries."""
    requests = active_requests(allocation) if requests is None else requests
    groups = list(allocation.groups.all())
    sites = [activity.pk for activity in allocation.activities.all()]
    activities = {activity.pk: activity for activity in allocation.activities.all()}
    days_by_site = operating_days(allocation)
    free = {
        (row.activity_id, row.date): row.free
        for row in ActivityDay.objects.filter(
            activity_id__in=sites, date__range=(allocation.first_day, allocation.last_day)
        )
    }
    overrides = {
        (row.activity_id, row.date): row.capacity
        for row in DayCapacity.objects.filter(allocation=allocation)
    }
    capacity, day_capacity = {}, {}
    for site, days in days_by_site.items():
        for day in days:
            cap = free.get((site, day), activities[site].capacity)
            if (site, day) in overrides:
                cap = min(cap, overrides[(site, day)])
            day_capacity[(site, day)] = cap
            if groups:
                for group in groups:
                    capacity[(site, day, group.label)] = group.capacity
            else:
                capacity[(site, day, rules.ALL_GROUPS)] = cap
    built = []
    by_ref = {}
    for request in requests:
        group = (
            group_for(groups, request.child.birth_date, allocation.first_day) if groups else None
        )
        ref = request.demarche.reference
        by_ref[ref] = request
        built.append(
            rules.Request(
                ref=ref,
                choices=tuple(
                    rules.Choice(c["activity"], tuple(date.fromisoformat(d) for d in c["days"]))
                    for c in request.choices
                ),
                criteria=frozenset(request.criteria_met),
                group=group.label if group else rules.ALL_GROUPS,
                together=request.together if allocation.keep_siblings else "",
            )
        )
    reserved = None
    reserved_key = next(
        (
            key
            for key in allocation.criteria
            if (c := criteria_registry.criterion_get(key)) is not None and c.reserved
        ),
        None,
    )
    if reserved_key and allocation.reserved_share:
        reserved = (reserved_key, allocation.reserved_share / 100)
    adjustments = {
        by_ref_key: rules.Adjustment(adjustment.action, adjustment.choice)
        for adjustment in latest_adjustments(allocation).values()
        if (by_ref_key := adjustment.request.demarche.reference) in by_ref
    }
    return Input(
        requests=built,
        capacity=capacity,
        day_capacity=day_capacity,
        criteria=[key for key in allocation.criteria if criteria_registry.criterion_get(key)],
        reserved=reserved,
        adjustments=adjustments,
        by_ref=by_ref,
    )


def run(allocation: Allocation, data: Input) -> rules.Result:
    return rules.allocate(
        data.requests,
        capacity=data.capacity,
        day_capacity=data.day_capacity,
        seed=allocation.seed,
        criteria=data.criteria,
        reserved=data.reserved,
        adjustments=data.adjustments,
    )


def criteria_explained(allocation: Allocation) -> list[criteria_registry.Criterion]:
    return [c for key in allocation.criteria if (c := criteria_registry.criterion_get(key))]


def published_allocation(pk: int) -> Allocation | None:
    return _with_relations(Allocation.objects.filter(pk=pk, published_at__isnull=False)).first()


def covering(activity, days) -> Allocation | None:
    """An allocation not yet published whose period covers one of `days` at this
    activity (the booking guard): one query."""
    if not days:
        return None
    return (
        Allocation.objects.filter(
            activities=activity,
            published_at__isnull=True,
            first_day__lte=max(days),
            last_day__gte=min(days),
        )
        .only("pk", "label", "closes_at", "results_on")
        .first()
    )


def covering_between(activities, first: date, last: date) -> list[tuple[int, Allocation]]:
    """(activity id, allocation) for each allocation not yet published that covers some
    day between `first` and `last` at one of `activities` (the month calendar, on every
    visit: one raw statement, docs/benchmarks.md)."""
    ids = [activity.pk for activity in activities]
    if not ids:
        return []
    cols = rawsql.columns(Allocation, alias="al")
    found = rawsql.fetch(
        f"SELECT l.activity_id, {cols.sql} FROM allocation_allocation_activities l "  # noqa: S608
        "JOIN allocation_allocation al ON al.id = l.allocation_id "
        f"WHERE l.activity_id IN ({', '.join(['%s'] * len(ids))}) "
        "AND al.published_at IS NULL AND al.first_day <= %s AND al.last_day >= %s "
        "ORDER BY al.opens_at, al.id",
        [*ids, last, first],
    )
    return [(row[0], cols.build(row[1:])) for row in found]
