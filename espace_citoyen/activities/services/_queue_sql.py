"""The statements of the booking queue's batches (services.queue): what the worker
reads for an activity week, and its writes, each one statement whatever the batch's size
(the rows sent as arrays, one per column, on PostgreSQL; elsewhere one prepared statement
run for each row)."""

from collections import defaultdict
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, Min

from espace_citoyen.activities.models import (
    Activity,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
    WeekRequest,
    WeekRequestStatus,
)

# The week's bookings of a batch, one statement: the rows as arrays, one per column
# (PostgreSQL); elsewhere one prepared INSERT run for each row.
_BOOKING_COLUMNS = (
    "activity_id, date, child_id, family_id, enrolment_id, status, waitlist_position, "
    "created_by_id, confirmed_at, created_at, from_template, promoted, cancel_reason"
)
_INSERT_BOOKINGS_SQL = f"""
INSERT INTO {Booking._meta.db_table} ({_BOOKING_COLUMNS})
SELECT %s, v.date, v.child, v.family, v.enrolment, v.status, v.position, v.created_by,
    v.confirmed_at, %s, false, false, ''
FROM unnest(%s::date[], %s::bigint[], %s::bigint[], %s::bigint[], %s::varchar[], %s::int[],
    %s::bigint[], %s::timestamptz[])
    AS v(date, child, family, enrolment, status, position, created_by, confirmed_at)
"""  # noqa: S608 (table name from the model)
_INSERT_BOOKING_SQL = (
    f"INSERT INTO {Booking._meta.db_table} ({_BOOKING_COLUMNS}) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, false, false, '')"
)


def _columns(rows: list[tuple]) -> list[list]:
    """Rows as columns: one array parameter per column (PostgreSQL's unnest)."""
    return [list(column) for column in zip(*rows, strict=True)]


def insert_bookings(activity: Activity, rows: list[tuple], now: datetime) -> None:
    """Insert the batch's bookings of one activity week, (date, child, family,
    enrolment, status, waitlist position, created by, confirmed at) each, created `now`."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_BOOKINGS_SQL, [activity.pk, now, *_columns(rows)])
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                _INSERT_BOOKING_SQL,
                [(activity.pk, *row[:7], row[7] and stamp, stamp) for row in rows],
            )


def accepted_enrolments(activity: Activity, children: set[int]) -> dict[int, int]:
    """The accepted enrolment of each child in the activity (the oldest), one query."""
    if not children:
        return {}
    return dict(
        Enrolment.objects.filter(
            activity=activity, child_id__in=children, status=EnrolmentStatus.ACCEPTED
        )
        .values_list("child_id")
        .annotate(first=Min("id"))
        .values_list("child_id", "first")
        .order_by()
    )


def live_days(activity: Activity, days: list[date], children: set[int]) -> dict[int, set]:
    """The days among `days` each child already has booked or waitlisted, one query."""
    live: dict[int, set] = defaultdict(set)
    if children:
        for child_id, day in Booking.objects.filter(
            activity=activity,
            date__in=days,
            child_id__in=children,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        ).values_list("child_id", "date"):
            live[child_id].add(day)
    return live


def waiting_counts(activity: Activity, days: list[date]) -> dict[date, int]:
    """How many families wait on each of `days` now, one query."""
    return dict(
        Booking.objects.filter(activity=activity, date__in=days, status=BookingStatus.WAITLISTED)
        .values_list("date")
        .annotate(n=Count("id"))
        .values_list("date", "n")
        .order_by()
    )


_RECORD_SQL = f"""
UPDATE {WeekRequest._meta.db_table} AS r
SET status = v.status, first_day = v.first_day, days = v.days, waitlist_rank = v.rank,
    reason = v.reason, decided_at = %s
FROM unnest(%s::bigint[], %s::varchar[], %s::date[], %s::int[], %s::int[], %s::varchar[])
    AS v(id, status, first_day, days, rank, reason)
WHERE r.id = v.id AND r.status = %s
"""  # noqa: S608 (table name from the model)
_RECORD_ONE_SQL = (
    f"UPDATE {WeekRequest._meta.db_table} SET status = %s, first_day = %s, days = %s, "  # noqa: S608
    "waitlist_rank = %s, reason = %s, decided_at = %s WHERE id = %s AND status = %s"
)


def record_outcomes(rows: list[tuple], now: datetime) -> None:
    """Mark every request of the batch with its outcome, (id, status, first day, days,
    rank, reason) each: one statement (PostgreSQL); elsewhere one prepared UPDATE run
    for each request. A request no longer pending stops the batch: never decided twice."""
    pending = WeekRequestStatus.PENDING.value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_RECORD_SQL, [now, *_columns(rows), pending])
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                _RECORD_ONE_SQL, [(*row[1:], stamp, row[0], pending) for row in rows]
            )
        if cursor.rowcount != len(rows):  # decided elsewhere: never twice, roll back
            raise RuntimeError("a request of the batch was decided by someone else")
