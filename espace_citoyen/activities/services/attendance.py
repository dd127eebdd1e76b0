"""The attendance register and the justified absences."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.activities import rules
from espace_citoyen.activities.models import (
    Activity,
    Attendance,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Child, Document, DocumentKind, DocumentStatus

# The commune's delay to send a medical certificate that justifies an absence.
CERTIFICATE_DELAY_HOURS = settings.ACTIVITIES_CERTIFICATE_DELAY_HOURS


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
