"""The booking queue of opening days (settings.BOOKING_QUEUE): the holiday week's POST
records a request with one INSERT and answers at once; the worker (`manage.py
booking_queue`) decides the pending requests in arrival order, in batches.

A batch is one transaction: the pending requests in id order (the arrival order), then
for each activity week in it the counters locked once in date order, the places and
waitlist ranks given by the pure rule (activities.queue_rules), the bookings inserted in
one statement, the counters written in one, and every request of the batch marked with
its outcome in one. A crash anywhere rolls the whole batch back: nothing is lost and
nothing is decided twice (a request is decided only with its bookings, in the same
commit). One worker decides at a time (a PostgreSQL advisory lock), so a second worker
started beside it waits for its turn instead of deciding later arrivals first; and a
batch takes only requests whose INSERT is over with every one before it (_arrived).

The invariants are the week booked at once's: the database's CHECK (booked <= capacity),
one live booking per child and day, a unique waitlist rank per day; the bookings carry
who asked (`created_by`) like the synchronous path's, and the request when it arrived
(`created_at`) and when it was decided (`decided_at`)."""

import logging
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime

from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.activities import queue_rules, registry, rules, selectors
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    BookingStatus,
    WeekRequest,
    WeekRequestStatus,
)
from espace_citoyen.activities.services import _queue_sql as sql
from espace_citoyen.activities.services._common import (
    not_enrolled_message,
    week_already_booked_message,
    week_closed_message,
    week_only_holidays_message,
)
from espace_citoyen.activities.services.capacity import _ensure_days, _locked_counters
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Child

logger = logging.getLogger(__name__)

BATCH = 500
# The PostgreSQL advisory lock held by the worker deciding a batch (any constant of the
# project's own: "ECQ" in ASCII).
DECIDER_LOCK = 0x454351


# --- the POST: one INSERT -----------------------------------------------------------------------


def week_request_submit(
    *,
    child: Child | selectors.ChildRef,
    window: selectors.BookingWindow,
    monday: date,
    actor: Actor,
) -> int:
    """Record a family's request for a holiday week and return its id (its place in the
    arrival order); see week_request_record."""
    return week_request_record(child=child, window=window, monday=monday, actor=actor).pk


@dataclass(frozen=True)
class Recorded:
    """A request as its POST recorded it: its id, its week's Monday and its arrival."""

    pk: int
    monday: date
    created_at: datetime


