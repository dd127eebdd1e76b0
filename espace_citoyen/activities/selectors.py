"""Reads of activities. Every page-level selector runs a fixed number of queries,
whatever the number of days booked or children listed (one query per kind of row)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from espace_citoyen.activities import registry, rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    Attendance,
    Booking,
    BookingStatus,
    CalendarException,
    CalendarFeed,
    Enrolment,
    EnrolmentStatus,
    HolidayClosing,
    Unit,
)
from espace_citoyen.core import dates
from espace_citoyen.families.models import Document, DocumentKind
from espace_citoyen.portal.selectors import commune_get


def now_local() -> datetime:
    """The commune's wall clock, naive (deadlines are local times)."""
    return timezone.localtime().replace(tzinfo=None)


def commune_zone() -> str:
    return commune_get().school_zone or "B"


def activity_range(activity: Activity) -> tuple[date, date]:
    """First and last day an activity may run: its school year; the holiday centre also
    runs the summer holidays after the last day of school."""
    year = activity.school_year
    end = year.end_date
    if activity.kind == ActivityKind.HOLIDAYS:
        end = max(end, date(end.year, 8, 31))
    return year.start_date, end


def calendar_for(
    activity: Activity, exceptions: Iterable[CalendarException] = ()
) -> rules.Calendar:
    """The operating calendar of an activity, with the exceptions that concern it."""
    start, end = activity_range(activity)
    closures = {}
    openings = set()
    for exception in exceptions:
        if exception.activity_id not in (None, activity.pk):
            continue
        if exception.opening:
            openings.add(exception.date)
        else:
            closures[exception.date] = exception.reason
    return rules.Calendar(
        start=start,
        end=end,
        weekdays=rules.weekdays_for(activity.kind, activity.weekdays),
        on_holidays=activity.kind == ActivityKind.HOLIDAYS,
        school_holidays=rules.school_holidays(commune_zone(), start, end),
        public_holidays=rules.public_holidays(start - timedelta(days=40), end),
        closures=closures,
        openings=frozenset(openings),
    )


def exceptions_between(activities: Iterable[Activity], start: date, end: date) -> list:
    ids = [activity.pk for activity in activities]
    return list(
        CalendarException.objects.filter(date__range=(start, end)).filter(
            Q(activity__isnull=True) | Q(activity_id__in=ids)
        )
    )


def deadline_for(
    activity: Activity, day: date, calendar: rules.Calendar, closings: Iterable[HolidayClosing] = ()
) -> datetime:
    closes_on = next(
        (
            closing.closes_on
            for closing in closings
            if closing.activity_id == activity.pk and closing.first_day <= day <= closing.last_day
        ),
        None,
    )
    return rules.booking_deadline(
        day,
        working_days=activity.deadline_working_days,
        at=activity.deadline_time,
        holidays=calendar.public_holidays,
        closes_on=closes_on,
    )


@dataclass
class DayContext:
    """What decides whether one activity day can be booked now."""

    activity: Activity
    day: date
    closed: str | None
    deadline: datetime

    @property
    def locked(self) -> bool:
        return rules.deadline_passed(self.deadline, now_local())


def day_context(activity: Activity, day: date) -> DayContext:
    """Calendar and deadline of one activity day (two queries)."""
    calendar = calendar_for(activity, exceptions_between([activity], day, day))
    closings = HolidayClosing.objects.filter(
        activity=activity, first_day__lte=day, last_day__gte=day
    )
    return DayContext(
        activity=activity,
        day=day,
        closed=rules.closed_reason(day, calendar),
        deadline=deadline_for(activity, day, calendar, closings),
    )


def bookable_days(
    activity: Activity,
    *,
    start: date,
    end: date | None = None,
    weekdays: Iterable[int] | None = None,
):
    """Operating days from `start` (to `end`, else to the end of the activity's year)
    whose deadline has not passed, optionally only some weekdays, in order. Two
    queries."""
    first, last = activity_range(activity)
    begin = max(first, start)
    finish = min(last, end) if end else last
    exceptions = exceptions_between([activity], begin, finish)
    calendar = calendar_for(activity, exceptions)
    closings = list(
        HolidayClosing.objects.filter(activity=activity, last_day__gte=begin, first_day__lte=finish)
    )
    now = now_local()
    wanted = set(weekdays) if weekdays is not None else None
    days = []
    for day in rules.operating_days(calendar, start=begin, end=finish):
        if wanted is not None and day.weekday() not in wanted:
            continue
        if rules.deadline_passed(deadline_for(activity, day, calendar, closings), now):
            continue
        days.append(day)
    return days


