"""Places: the counter of each activity day, the waitlist's promotions and the
agents' changes of capacity."""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.models import User
from espace_citoyen.activities import rules, selectors
from espace_citoyen.activities.models import Activity, ActivityDay, Booking, BookingStatus
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.families.services import family_contacts

AREA = "activities"


def _ensure_days(activity: Activity, days: list[date]) -> None:
    """Create the missing counters (before any lock is taken: nothing waits on this)."""
    present = set(
        ActivityDay.objects.filter(activity=activity, date__in=days).values_list("date", flat=True)
    )
    missing = [day for day in days if day not in present]
    if missing:
        ActivityDay.objects.bulk_create(
            [
                ActivityDay(activity=activity, date=day, capacity=activity.capacity)
                for day in missing
            ],
            ignore_conflicts=True,
        )


def _take_place(activity: Activity, day: date) -> bool:
    """Take one place of the day if one is free: one conditional UPDATE, which the
    database serialises on the day's row (never a read-then-write). The counter row
    must exist (_ensure_days)."""
    return bool(
        ActivityDay.objects.filter(activity=activity, date=day, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
    )


def _lock_days(activity: Activity, days: list[date]) -> None:
    """Lock the counters of several days in date order before changing any of them:
    two requests over the same days then queue instead of each holding a day the other
    one waits for (a deadlock)."""
    if not days:
        return
    _ensure_days(activity, days)
    list(
        ActivityDay.objects.select_for_update()
        .filter(activity=activity, date__in=days)
        .order_by("date")
        .values_list("pk", flat=True)
    )


def _release_place(activity_id: int, day: date) -> None:
    ActivityDay.objects.filter(activity_id=activity_id, date=day, booked__gt=0).update(
        booked=F("booked") - 1
    )


def _next_position(activity: Activity, day: date) -> int:
    """The next waitlist position of the day: one UPDATE … RETURNING under the day
    row's lock (PostgreSQL, and SQLite from 3.35)."""
    table = ActivityDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET waitlist_last = waitlist_last + 1 "  # noqa: S608 (table name from the model)
            "WHERE activity_id = %s AND date = %s RETURNING waitlist_last",
            [activity.pk, day],
        )
        return cursor.fetchone()[0]


