"""The booking queue under concurrency, on PostgreSQL with real connections: families
post at the same moment while two workers run; the places go in arrival order, no day
over capacity, each request decided exactly once."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.activities import selectors, services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import (
    ActivityDay,
    ActivityKind,
    Booking,
    BookingStatus,
    WeekRequest,
    WeekRequestStatus,
)
from espace_citoyen.activities.services.queue import DECIDER_LOCK
from espace_citoyen.families.factories import family_create

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]

MONDAY = date(2026, 12, 21)
PLACES = 10


def _families(centre, count):
    """(client logged in, child) for `count` families, each child enrolled."""
    families = []
    for _index in range(count):
        user = UserFactory()
        child = family_create(user=user, children=1).children.get()
        enrolment_make(child, centre)
        client = Client()
        client.force_login(user)
        families.append((client, child))
    return families


def _post(client, child, centre):
    response = client.post(
        f"/carte-famille/activites/enfant/{child.pk}/semaine/",
        {"activity": centre.pk, "monday": MONDAY.isoformat()},
    )
    if response.status_code != 200 or "Demande enregistrée" not in response.content.decode():
        raise AssertionError(f"{response.status_code}: {response.content[:300]!r}")


def _threads(targets):
    errors = []

    def run(target):
        try:
            target()
        except Exception as error:  # noqa: BLE001 (collected and asserted empty)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    return threads, errors


def test_families_posting_at_once_while_two_workers_decide(settings):
    settings.BOOKING_QUEUE = True
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Centre", capacity=PLACES)
    families = _families(centre, 40)
    start = threading.Barrier(len(families) + 2)
    posted = threading.Event()
    decided = [0, 0]

    def family(client, child, twice):
        start.wait(timeout=60)
        _post(client, child, centre)
        if twice:  # a double click
            _post(client, child, centre)

    def worker(index):
        start.wait(timeout=60)
        while True:
            count = services.queue_decide(limit=7)
            decided[index] += count
            if count:
                continue
            if (
                posted.is_set()
                and not WeekRequest.objects.filter(status=WeekRequestStatus.PENDING).exists()
            ):
                return
            time.sleep(0.005)

    posters, errors = _threads(
        [
            (lambda client=client, child=child, twice=(n % 10 == 0): family(client, child, twice))
            for n, (client, child) in enumerate(families)
        ]
    )
    workers, worker_errors = _threads([lambda: worker(0), lambda: worker(1)])
    for thread in posters:
        thread.join(timeout=120)
    posted.set()
    for thread in workers:
        thread.join(timeout=120)
    assert errors == [] and worker_errors == []

    requests = list(WeekRequest.objects.order_by("pk"))
    # Each request decided exactly once: the workers' counts add up to the requests, and
    # a double click recorded at most one more request, refused.
    assert sum(decided) == len(requests)
    assert all(r.status != WeekRequestStatus.PENDING and r.decided_at for r in requests)
    live = [r for r in requests if r.status != WeekRequestStatus.REFUSED]
    assert len(live) == len(families)
    assert all(
        "déjà réservé" in r.reason for r in requests if r.status == WeekRequestStatus.REFUSED
    )
    # The places to the first arrivals, the waitlist in arrival order.
    assert [r.status for r in live] == ["reservee"] * PLACES + ["attente"] * (
        len(families) - PLACES
    )
    assert [r.waitlist_rank for r in live[PLACES:]] == list(range(1, len(families) - PLACES + 1))
    for day in (21, 22, 23, 24):
        when = date(2026, 12, day)
        confirmed = Booking.objects.filter(date=when, status=BookingStatus.CONFIRMED)
        assert confirmed.count() == PLACES
        assert ActivityDay.objects.get(activity=centre, date=when).booked == PLACES
        waiting = list(
            Booking.objects.filter(date=when, status=BookingStatus.WAITLISTED)
            .order_by("waitlist_position")
            .values_list("child_id", flat=True)
        )
        assert waiting == [r.child_id for r in live[PLACES:]]
    assert Booking.objects.count() == 4 * len(families)


def test_a_second_worker_waits_while_one_decides(settings):
    """While a worker holds the decider's lock, another decides nothing; it decides once
    the first one's transaction ends."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Centre", capacity=PLACES)
    ((_client, child),) = _families(centre, 1)
    services.week_request_submit(
        child=child, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
    )
    holding, release = threading.Event(), threading.Event()

    def first_worker():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DECIDER_LOCK])
            holding.set()
            release.wait(timeout=30)

    threads, errors = _threads([first_worker])
    assert holding.wait(timeout=30)
    assert services.queue_decide() == 0
    assert WeekRequest.objects.get().status == WeekRequestStatus.PENDING
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert services.queue_decide() == 1
    assert WeekRequest.objects.get().status == WeekRequestStatus.BOOKED


def test_the_queue_and_weeks_booked_at_once_share_the_places(settings):
    """During a switch of the setting, weeks booked at once and the worker's batches run
    together on the same week: no deadlock, no day over capacity, the counters right."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Centre", capacity=PLACES)
    queued = _families(centre, 15)
    direct = _families(centre, 15)
    window = selectors.booking_window(centre.pk)
    for _client, child in queued:
        services.week_request_submit(child=child, window=window, monday=MONDAY, actor=None)
    start = threading.Barrier(len(direct) + 1)

    def book(child):
        start.wait(timeout=60)
        services.booking_add_week(child=child, activity=centre, monday=MONDAY, actor=None)

    def worker():
        start.wait(timeout=60)
        while services.queue_decide(limit=3):
            pass

    threads, errors = _threads(
        [lambda child=child: book(child) for _client, child in direct] + [worker]
    )
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not WeekRequest.objects.filter(status=WeekRequestStatus.PENDING).exists()
    for day in (21, 22, 23, 24):
        when = date(2026, 12, day)
        counter = ActivityDay.objects.get(activity=centre, date=when)
        confirmed = Booking.objects.filter(date=when, status=BookingStatus.CONFIRMED).count()
        positions = list(
            Booking.objects.filter(date=when, status=BookingStatus.WAITLISTED).values_list(
                "waitlist_position", flat=True
            )
        )
        assert counter.booked == confirmed == PLACES
        assert len(positions) == len(set(positions)) == 30 - PLACES
        assert counter.waitlist_last == max(positions)


def test_an_arrival_still_being_recorded_is_waited_for():
    """Ids are given when an INSERT runs, its commit may come after a later one's: the
    worker waits for it rather than serve the later arrival first."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Centre", capacity=1)
    (_c1, early), (_c2, late) = _families(centre, 2)
    window = selectors.booking_window(centre.pk)
    inserted, commit = threading.Event(), threading.Event()

    def slow_family():
        with transaction.atomic():
            services.week_request_submit(child=early, window=window, monday=MONDAY, actor=None)
            inserted.set()
            commit.wait(timeout=30)

    threads, errors = _threads([slow_family])
    assert inserted.wait(timeout=30)
    services.week_request_submit(child=late, window=window, monday=MONDAY, actor=None)
    decided = []
    workers, worker_errors = _threads([lambda: decided.append(services.queue_decide())])
    time.sleep(0.3)
    commit.set()
    for thread in threads + workers:
        thread.join(timeout=30)
    assert errors == [] and worker_errors == []
    first, second = WeekRequest.objects.order_by("pk")
    assert first.child_id == early.pk
    assert (first.status, second.status) == (WeekRequestStatus.BOOKED, WeekRequestStatus.WAITLISTED)
