"""Bookings: capacity, waitlist, promotion, deadlines, closures and bad input."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import selectors, services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import (
    ActivityDay,
    ActivityKind,
    Booking,
    BookingStatus,
    HolidayClosing,
    Unit,
)
from espace_citoyen.activities.tests.conftest import PARIS, other_child
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Guardian

MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


def _counter(activity, day):
    return ActivityDay.objects.get(activity=activity, date=day)


def test_a_booking_takes_a_place(child, lunch, enrolled, citizen):
    """Booking a free day confirms it and counts one place taken."""
    booking = services.booking_add(child=child, activity=lunch, day=MONDAY, actor=citizen)
    assert booking.status == BookingStatus.CONFIRMED
    assert _counter(lunch, MONDAY).booked == 1


def test_a_full_day_puts_the_request_on_the_waitlist_with_its_position(db, lunch):
    """When the places are taken the next requests wait, first come first served."""
    lunch.capacity = 1
    lunch.save()
    kids = [other_child(lunch) for _ in range(3)]
    first, second, third = (
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None) for kid in kids
    )
    assert first.status == BookingStatus.CONFIRMED
    assert second.status == third.status == BookingStatus.WAITLISTED
    assert selectors.waitlist_rank(second) == 1 and selectors.waitlist_rank(third) == 2
    assert _counter(lunch, MONDAY).booked == 1


def test_a_cancellation_promotes_the_first_in_line_and_emails_them(
    db, lunch, mailoutbox, django_capture_on_commit_callbacks
):
    """Cancelling a confirmed day gives the place to the first waiting family, who
    receives an e-mail; the second in line becomes first."""
    lunch.capacity = 1
    lunch.save()

    kids = [other_child(lunch) for _ in range(3)]
    for index, kid in enumerate(kids):
        Guardian.objects.filter(family=kid.family).update(email=f"famille{index}@example.org")
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(child=kids[0], activity=lunch, day=MONDAY, actor=None)
    statuses = {b.child_id: b.status for b in Booking.objects.filter(activity=lunch, date=MONDAY)}
    assert statuses == {
        kids[0].pk: BookingStatus.CANCELLED,
        kids[1].pk: BookingStatus.CONFIRMED,
        kids[2].pk: BookingStatus.WAITLISTED,
    }
    assert _counter(lunch, MONDAY).booked == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["famille1@example.org"]  # the first in line, nobody else
    assert kids[1].first_name in mail.subject
    assert "lundi 30 novembre 2026" in mail.body
    third = Booking.objects.get(child=kids[2], activity=lunch, date=MONDAY)
    assert selectors.waitlist_rank(third) == 1


def test_leaving_the_waitlist_frees_no_place(db, lunch):
    """A waiting family that gives up changes nothing for the confirmed ones."""
    lunch.capacity = 1
    lunch.save()
    kids = [other_child(lunch) for _ in range(2)]
    for kid in kids:
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)
    services.booking_cancel(child=kids[1], activity=lunch, day=MONDAY, actor=None)
    assert _counter(lunch, MONDAY).booked == 1
    assert Booking.objects.get(child=kids[0], date=MONDAY).status == BookingStatus.CONFIRMED


def test_booking_a_closed_day_is_refused_with_the_reason(child, lunch, enrolled):
    """Wednesday (no canteen), a public holiday or a school holiday cannot be booked."""
    with pytest.raises(ApplicationError, match="n'a pas lieu le mercredi"):
        services.booking_add(child=child, activity=lunch, day=date(2026, 12, 2), actor=None)
    with pytest.raises(ApplicationError, match="Vacances de Noël"):
        services.booking_add(child=child, activity=lunch, day=date(2026, 12, 22), actor=None)
    with pytest.raises(ApplicationError, match="Jour férié"):
        services.booking_add(child=child, activity=lunch, day=date(2027, 3, 29), actor=None)


def test_a_day_past_its_deadline_can_be_neither_booked_nor_cancelled(child, lunch, enrolled):
    """After Thursday noon, Monday is locked; the message gives the deadline."""
    services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    with time_machine.travel(datetime(2026, 11, 26, 12, 0, tzinfo=PARIS), tick=False):
        with pytest.raises(ApplicationError, match="jeudi 26 novembre 2026 à 12 h 00"):
            services.booking_cancel(child=child, activity=lunch, day=MONDAY, actor=None)
        with pytest.raises(ApplicationError, match="ne peut plus être modifié"):
            services.booking_add(child=child, activity=lunch, day=date(2026, 11, 27), actor=None)
        # Tuesday closes on Friday at noon: still open.
        services.booking_add(child=child, activity=lunch, day=TUESDAY, actor=None)


def test_a_child_not_enrolled_cannot_book(child, lunch):
    """Booking needs an accepted enrolment in the activity first."""
    with pytest.raises(ApplicationError, match="faites d'abord l'inscription"):
        services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)


def test_the_same_day_cannot_be_booked_twice(child, lunch, enrolled):
    """A second request for the same child and day is refused (one place only)."""
    services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    with pytest.raises(ApplicationError, match="déjà réservé"):
        services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    assert _counter(lunch, MONDAY).booked == 1


def test_more_places_go_to_the_waiting_families(db, lunch, agent):
    """Raising a day's capacity promotes the waiting families in order; it cannot go
    below the places already taken."""
    lunch.capacity = 1
    lunch.save()
    kids = [other_child(lunch) for _ in range(3)]
    for kid in kids:
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)

    staff = agent(Role.PERISCOLAIRE)
    counter = services.activity_day_capacity_set(
        activity=lunch, day=MONDAY, capacity=2, agent=staff
    )
    assert counter.booked == 2
    assert Booking.objects.get(child=kids[1], date=MONDAY).status == BookingStatus.CONFIRMED
    assert Booking.objects.get(child=kids[2], date=MONDAY).status == BookingStatus.WAITLISTED
    with pytest.raises(ApplicationError, match="2 places sont déjà réservées"):
        services.activity_day_capacity_set(activity=lunch, day=MONDAY, capacity=1, agent=staff)


def test_a_closure_cancels_the_days_bookings_and_tells_the_families(
    child, lunch, enrolled, agent, mailoutbox, django_capture_on_commit_callbacks
):
    """Closing a day cancels its bookings, frees the counter and e-mails the family."""
    services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_exception_add(
            activity=None, day=MONDAY, opening=False, reason="grève", agent=agent(Role.PERISCOLAIRE)
        )
    assert Booking.objects.get(child=child, date=MONDAY).status == BookingStatus.CANCELLED
    assert _counter(lunch, MONDAY).booked == 0
    assert "grève" in mailoutbox[0].body and "Léa" in mailoutbox[0].body
    with pytest.raises(ApplicationError, match="Fermeture : grève"):
        services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)


def test_a_holiday_week_is_booked_whole_or_waitlisted_whole(db):
    """A holiday week books all its open days at once; when one day is full, the whole
    week waits; Christmas Day is not part of it."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, capacity=1, unit=Unit.DAY)
    first, second = other_child(centre), other_child(centre)
    monday = date(2026, 12, 21)
    bookings = services.booking_add_week(child=first, activity=centre, monday=monday, actor=None)
    assert [b.date for b in bookings] == [monday + timedelta(days=i) for i in (0, 1, 2, 3)]
    assert {b.status for b in bookings} == {BookingStatus.CONFIRMED}
    waiting = services.booking_add_week(child=second, activity=centre, monday=monday, actor=None)
    assert {b.status for b in waiting} == {BookingStatus.WAITLISTED}
    assert ActivityDay.objects.filter(activity=centre, booked=1).count() == 4


