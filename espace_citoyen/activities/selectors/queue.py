"""Reads of the booking queue, on the opening day's hot path: the child a family asks
for and the request it then follows, each in one statement written out (no ORM query
to build on every request)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from espace_citoyen.activities.models import Activity, WeekRequest
from espace_citoyen.families.models import Child, Guardian

# The largest id a bigint column holds: an id written in the URL past it is nobody's (and
# SQLite would refuse to compare it).
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ChildRef:
    """What the queued POST needs of the child: who, and which family."""

    pk: int
    family_id: int
    first_name: str


_CHILD_SQL = (
    f"SELECT c.id, c.family_id, c.first_name FROM {Child._meta.db_table} c "  # noqa: S608 (table names from the models)
    f"WHERE c.id = %s AND EXISTS (SELECT 1 FROM {Guardian._meta.db_table} g "
    "WHERE g.family_id = c.family_id AND g.user_id = %s)"
)


def child_ref_of_user(user, pk: int) -> ChildRef | None:
    """One child of a family the account is a guardian of (one statement); None
    otherwise (another family's child is not told)."""
    if not user.is_authenticated or not 0 < pk <= _MAX_ID:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_CHILD_SQL, [pk, user.pk])
        row = cursor.fetchone()
    return ChildRef(*row) if row else None


@dataclass(frozen=True)
class WeekRequestView:
    """A family's week request as its page shows it."""

    pk: int
    status: str
    monday: date
    first_day: date | None
    days: int
    waitlist_rank: int | None
    reason: str
    created_at: datetime
    decided_at: datetime | None
    child_id: int
    child_name: str
    activity_name: str


_REQUEST_SQL = (
    "SELECT r.id, r.status, r.monday, r.first_day, r.days, r.waitlist_rank, r.reason, "  # noqa: S608 (table names from the models)
    "r.created_at, r.decided_at, r.child_id, c.first_name, a.name "
    f"FROM {WeekRequest._meta.db_table} r "
    f"JOIN {Child._meta.db_table} c ON c.id = r.child_id "
    f"JOIN {Activity._meta.db_table} a ON a.id = r.activity_id "
    f"WHERE r.id = %s AND EXISTS (SELECT 1 FROM {Guardian._meta.db_table} g "
    "WHERE g.family_id = r.family_id AND g.user_id = %s)"
)


def week_request_of_user(user, pk: int) -> WeekRequestView | None:
    """A week request of a family the account is a guardian of, with its child's first
    name and its activity's name, in one statement; None otherwise (another family's
    request is not told)."""
    if not user.is_authenticated or not 0 < pk <= _MAX_ID:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_REQUEST_SQL, [pk, user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, status, monday, first_day, days, rank, reason, created, decided, *rest = row
    return WeekRequestView(
        pk,
        status,
        _date(monday),
        _date(first_day),
        days,
        rank,
        reason,
        _moment(created),
        _moment(decided),
        *rest,
    )


def _date(value) -> date | None:
    """A date column read raw: a date (PostgreSQL) or its text (SQLite)."""
    return parse_date(value) if isinstance(value, str) else value


def _moment(value) -> datetime | None:
    """A datetime column read raw: aware (PostgreSQL), or UTC text or naive (SQLite)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value
