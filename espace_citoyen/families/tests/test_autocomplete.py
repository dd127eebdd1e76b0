"""Fields about the user say what they are (WCAG 1.3.5, RGAA 11.13), so that the browser
can fill them in; fields about someone else do not offer the user's own details."""

import re

import pytest
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text
from espace_citoyen.families.factories import GuardianFactory, family_create
from espace_citoyen.families.tests.test_create import ADDRESS

pytestmark = pytest.mark.django_db

ABOUT_YOU = {
    "last_name": "family-name",
    "first_name": "given-name",
    "birth_date": "bday",
    "email": "email",
    "phone_mobile": "mobile tel",
}


def _autocomplete(page: str, name: str) -> str:
    """The autocomplete attribute of the field `name` in the page."""
    tag = re.search(rf'<(?:input|textarea)[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tag, name
    value = re.search(r'\bautocomplete="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_the_profile_and_the_lost_code_form(citizen_client):
    profile = page_text(citizen_client.get(reverse("accounts:profile")))
    assert _autocomplete(profile, "last_name") == "family-name"
    assert _autocomplete(profile, "first_name") == "given-name"
    assert _autocomplete(profile, "phone") == "tel"
    lost = page_text(citizen_client.get(reverse("families:lost_code")))
    assert _autocomplete(lost, "last_name") == "family-name"
    assert _autocomplete(lost, "first_name") == "given-name"
    assert _autocomplete(lost, "email") == "email"
    assert _autocomplete(lost, "child_birth_date") == ""  # a child's, not yours


def test_you_in_the_card_creation_but_not_the_second_guardian(citizen_client):
    citizen_client.post(reverse("families:create_step", args=["adresse"]), ADDRESS)
    page = page_text(citizen_client.get(reverse("families:create_step", args=["responsables"])))
    for name, purpose in ABOUT_YOU.items():
        assert _autocomplete(page, f"r1-{name}") == purpose
        assert _autocomplete(page, f"r2-{name}") == "off"


def test_your_own_details_on_the_data_page_not_the_other_guardians(citizen_client, citizen):
    family = family_create(user=citizen)
    other = GuardianFactory(family=family)
    you = family.guardians.get(user=citizen)
    page = page_text(citizen_client.get(reverse("families:guardian_edit", args=[you.pk])))
    for name, purpose in ABOUT_YOU.items():
        assert _autocomplete(page, name) == purpose
    page = page_text(citizen_client.get(reverse("families:guardian_edit", args=[other.pk])))
    for name in ABOUT_YOU:
        assert _autocomplete(page, name) == "off"
    page = page_text(citizen_client.get(reverse("families:guardian_add")))
    assert _autocomplete(page, "email") == "off"


def test_never_at_the_desk(agent_client):
    """The guichet types a family's details: the agent's own are never offered."""
    page = page_text(agent_client(Role.GUICHET).get(reverse("backoffice:family_create")))
    for name in ABOUT_YOU:
        assert _autocomplete(page, f"r1-{name}") == "off"
