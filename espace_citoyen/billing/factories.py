"""Helpers for tests, the demo and the benchmark: bookings and attendance as the
activities app records them, a family's QF period."""

from datetime import date

from espace_citoyen.activities.models import Attendance, Booking, BookingStatus
from espace_citoyen.pricing.models import DeclarationMethod, FamilyQuotient


def booking_make(child, activity, day: date, *, present=None, justified=False) -> Booking:
    """A confirmed booking, with its register line when `present` is given."""
    booking = Booking.objects.create(
        activity=activity,
        date=day,
        child=child,
        family_id=child.family_id,
        status=BookingStatus.CONFIRMED,
    )
    if present is not None:
        Attendance.objects.create(
            activity=activity,
            date=day,
            child=child,
            booking=booking,
            present=present,
            justified=justified,
        )
    return booking


def unbooked_presence_make(child, activity, day: date) -> Attendance:
    return Attendance.objects.create(
        activity=activity, date=day, child=child, present=True, unbooked=True
    )


def quotient_set(family, qf: int | None, starts_on: date) -> FamilyQuotient:
    return FamilyQuotient.objects.create(
        family=family,
        qf=qf,
        method=DeclarationMethod.CAF if qf is not None else DeclarationMethod.NONE,
        starts_on=starts_on,
    )
