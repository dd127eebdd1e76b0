"""The family card's trail: every service that changes the card records who, when, what,
before and after, and an agent reads it on the family sheet (issue 13, point 10)."""

import pytest
from django.test import Client
from django.urls import reverse

from espace_citoyen.accounts.factories import agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.selectors import audit_for_scope
from espace_citoyen.core.testing import visible_text
from espace_citoyen.families import services
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(citizen):
    return family_create(user=citizen, children=1)


def _history(agent, family) -> str:
    client = Client()
    client.force_login(agent(Role.GUICHET))
    url = reverse("backoffice:family", args=[family.pk]) + "?onglet=historique"
    return visible_text(client.get(url))


def test_editing_an_authorised_person_records_before_and_after(
    citizen_client, citizen, family, agent
):
    """The view edits through a ModelForm (which changes its instance when it validates):
    the trail still holds the stored value before, not the new one twice."""
    person = services.authorised_person_save(
        family=family,
        actor=citizen,
        values={
            "last_name": "Roux",
            "first_name": "Ana",
            "phone": "06 11 11 11 11",
            "relationship": "grand-mère",
        },
    )
    response = citizen_client.post(
        reverse("families:person_edit", args=[person.pk]),
        {
            "last_name": "Roux",
            "first_name": "Ana",
            "phone": "07 22 22 22 22",
            "relationship": "grand-mère",
        },
    )
    assert response.status_code == 302
    page = _history(agent, family)
    assert "phone : 06 11 11 11 11 → 07 22 22 22 22" in page
    assert "personne autorisée — Ana Roux (modification)" in page


def test_editing_a_guardian_and_a_child_through_their_forms_records_the_stored_values(
    citizen_client, citizen, family, agent
):
    guardian = family.guardians.get()
    citizen_client.post(
        reverse("families:guardian_edit", args=[guardian.pk]),
        {
            "civility": "mme",
            "last_name": guardian.last_name,
            "first_name": guardian.first_name,
            "email": guardian.email,
            "phone_mobile": "07 00 00 00 01",
            "parental_authority": "on",
        },
    )
    child = family.children.get()
    citizen_client.post(
        reverse("families:child_edit", args=[child.pk]),
        {
            "identite-last_name": child.last_name,
            "identite-first_name": "Zoé",
            "identite-sex": "F",
            "identite-birth_date": child.birth_date.isoformat(),
            "sante-diet": child.diet,
        },
    )
    page = _history(agent, family)
    assert f"phone_mobile : {guardian.phone_mobile} → 07 00 00 00 01" in page
    assert f"first_name : {child.first_name} → Zoé" in page


def test_the_emergency_contact_and_removing_a_person_are_recorded(citizen, family, agent):
    services.family_emergency_update(family=family, actor=citizen, name="Jo Roux", phone="0611")
    person = services.authorised_person_save(
        family=family,
        actor=citizen,
        values={
            "last_name": "Roux",
            "first_name": "Ana",
            "phone": "06 11 11 11 11",
            "relationship": "voisine",
        },
    )
    services.authorised_person_remove(person=person, actor=citizen)
    page = _history(agent, family)
    assert "emergency_name : — → Jo Roux" in page
    assert "personne autorisée — Ana Roux (suppression)" in page
    assert "relationship : voisine → —" in page


def test_health_entries_are_tagged_and_read_only_by_the_roles_caring_for_children(
    citizen, family, client
):
    """A child's health fields changed with others make two entries, the health one
    tagged; the guichet's sheet never shows it, the périscolaire's does, the family's
    own page does."""
    child = family.children.get()
    services.child_update(
        child=child, actor=citizen, values={"birth_place": "Épernay", "allergies": "Kiwi"}
    )
    entries = {
        (e.sensitive, tuple(e.changes)) for e in audit_for_scope(family, with_sensitive=True)
    }
    assert (False, ("birth_place",)) in entries and (True, ("allergies",)) in entries
    url = reverse("backoffice:family", args=[family.pk]) + "?onglet=historique"
    client.force_login(agent_create(Role.GUICHET))
    page = visible_text(client.get(url))
    assert "Épernay" in page and "Kiwi" not in page
    client.force_login(agent_create(Role.PERISCOLAIRE))
    assert "Kiwi" in visible_text(client.get(url))
