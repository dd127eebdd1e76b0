"""Every URL that carries an id: another family's id gives 404, an agent without the
role gets 403; health data only for the family and the roles caring for children."""

import pytest
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, pdf_upload
from espace_citoyen.families import services
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_family():
    family = family_create(children=1)
    family.children.update(allergies="Gluten sévère")
    services.document_upload(family=family, kind="domicile", upload=pdf_upload(), uploaded_by=None)
    services.authorised_person_save(
        family=family,
        actor=None,
        values={
            "last_name": "Roy",
            "first_name": "Anne",
            "phone": "0611223344",
            "relationship": "Voisine",
        },
    )
    return family


def _citizen_urls(family):
    return [
        reverse("families:guardian_edit", args=[family.guardians.get().pk]),
        reverse("families:child_edit", args=[family.children.get().pk]),
        reverse("families:person_edit", args=[family.authorised_persons.get().pk]),
        reverse("families:document_file", args=[family.documents.get().pk]),
    ]


def test_another_familys_ids_give_404(citizen_client, citizen, other_family):
    family_create(user=citizen)
    for url in _citizen_urls(other_family):
        assert citizen_client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.ADMINISTRATEUR])
def test_agents_without_the_role_get_403(client, agent, other_family, role):
    client.force_login(agent(role))
    urls = [
        reverse("backoffice:family", args=[other_family.pk]),
        reverse("backoffice:document_file", args=[other_family.documents.get().pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    letter = reverse(
        "backoffice:activation_letter", args=[other_family.pk, other_family.guardians.get().pk]
    )
    assert client.post(letter).status_code == 403
    assert (
        client.post(
            reverse("backoffice:document_check", args=[other_family.documents.get().pk])
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", [Role.SCOLAIRE, Role.REGIE, Role.PERISCOLAIRE])
def test_only_the_guichet_prints_letters_and_creates_families(client, agent, other_family, role):
    client.force_login(agent(role))
    letter = reverse(
        "backoffice:activation_letter", args=[other_family.pk, other_family.guardians.get().pk]
    )
    assert client.post(letter).status_code == 403
    assert client.get(reverse("backoffice:family_create")).status_code == 403


def test_a_citizen_gets_403_on_the_back_office(citizen_client, other_family):
    assert (
        citizen_client.get(reverse("backoffice:family", args=[other_family.pk])).status_code == 403
    )


def test_unknown_ids_give_404_to_agents(client, agent):
    client.force_login(agent(Role.GUICHET))
    assert client.get(reverse("backoffice:family", args=[999999])).status_code == 404
    assert client.post(reverse("backoffice:activation_letter", args=[999999, 1])).status_code == 404


@pytest.mark.parametrize(
    ("role", "sees"),
    [(Role.GUICHET, False), (Role.REGIE, False), (Role.SCOLAIRE, True), (Role.PERISCOLAIRE, True)],
)
def test_health_data_only_for_roles_caring_for_children(client, agent, other_family, role, sees):
    client.force_login(agent(role))
    page = page_text(
        client.get(reverse("backoffice:family", args=[other_family.pk]) + "?onglet=enfants")
    )
    assert ("Gluten sévère" in page) is sees
    assert other_family.children.get().first_name in page


def test_an_account_without_card_sees_the_entry_paths_not_a_card(client):
    client.force_login(UserFactory())
    for name in [
        "families:data",
        "families:documents",
        "families:guardian_add",
        "families:child_add",
    ]:
        assert client.get(reverse(name))["Location"] == reverse("families:card")
