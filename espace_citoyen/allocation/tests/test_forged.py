"""Forged requests: whatever the page showed, the server checks the window, the family,
the child and the offer, and answers politely (never 500)."""

from datetime import datetime

import pytest
import time_machine

from espace_citoyen.activities.factories import activity_create
from espace_citoyen.activities.models import ActivityKind
from espace_citoyen.allocation.models import AllocationRequest
from espace_citoyen.allocation.tests.conftest import FIRST_WEEK, PARIS, key
from espace_citoyen.core.testing import page_text
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


def _post(client, allocation, **data):
    return client.post(f"/carte-famille/attribution/{allocation.pk}/", data)


def test_a_forged_request_before_the_opening_is_refused(
    citizen_client, citizen, family, allocation, centre
):
    lea = family.children.get(first_name="Léa")
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=PARIS), tick=False):
        citizen_client.force_login(citizen)
        response = _post(
            citizen_client, allocation, children=[lea.pk], choice1=key(centre, FIRST_WEEK)
        )
    assert response.status_code in (200, 400)
    assert "ne sont pas encore ouvertes" in page_text(response)
    assert not AllocationRequest.objects.exists()


@pytest.mark.parametrize(
    "forged",
    [
        "other_child",
        "other_site",
        "week_outside",
        "garbage",
    ],
)
def test_forged_children_and_offers_are_refused_without_error_pages(
    forged, citizen_client, family, allocation, centre
):
    lea = family.children.get(first_name="Léa")
    other = family_create(children=1).children.get()
    elsewhere = activity_create(kind=ActivityKind.HOLIDAYS, capacity=5, name="Autre centre")
    data = {"children": [lea.pk], "choice1": key(centre, FIRST_WEEK)}
    if forged == "other_child":
        data["children"] = [other.pk]
    elif forged == "other_site":
        data["choice1"] = key(elsewhere, FIRST_WEEK)
    elif forged == "week_outside":
        data["choice1"] = key(centre, "s-2027-04-12")
    else:
        data = {"children": ["abc", ""], "choice1": "x" * 300, "choice2": "'; --", "together": "z"}
    response = _post(citizen_client, allocation, **data)
    assert response.status_code in (200, 400)
    assert (
        "Sélectionnez un choix valide" in page_text(response)
        or "erreur" in page_text(response).lower()
    )
    assert not AllocationRequest.objects.exists()
