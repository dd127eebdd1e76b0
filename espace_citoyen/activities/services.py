"""Activities own périscolaire and extrascolaire: enrolments (a démarche per child,
activity and school year), bookings changed all year, capacity with its waitlist,
calendar exceptions, the attendance register and the iCal feed.

Capacity is kept by the database: a place is taken by one conditional UPDATE of the
day's counter (booked = booked + 1 WHERE booked < capacity) inside the transaction, so
no day ever holds more children than its capacity, on PostgreSQL and SQLite alike."""

import secrets
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_citoyen.activities import rules, selectors
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    Attendance,
    Booking,
    BookingStatus,
    CalendarException,
    CalendarFeed,
    Enrolment,
    EnrolmentStatus,
    Unit,
)
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.models import Child, Document, DocumentKind, DocumentStatus, Family

DEMARCHE_ENROLMENT = "activites_inscription"
# The commune's delay to send a medical certificate that justifies an absence.
CERTIFICATE_DELAY_HOURS = settings.ACTIVITIES_CERTIFICATE_DELAY_HOURS


# --- places: the counter of each activity day ------------------------------------------------


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


def _book(
    *,
    activity: Activity,
    day: date,
    child: Child,
    actor,
    enrolment: Enrolment | None,
    from_template: bool = False,
) -> Booking:
    """Book a place, or join the waitlist when the day is full (no checks here)."""
    if _take_place(activity, day):
        booking = Booking(status=BookingStatus.CONFIRMED, confirmed_at=timezone.now())
    else:
        booking = Booking(
            status=BookingStatus.WAITLISTED, waitlist_position=_next_position(activity, day)
        )
    booking.activity = activity
    booking.date = day
    booking.child = child
    booking.family_id = child.family_id
    booking.enrolment = enrolment
    booking.from_template = from_template
    booking.created_by = actor if getattr(actor, "pk", None) else None
    booking.save()
    return booking


def _cancel(booking: Booking, *, actor, reason: str, promote: bool = True) -> None:
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    booking.status = BookingStatus.CANCELLED
    booking.waitlist_position = None
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = actor if getattr(actor, "pk", None) else None
    booking.cancel_reason = reason[:200]
    booking.save(
        update_fields=[
            "status",
            "waitlist_position",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
        ]
    )
    if was_confirmed:
        _release_place(booking.activity_id, booking.date)
        if promote:
            _promote(booking.activity, booking.date)


# --- checks ----------------------------------------------------------------------------------


def _lock_child(child: Child) -> Child:
    """Serialise one child's changes (a double click books once)."""
    return Child.objects.select_for_update().get(pk=child.pk)


def _accepted_enrolment(child: Child, activity: Activity) -> Enrolment:
    enrolment = Enrolment.objects.filter(
        child=child, activity=activity, status=EnrolmentStatus.ACCEPTED
    ).first()
    if enrolment is None:
        raise ApplicationError(
            _("%(child)s n'est pas inscrit(e) à « %(activity)s » : faites d'abord l'inscription.")
            % {"child": child.first_name, "activity": activity.name}
        )
    return enrolment


def _check_open(context: selectors.DayContext) -> None:
    if context.closed is not None:
        raise ApplicationError(
            _("Le %(day)s est fermé pour « %(activity)s » (%(reason)s).")
            % {
                "day": rules.day_label(context.day),
                "activity": context.activity.name,
                "reason": context.closed,
            },
            field="date",
        )
    if context.locked:
        raise ApplicationError(
            _("Le %(day)s ne peut plus être modifié : le délai était le %(deadline)s.")
            % {
                "day": rules.day_label(context.day),
                "deadline": rules.moment_label(context.deadline),
            },
            field="date",
            code="locked",
        )


def _live_booking(child: Child, activity: Activity, day: date) -> Booking | None:
    return (
        Booking.objects.select_for_update()
        .filter(
            child=child,
            activity=activity,
            date=day,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        )
        .first()
    )


# --- bookings --------------------------------------------------------------------------------


