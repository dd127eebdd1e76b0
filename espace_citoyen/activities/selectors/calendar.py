"""Reads of the calendar: operating days, exceptions, deadlines, what can still be booked."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from espace_citoyen.activities import rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityKind,
    CalendarException,
    HolidayClosing,
)
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


@dataclass(frozen=True)
class BookingWindow:
    """What decides which days of an activity can be booked, read together: the activity
    (with its school year), its calendar exceptions and its holiday closings."""

    activity: Activity
    exceptions: tuple[CalendarException, ...]
    closings: tuple[HolidayClosing, ...]


def window_read(activity: Activity, *, start: date, end: date) -> BookingWindow:
    """The activity's booking window from `start` to `end`, read now (two queries)."""
    return BookingWindow(
        activity=activity,
        exceptions=tuple(exceptions_between([activity], start, end)),
        closings=tuple(
            HolidayClosing.objects.filter(
                activity=activity, last_day__gte=start, first_day__lte=end
            )
        ),
    )


WINDOW_CACHE_SECONDS = 60


def _window_key(pk: int) -> str:
    return f"activities:window:{pk}"


def booking_window(pk: int) -> BookingWindow | None:
    """The booking window of a whole activity year, from the cache when possible (the
    booking queue's POST reads it: no query on a hit). Cleared when the activity, its
    closings or a calendar exception change (activities.apps); whatever it says, the
    queue's worker decides on what it reads itself."""
    key = _window_key(pk)
    window = cache.get(key)
    if window is None:
        activity = Activity.objects.filter(pk=pk).select_related("school_year", "school").first()
        if activity is None:
            return None
        first, last = activity_range(activity)
        window = window_read(activity, start=first, end=last)
        cache.set(key, window, WINDOW_CACHE_SECONDS)
    return window


def booking_window_clear(activity_ids: Iterable[int] | None = None) -> None:
    """Forget the cached windows of these activities (every activity: None)."""
    if activity_ids is None:
        activity_ids = Activity.objects.values_list("pk", flat=True)
    cache.delete_many([_window_key(pk) for pk in activity_ids])


def day_deadlines(
    window: BookingWindow,
    *,
    start: date,
    end: date | None = None,
    weekdays: Iterable[int] | None = None,
) -> list[tuple[date, datetime]]:
    """The operating days from `start` (to `end`, else to the end of the activity's
    year), optionally only some weekdays, each with its booking deadline, in order: no
    query (the window holds what is read)."""
    activity = window.activity
    first, last = activity_range(activity)
    begin = max(first, start)
    finish = min(last, end) if end else last
    calendar = calendar_for(activity, window.exceptions)
    wanted = set(weekdays) if weekdays is not None else None
    return [
        (day, deadline_for(activity, day, calendar, window.closings))
        for day in rules.operating_days(calendar, start=begin, end=finish)
        if wanted is None or day.weekday() in wanted
    ]


def open_days(deadlines: Iterable[tuple[date, datetime]], now: datetime) -> list[date]:
    """The days of `day_deadlines` still open at `now` (local, naive)."""
    return [day for day, deadline in deadlines if not rules.deadline_passed(deadline, now)]


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
    window = window_read(activity, start=begin, end=finish)
    return open_days(day_deadlines(window, start=begin, end=finish, weekdays=weekdays), now_local())


def first_unlocked_day(activity: Activity) -> date | None:
    """The first operating day that can still be changed."""
    today = timezone.localdate()
    days = bookable_days(activity, start=today)
    return days[0] if days else None
