"""Publication under concurrency: several agents press « Publier » at the same second,
each thread with its own database connection. One publishes, the others change nothing."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connections

from espace_citoyen.activities.models import ActivityDay, Booking, BookingStatus
from espace_citoyen.allocation import services
from espace_citoyen.allocation.models import Allocation
from espace_citoyen.allocation.tests.conftest import AFTER_CLOSE, FIRST_WEEK, allocation_make, key
from espace_citoyen.families.factories import family_create

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_four_agents_publish_at_once_and_places_are_given_once(centre):
    allocation = allocation_make(centre)
    for _index in range(5):
        family = family_create(children=1)
        services.request_submit(
            allocation=allocation,
            family=family,
            children=list(family.children.all()),
            choices=[key(centre, FIRST_WEEK)],
            together=False,
            actor=None,
        )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.draw_fix(allocation=allocation, public_value="07 19 23 38 41", agent=None)
        barrier = threading.Barrier(4)
        results, errors = [], []

        def publish():
            try:
                barrier.wait()
                results.append(
                    services.allocation_publish(
                        allocation=Allocation.objects.get(pk=allocation.pk), agent=None
                    )
                )
            except Exception as error:  # noqa: BLE001 (collected and asserted empty)
                errors.append(repr(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    first_week = ActivityDay.objects.filter(activity=centre, date__lt=date(2027, 3, 1))
    assert first_week.count() == 5
    for counter in first_week:
        assert counter.booked == 2 == counter.capacity
        assert counter.waitlist_last == 3
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2 * 5
    assert Booking.objects.filter(status=BookingStatus.WAITLISTED).count() == 3 * 5