@transaction.atomic
def booking_add(*, child: Child, activity: Activity, day: date, actor) -> Booking:
    """Book one day for a child enrolled in the activity, until the deadline. A full
    day puts the request on the waitlist (the booking says its position)."""
    child = _lock_child(child)
    enrolment = _accepted_enrolment(child, activity)
    if activity.unit == Unit.WEEK:
        raise ApplicationError(
            _("« %(activity)s » se réserve à la semaine.") % {"activity": activity.name}
        )
    _check_open(selectors.day_context(activity, day))
    if _live_booking(child, activity, day) is not None:
        raise ApplicationError(
            _("Ce jour est déjà réservé (ou demandé) pour %(child)s.") % {"child": child.first_name}
        )
    _ensure_days(activity, [day])
    return _book(activity=activity, day=day, child=child, actor=actor, enrolment=enrolment)


@transaction.atomic
def booking_add_week(*, child: Child, activity: Activity, monday: date, actor) -> list[Booking]:
    """Book every operating day of a holiday week at once. All or nothing: if one day is
    full, the whole week goes on the waitlist."""
    child = _lock_child(child)
    enrolment = _accepted_enrolment(child, activity)
    if activity.kind != ActivityKind.HOLIDAYS:
        raise ApplicationError(_("Seul l'accueil de loisirs des vacances se réserve à la semaine."))
    monday, sunday = rules.week_of(monday)
    # Operating days of the week whose deadline has not passed: the checks of
    # _check_open, for the whole week in two queries.
    days = selectors.bookable_days(activity, start=monday, end=sunday)
    if not days:
        raise ApplicationError(
            _(
                "Cette semaine ne peut pas être réservée : l'accueil est fermé ou les "
                "réservations sont closes."
            ),
            field="date",
        )
    if Booking.objects.filter(
        child=child,
        activity=activity,
        date__in=days,
        status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
    ).exists():
        raise ApplicationError(
            _(
                "Un jour de cette semaine est déjà réservé pour %(child)s : gérez la "
                "semaine jour par jour."
            )
            % {"child": child.first_name}
        )

    _ensure_days(activity, days)
    # Everything above ran before any day's lock; below, three statements under them.
    positions = _take_week(activity, days)
    confirmed = positions is None
    now = timezone.now()
    bookings = []
    for day in days:
        booking = Booking(
            activity=activity,
            date=day,
            child=child,
            family_id=child.family_id,
            enrolment=enrolment,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if confirmed:
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
        else:
            booking.status = BookingStatus.WAITLISTED
            booking.waitlist_position = positions[day]
        bookings.append(booking)
    Booking.objects.bulk_create(bookings)
    return bookings


@transaction.atomic
def booking_cancel(
    *, child: Child, activity: Activity, day: date, actor, by_agent: bool = False, reason: str = ""
) -> list[Booking]:
    """Cancel a booking (or leave the waitlist) until the deadline; a freed place goes
    to the first family in line, who is e-mailed. For an activity booked by the week,
    the whole week is cancelled."""
    child = _lock_child(child)
    days = [day]
    if activity.unit == Unit.WEEK:
        monday, sunday = rules.week_of(day)
        days = list(
            Booking.objects.filter(
                child=child,
                activity=activity,
                date__range=(monday, sunday),
                status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
            ).values_list("date", flat=True)
        ) or [day]
    cancelled = []
    for current in sorted(days):
        booking = _live_booking(child, activity, current)
        if booking is None:
            raise ApplicationError(
                _("Il n'y a pas de réservation à annuler le %(day)s.")
                % {"day": rules.day_label(current)}
            )
        context = selectors.day_context(activity, current)
        if not by_agent:
            _check_open(context)
        was_confirmed = booking.status == BookingStatus.CONFIRMED
        _cancel(
            booking,
            actor=actor,
            reason=reason
            or (_("Annulée par un agent") if by_agent else _("Annulée par la famille")),
            promote=False,
        )
        if was_confirmed and not context.locked:
            _promote(activity, current, deadline_checked=True)
        cancelled.append(booking)
    return cancelled


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


# --- enrolments ------------------------------------------------------------------------------


def _title(activity: Activity) -> str:
    return _("Inscription « %(activity)s » %(year)s") % {
        "activity": activity.name,
        "year": activity.school_year.label,
    }


def _pai_missing(child: Child) -> bool:
    if not child.has_pai:
        return False
    return not Document.objects.filter(
        child=child, kind=DocumentKind.PAI, status=DocumentStatus.ACCEPTED
    ).exists()


def _check_weekdays(activity: Activity, weekdays: list[int]) -> list[int]:
    if not activity.uses_weekly_template:
        return []
    allowed = rules.weekdays_for(activity.kind, activity.weekdays)
    chosen = sorted({int(day) for day in weekdays})
    if not chosen:
        raise ApplicationError(
            _("Choisissez au moins un jour dans la semaine type."), field="weekdays"
        )
    if any(day not in allowed for day in chosen):
        raise ApplicationError(
            _("L'activité a lieu uniquement les jours suivants : %(days)s.")
            % {"days": ", ".join(dates.weekday_name(day) for day in allowed)},
            field="weekdays",
        )
    return chosen


def eligibility_problem(child: Child, activity: Activity) -> str | None:
    from espace_citoyen.schooling.rules import expected_level

    rentree = activity.school_year.start_date
    return rules.eligibility_problem(
        birth_date=child.birth_date,
        level=expected_level(child.birth_date.year, rentree.year),
        levels=activity.eligible_levels,
        min_age=activity.min_age,
        max_age=activity.max_age,
        on=rentree,
    )


@transaction.atomic
def enrolment_request(
    *, family: Family, child: Child, activity: Activity, weekdays: list[int], actor
) -> Enrolment:
    """Enrol a child in an activity for its school year (a démarche). Accepted at once
    when the commune's rules allow it (card validated, no PAI document missing for the
    canteen, and made in the campaign window or with places left); otherwise it waits
    for the périscolaire service. Accepting generates the bookings of the weekly
    template for every operating day."""
    if child.family_id != family.pk:
        raise ApplicationError(_("Cet enfant n'appartient pas à votre carte famille."))
    if not activity.active:
        raise ApplicationError(_("Les inscriptions à cette activité sont fermées."))
    child = _lock_child(child)
    problem = eligibility_problem(child, activity)
    if problem:
        raise ApplicationError(problem, field="activity")
    if Enrolment.objects.filter(
        child=child,
        activity=activity,
        status__in=[EnrolmentStatus.PENDING, EnrolmentStatus.ACCEPTED],
    ).exists():
        raise ApplicationError(
            _("%(child)s est déjà inscrit(e) (ou en attente) à « %(activity)s ».")
            % {"child": child.first_name, "activity": activity.name},
            field="activity",
        )
    chosen = _check_weekdays(activity, weekdays)
    today = timezone.localdate()
    in_campaign = rules.in_window(today, activity.campaign_start, activity.campaign_end)
    reasons = []
    if not family.is_validated:
        reasons.append(_("votre carte famille n'est pas encore validée par le guichet"))
    if activity.kind == ActivityKind.LUNCH and _pai_missing(child):
        reasons.append(
            _("le document du projet d'accueil individualisé (PAI) n'est pas encore validé")
        )
    if chosen and not in_campaign and not reasons:
        # Only a weekly template books days now; without one, the family books days
        # later and a full day then offers the waitlist.
        days = selectors.bookable_days(activity, start=today, weekdays=chosen)
        if ActivityDay.objects.filter(
            activity=activity, date__in=days, booked__gte=F("capacity")
        ).exists():
            reasons.append(_("certains jours demandés sont complets"))
    waiting = ""
    if reasons:
        waiting = _("Votre demande sera examinée par le service périscolaire : %(reasons)s.") % {
            "reasons": " ; ".join(reasons)
        }
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_ENROLMENT,
        owner=family,
        submitted_by=actor,
        title=_title(activity),
        child_name=child.full_name,
        child_birth_date=child.birth_date,
        place=activity.place,
        message=waiting,
    )
    enrolment = Enrolment(
        demarche=demarche,
        family=family,
        child=child,
        activity=activity,
        weekdays=chosen,
        in_campaign=in_campaign,
        waiting_reason=waiting[:300],
    )
    enrolment.full_clean()
    enrolment.save()
    if not reasons:
        demarches.demarche_accept(
            demarche=demarche,
            agent=None,
            message=_(
                "Inscription acceptée automatiquement : les réservations de votre semaine "
                "type sont faites pour toute l'année scolaire."
            )
            if chosen
            else _("Inscription acceptée automatiquement : vous pouvez réserver les jours."),
        )
        enrolment.refresh_from_db()
    return enrolment


