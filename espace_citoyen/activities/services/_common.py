"""Checks shared by bookings and enrolments."""

from datetime import date

from django.utils.translation import gettext as _

from espace_citoyen.activities import rules, selectors
from espace_citoyen.activities.models import (
    Activity,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Child


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
