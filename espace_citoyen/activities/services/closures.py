"""Calendar exceptions: a day closed (its bookings cancelled) or opened."""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.models import User
from espace_citoyen.activities import rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    Booking,
    BookingStatus,
    CalendarException,
)
from espace_citoyen.audit.rules import snapshot
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.families.services import family_contacts


@transaction.atomic
def calendar_exception_add(
    *, activity: Activity | None, day: date, opening: bool, reason: str, agent: User
) -> CalendarException:
    """Close a day (every booking of it is cancelled and the families e-mailed) or open
    one (families may then book it)."""
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
    _audit_exception(exception, actor=agent, action="ajout")
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
def calendar_exception_remove(*, exception: CalendarException, agent: User) -> None:
    """Remove an exception (cancelled bookings are not restored: families book again)."""
    _audit_exception(exception, actor=agent, action="suppression")
    exception.delete()


def _audit_exception(exception: CalendarException, *, actor: Actor, action: str) -> None:
    values = snapshot(exception, ["date", "opening", "reason"])
    audit_record(
        actor=actor,
        area="activities",
        entity="exception de calendrier",
        label=(
            f"{exception.activity.name if exception.activity_id else 'Toutes les activités'}"
            f" — {rules.day_label(exception.date)}"
        ),
        before={} if action == "ajout" else values,
        after=values if action == "ajout" else {},
        action=action,
        subject=exception.activity,
    )
