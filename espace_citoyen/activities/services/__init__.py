"""Activities own périscolaire and extrascolaire: enrolments (a démarche per child,
activity and school year), bookings changed all year, capacity with its waitlist,
calendar exceptions, the attendance register and the iCal feed.

Capacity is kept by the database: a place is taken by one conditional UPDATE of the
day's counter (booked = booked + 1 WHERE booked < capacity) inside the transaction, so
no day ever holds more children than its capacity, on PostgreSQL and SQLite alike.

One module per topic; this package re-exports the public names, so callers keep
writing `from espace_citoyen.activities import services; services.booking_add(...)`."""

from espace_citoyen.activities.services.attendance import (
    CERTIFICATE_DELAY_HOURS,
    absence_justify,
    attendance_add_unbooked,
    attendance_record,
)
from espace_citoyen.activities.services.bookings import (
    booking_add,
    booking_add_week,
    booking_cancel,
)
from espace_citoyen.activities.services.capacity import (
    activity_capacity_apply,
    activity_day_capacity_set,
)
from espace_citoyen.activities.services.closures import (
    calendar_exception_add,
    calendar_exception_remove,
)
from espace_citoyen.activities.services.enrolments import (
    DEMARCHE_ENROLMENT,
    eligibility_problem,
    enrolment_accept,
    enrolment_cancel,
    enrolment_refuse,
    enrolment_request,
    enrolment_template_change,
)
from espace_citoyen.activities.services.feeds import calendar_feed_renew, calendar_feed_revoke
from espace_citoyen.activities.services.queue import (
    queue_decide,
    queue_oldest_pending,
    queue_refuse,
    queue_waiting,
    week_request_record,
    week_request_submit,
)

__all__ = [
    "CERTIFICATE_DELAY_HOURS",
    "DEMARCHE_ENROLMENT",
    "absence_justify",
    "activity_capacity_apply",
    "activity_day_capacity_set",
    "attendance_add_unbooked",
    "attendance_record",
    "booking_add",
    "booking_add_week",
    "booking_cancel",
    "calendar_exception_add",
    "calendar_exception_remove",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "eligibility_problem",
    "enrolment_accept",
    "enrolment_cancel",
    "enrolment_refuse",
    "enrolment_request",
    "enrolment_template_change",
    "queue_decide",
    "queue_oldest_pending",
    "queue_refuse",
    "queue_waiting",
    "week_request_record",
    "week_request_submit",
]
