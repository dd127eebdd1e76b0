"""The month calendar's reads, one raw statement each (the page a parent opens most, and
the one a booking lands on: docs/benchmarks.md). Each gives what the ORM queries it
replaces gave, as model instances where the calendar rules expect them."""

from dataclasses import dataclass, field
from datetime import date

from espace_citoyen.activities import registry
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


# What the month page shows of the child: its name (nothing of its health or its file).
_CHILD_COLUMNS = ("id", "family_id", "first_name", "last_name")


def _activities_sql(where: str) -> tuple[str, tuple]:
    """The child's name then, per accepted enrolment, its activity with the school year
    and the school (none when the child has no accepted enrolment), and whether another
    app may show day notices for it (activities.registry.notices_pending_sql)."""
    parts = (
        rawsql.columns(Child, _CHILD_COLUMNS, alias="c"),
        rawsql.columns(Activity, alias="a"),
        rawsql.columns(SchoolYear, alias="y"),
        rawsql.columns(School, alias="s"),
    )
    pending = registry.notices_pending_sql()
    sql = (
        f"SELECT {', '.join(part.sql for part in parts)}, "  # noqa: S608
        f"CASE WHEN a.id IS NOT NULL AND ({pending}) THEN 1 ELSE 0 END FROM families_child c "
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
        rest = row[at + len(activity_cols) : -1]
        activity.school_year = year_cols.build(rest[: len(year_cols)])
        school = rest[len(year_cols) :]
        activity.school = school_cols.build(school) if school[0] is not None else None
        activity.notices_pending = bool(row[-1])
        activities.append(activity)
    return child, activities


def child_with_activities(user, child_id: int) -> tuple[Child, list[Activity]] | None:
    """One child of a family the account is a guardian of, with the activities of its
    accepted enrolments (each with its school year and school), by kind then name; None
    for another family's child (or an id no row can have)."""
    if not user.is_authenticated or child_id not in rawsql.ID_RANGE:
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


@dataclass
class MonthDays:
    """What the month page reads about its days, in one statement."""

    bookings: dict = field(default_factory=dict)  # (activity id, day): (status, rank)
    counters: dict = field(default_factory=dict)  # (activity id, day): free places
    exceptions: list = field(default_factory=list)  # CalendarException
    closings: list = field(default_factory=list)  # HolidayClosing


def _day(value):
    """A date of the statement's rows: SQLite gives the columns of a UNION that its first
    SELECT leaves empty as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def month_days(child, activity_ids: list[int], first: date, last: date) -> MonthDays:
    """Between first and last, for the activities: the child's live bookings with their
    waitlist rank, the days' counters, the calendar exceptions (the commune's too) and
    the holiday closings, as one UNION of rows shaped (kind, activity, day, id, text,
    number, day, day)."""
    found = MonthDays()
    if not activity_ids:
        return found
    ids = _placeholders(activity_ids)
    rows = rawsql.fetch(
        # 1: a booking; its rank is 1 + the waitlisted bookings of the day ahead of it.
        # (The first SELECT types the columns for PostgreSQL, hence the CASTs.)
        "SELECT 1, b.activity_id, b.date, CAST(NULL AS bigint), b.status, "  # noqa: S608
        "1 + (SELECT COUNT(*) FROM activities_booking w "
        "WHERE w.activity_id = b.activity_id AND w.date = b.date AND w.status = %s "
        "AND w.waitlist_position < b.waitlist_position), "
        "CAST(NULL AS date), CAST(NULL AS date) "
        f"FROM activities_booking b WHERE b.child_id = %s AND b.activity_id IN ({ids}) "
        "AND b.date BETWEEN %s AND %s AND b.status IN (%s, %s) "
        # 2: a day's counter: its free places.
        "UNION ALL SELECT 2, d.activity_id, d.date, NULL, NULL, d.capacity - d.booked, "
        f"NULL, NULL FROM activities_activityday d WHERE d.activity_id IN ({ids}) "
        "AND d.date BETWEEN %s AND %s "
        # 3: a calendar exception: its reason, 1 when it opens the day.
        "UNION ALL SELECT 3, x.activity_id, x.date, x.id, x.reason, "
        "CASE WHEN x.opening THEN 1 ELSE 0 END, NULL, NULL "
        "FROM activities_calendarexception x WHERE x.date BETWEEN %s AND %s "
        f"AND (x.activity_id IS NULL OR x.activity_id IN ({ids})) "
        # 4: a holiday closing: first day, label, last day, the day bookings close.
        "UNION ALL SELECT 4, h.activity_id, h.first_day, h.id, h.label, NULL, "
        "h.last_day, h.closes_on FROM activities_holidayclosing h "
        f"WHERE h.activity_id IN ({ids}) AND h.last_day >= %s AND h.first_day <= %s",
        [
            BookingStatus.WAITLISTED.value,
            child.pk,
            *activity_ids,
            first,
            last,
            BookingStatus.CONFIRMED.value,
            BookingStatus.WAITLISTED.value,
            *activity_ids,
            first,
            last,
            first,
            last,
            *activity_ids,
            *activity_ids,
            first,
            last,
        ],
    )
    for kind, activity_id, day, pk, text, number, second, third in rows:
        day = _day(day)
        if kind == 1:
            found.bookings[(activity_id, day)] = (text, number)
        elif kind == 2:
            found.counters[(activity_id, day)] = max(number, 0)
        elif kind == 3:
            found.exceptions.append(
                CalendarException(
                    pk=pk, activity_id=activity_id, date=day, reason=text, opening=bool(number)
                )
            )
        else:
            found.closings.append(
                HolidayClosing(
                    pk=pk,
                    activity_id=activity_id,
                    label=text,
                    first_day=day,
                    last_day=_day(second),
                    closes_on=_day(third),
                )
            )
    return found