def first_unlocked_day(activity: Activity) -> date | None:
    """The first operating day that can still be changed."""
    today = timezone.localdate()
    days = bookable_days(activity, start=today)
    return days[0] if days else None


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
    iso: str = field(init=False)
    anchor: str = field(init=False)
    badge: str = field(init=False)

    def __post_init__(self) -> None:
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


def child_month(child, year: int, month: int) -> MonthCalendar:
    """The month calendar of a child: for each weekday and each activity the child is
    enrolled in, its state (booked / waitlisted / free / full / closed / locked), in a
    fixed number of queries."""
    enrolments = list(
        Enrolment.objects.filter(child=child, status=EnrolmentStatus.ACCEPTED)
        .select_related("activity__school_year", "activity__school")
        .order_by("activity__kind", "activity__name")
    )
    activities = [enrolment.activity for enrolment in enrolments]
    days = rules.month_weekdays(year, month)
    first, last = days[0], days[-1]
    activity_ids = [activity.pk for activity in activities]
    bookings = {
        (booking.activity_id, booking.date): booking
        for booking in Booking.objects.filter(
            child=child,
            activity_id__in=activity_ids,
            date__range=(first, last),
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        ).annotate(rank=_waitlist_rank())
    }
    counters = {
        (row.activity_id, row.date): row
        for row in ActivityDay.objects.filter(
            activity_id__in=activity_ids, date__range=(first, last)
        )
    }
    exceptions = exceptions_between(activities, first, last)
    closings = list(
        HolidayClosing.objects.filter(
            activity_id__in=activity_ids, last_day__gte=first, first_day__lte=last
        )
    )
    notices = registry.day_notices(activities, first, last)
    now = now_local()
    calendars = {activity.pk: calendar_for(activity, exceptions) for activity in activities}
    rows = []
    weeks: dict[tuple[int, date], dict] = {}
    for day in days:
        row = CalendarRow(day=day, label=rules.day_label(day))
        for activity in activities:
            calendar = calendars[activity.pk]
            booking = bookings.get((activity.pk, day))
            counter = counters.get((activity.pk, day))
            free = counter.free if counter else activity.capacity
            closed = rules.closed_reason(day, calendar)
            deadline = deadline_for(activity, day, calendar, closings)
            state = rules.day_state(
                closed=closed,
                booking_status=(
                    None
                    if booking is None
                    else "confirmed"
                    if booking.status == BookingStatus.CONFIRMED
                    else "waitlisted"
                ),
                position=getattr(booking, "rank", None),
                deadline=deadline,
                now=now,
                free_places=free,
                by_week=activity.unit == Unit.WEEK,
            )
            notice = notices.get((activity.pk, day))
            if notice is not None and state.code in (rules.FREE, rules.FULL):
                # Not booked first come: the server would refuse, the page says where to ask.
                state = rules.DayState(rules.ON_REQUEST, notice.label, notice.reason)
            else:
                notice = None
            monday, _sunday = rules.week_of(day)
            row.cells.append(
                CalendarCell(
                    activity=activity, day=day, state=state, week_start=monday, notice=notice
                )
            )
            if activity.kind == ActivityKind.HOLIDAYS and closed is None:
                week = weeks.setdefault(
                    (activity.pk, monday),
                    {
                        "activity": activity,
                        "monday": monday,
                        "label": rules.day_label(monday),
                        "states": [],
                    },
                )
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


def child_first_month(child, today: date) -> MonthCalendar:
    """The calendar a parent lands on: this month, or the next one when no day left in
    this month can still be booked or changed (at the end of a month). At most twice
    the queries of one month."""
    calendar = child_month(child, today.year, today.month)
    if calendar.first_open is None and calendar.next is not None:
        following = child_month(child, calendar.next.year, calendar.next.month)
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


# --- back-office -----------------------------------------------------------------------------


