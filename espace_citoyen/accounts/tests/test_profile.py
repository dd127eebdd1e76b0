import pytest
from django.urls import reverse

from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


def test_profile_update(citizen_client, citizen):
    """A citizen edits their name and phone; the page shows the saved values."""
    response = citizen_client.post(
        reverse("accounts:profile"),
        {
            "civility": "mme",
            "last_name": "Martin-Leroy",
            "first_name": "Camille",
            "phone": "06 12 34 56 78",
        },
        follow=True,
    )
    page = page_text(response)
    assert "Votre profil est enregistré" in page
    assert 'value="Martin-Leroy"' in page
    citizen.refresh_from_db()
    assert citizen.phone == "06 12 34 56 78"


def test_profile_requires_a_name(citizen_client, citizen):
    response = citizen_client.post(
        reverse("accounts:profile"),
        {"civility": "mme", "last_name": "", "first_name": "Camille", "phone": "0612"},
    )
    page = page_text(response)
    assert "Ce champ est obligatoire." in page
    assert 'value="0612"' in page
    citizen.refresh_from_db()
    assert citizen.last_name == "Martin"


def test_a_profile_change_is_recorded_in_the_trail(citizen_client, citizen):
    """A citizen's profile change is in the one audit trail: who, and before and after."""
    citizen_client.post(
        reverse("accounts:profile"),
        {"civility": "mme", "last_name": "Martin-Leroy", "first_name": "Camille", "phone": ""},
    )
    entry = AuditEntry.objects.get(area="accounts", entity="profil")
    assert entry.actor == citizen
    assert entry.changes["last_name"] == ["Martin", "Martin-Leroy"]
