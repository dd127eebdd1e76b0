"""Demo data of fair allocation, relative to today: « Mini-séjour nature » whose request
window is open (closes in a week), and « Stage multisport » whose allocation is already
published (requests of eight demo families for four places a day, one adjusted with a
reason). Both run at the Centre de loisirs des Sources during the next school holidays
at least ten days away (else the last ones of the year). Idempotent."""

from datetime import timedelta

from django.utils import timezone

from espace_citoyen.activities import rules as activity_rules
from espace_citoyen.activities import selectors as activity_selectors
from espace_citoyen.activities.models import Activity, ActivityKind, Unit
from espace_citoyen.allocation import selectors, services
from espace_citoyen.allocation.models import Allocation, AllocationRequest
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Family
from espace_citoyen.schooling.models import SchoolYear

OPEN_LABEL = "Mini-séjour nature — vacances"
PUBLISHED_LABEL = "Stage multisport — vacances"
PLACE = "Centre de loisirs des Sources"


def _activity(name: str, capacity: int) -> Activity:
    today = timezone.localdate()
    year = (
        SchoolYear.objects.filter(start_date__lte=today).order_by("-start_date").first()
        or SchoolYear.objects.order_by("start_date").first()
    )
    activity, _created = Activity.objects.get_or_create(
        name=name,
        school_year=year,
        defaults={
            "kind": ActivityKind.HOLIDAYS,
            "place_name": PLACE,
            "capacity": capacity,
            "unit": Unit.WEEK,
            "uses_weekly_template": False,
        },
    )
    return activity


def _first_week(activity: Activity):
    """The first holiday week at least ten days away, else the last one of the year."""
    today = timezone.localdate()
    calendar = activity_selectors.calendar_for(activity)
    days = activity_rules.operating_days(calendar)
    ahead = [day for day in days if day >= today + timedelta(days=10)]
    chosen = ahead or days[-5:]
    if not chosen:
        return None
    monday = activity_rules.week_of(chosen[0])[0]
    return monday, monday + timedelta(days=4)


def _values(label: str, first, last, opens_at, closes_at) -> dict:
    return {
        "label": label,
        "first_day": first,
        "last_day": last,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "results_on": max(timezone.localtime(closes_at).date(), timezone.localdate())
        + timedelta(days=2),
        "criteria": ["handicap_pai", "commune", "travail", "non_obtenu", "fratrie"],
        "reserved_share": 10,
        "keep_siblings": True,
    }


def _families() -> list[Family]:
    return list(Family.objects.filter(number__startswith="F-D").order_by("number")[:8])


def _open() -> None:
    if Allocation.objects.filter(label=OPEN_LABEL).exists():
        return
    activity = _activity("Mini-séjour nature", 12)
    week = _first_week(activity)
    if week is None:
        return
    now = timezone.now()
    services.allocation_save(
        agent=None,
        values=_values(OPEN_LABEL, *week, now - timedelta(days=1), now + timedelta(days=7)),
        activities=[activity],
        groups=[],
    )


def _published() -> None:
    if Allocation.objects.filter(label=PUBLISHED_LABEL).exists():
        return
    activity = _activity("Stage multisport", 4)
    week = _first_week(activity)
    if week is None:
        return
    now = timezone.now()
    allocation = services.allocation_save(
        agent=None,
        values=_values(PUBLISHED_LABEL, *week, now - timedelta(days=5), now + timedelta(hours=1)),
        activities=[activity],
        groups=[],
    )
    option = next(o for o in selectors.options(allocation))
    for family in _families():
        children = list(family.children.all()[:1])
        try:
            services.request_submit(
                allocation=allocation,
                family=family,
                children=children,
                choices=[option.key],
                together=False,
                actor=None,
            )
        except ApplicationError:
            continue
    # The window closed a minute ago (the demo cannot wait for it).
    Allocation.objects.filter(pk=allocation.pk).update(closes_at=now - timedelta(minutes=1))
    allocation.refresh_from_db()
    allocation = services.draw_fix(
        allocation=allocation,
        public_value=f"Tirage de démonstration du {timezone.localdate():%d/%m/%Y}",
        agent=None,
    )
    last = AllocationRequest.objects.filter(allocation=allocation).order_by("-id").first()
    if last is not None:
        try:
            services.adjustment_add(
                allocation=allocation,
                request=last,
                action="grant",
                choice=0,
                reason="Situation familiale signalée par l'assistante sociale",
                agent=None,
            )
        except ApplicationError:
            pass
    services.allocation_publish(allocation=allocation, agent=None)


def load() -> list[tuple[str, str]]:
    _open()
    _published()
    return []