def _apply_template(enrolment: Enrolment, *, start: date, weekdays: list[int], actor) -> int:
    """Book (or waitlist) every bookable operating day from `start` on the template's
    weekdays; returns how many days were added."""
    if not weekdays:
        return 0
    activity = enrolment.activity
    days = selectors.bookable_days(activity, start=start, weekdays=weekdays)
    existing = set(
        Booking.objects.filter(
            child_id=enrolment.child_id,
            activity=activity,
            date__in=days,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        ).values_list("date", flat=True)
    )
    _ensure_days(activity, [day for day in days if day not in existing])
    now = timezone.now()
    bookings = []
    for day in days:
        if day in existing:
            continue
        booking = Booking(
            activity=activity,
            date=day,
            child_id=enrolment.child_id,
            family_id=enrolment.family_id,
            enrolment=enrolment,
            from_template=True,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if _take_place(activity, day):
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
        else:
            booking.status = BookingStatus.WAITLISTED
            booking.waitlist_position = _next_position(activity, day)
        bookings.append(booking)
    Booking.objects.bulk_create(bookings)
    return len(bookings)


def enrolment_accept(*, demarche: Demarche, actor) -> None:
    """Hook of the enrolment démarche: accepting it generates the bookings."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("activity__school_year", "child")
        .get(demarche=demarche)
    )
    _lock_child(enrolment.child)  # the family's own bookings wait for the template's
    enrolment.status = EnrolmentStatus.ACCEPTED
    enrolment.weekdays_from = timezone.localdate()
    enrolment.save(update_fields=["status", "weekdays_from"])
    _apply_template(enrolment, start=timezone.localdate(), weekdays=enrolment.weekdays, actor=actor)


def enrolment_refuse(*, demarche: Demarche, actor) -> None:
    Enrolment.objects.filter(demarche=demarche).update(status=EnrolmentStatus.REFUSED)


def enrolment_cancel(*, demarche: Demarche, actor) -> None:
    Enrolment.objects.filter(demarche=demarche).update(status=EnrolmentStatus.CANCELLED)


@transaction.atomic
def enrolment_template_change(
    *, enrolment: Enrolment, weekdays: list[int], start: date, actor
) -> tuple[int, int]:
    """Change the weekly template from a date on: days of the weekdays dropped are
    cancelled (their places go to the waitlist), days of the weekdays added are booked;
    the weekdays kept do not change. Days whose deadline has passed do not change.
    Returns (added, cancelled)."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("activity__school_year", "child")
        .get(pk=enrolment.pk)
    )
    activity = enrolment.activity
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        raise ApplicationError(_("Cette inscription n'est pas (encore) acceptée."))
    if not activity.uses_weekly_template:
        raise ApplicationError(_("Cette activité n'a pas de semaine type : réservez les jours."))
    chosen = sorted({int(day) for day in weekdays})
    allowed = rules.weekdays_for(activity.kind, activity.weekdays)
    if any(day not in allowed for day in chosen):
        raise ApplicationError(
            _("L'activité a lieu uniquement les jours suivants : %(days)s.")
            % {"days": ", ".join(dates.weekday_name(day) for day in allowed)},
            field="weekdays",
        )
    first = selectors.first_unlocked_day(activity)
    if first is None:
        raise ApplicationError(_("Il n'y a plus de jour modifiable cette année scolaire."))
    if start < first:
        raise ApplicationError(
            _(
                "Les jours avant le %(first)s ne peuvent plus être modifiés (délai de "
                "réservation) : choisissez une date à partir de celle-ci."
            )
            % {"first": rules.day_label(first)},
            field="start",
        )
    _lock_child(enrolment.child)
    bookable = set(selectors.bookable_days(activity, start=start))
    if not bookable:
        raise ApplicationError(
            _(
                "L'activité n'a plus de jour à réserver à partir du %(day)s : choisissez "
                "une date plus proche."
            )
            % {"day": rules.day_label(start)},
            field="start",
        )
    live = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(
            child_id=enrolment.child_id,
            activity=activity,
            date__gte=start,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        )
        .select_related("activity")
        .order_by("date")
    )
    removed = [
        booking
        for booking in live
        if booking.from_template
        and booking.date.weekday() not in chosen
        and booking.date in bookable
    ]
    # Only the weekdays the template gains are booked: a day of a weekday kept that the
    # family cancelled (an outing, a holiday) stays cancelled.
    gained = [day for day in chosen if day not in enrolment.weekdays]
    booked = {booking.date for booking in live}
    to_add = [day for day in bookable if day.weekday() in gained and day not in booked]
    _lock_days(activity, sorted({booking.date for booking in removed} | set(to_add)))
    for booking in removed:
        _cancel(booking, actor=actor, reason=_("Semaine type modifiée"))
    added = _apply_template(enrolment, start=start, weekdays=gained, actor=actor)
    enrolment.weekdays = chosen
    enrolment.weekdays_from = start
    enrolment.save(update_fields=["weekdays", "weekdays_from"])
    return added, len(removed)


