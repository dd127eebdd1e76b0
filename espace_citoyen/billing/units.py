"""The month's billable units, grouped by the database: one row per family, child,
activity and register state, with its days. Booked days come with their register line
(or none); present days without a confirmed booking are the unbooked ones. Which rows
bill what stays `rules.billable_kind`'s decision (in the engine).

A run or a preview reads the whole month once (`MonthUnits`: one grouped statement into a
temporary table, about the cost of reading the rows at all) and then its chunks of
families from that small table by family range; a few families alone (the tests'
reference comparison) read theirs directly (`unit_groups`)."""

from collections.abc import Sequence
from datetime import date

from django.db import connection

from espace_citoyen.activities.models import BookingStatus

TABLE = "billing_month_units"

# Bookings and the register joined on (activity, day, child) both ways: a booking with its
# register line or none, a register line without a confirmed booking (unbooked when
# present). At most one live booking per child, activity and day (the bookings' unique
# index), so each day is counted once.
MONTH_SQL = """
SELECT coalesce(b.family_id, c.family_id) AS family_id,
       coalesce(b.child_id, a.child_id) AS child_id,
       coalesce(b.activity_id, a.activity_id) AS activity_id,
       CASE WHEN b.id IS NULL THEN 0 ELSE 1 END AS booked,
       a.present AS present, a.justified AS justified,
       {days} AS days
FROM (
  SELECT id, family_id, child_id, activity_id, date FROM activities_booking
  WHERE status = %s AND date BETWEEN %s AND %s {booking_filter}
) b
FULL JOIN (
  SELECT child_id, activity_id, date, present, justified FROM activities_attendance
  WHERE date BETWEEN %s AND %s {attendance_filter}
) a ON a.activity_id = b.activity_id AND a.date = b.date AND a.child_id = b.child_id
LEFT JOIN families_child c ON c.id = a.child_id AND b.id IS NULL
WHERE b.id IS NOT NULL OR a.present
GROUP BY 1, 2, 3, 4, 5, 6
"""

FAMILIES_SQL = "SELECT DISTINCT family_id FROM billing_month_units ORDER BY family_id"
CHUNK_SQL = (
    "SELECT family_id, child_id, activity_id, booked, present, justified, days "
    "FROM billing_month_units WHERE family_id BETWEEN %s AND %s"
)


def _days_aggregate() -> str:
    if connection.vendor == "postgresql":
        return "array_agg(coalesce(b.date, a.date))"
    return "group_concat(coalesce(b.date, a.date))"


def _in(values: Sequence[int]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", list(values)


def _month_sql(start: date, end: date, child_ids: Sequence[int] | None) -> tuple[str, list]:
    booking_filter = attendance_filter = ""
    booking_params: list = []
    attendance_params: list = []
    if child_ids is not None:
        children, params = _in(child_ids)
        booking_filter = f"AND child_id {children}"
        attendance_filter = f"AND child_id {children}"
        booking_params, attendance_params = params, list(params)
    sql = MONTH_SQL.format(
        days=_days_aggregate(),
        booking_filter=booking_filter,
        attendance_filter=attendance_filter,
    )
    confirmed = BookingStatus.CONFIRMED.value
    return sql, [confirmed, start, end, *booking_params, start, end, *attendance_params]


def unit_groups(child_ids: Sequence[int], start: date, end: date) -> list[tuple]:
    """(family, child, activity, booked, present, justified, days) of these children in
    the month, from one grouped statement."""
    if not child_ids:
        return []
    sql, params = _month_sql(start, end, child_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def days_of(value) -> list[date]:
    """The days of a group, sorted: PostgreSQL's array of dates, SQLite's text."""
    if isinstance(value, str):  # SQLite's group_concat
        return sorted(date.fromisoformat(day) for day in value.split(","))
    return sorted(value)


class MonthUnits:
    """The month's groups in a temporary table of this connection, for the time of a run
    or a preview:

        with MonthUnits(start, end) as units:
            for chunk in units.chunks(2000):
                rows = units.groups(chunk)

    `family_ids` are the families with something to bill, sorted; a chunk is a slice of
    them, so its range of ids holds no other family of the table. Memory stays that of
    one chunk whatever the commune's size."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.family_ids: list[int] = []

    def __enter__(self) -> "MonthUnits":
        sql, params = _month_sql(self.start, self.end, None)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} AS {sql}", params)
            cursor.execute(FAMILIES_SQL)
            self.family_ids = [row[0] for row in cursor.fetchall()]
        return self

    def __exit__(self, *exc) -> None:
        if connection.needs_rollback:  # a failed atomic block: its rollback drops nothing
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def chunks(self, size: int):
        for index in range(0, len(self.family_ids), size):
            yield self.family_ids[index : index + size]

    def groups(self, family_ids: Sequence[int]) -> list[tuple]:
        if not family_ids:
            return []
        with connection.cursor() as cursor:
            cursor.execute(CHUNK_SQL, [family_ids[0], family_ids[-1]])
            return cursor.fetchall()
