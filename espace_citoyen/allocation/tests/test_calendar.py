"""The month calendar never offers « Réserver » on a day allocated on request: it says
where to ask instead (activities.registry's day notices), at a constant query cost."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_citoyen.activities.factories import enrolment_make
from espace_citoyen.allocation.tests.conftest import AFTER_CLOSE, allocation_make
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db

MONTH = "/carte-famille/activites/enfant/{}/?mois=2027-02"


def _cell(response, day: str, activity) -> str:
    html = response.content.decode()
    start = html.index(f'id="jour-{activity.pk}-{day}"')
    return html[start : html.index("</td>", start)]


def test_days_allocated_on_request_link_to_the_request_page_instead_of_booking(
    family, centre, citizen_client, citizen
):
    lea = family.children.get(first_name="Léa")
    enrolment_make(lea, centre)
    allocation = allocation_make(centre, last_day=date(2027, 2, 24))
    response = citizen_client.get(MONTH.format(lea.pk))
    assert response.status_code == 200
    page = page_text(response)
    assert "Attribution équitable" in page
    assert "Demande jusqu'au vendredi 15 janvier 2027 à 18 h 00" in page
    allocated = _cell(response, "2027-02-23", centre)
    assert "Réserver" not in allocated and 'name="action"' not in allocated
    assert f'href="/carte-famille/attribution/{allocation.pk}/"' in allocated
    assert "Demander une place" in allocated
    # The days after the allocation's period are booked first come, as before.
    assert "Réserver" in _cell(response, "2027-02-25", centre)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        citizen_client.force_login(citizen)
        closed = citizen_client.get(MONTH.format(lea.pk))
    assert "résultat le 20 janvier 2027" in _cell(closed, "2027-02-23", centre)
    assert "Réserver" not in _cell(closed, "2027-02-23", centre)


def test_the_month_page_asks_about_allocations_only_when_there_is_one(
    family, centre, citizen_client, django_assert_num_queries
):
    """Without an allocation pending for the child's activities, the month page reads
    none (it knows from the activities' statement); with some, one statement whatever
    their number."""
    lea = family.children.get(first_name="Léa")
    enrolment_make(lea, centre)
    with CaptureQueriesContext(connection) as bare:
        assert citizen_client.get(MONTH.format(lea.pk)).status_code == 200
    assert not [q for q in bare.captured_queries if "ORDER BY al.opens_at" in q["sql"]]
    allocation_make(centre, last_day=date(2027, 2, 23))
    with CaptureQueriesContext(connection) as one:
        assert citizen_client.get(MONTH.format(lea.pk)).status_code == 200
    assert len(one.captured_queries) == len(bare.captured_queries) + 1
    allocation_make(centre, label="Fin des vacances", first_day=date(2027, 2, 24))
    with django_assert_num_queries(len(one.captured_queries)):
        page = page_text(citizen_client.get(MONTH.format(lea.pk)))
    assert page.count("Demander une place") == 5