# --- calendar exceptions ---------------------------------------------------------------------


@transaction.atomic
def calendar_exception_add(
    *, activity: Activity | None, day: date, opening: bool, reason: str, agent
) -> CalendarException:
    """Close a day (every booking of it is cancelled and the families e-mailed) or open
    one (families may then book it)."""
    from espace_citoyen.families.services import family_contacts

    if not reason.strip():
        raise ApplicationError(_("Indiquez le motif : les familles le liront."), field="reason")
    if CalendarException.objects.filter(activity=activity, date=day).exists():
        raise ApplicationError(
            _("Une exception existe déjà ce jour-là pour cette activité."), field="date"
        )
    exception = CalendarException(
        activity=activity, date=day, opening=opening, reason=reason.strip(), created_by=agent
    )
    exception.full_clean()
    exception.save()
    if opening:
        return exception
    bookings = Booking.objects.select_for_update(of=("self",)).filter(
        date=day, status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED]
    )
    if activity is not None:
        bookings = bookings.filter(activity=activity)
    touched = defaultdict(list)
    for booking in bookings.select_related("activity", "child", "family"):
        touched[booking.family].append(booking)
    # One statement for the day's bookings, however many there are.
    Booking.objects.filter(
        pk__in=[booking.pk for lines in touched.values() for booking in lines]
    ).update(
        status=BookingStatus.CANCELLED,
        waitlist_position=None,
        cancelled_at=timezone.now(),
        cancelled_by=agent,
        cancel_reason=(_("Fermeture : %(reason)s") % {"reason": reason.strip()})[:200],
    )
    counters = ActivityDay.objects.filter(date=day)
    if activity is not None:
        counters = counters.filter(activity=activity)
    counters.update(booked=0)
    for family, lines in touched.items():
        contacts = family_contacts(family)
        if contacts:
            notify(
                "activities/mail/closure",
                to=contacts,
                context={
                    "day": rules.day_label(day),
                    "reason": reason.strip(),
                    "lines": [f"{b.child.first_name} — {b.activity.name}" for b in lines],
                },
            )
    return exception