def activities_for_year(today: date) -> list[Activity]:
    return list(
        Activity.objects.filter(school_year__end_date__gte=today)
        .select_related("school_year", "school")
        .order_by("school_year__start_date", "school__name", "place_name", "kind")
    )


def activity_get(pk: int) -> Activity | None:
    return Activity.objects.filter(pk=pk).select_related("school_year", "school").first()


def activity_fill(activity: Activity, *, start: date, days: int = 28) -> list[dict]:
    """Operating days from `start` with places taken, capacity and waiting families."""
    end = start + timedelta(days=days - 1)
    calendar = calendar_for(activity, exceptions_between([activity], start, end))
    counters = {
        row.date: row
        for row in ActivityDay.objects.filter(activity=activity, date__range=(start, end))
    }
    waiting = dict(
        Booking.objects.filter(
            activity=activity, date__range=(start, end), status=BookingStatus.WAITLISTED
        )
        .values_list("date")
        .annotate(n=Count("id"))
        .values_list("date", "n")
    )
    lines = []
    day = start
    while day <= end:
        if rules.closed_reason(day, calendar) is None:
            counter = counters.get(day)
            capacity = counter.capacity if counter else activity.capacity
            booked = counter.booked if counter else 0
            lines.append(
                {
                    "day": day,
                    "label": rules.day_label(day),
                    "capacity": capacity,
                    "booked": booked,
                    "free": max(capacity - booked, 0),
                    "waiting": waiting.get(day, 0),
                }
            )
        day += timedelta(days=1)
    return lines


def calendar_exceptions(*, since: date) -> list[CalendarException]:
    """Closures and openings from `since` on, by date."""
    return list(
        CalendarException.objects.filter(date__gte=since)
        .select_related("activity")
        .order_by("date", "id")
    )


def places() -> list[tuple[str, str]]:
    """The places where activities run: (key, label); key is "ecole-<id>" or "lieu-<name>"."""
    seen = {}
    for school_id, school_name, place_name in (
        Activity.objects.filter(active=True)
        .values_list("school_id", "school__name", "place_name")
        .distinct()
    ):
        if school_id:
            seen[f"ecole-{school_id}"] = school_name
        elif place_name:
            seen[f"lieu-{place_name}"] = place_name
    return sorted(seen.items(), key=lambda pair: pair[1])


def activities_at(place_key: str, day: date) -> list[Activity]:
    queryset = Activity.objects.filter(
        active=True,
        school_year__start_date__lte=day,
        school_year__end_date__gte=day - timedelta(days=62),
    ).select_related("school_year", "school")
    if place_key.startswith("ecole-") and place_key[6:].isdigit() and len(place_key) < 25:
        queryset = queryset.filter(school_id=int(place_key[6:]))
    elif place_key.startswith("lieu-"):
        queryset = queryset.filter(school__isnull=True, place_name=place_key[5:])
    else:
        return []
    activities = []
    for activity in queryset.order_by("kind", "name"):
        start, end = activity_range(activity)
        if start <= day <= end:
            activities.append(activity)
    return activities


@dataclass
class RegisterLine:
    child: object
    booking: Booking | None
    attendance: Attendance | None

    @property
    def present(self) -> bool | None:
        return None if self.attendance is None else self.attendance.present


def register(activity: Activity, day: date) -> dict:
    """The register (pointage) of an activity day: booked children, their marks, the
    children present without booking, and the enrolled children one may add. Four
    queries, whatever the number of children."""
    bookings = list(
        Booking.objects.filter(activity=activity, date=day, status=BookingStatus.CONFIRMED)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "child_id")
    )
    attendances = {
        attendance.child_id: attendance
        for attendance in Attendance.objects.filter(activity=activity, date=day).select_related(
            "child"
        )
    }
    booked_ids = {booking.child_id for booking in bookings}
    lines = [
        RegisterLine(
            child=booking.child, booking=booking, attendance=attendances.get(booking.child_id)
        )
        for booking in bookings
    ]
    unbooked = [
        RegisterLine(child=attendance.child, booking=None, attendance=attendance)
        for attendance in attendances.values()
        if attendance.child_id not in booked_ids
    ]
    unbooked.sort(key=lambda line: (line.child.last_name, line.child.first_name))
    listed = booked_ids | {line.child.pk for line in unbooked}
    candidates = [
        enrolment.child
        for enrolment in Enrolment.objects.filter(
            activity=activity, status=EnrolmentStatus.ACCEPTED
        )
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
        if enrolment.child_id not in listed
    ]
    return {
        "lines": lines,
        "unbooked": unbooked,
        "candidates": candidates,
        "present": sum(1 for line in lines + unbooked if line.present),
        "absent": sum(1 for line in lines if line.present is False),
        "unmarked": sum(1 for line in lines if line.present is None),
    }


