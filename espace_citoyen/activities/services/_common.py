"""Checks shared by bookings and enrolments."""

from datetime import date

from django.db import connection
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

# The week booking's refusals, in the same words whether the week is booked at once or
# decided by the booking queue's worker (services.queue).


def not_enrolled_message(first_name: str, activity_name: str) -> str:
    return _(
        "%(child)s n'est pas inscrit(e) à « %(activity)s » : faites d'abord l'inscription."
    ) % {"child": first_name, "activity": activity_name}


def week_only_holidays_message() -> str:
    return _("Seul l'accueil de loisirs des vacances se réserve à la semaine.")


def week_closed_message() -> str:
    return _(
        "Cette semaine ne peut pas être réservée : l'accueil est fermé ou les "
        "réservations sont closes."
    )


def week_already_booked_message(first_name: str) -> str:
    return _(
        "Un jour de cette semaine est déjà réservé pour %(child)s : gérez la semaine jour par jour."
    ) % {"child": first_name}


def _lock_child(child: Child) -> Child:
    """Serialise one child's changes (a double click books once)."""
    return Child.objects.select_for_update().get(pk=child.pk)


def _lock_child_row(child: Child) -> None:
    """_lock_child without reading the child again (the caller has it): one prepared
    statement, no query to build."""
    suffix = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        table = Child._meta.db_table
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = %s{suffix}",  # noqa: S608 (names from the model)
            [child.pk],
        )
        if cursor.fetchone() is None:
            raise Child.DoesNotExist


def _enrolment_and_booked(child: Child, activity: Activity, days: list[date]) -> tuple[int, bool]:
    """The child's accepted enrolment in `activity` (as _accepted_enrolment) and whether
    one of `days` is already booked or waitlisted, in one statement. Run after the
    child's lock: a statement of its own, so it sees what a transaction that held the
    lock before committed (a double click)."""
    # Table names from the models, one placeholder per day.
    sql = (
        f"SELECT e.id, EXISTS (SELECT 1 FROM {Booking._meta.db_table} b "  # noqa: S608
        "WHERE b.child_id = %s AND b.activity_id = %s AND b.status IN (%s, %s) "
        f"AND b.date IN ({', '.join(['%s'] * len(days))})) "
        f"FROM {Enrolment._meta.db_table} e "
        "WHERE e.child_id = %s AND e.activity_id = %s AND e.status = %s ORDER BY e.id LIMIT 1"
    )
    params = [
        child.pk,
        activity.pk,
        BookingStatus.CONFIRMED.value,
        BookingStatus.WAITLISTED.value,
        *days,
        child.pk,
        activity.pk,
        EnrolmentStatus.ACCEPTED.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise ApplicationError(not_enrolled_message(child.first_name, activity.name))
    return row[0], bool(row[1])


def _accepted_enrolment(child: Child, activity: Activity) -> Enrolment:
    enrolment = Enrolment.objects.filter(
        child=child, activity=activity, status=EnrolmentStatus.ACCEPTED
    ).first()
    if enrolment is None:
        raise ApplicationError(not_enrolled_message(child.first_name, activity.name))
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