@transaction.atomic
def calendar_exception_remove(*, exception: CalendarException, agent) -> None:
    """Remove an exception (cancelled bookings are not restored: families book again)."""
    exception.delete()


# --- attendance register ---------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, activity: Activity, day: date, marks: dict[int, bool], agent) -> int:
    """Record present / absent for children of the day's register; returns how many
    lines were written. Children neither booked nor already on the register are refused."""
    bookings = {
        booking.child_id: booking
        for booking in Booking.objects.filter(
            activity=activity, date=day, status=BookingStatus.CONFIRMED
        )
    }
    existing = {
        attendance.child_id: attendance
        for attendance in Attendance.objects.select_for_update().filter(activity=activity, date=day)
    }
    unknown = set(marks) - set(bookings) - set(existing)
    if unknown:
        raise ApplicationError(_("Un enfant pointé ne figure pas sur la liste de ce jour."))
    to_create, to_update = [], []
    for child_id, present in marks.items():
        attendance = existing.get(child_id)
        if attendance is None:
            to_create.append(
                Attendance(
                    activity=activity,
                    date=day,
                    child_id=child_id,
                    booking=bookings[child_id],
                    present=present,
                    recorded_by=agent,
                )
            )
            continue
        if attendance.unbooked and not present:
            # Present without booking, then marked absent: the line was a mistake.
            attendance.delete()
            continue
        attendance.present = present
        if present:
            attendance.justified = False
            attendance.justification = None
        attendance.recorded_by = agent
        attendance.recorded_at = timezone.now()
        to_update.append(attendance)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(
        to_update, ["present", "justified", "justification", "recorded_by", "recorded_at"]
    )
    return len(to_create) + len(to_update)


