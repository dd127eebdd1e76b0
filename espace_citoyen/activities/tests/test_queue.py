"""The booking queue (BOOKING_QUEUE on): the week's POST records the request and lands on
« Demande enregistrée »; the worker decides in arrival order; the page then says where
the family stands. Real POSTs, the worker's real batches, the pages' text."""

import json
import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import selectors, services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import (
    ActivityDay,
    ActivityKind,
    Booking,
    BookingStatus,
    HolidayClosing,
    WeekRequest,
    WeekRequestStatus,
)
from espace_citoyen.activities.services import queue
from espace_citoyen.activities.tests.conftest import PARIS, other_child
from espace_citoyen.core.testing import page_text

MONTH = "/carte-famille/activites/enfant/{}/"
WEEK = "/carte-famille/activites/enfant/{}/semaine/"
MONDAY = date(2026, 12, 21)  # Christmas week: four days (the 25th is a public holiday)


@pytest.fixture(autouse=True)
def _queued(settings):
    settings.BOOKING_QUEUE = True


@pytest.fixture
def centre(db):
    return activity_create(kind=ActivityKind.HOLIDAYS, name="Vacances au centre", capacity=2)


@pytest.fixture
def enrolled(child, centre):
    return enrolment_make(child, centre)


def _ask(client, child, activity, monday="2026-12-21"):
    return client.post(WEEK.format(child.pk), {"activity": activity.pk, "monday": monday})


def _request_url(response) -> str:
    """The POST answers with the request's page (no redirect), which gives its script the
    request's own address to put in the browser's history."""
    assert response.status_code == 200, response.content[:500]
    assert response["Cache-Control"] == "private, no-store"
    assert "Demande enregistrée" in page_text(response)
    found = re.search(
        r'data-page-url="(/carte-famille/activites/demande/\d+/)"', response.content.decode()
    )
    assert found, response.content[:500]
    return found.group(1)


def test_the_request_is_recorded_then_the_page_gives_the_answer(
    citizen_client, citizen, child, centre, enrolled
):
    answer = _ask(citizen_client, child, centre)
    url = _request_url(answer)
    # The POST's answer is the request's page, then the same page at its own address.
    for page in (page_text(answer), page_text(citizen_client.get(url))):
        assert "Demande enregistrée" in page
        assert "Votre demande est arrivée le jeudi 26 novembre 2026 à 10 h 00 min 00 s" in page
        assert "Vacances au centre : semaine du lundi 21 décembre 2026 pour Léa" in page
    assert "la réponse s'affiche ici dans quelques secondes" in page
    # The calendar shows the week once booked or waitlisted (not a refusal, not before).
    assert "Une fois la semaine réservée ou mise en liste d'attente, vous la retrouverez" in page
    # Said by the script (hidden until then) if no answer came within its 5 minutes.
    assert '<p class="request-late" hidden>La réponse tarde à venir.' in (
        citizen_client.get(url).content.decode()
    )
    assert not Booking.objects.exists()
    state = citizen_client.get(url + "etat/")
    assert state.json() == {"pending": True}

    assert services.queue_decide() == 1
    page = page_text(citizen_client.get(url))
    assert "La semaine du lundi 21 décembre 2026 est réservée (4 jours)." in page
    assert "Demande enregistrée" not in page
    bookings = Booking.objects.filter(child=child, activity=centre)
    assert [b.date.day for b in bookings] == [21, 22, 23, 24]
    # Who and when, as the week booked at once records them.
    assert {(b.status, b.created_by_id, b.enrolment_id) for b in bookings} == {
        (BookingStatus.CONFIRMED, citizen.pk, enrolled.pk)
    }
    week = WeekRequest.objects.get()
    assert week.created_by == citizen and week.decided_at >= week.created_at
    assert (
        {b.confirmed_at for b in bookings} == {b.created_at for b in bookings} == {week.decided_at}
    )
    answer = citizen_client.get(url + "etat/").json()
    assert answer["pending"] is False
    assert "est réservée (4 jours)" in answer["html"]
    assert answer["title"] == "Semaine réservée — Vacances au centre"
    # The month calendar shows the week booked.
    month = page_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12"))
    assert "Réservé" in month


def test_a_full_week_gives_the_waitlist_rank_in_arrival_order(
    citizen_client, child, centre, enrolled
):
    others = [other_child(centre) for _ in range(3)]
    for other in others:  # three families asked before: two places, one waits
        services.week_request_submit(
            child=other, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
        )
    url = _request_url(_ask(citizen_client, child, centre))
    assert services.queue_decide() == 4
    page = page_text(citizen_client.get(url))
    assert "Liste d'attente, rang 2" in page
    assert (
        "La semaine du lundi 21 décembre 2026 est complète : Léa est sur la liste d'attente, au rang 2."
        in page
    )
    outcomes = list(WeekRequest.objects.order_by("pk").values_list("status", "waitlist_rank"))
    assert outcomes == [("reservee", None), ("reservee", None), ("attente", 1), ("attente", 2)]
    assert set(
        ActivityDay.objects.filter(activity=centre).values_list("booked", "waitlist_last")
    ) == {(2, 2)}


