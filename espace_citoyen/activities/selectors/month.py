"""The month calendar's reads, one raw statement each (the page a parent opens most, and
the one a booking lands on: docs/benchmarks.md). Each gives what the ORM queries it
replaces gave, as model instances where the calendar rules expect them."""

from datetime import date

from espace_citoyen.activities.models import (
    Activity,
    BookingStatus,
    CalendarException,
    EnrolmentStatus,
    HolidayClosing,
)
from espace_citoyen.core import rawsql
from espace_citoyen.families.models import Child
from espace_citoyen.schooling.models import School, SchoolYear


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _activities_sql(where: str) -> tuple[str, tuple]:
    """The child's columns then, per accepted enrolment, its activity with the school
    year and the school (none when the child has no accepted enrolment)."""
    parts = (
        rawsql.columns(Child, alias="c"),
        rawsql.columns(Activity, alias="a"),
        rawsql.columns(SchoolYear, alias="y"),
        rawsql.columns(School, alias="s"),
    )
    sql = (
        f"SELECT {', '.join(part.sql for part in parts)} FROM families_child c "  # noqa: S608
        f"{where} "
        "LEFT JOIN activities_enrolment e ON e.child_id = c.id AND e.status = %s "
        "LEFT JOIN activities_activity a ON a.id = e.activity_id "
        "LEFT JOIN schooling_schoolyear y ON y.id = a.school_year_id "
        "LEFT JOIN schooling_school s ON s.id = a.school_id "
        "WHERE c.id = %s ORDER BY a.kind, a.name"
    )
    return sql, parts


def _child_and_activities(rows, parts) -> tuple[Child, list[Activity]] | None:
    if not rows:
        return None
    child_cols, activity_cols, year_cols, school_cols = parts
    at = len(child_cols)
    child = child_cols.build(rows[0][:at])
    activities = []
    for row in rows:
        if row[at] is None:
            continue
        activity = activity_cols.build(row[at : at + len(activity_cols)])
        rest = row[at + len(activity_cols) :]
        activity.school_year = year_cols.build(rest[: len(year_cols)])
        school = rest[len(year_cols) :]
        activity.school = school_cols.build(school) if school[0] is not None else None
        activities.append(activity)
    return child, activities


def child_with_activities(user, child_id: int) -> tuple[Child, list[Activity]] | None:
    """One child of a family the account is a guardian of, with the activities of its
    accepted enrolments (each with its school year and school), by kind then name; None
    for another family's child."""
    if not user.is_authenticated:
        return None
    sql, parts = _activities_sql(
        "JOIN families_guardian g ON g.family_id = c.family_id AND g.user_id = %s"
    )
    rows = rawsql.fetch(sql, [user.pk, EnrolmentStatus.ACCEPTED.value, child_id])
    return _child_and_activities(rows, parts)


def month_activities(child) -> list[Activity]:
    """The activities of the child's accepted enrolments, as `child_with_activities`."""
    sql, parts = _activities_sql("")
    found = _child_and_activities(
        rawsql.fetch(sql, [EnrolmentStatus.ACCEPTED.value, child.pk]), parts
    )
    return found[1] if found else []


def month_bookings_and_counters(child, activity_ids: list[int], first: date, last: date):
    """({(activity id, day): (status, waitlist rank)} of the child's live bookings,
    {(activity id, day): free places} of the days' counters) between first and last."""
    if not activity_ids:
        return {}, {}
    ids = _placeholders(activity_ids)
    live = (BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value)
    rows = rawsql.fetch(
        # The rank: 1 + the waitlisted bookings of the day with a smaller position.
        "SELECT 1, b.activity_id, b.date, b.status, 1 + (SELECT COUNT(*) "  # noqa: S608
        "FROM activities_booking w WHERE w.activity_id = b.activity_id "
        "AND w.date = b.date AND w.status = %s "
        "AND w.waitlist_position < b.waitlist_position) FROM activities_booking b "
        f"WHERE b.child_id = %s AND b.activity_id IN ({ids}) "
        "AND b.date BETWEEN %s AND %s AND b.status IN (%s, %s) "
        "UNION ALL SELECT 2, d.activity_id, d.date, NULL, d.capacity - d.booked "
        f"FROM activities_activityday d WHERE d.activity_id IN ({ids}) "
        "AND d.date BETWEEN %s AND %s",
        [
            BookingStatus.WAITLISTED.value,
            child.pk,
            *activity_ids,
            first,
            last,
            *live,
            *activity_ids,
            first,
            last,
        ],
    )
    bookings, counters = {}, {}
    for kind, activity_id, day, status, number in rows:
        if isinstance(day, str):  # SQLite gives a UNION's dates as text
            day = date.fromisoformat(day)
        if kind == 1:
            bookings[(activity_id, day)] = (status, number)
        else:
            counters[(activity_id, day)] = max(number, 0)
    return bookings, counters


def month_exceptions(activity_ids: list[int], first: date, last: date) -> list:
    """The calendar exceptions between first and last, the commune's and the activities'."""
    cols = rawsql.columns(CalendarException, alias="x")
    condition = f"x.activity_id IN ({_placeholders(activity_ids)})" if activity_ids else "1 = 0"
    found = rawsql.fetch(
        f"SELECT {cols.sql} FROM activities_calendarexception x "  # noqa: S608
        f"WHERE x.date BETWEEN %s AND %s AND (x.activity_id IS NULL OR {condition})",
        [first, last, *activity_ids],
    )
    return [cols.build(row) for row in found]


def month_closings(activity_ids: list[int], first: date, last: date) -> list:
    """The activities' holiday closings overlapping first..last."""
    if not activity_ids:
        return []
    cols = rawsql.columns(HolidayClosing, alias="h")
    found = rawsql.fetch(
        f"SELECT {cols.sql} FROM activities_holidayclosing h "  # noqa: S608
        f"WHERE h.activity_id IN ({_placeholders(activity_ids)}) "
        "AND h.last_day >= %s AND h.first_day <= %s",
        [*activity_ids, first, last],
    )
    return [cols.build(row) for row in found]
