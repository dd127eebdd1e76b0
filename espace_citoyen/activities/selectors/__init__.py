"""Reads of activities. Every page-level selector runs a fixed number of queries,
whatever the number of days booked or children listed (one query per kind of row)."""

from espace_citoyen.activities.selectors.backoffice import (  # noqa: F401
    RegisterLine,
    absences_to_justify,
    activities_at,
    activities_for_year,
    activity_fill,
    activity_get,
    calendar_exceptions,
    day_counter,
    forecast,
    places,
    register,
    registers_count,
    waitlist_rank,
    waitlisted_count,
    waitlists,
)
from espace_citoyen.activities.selectors.calendar import (  # noqa: F401
    DayContext,
    activity_range,
    bookable_days,
    calendar_for,
    commune_zone,
    day_context,
    deadline_for,
    exceptions_between,
    first_unlocked_day,
    now_local,
)
from espace_citoyen.activities.selectors.family import (  # noqa: F401
    _BADGES,
    CalendarCell,
    CalendarRow,
    MonthCalendar,
    _waitlist_rank,
    child_first_month,
    child_month,
    enrolment_for_demarche,
    enrolment_get_for_family,
    enrolments_of_family,
    feed_bookings,
    feed_for,
    open_activities,
)
from espace_citoyen.activities.selectors.month import child_with_activities  # noqa: F401