def test_a_child_not_enrolled_is_refused_with_the_reason(citizen_client, child, centre):
    url = _request_url(_ask(citizen_client, child, centre))
    services.queue_decide()
    page = page_text(citizen_client.get(url))
    assert "Demande non acceptée" in page
    assert (
        "Léa n'est pas inscrit(e) à « Vacances au centre » : faites d'abord l'inscription." in page
    )
    assert not Booking.objects.exists()


def test_a_double_click_records_one_request_and_books_once(citizen_client, child, centre, enrolled):
    first = _request_url(_ask(citizen_client, child, centre))
    second = _request_url(_ask(citizen_client, child, centre))
    assert first == second
    assert WeekRequest.objects.count() == 1
    services.queue_decide()
    # Asked again once booked: recorded, then refused with the reason.
    third = _request_url(_ask(citizen_client, child, centre))
    assert third != first
    services.queue_decide()
    assert "Un jour de cette semaine est déjà réservé pour Léa" in page_text(
        citizen_client.get(third)
    )
    assert Booking.objects.filter(child=child).count() == 4


def test_another_familys_request_is_a_404(citizen_client, client, centre):
    stranger = other_child(centre)
    pk = services.week_request_submit(
        child=stranger, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
    )
    assert citizen_client.get(f"/carte-famille/activites/demande/{pk}/").status_code == 404
    assert citizen_client.get(f"/carte-famille/activites/demande/{pk}/etat/").status_code == 404
    assert citizen_client.get("/carte-famille/activites/demande/999999/").status_code == 404
    # An id past any database's integers: nobody's request, not an error page.
    huge = 10**20
    assert citizen_client.get(f"/carte-famille/activites/demande/{huge}/").status_code == 404
    assert citizen_client.get(f"/carte-famille/activites/demande/{huge}/etat/").status_code == 404
    anonymous = client.__class__()
    response = anonymous.get(f"/carte-famille/activites/demande/{pk}/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_the_post_without_its_csrf_token_records_nothing(citizen, child, centre, enrolled):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    response = browser.post(WEEK.format(child.pk), {"activity": centre.pk, "monday": MONDAY})
    assert response.status_code == 403
    assert not WeekRequest.objects.exists()


def test_bad_input_gets_a_french_message_never_an_error_page(
    citizen_client, child, centre, enrolled, lunch
):
    for monday in ("0001-01-01", "9999-12-27", "pas une date"):
        response = _ask(citizen_client, child, centre, monday)
        assert response.status_code == 400, monday
        assert "Cette semaine est inconnue." in page_text(response)
    # A school week: the holiday centre is closed.
    response = _ask(citizen_client, child, centre, "2026-11-30")
    assert response.status_code == 400
    assert "Cette semaine ne peut pas être réservée" in page_text(response)
    # Not the holiday centre.
    response = _ask(citizen_client, child, lunch, "2026-11-30")
    assert response.status_code == 400
    assert "Seul l'accueil de loisirs des vacances se réserve à la semaine." in page_text(response)
    response = citizen_client.post(
        WEEK.format(child.pk), {"activity": 10**9, "monday": "2026-12-21"}
    )
    assert response.status_code == 404
    # Another family's child, a child id past any database's integers.
    stranger = other_child(centre)
    assert _ask(citizen_client, stranger, centre).status_code == 404
    response = citizen_client.post(WEEK.format(10**20), {"activity": centre.pk, "monday": MONDAY})
    assert response.status_code == 404
    assert not WeekRequest.objects.exists()


def test_a_closing_date_shows_at_once_even_with_the_window_cached(
    citizen_client, child, centre, enrolled
):
    assert selectors.booking_window(centre.pk).closings == ()  # now cached
    HolidayClosing.objects.create(
        activity=centre,
        label="Vacances de Noël",
        first_day=date(2026, 12, 19),
        last_day=date(2027, 1, 3),
        closes_on=date(2026, 11, 25),
    )
    response = _ask(citizen_client, child, centre)
    assert response.status_code == 400
    assert "les réservations sont closes" in page_text(response)


def test_the_deadline_is_the_arrivals_not_the_workers(child, centre, enrolled):
    """A request that arrived before the deadline is decided after it: still booked."""
    with time_machine.travel(datetime(2026, 12, 17, 11, 59, 59, tzinfo=PARIS), tick=False):
        pk = services.week_request_submit(
            child=child, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
        )
    with time_machine.travel(datetime(2026, 12, 17, 12, 0, 5, tzinfo=PARIS), tick=False):
        services.queue_decide()
    assert WeekRequest.objects.get(pk=pk).status == WeekRequestStatus.BOOKED
    # One arriving at noon sharp (past the Monday's deadline) books the three days left.
    other = other_child(centre)
    with time_machine.travel(datetime(2026, 12, 17, 12, 0, 0, tzinfo=PARIS), tick=False):
        pk = services.week_request_submit(
            child=other, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
        )
        services.queue_decide()
    week = WeekRequest.objects.get(pk=pk)
    assert (week.status, week.first_day, week.days) == ("reservee", date(2026, 12, 22), 3)


def test_batches_keep_the_arrival_order(centre):
    window = selectors.booking_window(centre.pk)
    kids = [other_child(centre) for _ in range(5)]
    for kid in kids:
        services.week_request_submit(child=kid, window=window, monday=MONDAY, actor=None)
    assert services.queue_decide(limit=1) == 1
    assert services.queue_decide(limit=3) == 3
    assert services.queue_decide(limit=3) == 1
    assert services.queue_decide() == 0
    outcomes = [
        WeekRequest.objects.get(child=kid).waitlist_rank
        or WeekRequest.objects.get(child=kid).status
        for kid in kids
    ]
    assert outcomes == ["reservee", "reservee", 1, 2, 3]


def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_decides_nothing(
    child, centre, enrolled, monkeypatch
):
    pk = services.week_request_submit(
        child=child, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
    )

    def crash(outcomes, now):
        raise RuntimeError("the worker's machine stops here")

    monkeypatch.setattr(queue, "_record", crash)
    with pytest.raises(RuntimeError):
        services.queue_decide()
    assert not Booking.objects.exists()
    assert set(ActivityDay.objects.filter(activity=centre).values_list("booked", flat=True)) <= {0}
    assert WeekRequest.objects.get(pk=pk).status == WeekRequestStatus.PENDING
    monkeypatch.undo()
    assert services.queue_decide() == 1
    assert WeekRequest.objects.get(pk=pk).status == WeekRequestStatus.BOOKED
    assert Booking.objects.count() == 4


def test_the_worker_command_decides_what_waits(child, centre, enrolled):
    services.week_request_submit(
        child=child, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
    )
    call_command("booking_queue", "--once")
    assert WeekRequest.objects.get().status == WeekRequestStatus.BOOKED


def test_the_pages_run_a_constant_number_of_queries(
    citizen_client, child, centre, enrolled, django_assert_max_num_queries
):
    # The window is cached by the first POST; the next ones read no activity.
    _ask(citizen_client, child, centre, "2026-12-28")
    with django_assert_max_num_queries(3):  # session with its user, child, INSERT
        url = _request_url(_ask(citizen_client, child, centre))
    with django_assert_max_num_queries(2):  # session with its user, the request
        assert citizen_client.get(url).status_code == 200
    with django_assert_max_num_queries(2):
        assert citizen_client.get(url + "etat/").status_code == 200
    services.queue_decide()
    with django_assert_max_num_queries(2):
        assert "est réservée" in page_text(citizen_client.get(url))
    with django_assert_max_num_queries(2):
        assert json.loads(citizen_client.get(url + "etat/").content)["pending"] is False


def test_without_the_queue_the_week_is_booked_at_once(
    settings, citizen_client, child, centre, enrolled
):
    settings.BOOKING_QUEUE = False
    response = _ask(citizen_client, child, centre)
    assert "/demande/" not in response["Location"]
    assert Booking.objects.filter(child=child).count() == 4
    assert not WeekRequest.objects.exists()


def test_a_request_that_always_fails_is_refused_and_the_queue_goes_on(
    child, centre, enrolled, monkeypatch
):
    """The worker retries a failing batch, then the oldest request alone; one that still
    fails is refused with a message asking to book again, and the next ones are decided."""
    window = selectors.booking_window(centre.pk)
    broken = services.week_request_submit(child=child, window=window, monday=MONDAY, actor=None)
    other = other_child(centre)
    services.week_request_submit(child=other, window=window, monday=MONDAY, actor=None)
    decide_week = queue._decide_week

    def failing(activity, monday, requests, now):
        if any(request.id == broken for request in requests):
            raise RuntimeError("a request the worker cannot decide")
        return decide_week(activity, monday, requests, now)

    monkeypatch.setattr(queue, "_decide_week", failing)
    call_command("booking_queue", "--once", "--sleep", "0")
    refused = WeekRequest.objects.get(pk=broken)
    assert refused.status == WeekRequestStatus.REFUSED
    assert "Réservez à nouveau depuis le calendrier" in refused.reason
    assert WeekRequest.objects.get(child=other).status == WeekRequestStatus.BOOKED
    assert not Booking.objects.filter(child=child).exists()


def test_the_admin_lists_the_requests_read_only(client, agent, child, centre, enrolled):
    """An administrator sees each request's arrival, decision and outcome, and can
    change none of them (the worker decides)."""
    services.week_request_submit(
        child=child, window=selectors.booking_window(centre.pk), monday=MONDAY, actor=None
    )
    services.queue_decide()
    client.force_login(agent(Role.ADMINISTRATEUR))
    page = page_text(client.get("/admin/activities/weekrequest/"))
    assert "Vacances au centre" in page and "Semaine réservée" in page
    assert client.get("/admin/activities/weekrequest/add/").status_code == 403
