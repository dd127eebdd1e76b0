"""Calendar exceptions: a day closed (its bookings cancelled) or opened."""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.activities import rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    Booking,
    BookingStatus,
    CalendarException,
)
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify


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