def _book_week(
    activity: Activity, days: list[date], *, child_id: int, family_id: int, enrolment_id, actor_id
) -> list[Booking] | None:
    """Take one place on each of `days` for the child, all or none, and insert its
    bookings: ONE statement, so the week's counters stay locked only while PostgreSQL
    runs it and the caller commits. It locks the counters in date order, gives a place
    on every day if each has one (else the next waitlist rank of every day) and inserts
    the bookings, confirmed or ranked. None when a counter is missing (_ensure_days,
    then call again). Elsewhere than on PostgreSQL: _take_week and an insert."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        present = ActivityDay.objects.filter(activity=activity, date__in=days).count()
        if present != len(days):
            return None
        positions = _take_week(activity, days)
        rows = [
            (
                None,
                day,
                BookingStatus.CONFIRMED if positions is None else BookingStatus.WAITLISTED,
                None if positions is None else positions[day],
            )
            for day in days
        ]
        bookings = _bookings_from(rows, activity, child_id, family_id, enrolment_id, actor_id, now)
        Booking.objects.bulk_create(bookings)
        return bookings
    with connection.cursor() as cursor:
        cursor.execute(
            BOOK_WEEK_SQL,
            {
                "activity": activity.pk,
                "days": list(days),
                "count": len(days),
                "child": child_id,
                "family": family_id,
                "enrolment": enrolment_id,
                "actor": actor_id,
                "now": now,
                "confirmed": BookingStatus.CONFIRMED.value,
                "waitlisted": BookingStatus.WAITLISTED.value,
            },
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    return _bookings_from(rows, activity, child_id, family_id, enrolment_id, actor_id, now)


def _bookings_from(rows, activity, child_id, family_id, enrolment_id, actor_id, now):
    bookings = []
    for pk, day, status, position in sorted(rows, key=lambda row: row[1]):
        booking = Booking(
            pk=pk,
            activity=activity,
            date=day,
            child_id=child_id,
            family_id=family_id,
            enrolment_id=enrolment_id,
            created_by_id=actor_id,
            status=status,
            waitlist_position=position,
            confirmed_at=now if status == BookingStatus.CONFIRMED else None,
            created_at=now,
        )
        booking._state.adding = pk is None
        bookings.append(booking)
    return bookings


# The week's booking in one statement (see _book_week). The counters are locked in date
# order by the first CTE (FOR UPDATE returns their latest committed values); nothing is
# written unless every day's counter exists (`count`); the CHECK (booked <= capacity)
# and the unique constraints on bookings stay the database's last word.
BOOK_WEEK_SQL = """
WITH locked AS (
    SELECT id, date, booked, capacity FROM activities_activityday
    WHERE activity_id = %(activity)s AND date = ANY(%(days)s::date[])
    ORDER BY date FOR UPDATE
), verdict AS (
    SELECT bool_and(booked < capacity) AS free, count(*) AS present FROM locked
), taken AS (
    UPDATE activities_activityday AS counter
    SET booked = counter.booked + CASE WHEN verdict.free THEN 1 ELSE 0 END,
        waitlist_last = counter.waitlist_last + CASE WHEN verdict.free THEN 0 ELSE 1 END
    FROM locked, verdict
    WHERE counter.id = locked.id AND verdict.present = %(count)s
    RETURNING counter.date, verdict.free, counter.waitlist_last
)
INSERT INTO activities_booking (
    activity_id, date, child_id, family_id, enrolment_id, status, waitlist_position,
    from_template, created_at, created_by_id, confirmed_at, promoted, cancel_reason
)
SELECT %(activity)s, taken.date, %(child)s, %(family)s, %(enrolment)s,
    CASE WHEN taken.free THEN %(confirmed)s ELSE %(waitlisted)s END,
    CASE WHEN taken.free THEN NULL ELSE taken.waitlist_last END,
    false, %(now)s, %(actor)s, CASE WHEN taken.free THEN %(now)s END, false, ''
