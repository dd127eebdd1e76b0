"""Reads of the citizen side: a family's enrolments, the month calendar of a child,
the iCal feed."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from espace_citoyen.activities import registry, rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityKind,
    Booking,
    BookingStatus,
    CalendarFeed,
    Enrolment,
    EnrolmentStatus,
    Unit,
)
from espace_citoyen.activities.selectors import month as month_reads
from espace_citoyen.activities.selectors.calendar import (
    activity_range,
    calendar_for,
    commune_zone,
    deadline_for,
    now_local,
)
from espace_citoyen.core import dates

# --- citizen side ----------------------------------------------------------------------------


def open_activities(today: date) -> list[Activity]:
    """Active activities of school years not over yet."""
    return list(
        Activity.objects.filter(active=True, school_year__end_date__gte=today)
        .select_related("school_year", "school")
        .order_by("school_year__start_date", "kind", "name")
    )


def enrolments_of_family(family) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(family=family)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("activity__school_year", "activity__school", "demarche", "child")
        .order_by("child__birth_date", "activity__kind", "-created_at")
    )


def enrolment_for_demarche(demarche) -> Enrolment | None:
    """The enrolment behind an enrolment démarche, for its page."""
    return (
        Enrolment.objects.filter(demarche=demarche)
        .select_related("activity__school_year", "activity__school", "child")
        .first()
    )


def enrolment_get_for_family(family, pk: int) -> Enrolment | None:
    return (
        Enrolment.objects.filter(family=family, pk=pk)
        .select_related("activity__school_year", "activity__school", "child")
        .first()
    )


def _waitlist_rank():
    """Rank on the waitlist: 1 + the waitlisted bookings with a smaller position."""
    ahead = (
        Booking.objects.filter(
            activity_id=OuterRef("activity_id"),
            date=OuterRef("date"),
            status=BookingStatus.WAITLISTED,
            waitlist_position__lt=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("activity_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(ahead), 0) + 1


# The badge of each state on the month page.
_BADGES = {
    rules.BOOKED: "badge-success",
    rules.WAITLISTED: "badge-info",
    rules.FULL: "badge-warning",
    rules.FREE: "badge-info",
}


@dataclass
class CalendarCell:
    activity: Activity
    day: date
    state: rules.DayState
    week_start: date
    # Set when another app keeps the day from first-come booking (activities.registry).
    notice: registry.DayNotice | None = None
    # Computed once here rather than by filters in each of the page's cells: the cell's
    # anchor (`jour-<activity>-<YYYY-MM-DD>`, the fragment a booking returns to), the date
    # as the forms send it, and the badge's class.
    # (child_month gives them; computed here when not given.)
    iso: str = ""
    anchor: str = ""
    badge: str = ""

    def __post_init__(self) -> None:
        if not self.iso:
            self.iso = self.day.isoformat()
            self.anchor = f"jour-{self.activity.pk}-{self.iso}"
            self.badge = _BADGES.get(self.state.code, "")


@dataclass
class CalendarRow:
    day: date
    label: str
    cells: list[CalendarCell] = field(default_factory=list)


@dataclass
class MonthCalendar:
    child: object
    year: int
    month: int
    activities: list[Activity]
    rows: list[CalendarRow]
    previous: date | None
    next: date | None
    weeks: list[dict]  # week bookings offered for holiday activities
    # Days before the month's first open day (one that can still be booked or changed),
    # folded on the page; `rows` starts at that day. Empty when no day is open.
    past: list[CalendarRow] = field(default_factory=list)
    first_open: date | None = None

    @property
    def title(self) -> str:
        return f"{dates.month_name(self.month)} {self.year}"

    # The links to the months around, as the page writes them (?mois=2026-12, « décembre
    # 2026 »), computed here rather than by date filters.
    @property
    def previous_param(self) -> str:
        return f"{self.previous:%Y-%m}" if self.previous else ""

    @property
    def previous_label(self) -> str:
        return _month_label(self.previous)

    @property
    def next_param(self) -> str:
        return f"{self.next:%Y-%m}" if self.next else ""

    @property
    def next_label(self) -> str:
        return _month_label(self.next)


def _month_label(day: date | None) -> str:
    return f"{dates.month_name(day.month)} {day.year}" if day else ""


# What the month page computes from data it has just read, kept per process under keys
# made of that data (pure functions of their keys: nothing can be stale; docs/benchmarks.md):
# every family enrolled in an activity sees the same closed days and deadlines, and most
# cells share a state.
_ACTIVITY_DAYS: dict[tuple, list[tuple[str | None, datetime]]] = {}
_ACTIVITY_DAYS_MAX = 512


def _activity_days(activity, exceptions, closings, days, zone, language):
    """(closed reason or None, deadline) of each of `days` for `activity`."""
    key = (
        activity.pk,
        activity.kind,
        tuple(activity.weekdays or ()),
        activity.school_year.start_date,
        activity.school_year.end_date,
        activity.deadline_working_days,
        activity.deadline_time,
        tuple(
            (e.activity_id, e.date, e.opening, e.reason)
            for e in exceptions
            if e.activity_id in (None, activity.pk)
        ),
        tuple(
            (c.first_day, c.last_day, c.closes_on) for c in closings if c.activity_id == activity.pk
        ),
        days[0],
        zone,
        language,
    )
    found = _ACTIVITY_DAYS.get(key)
    if found is None:
        calendar = calendar_for(activity, exceptions)
        found = [
            (rules.closed_reason(day, calendar), deadline_for(activity, day, calendar, closings))
            for day in days
        ]
        if len(_ACTIVITY_DAYS) >= _ACTIVITY_DAYS_MAX:
            _ACTIVITY_DAYS.clear()
        _ACTIVITY_DAYS[key] = found
    return found


@lru_cache(maxsize=4096)
def _day_state(closed, booking_status, position, locked_deadline, free, by_week, _language):
    """rules.day_state of a cell whose lock is known (`locked_deadline`: the deadline
    when it has passed, else None), kept per language."""
    return rules.day_state(
        closed=closed,
        booking_status=booking_status,
        position=position if booking_status == "waitlisted" else None,
        deadline=locked_deadline,
        now=None,
        free_places=free,
        by_week=by_week,
        locked=locked_deadline is not None,
    )


def child_month(
    child, year: int, month: int, activities: list[Activity] | None = None
) -> MonthCalendar:
    """The month calendar of a child: for each weekday and each activity the child is
    enrolled in, its state (booked / waitlisted / free / full / closed / locked), in a
    fixed number of raw statements (selectors.month). `activities`: those of the child's
    accepted enrolments when already read (`month.child_with_activities`)."""
    if activities is None:
        activities = month_reads.month_activities(child)
    days = rules.month_weekdays(year, month)
    first, last = days[0], days[-1]
    activity_ids = [activity.pk for activity in activities]
    read = month_reads.month_days(child, activity_ids, first, last)
    bookings, counters = read.bookings, read.counters
    exceptions, closings = read.exceptions, read.closings
    notices = registry.day_notices(activities, first, last)
    now = now_local()
    language = get_language()
    zone = commune_zone()
    calendars = {
        activity.pk: _activity_days(activity, exceptions, closings, days, zone, language)
        for activity in activities
    }
    # Each activity's fixed parts, read once rather than in each of its cells.
    columns = [
        (
            activity,
            activity.pk,
            calendars[activity.pk],
            activity.capacity,
            activity.unit == Unit.WEEK,
            activity.kind == ActivityKind.HOLIDAYS,
        )
        for activity in activities
    ]
    rows = []
    weeks: dict[tuple[int, date], dict] = {}
    for index, day in enumerate(days):
        iso = day.isoformat()
        monday = day - timedelta(days=day.weekday())
        row = CalendarRow(day=day, label=dates.day_label(day, language))
        for activity, pk, days_of, capacity, by_week, holidays in columns:
            closed, deadline = days_of[index]
            status, rank = bookings.get((pk, day), (None, None))
            state = _day_state(
                closed,
                None
                if status is None
                else "confirmed"
                if status == BookingStatus.CONFIRMED
                else "waitlisted",
                rank,
                deadline if rules.deadline_passed(deadline, now) else None,
                counters.get((pk, day), capacity),
                by_week,
                language,
            )
            notice = notices.get((pk, day))
            if notice is not None and state.code in (rules.FREE, rules.FULL):
                # Not booked first come: the server would refuse, the page says where to ask.
                state = rules.DayState(rules.ON_REQUEST, notice.label, notice.reason)
            else:
                notice = None
            row.cells.append(
                CalendarCell(
                    activity=activity,
                    day=day,
                    state=state,
                    week_start=monday,
                    notice=notice,
                    iso=iso,
                    anchor=f"jour-{pk}-{iso}",
                    badge=_BADGES.get(state.code, ""),
                )
            )
            if holidays and closed is None:
                week = weeks.get((pk, monday))
                if week is None:
                    week = weeks[(pk, monday)] = {
                        "activity": activity,
                        "monday": monday,
                        "iso": monday.isoformat(),
                        "label": dates.day_label(monday, language),
                        "states": [],
                    }
                week["states"].append(state.code)
        rows.append(row)
    week_offers = []
    for week in weeks.values():
        states = week.pop("states")
        week["bookable"] = all(code in (rules.FREE, rules.FULL) for code in states)
        week["full"] = any(code == rules.FULL for code in states)
        if week["bookable"]:
            week_offers.append(week)
    open_at = next(
        (
            index
            for index, row in enumerate(rows)
            if any(c.state.action or c.notice for c in row.cells)
        ),
        None,
    )
    first_open = rows[open_at].day if open_at is not None else None
    past, rows = (rows[:open_at], rows[open_at:]) if open_at else ([], rows)
    starts = [activity.school_year.start_date for activity in activities]
    ends = [activity_range(activity)[1] for activity in activities]
    month_start = date(year, month, 1)
    previous = (month_start - timedelta(days=1)).replace(day=1)
    following = (month_start + timedelta(days=32)).replace(day=1)
    return MonthCalendar(
        child=child,
        year=year,
        month=month,
        activities=activities,
        rows=rows,
        previous=previous if starts and previous >= min(starts).replace(day=1) else None,
        next=following if ends and following <= max(ends) else None,
        weeks=week_offers,
        past=past,
        first_open=first_open,
    )


def child_first_month(
    child, today: date, activities: list[Activity] | None = None
) -> MonthCalendar:
    """The calendar a parent lands on: this month, or the next one when no day left in
    this month can still be booked or changed (at the end of a month). At most twice
    the queries of one month (less the activities', when given)."""
    if activities is None:
        activities = month_reads.month_activities(child)
    calendar = child_month(child, today.year, today.month, activities)
    if calendar.first_open is None and calendar.next is not None:
        following = child_month(child, calendar.next.year, calendar.next.month, activities)
        if following.first_open is not None:
            return following
    return calendar


def feed_for(child) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(child=child, revoked_at__isnull=True).first()


def feed_bookings(token: str):
    """The child and confirmed bookings behind a live feed token, or (None, [])."""
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("child")
        .first()
    )
    if feed is None:
        return None, []
    bookings = list(
        Booking.objects.filter(child=feed.child, status=BookingStatus.CONFIRMED)
        .select_related("activity__school")
        .order_by("date", "activity__kind")
    )
    return feed.child, bookings