@transaction.atomic
def attendance_add_unbooked(*, activity: Activity, day: date, child: Child, agent) -> Attendance:
    """A child enrolled in the activity, present without booking: recorded as such
    (billed with the surcharge)."""
    if not Enrolment.objects.filter(
        child=child, activity=activity, status=EnrolmentStatus.ACCEPTED
    ).exists():
        raise ApplicationError(
            _("%(child)s n'est pas inscrit(e) à « %(activity)s ».")
            % {"child": child.full_name, "activity": activity.name},
            field="child",
        )
    if Booking.objects.filter(
        activity=activity, date=day, child=child, status=BookingStatus.CONFIRMED
    ).exists():
        raise ApplicationError(
            _("%(child)s a une réservation ce jour-là : pointez-le dans la liste.")
            % {"child": child.full_name},
            field="child",
        )
    attendance, created = Attendance.objects.get_or_create(
        activity=activity,
        date=day,
        child=child,
        defaults={"present": True, "unbooked": True, "recorded_by": agent},
    )
    if not created:
        raise ApplicationError(
            _("%(child)s est déjà sur le pointage de ce jour.") % {"child": child.full_name},
            field="child",
        )
    return attendance


@transaction.atomic
def absence_justify(*, attendance: Attendance, document: Document, agent) -> Attendance:
    """Justify an absence with the child's medical certificate, if it arrived within the
    commune's delay after the day of absence; a justified absence is not billed."""
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if attendance.present:
        raise ApplicationError(_("L'enfant était présent : il n'y a pas d'absence à justifier."))
    if (
        document.kind != DocumentKind.MEDICAL_CERTIFICATE
        or document.child_id != attendance.child_id
    ):
        raise ApplicationError(
            _("Choisissez un certificat médical déposé pour cet enfant."), field="document"
        )
    if document.status == DocumentStatus.REFUSED:
        raise ApplicationError(_("Ce certificat a été refusé."), field="document")
    received = timezone.localtime(document.created_at).replace(tzinfo=None)
    if not rules.certificate_in_time(
        absent_on=attendance.date, received_at=received, delay_hours=CERTIFICATE_DELAY_HOURS
    ):
        raise ApplicationError(
            _(
                "Ce certificat est arrivé le %(received)s, après le délai de %(hours)s heures "
                "suivant l'absence : l'absence reste facturée."
            )
            % {"received": rules.moment_label(received), "hours": CERTIFICATE_DELAY_HOURS},
            field="document",
        )
    attendance.justified = True
    attendance.justification = document
    attendance.justified_at = timezone.now()
    attendance.justified_by = agent
    attendance.save(update_fields=["justified", "justification", "justified_at", "justified_by"])
    return attendance


# --- iCal feed -------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, child: Child) -> CalendarFeed:
    """A new private feed address for the child; the former one stops working."""
    CalendarFeed.objects.filter(child=child, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarFeed.objects.create(child=child, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_feed_revoke(*, child: Child) -> int:
    """Stop the child's feed address without making a new one."""
    return CalendarFeed.objects.filter(child=child, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