FROM taken
RETURNING id, date, status, waitlist_position
"""


def _locked_counters(activity: Activity, days: list[date]) -> list[tuple]:
    """Lock the counters of `days` in date order (two requests over the same days queue
    instead of deadlocking) and read them: (pk, date, booked, capacity, waitlist_last).
    One statement; the counters must exist (_ensure_days)."""
    return list(
        ActivityDay.objects.select_for_update()
        .filter(activity=activity, date__in=days)
        .order_by("date")
        .values_list("pk", "date", "booked", "capacity", "waitlist_last")
    )


def _take_week(activity: Activity, days: list[date]) -> dict[date, int] | None:
    """Take one place on each of `days`, all or none: lock the days' counters in date
    order (one statement), then either take a place on every day if each has one, or
    give the request the next waitlist position of every day (one statement). Returns
    None when the places are taken, else each day's waitlist position. The counters
    must exist (_ensure_days)."""
    counters = _locked_counters(activity, days)
    if len(counters) != len(days):
        raise RuntimeError("a day counter is missing: call _ensure_days first")
    if all(booked < capacity for _pk, _day, booked, capacity, _last in counters):
        taken = ActivityDay.objects.filter(
            pk__in=[pk for pk, *_ in counters], booked__lt=F("capacity")
        ).update(booked=F("booked") + 1)
        if taken != len(days):  # cannot happen under the lock: never book past it
            raise RuntimeError("a day counter changed under its lock")
        return None
    table = ActivityDay._meta.db_table
    marks = ", ".join(["%s"] * len(counters))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET waitlist_last = waitlist_last + 1 "  # noqa: S608 (table name from the model)
            f"WHERE id IN ({marks}) RETURNING id, waitlist_last",
            [pk for pk, *_ in counters],
        )
        by_pk = dict(cursor.fetchall())
    return {day: by_pk[pk] for pk, day, *_ in counters}


def _notify_promoted(booking: Booking) -> None:
    contacts = family_contacts(booking.family)
    if contacts:
        notify(
            "activities/mail/promoted",
            to=contacts,
            context={
                "child": booking.child,
                "activity": booking.activity,
                "day": rules.day_label(booking.date),
                "link": settings.SITE_URL
                + reverse("activities:child_month", args=[booking.child_id])
                + f"?mois={booking.date:%Y-%m}",
            },
        )


def _promote(activity: Activity, day: date, *, deadline_checked: bool = False) -> Booking | None:
    """Give a free place of the day to the first family in line, and e-mail them. Only
    before the day's deadline: after it, the teams' numbers are fixed. Locks the waiting
    booking and the day's counter, never the child, family or activity rows it reads
    (`of=self`): that family's own request may hold its child's row at that moment."""
    if not deadline_checked and selectors.day_context(activity, day).locked:
        return None
    first = (
        Booking.objects.select_for_update(of=("self",))
        .filter(activity=activity, date=day, status=BookingStatus.WAITLISTED)
        .select_related("child", "family", "activity")
        .order_by("waitlist_position")
        .first()
    )
    if first is None:
        return None
    _ensure_days(activity, [day])
    if not _take_place(activity, day):
        return None
    first.status = BookingStatus.CONFIRMED
    first.waitlist_position = None
    first.promoted = True
    first.confirmed_at = timezone.now()
    first.save(update_fields=["status", "waitlist_position", "promoted", "confirmed_at"])
    _notify_promoted(first)
    return first


@transaction.atomic
def activity_day_capacity_set(
    *, activity: Activity, day: date, capacity: int, agent: User
) -> ActivityDay:
    """Change the places of one day. Never below the places already taken; new places
    go at once to the families waiting, in order."""
    if capacity < 0:
        raise ApplicationError(_("Le nombre de places ne peut pas être négatif."), field="capacity")
    first, last = selectors.activity_range(activity)
    if not first <= day <= last:
        raise ApplicationError(
            _("Choisissez un jour de l'année de l'activité, du %(first)s au %(last)s.")
            % {"first": rules.day_label(first), "last": rules.day_label(last)},
            field="date",
        )
    _ensure_days(activity, [day])
    counter = ActivityDay.objects.select_for_update().get(activity=activity, date=day)
    if capacity < counter.booked:
        raise ApplicationError(
            ngettext(
                "%(booked)s place est déjà réservée ce jour-là : la capacité ne peut "
                "pas être plus basse.",
                "%(booked)s places sont déjà réservées ce jour-là : la capacité ne peut "
                "pas être plus basse.",
                counter.booked,
            )
            % {"booked": counter.booked},
            field="capacity",
        )
    before = counter.capacity
    counter.capacity = capacity
    counter.save(update_fields=["capacity"])
    while _promote(activity, day):
        pass
    counter.refresh_from_db()
    audit_record(
        actor=agent,
        area=AREA,
        entity="jour d'activité",
        label=f"{activity.name} — {rules.day_label(day)}",
        before={"places": before},
        after={"places": counter.capacity},
        subject=activity,
    )
    return counter


@transaction.atomic
def activity_capacity_apply(*, activity: Activity, previous: int, actor: Actor = None) -> int:
    """After the activity's capacity changed (configuration), carry it to the days to
    come that kept the former capacity, never below their places taken; promote the
    waiting families where places appeared. Returns the number of days changed."""
    today = timezone.localdate()
    changed = 0
    rows = ActivityDay.objects.select_for_update().filter(
        activity=activity, date__gte=today, capacity=previous
    )
    for counter in rows:
        counter.capacity = max(activity.capacity, counter.booked)
        counter.save(update_fields=["capacity"])
        changed += 1
        while _promote(activity, counter.date):
            pass
    audit_record(
        actor=actor,
        area=AREA,
        entity="activité",
        label=activity.name,
        before={"places par jour": previous},
        after={"places par jour": activity.capacity, "jours à venir modifiés": changed},
        subject=activity,
    )
    return changed