def test_a_week_only_activity_refuses_single_days(db):
    """An activity sold by the week cannot be booked day by day."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, capacity=5, unit=Unit.WEEK)
    kid = other_child(centre)
    with pytest.raises(ApplicationError, match="se réserve à la semaine"):
        services.booking_add(child=kid, activity=centre, day=date(2026, 12, 21), actor=None)


def test_holiday_bookings_close_on_the_periods_date(db):
    """Holiday days close on the date set for their period, not J-2."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, capacity=5)
    HolidayClosing.objects.create(
        activity=centre,
        label="Vacances de Noël",
        first_day=date(2026, 12, 21),
        last_day=date(2027, 1, 1),
        closes_on=date(2026, 11, 25),
    )
    kid = other_child(centre)
    with pytest.raises(ApplicationError, match="mercredi 25 novembre 2026 à 12 h 00"):
        services.booking_add(child=kid, activity=centre, day=date(2026, 12, 21), actor=None)


def test_capacity_never_exceeded_sequentially(db, lunch):
    """Twelve requests on ten places: ten confirmed, two waiting, the counter at ten."""
    kids = [other_child(lunch) for _ in range(12)]
    for kid in kids:
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)
    assert Booking.objects.filter(date=MONDAY, status=BookingStatus.CONFIRMED).count() == 10
    assert Booking.objects.filter(date=MONDAY, status=BookingStatus.WAITLISTED).count() == 2
    assert _counter(lunch, MONDAY).booked == 10


def test_an_enrolled_child_of_another_level_is_refused_at_enrolment(child, family):
    """A level not eligible is refused at enrolment, with the reason."""
    cp_only = activity_create(name="Atelier CP", eligible_levels=["CP"])
    with pytest.raises(ApplicationError, match="réservée aux niveaux CP"):
        services.enrolment_request(
            family=family, child=child, activity=cp_only, weekdays=[0], actor=None
        )


def test_enrolment_for_another_familys_child_is_refused(family, lunch):
    """A family cannot enrol a child that is not on its card."""
    stranger = other_child()
    with pytest.raises(ApplicationError, match="n'appartient pas"):
        services.enrolment_request(
            family=family, child=stranger, activity=lunch, weekdays=[0], actor=None
        )


def test_enrolment_helper_makes_no_bookings(child, lunch):
    """(helper) enrolment_make only records the enrolment."""
    enrolment_make(child, lunch)
    assert not Booking.objects.exists()
