"""« Adresse de la famille » lists the street first; the emergency contact follows under
its own heading, online (step 1 of « Créer ma carte famille ») and at the desk."""

import pytest
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db

IN_ORDER = [
    "Adresse de la famille",
    "Numéro et voie",
    "Complément d'adresse",
    "Code postal",
    "Commune",
    "Personne à prévenir en cas d'urgence (facultatif)",
    "Contact en cas d'urgence (nom et prénom)",
    "Téléphone du contact d'urgence",
]


def _assert_in_order(text: str) -> None:
    form = text[text.rindex(IN_ORDER[0]) :]  # after the error summary, if any
    positions = [form.index(label) for label in IN_ORDER]
    assert positions == sorted(positions)


def test_the_street_comes_first_online(citizen_client):
    url = reverse("families:create_step", args=["adresse"])
    _assert_in_order(page_text(citizen_client.get(url)))
    # After a bad post, the errors are listed in the same order and nothing is lost.
    response = citizen_client.post(
        url, {"address_line1": "", "postal_code": "9999", "emergency_phone": "abc"}
    )
    text = page_text(response)
    _assert_in_order(text)
    summary = text[: text.rindex("Adresse de la famille")]
    assert summary.index("Le code postal") < summary.index("Téléphone du contact d'urgence")


def test_the_street_comes_first_at_the_desk(agent_client):
    client = agent_client(Role.GUICHET)
    _assert_in_order(page_text(client.get(reverse("backoffice:family_create"))))