def week_request_record(
    *,
    child: Child | selectors.ChildRef,
    window: selectors.BookingWindow,
    monday: date,
    actor: Actor,
) -> Recorded:
    """Record a family's request for a holiday week: its id (its place in the arrival
    order) and its arrival time. Only what must be answered at once is checked here, from
    the cached window (no query): a holiday activity, a week with a day still open. A
    second request for the same child and week while the first waits records nothing and
    returns the first one (a double click)."""
    activity = window.activity
    if activity.kind != ActivityKind.HOLIDAYS:
        raise ApplicationError(week_only_holidays_message())
    monday, sunday = rules.week_of(monday)
    now = timezone.now()
    deadlines = selectors.day_deadlines(window, start=monday, end=sunday)
    if not selectors.open_days(deadlines, _local(now)):
        raise ApplicationError(week_closed_message(), field="date")
    table = WeekRequest._meta.db_table
    insert = (
        f"INSERT INTO {table} (activity_id, monday, child_id, family_id, created_at, "  # noqa: S608 (table name from the model)
        "created_by_id, status, days, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, 0, '') "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    params = [
        activity.pk,
        monday,
        child.pk,
        child.family_id,
        connection.ops.adapt_datetimefield_value(now),
        getattr(actor, "pk", None),
        WeekRequestStatus.PENDING.value,
    ]
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(insert, params)
            row = cursor.fetchone()
        if row is not None:
            return Recorded(row[0], monday, now)
        pending = (
            WeekRequest.objects.filter(
                child_id=child.pk,
                activity=activity,
                monday=monday,
                status=WeekRequestStatus.PENDING,
            )
            .values_list("pk", "created_at")
            .first()
        )
        if pending is not None:
            return Recorded(pending[0], monday, pending[1])
        # Decided between the two statements: record this one, the worker will say the
        # week is already booked (or waitlisted).
    raise ApplicationError(week_already_booked_message(child.first_name))


def _local(moment: datetime) -> datetime:
    """An aware moment as the commune's wall clock, naive (deadlines are local times)."""
    return timezone.localtime(moment).replace(tzinfo=None)


# --- the worker: a batch in arrival order ------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    id: int
    activity_id: int
    monday: date
    child_id: int
    family_id: int
    created_by_id: int | None
    created_at: datetime
    first_name: str


@dataclass
class Outcome:
    status: str
    first_day: date | None = None
    days: int = 0
    rank: int | None = None
    reason: str = ""


def queue_decide(*, limit: int = BATCH) -> int:
    """Decide up to `limit` pending requests, the oldest first, in one transaction.
    Returns how many were decided: 0 when none waits, or when another worker is deciding
    (it holds the decider's lock)."""
    with _decider() as turn:
        if not turn:
            return 0
        horizon = _arrived()
        with transaction.atomic():
            pending = _pending(limit, horizon)
            if not pending:
                return 0
            now = timezone.now()
            activities = Activity.objects.select_related("school_year").in_bulk(
                {request.activity_id for request in pending}
            )
            weeks: dict[tuple[int, date], list[Pending]] = defaultdict(list)
            for request in pending:
                weeks[(request.activity_id, request.monday)].append(request)
            outcomes: dict[int, Outcome] = {}
            # Activity weeks in a fixed order, their days in date order: the counters are
            # always locked in the same order as the other paths lock them.
            for (activity_id, monday), requests in sorted(weeks.items()):
                outcomes.update(_decide_week(activities[activity_id], monday, requests, now))
            _record(outcomes, now)
    return len(pending)


def queue_refuse(request_id: int, reason: str) -> bool:
    """Refuse one pending request with `reason` (the worker's last resort when deciding
    it fails again and again, so that the requests after it are not held up)."""
    with _decider() as turn:
        if not turn:
            return False
        return bool(
            WeekRequest.objects.filter(pk=request_id, status=WeekRequestStatus.PENDING).update(
                status=WeekRequestStatus.REFUSED, reason=reason[:300], decided_at=timezone.now()
            )
        )


def queue_oldest_pending() -> int | None:
    return (
        WeekRequest.objects.filter(status=WeekRequestStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


@contextmanager
def _decider():
    """One worker decides at a time: a session advisory lock on PostgreSQL, taken before
    anything else (the others skip their turn at once, holding nothing), released after
    the batch's commit. SQLite serialises writers by itself."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DECIDER_LOCK])
        turn = bool(cursor.fetchone()[0])
    try:
        yield turn
    finally:
        if turn:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [DECIDER_LOCK])
            except DatabaseError:  # the connection is gone, and its lock with it
                logger.warning("booking queue: the decider's lock was not released")


def _arrived() -> int | None:
    """The last id whose INSERT is over. Ids are given when an INSERT runs, but its
    commit may come after a later one's: deciding what is committed could serve id 6
    before id 5. A SHARE lock on the table waits for the INSERTs under way to commit (a
    millisecond each) and holds the next ones back for one round trip (the three
    statements are one message, so one implicit transaction): every id up to the one
    read then is final. None: no need (SQLite commits in id order); 0: the lock was not
    had within a second (decide nothing this time)."""
    if connection.vendor != "postgresql":
        return None
    table = WeekRequest._meta.db_table
    sql = (
        "SET LOCAL lock_timeout = '1s'; "  # noqa: S608 (table name from the model)
        f"LOCK TABLE {table} IN SHARE MODE; "
        f"SELECT coalesce(max(id), 0) FROM {table}"
    )
    # Within a transaction already (the tests'), a savepoint keeps it usable on a timeout.
    inner = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with inner, connection.cursor() as cursor:
            cursor.execute(sql)
            while cursor.description is None and cursor.nextset():
                pass
            return cursor.fetchone()[0]
    except OperationalError:  # lock_timeout: try again at the next turn
        return 0


def queue_waiting() -> bool:
    """Whether a request waits (the worker's look when idle: one statement on the
    pending requests' index)."""
    return WeekRequest.objects.filter(status=WeekRequestStatus.PENDING).exists()


def _pending(limit: int, horizon: int | None) -> list[Pending]:
    requests = WeekRequest.objects.filter(status=WeekRequestStatus.PENDING)
    if horizon is not None:
        requests = requests.filter(pk__lte=horizon)
    rows = (
        requests.select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values_list(
            "pk",
            "activity_id",
            "monday",
            "child_id",
            "family_id",
            "created_by_id",
            "created_at",
            "child__first_name",
        )[:limit]
    )
    return [Pending(*row) for row in rows]


def _decide_week(
    activity: Activity, monday: date, requests: list[Pending], now: datetime
) -> dict[int, Outcome]:
    """Decide the requests of one activity week, in arrival order."""
    if activity.kind != ActivityKind.HOLIDAYS:
        return {
            r.id: Outcome(WeekRequestStatus.REFUSED, reason=week_only_holidays_message())
            for r in requests
        }
    monday, sunday = rules.week_of(monday)
    window = selectors.window_read(activity, start=monday, end=sunday)
    deadlines = selectors.day_deadlines(window, start=monday, end=sunday)
    # Each request's days: those still open when it arrived (its deadline is checked
    # against its arrival, not against the worker's clock).
    days_of = {r.id: tuple(selectors.open_days(deadlines, _local(r.created_at))) for r in requests}
    reasons: dict[int, str] = {r.id: week_closed_message() for r in requests if not days_of[r.id]}
    guards: dict[tuple[date, ...], str | None] = {}
    for request in requests:
        days = days_of[request.id]
        if request.id not in reasons:
            if days not in guards:
                guards[days] = registry.booking_refusal(activity, list(days))
            if guards[days]:
                reasons[request.id] = guards[days]
    children = {r.child_id for r in requests if r.id not in reasons}
    enrolments = sql.accepted_enrolments(activity, children)
    for request in requests:
        if request.id not in reasons and request.child_id not in enrolments:
            reasons[request.id] = not_enrolled_message(request.first_name, activity.name)
    wanted = sorted({day for r in requests if r.id not in reasons for day in days_of[r.id]})
    counters: dict[date, queue_rules.Counter] = {}
    pk_of: dict[date, int] = {}
    if wanted:
        _ensure_days(activity, wanted)
        locked = _locked_counters(activity, wanted)
        # After the lock: a statement of its own sees what the paths that held these
        # counters before committed.
        live = sql.live_days(activity, wanted, children)
        waiting = sql.waiting_counts(activity, wanted)
        for pk, day, booked, capacity, last in locked:
            pk_of[day] = pk
            counters[day] = queue_rules.Counter(day, booked, capacity, last, waiting.get(day, 0))
        for request in requests:
            if request.id not in reasons and live.get(request.child_id, set()) & set(
                days_of[request.id]
            ):
                reasons[request.id] = week_already_booked_message(request.first_name)
    asks = [
        queue_rules.Ask(r.id, r.child_id, days_of[r.id], refused=r.id in reasons) for r in requests
    ]
    decisions, after = queue_rules.allocate_week(counters.values(), asks)
    changed = [
        ActivityDay(pk=pk_of[day], booked=counter.booked, waitlist_last=counter.waitlist_last)
        for day, counter in after.items()
        if counter != counters[day]
    ]
    if changed:
        ActivityDay.objects.bulk_update(changed, ["booked", "waitlist_last"])
    by_id = {r.id: r for r in requests}
    bookings = []
    outcomes = {}
    for decision in decisions:
        request = by_id[decision.key]
        days = days_of[request.id]
        if decision.outcome == queue_rules.REFUSED:
            outcomes[request.id] = Outcome(WeekRequestStatus.REFUSED, reason=reasons[request.id])
            continue
        if decision.outcome == queue_rules.DUPLICATE:
            outcomes[request.id] = Outcome(
                WeekRequestStatus.REFUSED, reason=week_already_booked_message(request.first_name)
            )
            continue
        booked = decision.outcome == queue_rules.BOOKED
        outcomes[request.id] = Outcome(
            WeekRequestStatus.BOOKED if booked else WeekRequestStatus.WAITLISTED,
            first_day=days[0],
            days=len(days),
            rank=decision.rank,
        )
        bookings.extend(
            (
                day,
                request.child_id,
                request.family_id,
                enrolments[request.child_id],
                (BookingStatus.CONFIRMED if booked else BookingStatus.WAITLISTED).value,
                None if booked else decision.positions[day],
                request.created_by_id,
                now if booked else None,
            )
            for day in days
        )
    sql.insert_bookings(activity, bookings, now)
    return outcomes


def _record(outcomes: dict[int, Outcome], now: datetime) -> None:
    """Mark every request of the batch with its outcome, one statement."""
    sql.record_outcomes(
        [
            (pk, str(o.status), o.first_day, o.days, o.rank, o.reason[:300])
            for pk, o in outcomes.items()
        ],
        now,
    )
