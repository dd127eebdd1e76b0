"""The month page keeps what it computes from the calendar (closed days, deadlines, the
states of the cells) under keys made of the data it reads: a change shows at the next
visit, whatever was shown before; and one family's page never shows another's."""

from datetime import date

import pytest

from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import ActivityKind, CalendarException
from espace_citoyen.activities.tests.conftest import other_child
from espace_citoyen.core.testing import visible_text

pytestmark = pytest.mark.django_db

MONTH = "/carte-famille/activites/enfant/{}/?mois=2026-12"


def _december(client, child) -> str:
    response = client.get(MONTH.format(child.pk))
    assert response.status_code == 200
    return visible_text(response)


def test_a_closure_then_its_removal_show_at_the_next_visit(citizen_client, child, enrolled):
    assert "jeudi 10 décembre 2026 Libre" in _december(citizen_client, child)
    closure = CalendarException.objects.create(date=date(2026, 12, 10), reason="Grève")
    assert "jeudi 10 décembre 2026 Fermé Fermeture : Grève" in _december(citizen_client, child)
    closure.delete()
    assert "jeudi 10 décembre 2026 Libre" in _december(citizen_client, child)


def test_a_new_deadline_shows_at_the_next_visit(citizen_client, child, lunch, enrolled):
    """Thursday 26 November at 10:00: Monday 30 closes at noon today (J-2), then, with
    J-5, it closed on Monday 23."""
    assert "lundi 30 novembre" not in _december(citizen_client, child)
    november = visible_text(citizen_client.get(MONTH.format(child.pk)[:-7] + "2026-11"))
    assert "lundi 30 novembre 2026 Libre" in november
    lunch.deadline_working_days = 5
    lunch.save()
    november = visible_text(citizen_client.get(MONTH.format(child.pk)[:-7] + "2026-11"))
    assert "lundi 30 novembre 2026 Non réservé Délai dépassé" in november


def test_places_and_bookings_are_each_familys_and_current(citizen_client, child, lunch, enrolled):
    lunch.capacity = 1
    lunch.save()
    assert "jeudi 10 décembre 2026 Libre 1 place disponible" in _december(citizen_client, child)
    other = other_child(lunch)
    services.booking_add(child=other, activity=lunch, day=date(2026, 12, 10), actor=None)
    page = _december(citizen_client, child)
    assert "jeudi 10 décembre 2026 Complet Toutes les places sont prises." in page
    services.booking_add(child=child, activity=lunch, day=date(2026, 12, 11), actor=None)
    page = _december(citizen_client, child)
    assert "vendredi 11 décembre 2026 Réservé" in page
    assert "jeudi 10 décembre 2026 Complet" in page


def test_the_links_to_the_months_around_and_the_weeks_forms(citizen_client, child, enrolled):
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Centre des Sources", capacity=5)
    enrolment_make(child, centre)
    page = citizen_client.get(MONTH.format(child.pk)).content.decode()
    base = f"/carte-famille/activites/enfant/{child.pk}/"
    assert f'href="{base}?mois=2026-11">Mois précédent' in page
    assert '<span class="visually-hidden"> (novembre 2026)</span>' in page
    assert f'href="{base}?mois=2027-01">Mois suivant' in page
    assert '<span class="visually-hidden"> (janvier 2027)</span>' in page
    assert '<input type="hidden" name="monday" value="2026-12-21">' in page
