"""The capacity invariant under concurrency: real threads, each with its own database
connection, booking the last places of a day at the same time."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    Booking,
    BookingStatus,
)
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import Child

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MONDAY = date(2026, 11, 30)


def _run_all(targets):
    """Start every target at once (a barrier), wait, return the errors raised."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # noqa: BLE001 (collected and asserted empty)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _children(activity, count):
    children = []
    for _index in range(count):
        child = family_create(children=1).children.get()
        enrolment_make(child, activity)
        children.append(child)
    return children


def test_fifty_families_on_the_last_ten_places():
    """50 threads booking the last 10 places: exactly 10 confirmed, 40 waitlisted with
    distinct positions, no error, and the counter never above the capacity; then one
    cancellation promotes exactly one family."""
    lunch = activity_create(name="Cantine", capacity=20)
    early = _children(lunch, 10)
    for child in early:
        services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    rush = _children(lunch, 50)
    errors = _run_all(
        [
            (
                lambda child=child: services.booking_add(
                    child=child, activity=lunch, day=MONDAY, actor=None
                )
            )
            for child in rush
        ]
    )
    assert errors == []
    rush_ids = [child.pk for child in rush]
    confirmed = Booking.objects.filter(
        child_id__in=rush_ids, date=MONDAY, status=BookingStatus.CONFIRMED
    ).count()
    waiting = Booking.objects.filter(
        child_id__in=rush_ids, date=MONDAY, status=BookingStatus.WAITLISTED
    )
    assert confirmed == 10
    assert waiting.count() == 40
    assert len(set(waiting.values_list("waitlist_position", flat=True))) == 40
    assert ActivityDay.objects.get(activity=lunch, date=MONDAY).booked == 20

    first_waiting = waiting.order_by("waitlist_position").first()
    services.booking_cancel(child=early[0], activity=lunch, day=MONDAY, actor=None)
    assert Booking.objects.filter(date=MONDAY, status=BookingStatus.CONFIRMED).count() == 20
    assert Booking.objects.filter(date=MONDAY, status=BookingStatus.WAITLISTED).count() == 39
    first_waiting.refresh_from_db()
    assert first_waiting.status == BookingStatus.CONFIRMED and first_waiting.promoted


def test_simultaneous_cancellations_promote_one_family_each():
    """Five cancellations at once promote exactly five waiting families, in order, and
    the day stays at its capacity."""
    lunch = activity_create(name="Cantine", capacity=10)
    holders = _children(lunch, 10)
    waiting = _children(lunch, 8)
    for child in holders + waiting:
        services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    errors = _run_all(
        [
            (
                lambda child=child: services.booking_cancel(
                    child=child, activity=lunch, day=MONDAY, actor=None
                )
            )
            for child in holders[:5]
        ]
    )
    assert errors == []
    promoted = Booking.objects.filter(date=MONDAY, promoted=True, status=BookingStatus.CONFIRMED)
    assert sorted(promoted.values_list("child_id", flat=True)) == sorted(c.pk for c in waiting[:5])
    assert Booking.objects.filter(date=MONDAY, status=BookingStatus.CONFIRMED).count() == 10
    assert ActivityDay.objects.get(activity=lunch, date=MONDAY).booked == 10


def test_the_same_child_double_clicking_books_once():
    """Ten simultaneous requests for the same child and day give one booking; the
    others are refused with a message, never a duplicate."""
    lunch = activity_create(name="Cantine", capacity=10)
    child = _children(lunch, 1)[0]
    refused = []

    def book():
        try:
            services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
        except ApplicationError:
            refused.append(1)

    errors = _run_all([book for _ in range(10)])
    assert errors == []
    assert len(refused) == 9
    assert Booking.objects.filter(child=child, date=MONDAY).count() == 1
    assert ActivityDay.objects.get(activity=lunch, date=MONDAY).booked == 1


def test_a_promotion_locks_only_the_bookings_and_the_days_counter():
    """While a request of the family first in line holds its child's row (and an
    administrator saves the activity), a cancellation still promotes that family at
    once: the promotion locks the waiting booking and the day's counter only, so two
    families' requests never wait for each other in a circle (a deadlock, an error
    page)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database: no row locks to observe")
    lunch = activity_create(name="Cantine", capacity=1)
    holder, waiting = _children(lunch, 2)
    for child in (holder, waiting):
        services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    locked, release = threading.Event(), threading.Event()

    def hold_rows():
        try:
            with transaction.atomic():
                Child.objects.select_for_update().get(pk=waiting.pk)
                Activity.objects.select_for_update(no_key=True).get(pk=lunch.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    def cancel():
        try:
            services.booking_cancel(child=holder, activity=lunch, day=MONDAY, actor=None)
        finally:
            connections.close_all()

    other = threading.Thread(target=hold_rows)
    other.start()
    assert locked.wait(10)
    cancelling = threading.Thread(target=cancel)
    cancelling.start()
    cancelling.join(timeout=5)
    finished_while_held = not cancelling.is_alive()

    release.set()
    other.join(30)
    cancelling.join(30)
    assert finished_while_held
    promoted = Booking.objects.get(child=waiting, date=MONDAY)
    assert promoted.status == BookingStatus.CONFIRMED and promoted.promoted


def test_thirty_families_on_a_holiday_week_of_ten_places():
    """30 threads booking the same holiday week of 10 places: exactly 10 families get
    the whole week, 20 wait on every day of it with distinct ranks, no error, and no
    day holds more than its 10 places."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Vacances", capacity=10)
    rush = _children(centre, 30)
    monday = date(2026, 12, 21)
    errors = _run_all(
        [
            (
                lambda child=child: services.booking_add_week(
                    child=child, activity=centre, monday=monday, actor=None
                )
            )
            for child in rush
        ]
    )
    assert errors == []
    days = [date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 24)]
    for day in days:
        confirmed = Booking.objects.filter(
            activity=centre, date=day, status=BookingStatus.CONFIRMED
        )
        waiting = Booking.objects.filter(activity=centre, date=day, status=BookingStatus.WAITLISTED)
        assert confirmed.count() == 10
        assert waiting.count() == 20
        assert len(set(waiting.values_list("waitlist_position", flat=True))) == 20
        assert ActivityDay.objects.get(activity=centre, date=day).booked == 10
    weeks = {
        child.pk: set(
            Booking.objects.filter(child=child, activity=centre).values_list("status", flat=True)
        )
        for child in rush
    }
    assert sorted(len(statuses) for statuses in weeks.values()) == [1] * 30  # whole weeks
    # The week's counters are locked in date order, so the waitlist's order is the same
    # on every day: each waiting family holds one rank, 1 to 20, for the whole week.
    ranks = {
        child.pk: set(
            Booking.objects.filter(
                child=child, activity=centre, status=BookingStatus.WAITLISTED
            ).values_list("waitlist_position", flat=True)
        )
        for child in rush
    }
    waiting_ranks = [rank for rank in ranks.values() if rank]
    assert all(len(rank) == 1 for rank in waiting_ranks)
    assert sorted(rank.pop() for rank in waiting_ranks) == list(range(1, 21))