def absences_to_justify(*, since: date) -> list[dict]:
    """Unjustified absences of booked children since `since`, each with the medical
    certificates the family sent for that child (to pick one). Two queries."""
    absences = list(
        Attendance.objects.filter(
            present=False, justified=False, date__gte=since, booking__isnull=False
        )
        .select_related("child", "activity")
        .order_by("-date", "child__last_name")
    )
    child_ids = {absence.child_id for absence in absences}
    certificates = defaultdict(list)
    for document in (
        Document.objects.filter(child_id__in=child_ids, kind=DocumentKind.MEDICAL_CERTIFICATE)
        .exclude(status="refuse")
        .order_by("-created_at")
    ):
        certificates[document.child_id].append(document)
    return [
        {"attendance": absence, "certificates": certificates.get(absence.child_id, [])}
        for absence in absences
    ]


def forecast(*, start: date, days: int) -> list[dict]:
    """Forecast counts per place and day from confirmed bookings: meals (by diet, and
    how many PAI), morning and evening numbers, Wednesday and holiday centres. One
    query, whatever the number of bookings."""
    end = start + timedelta(days=days - 1)
    rows = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, date__range=(start, end))
        .values(
            "date",
            "activity__kind",
            "activity__school_id",
            "activity__school__name",
            "activity__place_name",
            "child__diet",
            "child__has_pai",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[tuple[date, str], dict] = {}
    for row in rows:
        place = row["activity__school__name"] or row["activity__place_name"]
        line = table.setdefault(
            (row["date"], place),
            {
                "day": row["date"],
                "label": rules.day_label(row["date"]),
                "place": place,
                "meals": 0,
                "diets": defaultdict(int),
                "pai": 0,
                "morning": 0,
                "evening": 0,
                "wednesday": 0,
                "holidays": 0,
            },
        )
        kind, count = row["activity__kind"], row["n"]
        if kind == ActivityKind.LUNCH:
            line["meals"] += count
            line["diets"][row["child__diet"]] += count
            if row["child__has_pai"]:
                line["pai"] += count
        elif kind == ActivityKind.MORNING:
            line["morning"] += count
        elif kind == ActivityKind.EVENING:
            line["evening"] += count
        elif kind == ActivityKind.WEDNESDAY:
            line["wednesday"] += count
        elif kind == ActivityKind.HOLIDAYS:
            line["holidays"] += count
    return [table[key] for key in sorted(table)]


def waitlists(*, since: date, limit: int = 500) -> list[Booking]:
    """Waitlisted bookings from `since`, by activity, day and rank."""
    return list(
        Booking.objects.filter(status=BookingStatus.WAITLISTED, date__gte=since)
        .select_related("activity__school", "child", "family")
        .annotate(rank=_waitlist_rank())
        .order_by("date", "activity__name", "waitlist_position")[:limit]
    )


def registers_count(day: date) -> int:
    """How many activities have children booked on `day`: the registers to keep (one
    query), for the back-office home."""
    return (
        Booking.objects.filter(date=day, status=BookingStatus.CONFIRMED)
        .values("activity_id")
        .distinct()
        .count()
    )


def waitlisted_count(*, since: date) -> int:
    """Children waiting for a place from `since` on (one query)."""
    return Booking.objects.filter(status=BookingStatus.WAITLISTED, date__gte=since).count()


def day_counter(activity: Activity, day: date) -> ActivityDay | None:
    return ActivityDay.objects.filter(activity=activity, date=day).first()


def waitlist_rank(booking: Booking) -> int:
    """The booking's rank on its day's waitlist (1 = next to get a place)."""
    return (
        Booking.objects.filter(
            activity_id=booking.activity_id,
            date=booking.date,
            status=BookingStatus.WAITLISTED,
            waitlist_position__lt=booking.waitlist_position,
        ).count()
        + 1
    )
