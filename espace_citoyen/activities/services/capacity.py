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

from espace_citoyen.activities import rules, selectors
from espace_citoyen.activities.models import Activity, ActivityDay, Booking, BookingStatus
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify


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


def _take_week(activity: Activity, days: list[date]) -> dict[date, int] | None:
    """Take one place on each of `days`, all or none: lock the days' counters in date
    order (one statement), then either take a place on every day if each has one, or
    give the request the next waitlist position of every day (one statement). Returns
    None when the places are taken, else each day's waitlist position. The counters
    must exist (_ensure_days)."""
    counters = list(
        ActivityDay.objects.select_for_update()
        .filter(activity=activity, date__in=days)
        .order_by("date")
        .values_list("pk", "date", "booked", "capacity")
    )
    if len(counters) != len(days):
        raise RuntimeError("a day counter is missing: call _ensure_days first")
    if all(booked < capacity for *_, booked, capacity in counters):
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
    from espace_citoyen.families.services import family_contacts

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
    *, activity: Activity, day: date, capacity: int, agent
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
    counter.capacity = capacity
    counter.save(update_fields=["capacity"])
    while _promote(activity, day):
        pass
    counter.refresh_from_db()
    return counter


@transaction.atomic
def activity_capacity_apply(*, activity: Activity, previous: int) -> int:
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
    return changed
