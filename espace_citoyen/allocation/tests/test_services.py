"""Fair allocation from the families' and the agents' side, through the real services and
pages: the window, requests, the draw, adjustments, publication and the report."""

from datetime import date

import pytest
import time_machine

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import services as activity_services
from espace_citoyen.activities.factories import enrolment_make
from espace_citoyen.activities.models import ActivityDay, Booking, BookingStatus
from espace_citoyen.activities.registry import booking_refusal
from espace_citoyen.allocation import reports, services
from espace_citoyen.allocation.models import AllocationRequest, RequestStatus
from espace_citoyen.allocation.tests.conftest import AFTER_CLOSE, FIRST_WEEK, SECOND_WEEK, key
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


def _ask(allocation, family, children, *choices, together=False):
    return services.request_submit(
        allocation=allocation,
        family=family,
        children=list(children),
        choices=list(choices),
        together=together,
        actor=None,
    )


def test_the_page_shows_the_window_the_criteria_and_that_time_does_not_count(
    citizen_client, family, allocation
):
    page = page_text(citizen_client.get(f"/carte-famille/attribution/{allocation.pk}/"))
    assert "L'heure de la demande ne compte pas" in page
    assert "La famille habite la commune." in page
    assert "vendredi 15 janvier 2027 à 18 h 00" in page


