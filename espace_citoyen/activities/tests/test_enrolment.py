"""Enrolment démarche: automatic acceptance when the rules allow, the périscolaire
queue otherwise, bookings generated for every operating day, weekly template changes."""

from datetime import date

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create
from espace_citoyen.activities.models import ActivityKind, Booking, BookingStatus, EnrolmentStatus
from espace_citoyen.activities.tests.conftest import other_child
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text
from espace_citoyen.families.models import FamilyStatus


def test_an_enrolment_is_accepted_at_once_and_books_the_weekly_template(
    family, child, lunch, citizen
):
    """Card validated, places left: the démarche is accepted and every operating Monday,
    Tuesday, Thursday and Friday from the first open day to the end of the year is booked."""
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0, 1, 3, 4], actor=citizen
    )
    assert enrolment.status == EnrolmentStatus.ACCEPTED
    assert enrolment.demarche.status == "acceptee"
    days = list(
        Booking.objects.filter(child=child, status=BookingStatus.CONFIRMED)
        .order_by("date")
        .values_list("date", flat=True)
    )
    # Now is Thursday 26 November, 10:00: Monday 30 is the first day still open.
    assert days[0] == date(2026, 11, 30)
    assert days[-1] == date(2027, 7, 2)
    assert date(2026, 12, 2) not in days  # a Wednesday
    assert date(2026, 12, 22) not in days  # Christmas holidays
    assert date(2027, 3, 29) not in days  # Easter Monday
    assert len(days) == 96  # counted by hand from the official calendar


def test_a_card_not_validated_waits_for_an_agent_who_accepts(
    family, child, lunch, citizen, agent_client, django_capture_on_commit_callbacks
):
    """A card still « à valider » puts the enrolment in the périscolaire queue with the
    reason; the agent accepting it from the generic screens generates the bookings."""
    family.status = FamilyStatus.PENDING
    family.save()
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    assert enrolment.status == EnrolmentStatus.PENDING
    assert "carte famille n'est pas encore validée" in enrolment.waiting_reason
    assert not Booking.objects.exists()
    client = agent_client(Role.PERISCOLAIRE)
    queue = client.get("/backoffice/demarches/")
    assert enrolment.demarche.reference in page_text(queue)
    detail = client.get(f"/backoffice/demarches/{enrolment.demarche.reference}/")
    assert "Restauration scolaire Jean-Jaurès" in page_text(detail)
    assert "lundi" in page_text(detail)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/backoffice/demarches/{enrolment.demarche.reference}/action/",
            {"action": "accepter", "text": ""},
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACCEPTED
    assert Booking.objects.filter(child=child, date__week_day=2).count() > 20  # Mondays


def test_a_pai_child_waits_for_the_validated_pai_document_for_the_canteen(
    family, child, lunch, citizen
):
    """A child with a PAI and no accepted PAI document waits for an agent (canteen only)."""
    child.has_pai = True
    child.save()
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    assert enrolment.status == EnrolmentStatus.PENDING
    assert "PAI" in enrolment.waiting_reason
    morning = activity_create(kind=ActivityKind.MORNING, name="Accueil du matin")
    accepted = services.enrolment_request(
        family=family, child=child, activity=morning, weekdays=[0], actor=citizen
    )
    assert accepted.status == EnrolmentStatus.ACCEPTED


def test_outside_the_campaign_a_full_day_sends_the_enrolment_to_an_agent(
    family, child, lunch, citizen
):
    """Outside the campaign window, when a requested day is full, an agent decides."""
    lunch.capacity = 1
    lunch.save()
    services.booking_add(
        child=other_child(lunch), activity=lunch, day=date(2026, 11, 30), actor=None
    )
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    assert enrolment.status == EnrolmentStatus.PENDING
    assert "complets" in enrolment.waiting_reason


