import pytest
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text
from espace_citoyen.demarches import services
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(citizen):
    family = family_create(user=citizen)
    return services.demarche_submit(
        type_key="carte_famille_adresse",
        owner=family,
        submitted_by=citizen,
        title="Changement d'adresse : 3 chemin des Vignes",
    )


def test_history_lists_demarches_with_status(citizen_client, filed):
    """« Suivre l'historique de mes démarches »: reference, type, status."""
    page = page_text(citizen_client.get(reverse("demarches:history")))
    assert filed.reference in page
    assert "Changement d'adresse" in page
    assert "Déposée" in page


def test_the_timeline_shows_the_towns_messages_not_internal_notes(citizen_client, filed, agent):
    guichet = agent(Role.GUICHET)
    services.demarche_message(demarche=filed, author=guichet, text="Merci de préciser l'étage.")
    services.demarche_message(demarche=filed, author=guichet, text="Famille connue", internal=True)
    services.demarche_refuse(demarche=filed, agent=guichet, reason="Adresse hors commune")
    page = page_text(citizen_client.get(reverse("demarches:detail", args=[filed.reference])))
    assert "Merci de préciser l'étage." in page
    assert "Famille connue" not in page
    assert "Motif du refus" in page and "Adresse hors commune" in page


def test_the_family_writes_to_the_town(citizen_client, filed):
    response = citizen_client.post(
        reverse("demarches:message", args=[filed.reference]),
        {"text": "Voici l'étage : 3e."},
        follow=True,
    )
    page = page_text(response)
    assert "Votre message a été envoyé à la mairie." in page
    assert "Voici l'étage : 3e." in page


def test_an_empty_message_is_explained(citizen_client, filed):
    response = citizen_client.post(
        reverse("demarches:message", args=[filed.reference]), {"text": ""}
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in page_text(response)


def test_another_familys_demarche_is_404(client, filed):
    other = UserFactory()
    family_create(user=other)
    client.force_login(other)
    assert client.get(reverse("demarches:detail", args=[filed.reference])).status_code == 404
    assert (
        client.post(reverse("demarches:message", args=[filed.reference]), {"text": "x"}).status_code
        == 404
    )
    assert client.post(reverse("demarches:cancel", args=[filed.reference])).status_code == 404


def test_agent_queue_is_filtered_by_the_roles_types(client, agent, filed):
    client.force_login(agent(Role.GUICHET))
    assert filed.reference in page_text(client.get(reverse("backoffice:demarche_queue")))
    client.force_login(agent(Role.REGIE))
    assert filed.reference not in page_text(client.get(reverse("backoffice:demarche_queue")))
    assert client.get(reverse("backoffice:demarche", args=[filed.reference])).status_code == 404


def test_agent_actions_from_the_detail_page(client, agent, filed, citizen_client):
    client.force_login(agent(Role.GUICHET))
    url = reverse("backoffice:demarche_act", args=[filed.reference])
    response = client.post(url, {"action": "refuser", "text": ""})
    assert response.status_code == 400
    assert "Le motif du refus est obligatoire." in page_text(response)
    client.post(url, {"action": "prendre", "text": ""})
    client.post(url, {"action": "pieces", "text": "Le justificatif, s'il vous plaît."})
    page = page_text(client.get(reverse("backoffice:demarche", args=[filed.reference])))
    assert "En attente de pièces" in page
    assert "Le justificatif, s'il vous plaît." in page
