"""The configuration edited in the admin is recorded in the trail like any service's
change: who, when, each value before and after."""

import pytest
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.portal.models import Teleservice
from espace_citoyen.schooling.models import DerogationMotive

pytestmark = pytest.mark.django_db

SERVICE = {
    "title": "Piscine municipale",
    "slug": "piscine",
    "summary": "Horaires et tarifs",
    "keywords": "nage",
    "target": "/piscine/",
    "audience": "",
    "requires_login": "",
    "published": "on",
    "position": "10",
}


@pytest.fixture
def admin_user(agent):
    return agent(Role.ADMINISTRATEUR, first_name="Alex", last_name="Administrateur")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_teleservice_created_changed_and_deleted_in_the_admin_is_in_the_trail(
    admin_client, admin_user
):
    admin_client.post(reverse("admin:portal_teleservice_add"), SERVICE)
    service = Teleservice.objects.get(slug="piscine")
    admin_client.post(
        reverse("admin:portal_teleservice_change", args=[service.pk]),
        {**SERVICE, "title": "Piscine Jean-Bouin"},
    )
    admin_client.post(
        reverse("admin:portal_teleservice_delete", args=[service.pk]), {"post": "yes"}
    )

    created, changed, deleted = AuditEntry.objects.filter(area="portal").order_by("id")
    assert (created.action, created.actor, created.entity) == (
        "création",
        admin_user,
        "téléservice",
    )
    assert created.changes["title"] == [None, "Piscine municipale"]
    assert changed.action == "modification"
    assert changed.changes == {"title": ["Piscine municipale", "Piscine Jean-Bouin"]}
    assert changed.subject_id == service.pk
    assert deleted.action == "suppression"
    assert deleted.entity_label == "Piscine Jean-Bouin"
    assert deleted.changes["slug"] == ["piscine", None]


def test_a_save_that_changes_nothing_records_nothing(admin_client):
    service = Teleservice.objects.create(**{**SERVICE, "requires_login": False, "published": True})
    admin_client.post(reverse("admin:portal_teleservice_change", args=[service.pk]), SERVICE)
    assert not AuditEntry.objects.filter(area="portal").exists()


def test_a_list_edit_of_the_derogation_motives_is_in_the_trail(admin_client, admin_user):
    motive = DerogationMotive.objects.create(label="Fratrie", position=10)
    admin_client.post(
        reverse("admin:schooling_derogationmotive_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(motive.pk),
            "form-0-position": "3",
            "form-0-active": "",
            "_save": "Enregistrer",
        },
    )
    entry = AuditEntry.objects.get(area="schooling", subject_id=motive.pk)
    assert entry.actor == admin_user
    assert entry.changes == {"position": [10, 3], "active": [True, False]}