def test_in_the_campaign_window_the_place_is_guaranteed(family, child, lunch, citizen):
    """In the campaign window the enrolment is accepted even when a day is full (that
    day waits on the list and the service sees it), with no agent in between."""
    lunch.capacity = 1
    lunch.campaign_start = date(2026, 11, 1)
    lunch.campaign_end = date(2026, 11, 30)
    lunch.save()
    services.booking_add(
        child=other_child(lunch), activity=lunch, day=date(2026, 11, 30), actor=None
    )
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    assert enrolment.status == EnrolmentStatus.ACCEPTED and enrolment.in_campaign
    first = Booking.objects.get(child=child, date=date(2026, 11, 30))
    assert first.status == BookingStatus.WAITLISTED


def test_no_second_enrolment_in_the_same_activity(family, child, lunch, citizen):
    """An enrolment already accepted or waiting cannot be made twice."""
    services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    with pytest.raises(ApplicationError, match="déjà inscrit"):
        services.enrolment_request(
            family=family, child=child, activity=lunch, weekdays=[1], actor=citizen
        )


def test_changing_the_weekly_template_from_a_date(family, child, lunch, citizen):
    """From a date on, days dropped from the template are cancelled and new ones booked;
    days before that date do not change."""
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0, 1], actor=citizen
    )
    added, cancelled = services.enrolment_template_change(
        enrolment=enrolment, weekdays=[0, 3], start=date(2026, 12, 7), actor=citizen
    )
    live = set(
        Booking.objects.filter(child=child, status=BookingStatus.CONFIRMED).values_list(
            "date", flat=True
        )
    )
    assert date(2026, 12, 1) in live  # a Tuesday before the change
    assert date(2026, 12, 8) not in live  # Tuesday after: dropped
    assert date(2026, 12, 10) in live  # Thursday after: added
    assert added > 0 and cancelled > 0


def test_the_template_cannot_change_on_locked_days(family, child, lunch, citizen):
    """A start date before the first day still open is refused with that day."""
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    with pytest.raises(ApplicationError, match="lundi 30 novembre 2026"):
        services.enrolment_template_change(
            enrolment=enrolment, weekdays=[1], start=date(2026, 11, 27), actor=citizen
        )


def test_next_year_is_not_renewed(family, child, citizen):
    """An enrolment books only its own school year."""
    activity = activity_create(name="Cantine")
    services.enrolment_request(
        family=family, child=child, activity=activity, weekdays=[0], actor=citizen
    )
    assert not Booking.objects.filter(date__gte=date(2027, 7, 3)).exists()


def test_a_full_day_does_not_hold_up_an_enrolment_that_books_no_day(family, child, citizen):
    """The holiday centre has no weekly template: its enrolment books nothing, so a full
    day elsewhere in the year does not send it to an agent (the family books days
    later, and a full day then offers the waitlist)."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Vacances au centre", capacity=1)
    services.booking_add(
        child=other_child(centre), activity=centre, day=date(2026, 12, 21), actor=None
    )
    enrolment = services.enrolment_request(
        family=family, child=child, activity=centre, weekdays=[], actor=citizen
    )
    assert enrolment.status == EnrolmentStatus.ACCEPTED
    assert enrolment.waiting_reason == ""


def test_a_new_template_keeps_the_days_the_family_cancelled(family, child, lunch, citizen):
    """Adding Thursday to a Monday template books the Thursdays and leaves the Mondays as
    they are: a Monday the family cancelled stays cancelled."""
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    services.booking_cancel(child=child, activity=lunch, day=date(2026, 12, 7), actor=citizen)
    added, cancelled = services.enrolment_template_change(
        enrolment=enrolment, weekdays=[0, 3], start=date(2026, 11, 30), actor=citizen
    )
    live = set(
        Booking.objects.filter(child=child, status=BookingStatus.CONFIRMED).values_list(
            "date", flat=True
        )
    )
    assert date(2026, 12, 7) not in live
    assert date(2026, 12, 14) in live and date(2026, 12, 3) in live
    assert cancelled == 0
    assert added == Booking.objects.filter(child=child, date__week_day=5).count()  # Thursdays
