import pytest
from django.urls import reverse

from espace_citoyen.accounts.roles import ROLE_LABELS, Role
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_citizen_gets_403(citizen_client):
    """The back-office is for agents only."""
    response = citizen_client.get(reverse("backoffice:home"))
    assert response.status_code == 403
    assert "Accès refusé" in page_text(response)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_duties(agent_client, role):
    page = agent_client(role).get(reverse("backoffice:home")).content.decode()
    assert str(ROLE_LABELS[role]) in page
    others = [str(ROLE_LABELS[r]) for r in Role if r != role]
    assert not any(label in page for label in others)


def test_admin_is_for_administrators_only(client, agent):
    guichet = agent(Role.GUICHET)
    guichet.is_staff = True  # even with the flag, the role is required
    guichet.save()
    client.force_login(guichet)
    assert client.get("/admin/").status_code == 302
    client.force_login(agent(Role.ADMINISTRATEUR))
    page = client.get("/admin/").content.decode()
    assert "Configuration de la commune" in page
    assert "Téléservices" in page


def test_admin_can_edit_the_commune(client, agent):
    client.force_login(agent(Role.ADMINISTRATEUR))
    response = client.get("/admin/portal/commune/1/change/")
    assert response.status_code == 200
