"""Bookings: a day (or a holiday week) booked, waitlisted or cancelled."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.activities import registry, rules, selectors
from espace_citoyen.activities.models import (
    Activity,
    ActivityKind,
    Booking,
    BookingStatus,
    Enrolment,
    Unit,
)
from espace_citoyen.activities.services._common import (
    _accepted_enrolment,
    _check_open,
    _enrolment_and_booked,
    _live_booking,
    _lock_child,
    _lock_child_row,
    week_already_booked_message,
    week_closed_message,
    week_only_holidays_message,
)
from espace_citoyen.activities.services.capacity import (
    _book_week,
    _ensure_days,
    _next_position,
    _promote,
    _release_place,
    _take_place,
)
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Child


def _book(
    *,
    activity: Activity,
    day: date,
    child: Child,
    actor: Actor,
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


def _cancel(booking: Booking, *, actor: Actor, reason: str, promote: bool = True) -> None:
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


def _check_guards(activity: Activity, days: list[date]) -> None:
    """Other apps may keep some days from first-come booking (activities.registry)."""
    refusal = registry.booking_refusal(activity, days)
    if refusal:
        raise ApplicationError(refusal, field="date")


@transaction.atomic
def booking_add(*, child: Child, activity: Activity, day: date, actor: Actor) -> Booking:
    """Book one day for a child enrolled in the activity, until the deadline. A full
    day puts the request on the waitlist (the booking says its position)."""
    child = _lock_child(child)
    enrolment = _accepted_enrolment(child, activity)
    if activity.unit == Unit.WEEK:
        raise ApplicationError(
            _("« %(activity)s » se réserve à la semaine.") % {"activity": activity.name}
        )
    _check_open(selectors.day_context(activity, day))
    _check_guards(activity, [day])
    if _live_booking(child, activity, day) is not None:
        raise ApplicationError(
            _("Ce jour est déjà réservé (ou demandé) pour %(child)s.") % {"child": child.first_name}
        )
    _ensure_days(activity, [day])
    return _book(activity=activity, day=day, child=child, actor=actor, enrolment=enrolment)


@transaction.atomic
def booking_add_week(
    *, child: Child, activity: Activity, monday: date, actor: Actor
) -> list[Booking]:
    """Book every operating day of a holiday week at once. All or nothing: if one day is
    full, the whole week goes on the waitlist.

    The opening-day path: the week's calendar is computed before any lock, the child's
    lock and one read follow (two raw statements), then one statement locks the week's
    counters, takes the places (or the waitlist ranks) and inserts the bookings, and the
    transaction ends."""
    if activity.kind != ActivityKind.HOLIDAYS:
        raise ApplicationError(week_only_holidays_message())
    monday, sunday = rules.week_of(monday)
    # Operating days of the week whose deadline has not passed: the checks of
    # _check_open, for the whole week in two queries.
    days = selectors.bookable_days(activity, start=monday, end=sunday)
    if not days:
        raise ApplicationError(week_closed_message(), field="date")
    _check_guards(activity, days)
    _lock_child_row(child)
    enrolment_id, booked = _enrolment_and_booked(child, activity, days)
    if booked:
        raise ApplicationError(week_already_booked_message(child.first_name))
    booking_week = {
        "child_id": child.pk,
        "family_id": child.family_id,
        "enrolment_id": enrolment_id,
        "actor_id": getattr(actor, "pk", None),
    }
    bookings = _book_week(activity, days, **booking_week)
    if bookings is None:  # the week's first booking: create its counters, then again
        _ensure_days(activity, days)
        bookings = _book_week(activity, days, **booking_week)
    return bookings


@transaction.atomic
def booking_cancel(
    *,
    child: Child,
    activity: Activity,
    day: date,
    actor: Actor,
    by_agent: bool = False,
    reason: str = "",
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