def test_a_request_is_a_demarche_registered_with_the_date_of_the_allocation(
    citizen_client, family, allocation, centre, django_capture_on_commit_callbacks, mailoutbox
):
    lea = family.children.get(first_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(
            f"/carte-famille/attribution/{allocation.pk}/",
            {"children": [lea.pk], "choice1": key(centre, FIRST_WEEK)},
            follow=True,
        )
    page = page_text(response)
    assert "Demande enregistrée (D-2027-" in page
    request = AllocationRequest.objects.get()
    assert request.demarche.title == "Demande enregistrée — attribution le 20 janvier 2027"
    assert len(mailoutbox) == 1
    history = page_text(citizen_client.get("/carte-famille/demarches/"))
    assert "Demande enregistrée — attribution le 20 janvier 2027" in history


def test_a_request_after_the_close_is_refused_by_the_server(
    citizen_client, citizen, family, allocation, centre
):
    page = page_text(citizen_client.get(f"/carte-famille/attribution/{allocation.pk}/"))
    assert "Enregistrer la demande" in page  # the page offered the form…
    lea = family.children.get(first_name="Léa")
    with time_machine.travel(AFTER_CLOSE, tick=False):
        citizen_client.force_login(citizen)  # a session of the day
        response = citizen_client.post(
            f"/carte-famille/attribution/{allocation.pk}/",
            {"children": [lea.pk], "choice1": key(centre, FIRST_WEEK)},
        )
    assert "sont closes depuis le vendredi 15 janvier 2027 à 18 h 00" in page_text(response)
    assert not AllocationRequest.objects.exists()


def test_changed_or_withdrawn_until_the_close_only(
    citizen_client, citizen, family, allocation, centre
):
    lea, tom = family.children.order_by("birth_date")
    first, second = _ask(allocation, family, [lea, tom], key(centre, FIRST_WEEK), together=True)
    response = citizen_client.post(
        f"/carte-famille/attribution/demande/{first.pk}/modifier/",
        {"choice1": key(centre, SECOND_WEEK), "choice2": key(centre, FIRST_WEEK)},
        follow=True,
    )
    assert "Votre demande est modifiée." in page_text(response)
    second.refresh_from_db()
    assert [c["days"][0] for c in second.choices] == ["2027-03-01", "2027-02-22"]
    citizen_client.post(f"/carte-famille/attribution/demande/{second.pk}/retirer/")
    second.refresh_from_db()
    assert second.status == RequestStatus.WITHDRAWN
    with time_machine.travel(AFTER_CLOSE, tick=False):
        citizen_client.force_login(citizen)
        response = citizen_client.post(
            f"/carte-famille/attribution/demande/{first.pk}/retirer/", follow=True
        )
    assert "ne peuvent plus être déposées, modifiées ni retirées" in page_text(response)
    first.refresh_from_db()
    assert first.status == RequestStatus.ACTIVE


def test_a_family_sees_and_changes_only_its_own_requests(
    citizen_client, family, allocation, centre
):
    other = family_create(children=1)
    theirs = _ask(allocation, other, other.children.all(), key(centre, FIRST_WEEK))[0]
    page = page_text(citizen_client.get(f"/carte-famille/attribution/{allocation.pk}/"))
    assert theirs.demarche.reference not in page
    assert theirs.child.full_name not in page
    assert (
        citizen_client.post(f"/carte-famille/attribution/demande/{theirs.pk}/retirer/").status_code
        == 404
    )
    assert (
        citizen_client.get(f"/carte-famille/attribution/demande/{theirs.pk}/modifier/").status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.ACTIVE


def test_first_come_booking_is_refused_on_days_allocated_on_request(allocation, centre):
    message = booking_refusal(centre, [date(2027, 2, 23)])
    assert "sont attribuées sur demande" in message
    assert booking_refusal(centre, [date(2027, 3, 8)]) is None


@pytest.fixture
def three_families(family, allocation, centre):
    """Three families ask for the first week (2 places a day): one with two children
    kept together (both resident), a single child living elsewhere, another resident."""
    lea, tom = family.children.order_by("birth_date")
    _ask(allocation, family, [lea, tom], key(centre, FIRST_WEEK), together=True)
    away = family_create(children=1, city="Ailleurs")
    _ask(allocation, away, away.children.all(), key(centre, FIRST_WEEK), key(centre, SECOND_WEEK))
    third = family_create(children=1)
    _ask(allocation, third, third.children.all(), key(centre, FIRST_WEEK))
    return family, away, third


def _closed_and_drawn(allocation):
    with time_machine.travel(AFTER_CLOSE, tick=False):
        return services.draw_fix(allocation=allocation, public_value="07 19 23 38 41", agent=None)


def test_publication_books_places_waitlists_others_and_runs_once(
    three_families, allocation, centre, django_capture_on_commit_callbacks, mailoutbox
):
    family, away, third = three_families
    allocation = _closed_and_drawn(allocation)
    assert allocation.seed and allocation.requests_hash
    preview = reports.preview(allocation)
    assert preview.by_criterion[0] == ("Habite la commune", 3, preview.by_criterion[0][2])
    with time_machine.travel(AFTER_CLOSE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.allocation_publish(allocation=allocation, agent=None) is True
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED)
    for counter in ActivityDay.objects.filter(activity=centre):
        assert counter.booked <= counter.capacity
        assert counter.booked == confirmed.filter(date=counter.date).count()
    # The resident siblings and the other resident are ahead of the family living
    # elsewhere (first criterion); 2 places: the siblings together, or the other one.
    outcomes = {r.child.family_id: r for r in AllocationRequest.objects.select_related("child")}
    siblings = AllocationRequest.objects.filter(family=family)
    assert len({r.granted_choice for r in siblings}) == 1
    if siblings[0].granted_choice == 0:
        # The first week is full: the family living elsewhere gets its second choice,
        # the other resident waits first in line.
        assert outcomes[away.pk].granted_choice == 1
        assert outcomes[third.pk].rank == 1
    else:
        # The other resident came first in the draw: one place left, the siblings (two
        # places) wait together and the next single child gets it.
        assert outcomes[third.pk].granted_choice == 0
        assert outcomes[away.pk].granted_choice == 0
        assert {r.rank for r in siblings} == {1}
    mails = len(mailoutbox)
    assert mails >= 4
    bookings = Booking.objects.count()
    with time_machine.travel(AFTER_CLOSE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.allocation_publish(allocation=allocation, agent=None) is False
    assert Booking.objects.count() == bookings
    assert len(mailoutbox) == mails


def test_a_cancelled_granted_place_goes_to_the_next_on_the_waitlist(
    three_families, allocation, centre, django_capture_on_commit_callbacks, mailoutbox
):
    allocation = _closed_and_drawn(allocation)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.allocation_publish(allocation=allocation, agent=None)
        waiting = Booking.objects.filter(status=BookingStatus.WAITLISTED).first()
        assert waiting is not None
        granted = Booking.objects.filter(
            status=BookingStatus.CONFIRMED, date=waiting.date, activity=centre
        ).first()
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            activity_services.booking_cancel(
                child=granted.child, activity=centre, day=granted.date, actor=None
            )
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED and waiting.promoted
    assert len(mailoutbox) == 1


def test_an_adjustment_needs_a_reason_and_is_in_the_public_report_without_names(
    three_families, allocation, centre, client, agent_client
):
    family, away, third = three_families
    allocation = _closed_and_drawn(allocation)
    target = AllocationRequest.objects.get(family=third)
    with pytest.raises(ApplicationError):
        services.adjustment_add(
            allocation=allocation, request=target, action="refuse", choice=0, reason=" ", agent=None
        )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        agent = agent_client(Role.PERISCOLAIRE)
        page = page_text(
            agent.post(
                f"/backoffice/attributions/{allocation.pk}/ajustement/",
                {"request": target.pk, "action": "refuse", "choice": 1, "reason": "Doublon"},
                follow=True,
            )
        )
        assert f"Ajustement enregistré pour {target.demarche.reference}" in page
        page = page_text(
            agent.post(f"/backoffice/attributions/{allocation.pk}/publier/", follow=True)
        )
        assert "L'attribution est publiée" in page
    report = page_text(client.get(f"/carte-famille/attribution/{allocation.pk}/rapport/"))
    assert allocation.seed in report
    assert "Doublon" in report
    for request in AllocationRequest.objects.select_related("child", "family"):
        assert request.demarche.reference in report
        assert request.child.first_name not in report
        assert request.child.last_name not in report
        assert request.family.number not in report
    target.refresh_from_db()
    assert target.granted_choice is None and target.rank is None


def test_the_family_sees_its_outcome_with_rank_and_criteria(
    three_families, allocation, citizen_client, citizen
):
    allocation = _closed_and_drawn(allocation)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.allocation_publish(allocation=allocation, agent=None)
        citizen_client.force_login(citizen)
        page = page_text(citizen_client.get(f"/carte-famille/attribution/{allocation.pk}/"))
    assert "Critères retenus : Habite la commune" in page
    assert "Place attribuée" in page or "rang 1 sur la liste d'attente" in page


def test_the_report_is_not_public_before_publication(allocation, client):
    assert client.get(f"/carte-famille/attribution/{allocation.pk}/rapport/").status_code == 404


def test_agent_pages_answer_for_each_state(allocation, three_families, agent_client):
    agent = agent_client(Role.PERISCOLAIRE)
    assert "Vacances d'hiver 2027" in page_text(agent.get("/backoffice/attributions/"))
    assert "Demandes ouvertes" in page_text(agent.get("/backoffice/attributions/"))
    page = page_text(agent.get(f"/backoffice/attributions/{allocation.pk}/"))
    assert "4 enregistrées" in page
    with time_machine.travel(AFTER_CLOSE, tick=False):
        agent = agent_client(Role.PERISCOLAIRE)
        page = page_text(
            agent.post(
                f"/backoffice/attributions/{allocation.pk}/tirage/",
                {"public_value": "07 19 23 38 41"},
                follow=True,
            )
        )
    assert "Aperçu de l'attribution" in page
    assert "Familles à la limite" in page
    assert "Par semaine" in page


def test_the_holiday_week_cannot_be_booked_first_come_until_the_allocation_is_published(
    family, allocation, centre
):
    lea = family.children.get(first_name="Léa")
    enrolment_make(lea, centre)
    with pytest.raises(ApplicationError, match="sont attribuées sur demande"):
        activity_services.booking_add_week(
            child=lea, activity=centre, monday=date(2027, 2, 22), actor=None
        )
    with pytest.raises(ApplicationError, match="sont attribuées sur demande"):
        activity_services.booking_add(child=lea, activity=centre, day=date(2027, 3, 2), actor=None)
    assert not Booking.objects.exists()


def test_a_reserved_share_needs_its_criterion_and_rules_freeze_once_open(allocation, centre):
    values = {
        "label": "Été",
        "first_day": date(2027, 7, 5),
        "last_day": date(2027, 7, 9),
        "opens_at": allocation.opens_at.replace(year=2027, month=5),
        "closes_at": allocation.closes_at.replace(year=2027, month=6),
        "results_on": date(2027, 6, 20),
        "criteria": ["commune"],
        "reserved_share": 10,
        "keep_siblings": True,
    }
    with pytest.raises(ApplicationError, match="Handicap ou PAI"):
        services.allocation_save(agent=None, values=values, activities=[centre], groups=[])
    with pytest.raises(ApplicationError, match="les règles publiées ne changent plus"):
        services.allocation_save(
            agent=None,
            values={**values, "reserved_share": 0},
            activities=[centre],
            groups=[],
            allocation=allocation,
        )


def test_a_child_too_young_for_the_site_is_refused_with_the_reason(family, allocation, centre):
    centre.min_age = 12
    centre.save()
    with pytest.raises(ApplicationError, match="à partir de 12 ans"):
        _ask(allocation, family, family.children.all()[:1], key(centre, FIRST_WEEK))
