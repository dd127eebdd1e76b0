import pytest
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.core.testing import page_text, pdf_upload
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(citizen):
    return family_create(user=citizen, children=1)


def test_a_guardian_updates_their_phone_and_the_change_is_recorded(citizen_client, citizen, family):
    """Each change records who, when, before and after."""
    guardian = family.guardians.get()
    url = reverse("families:guardian_edit", args=[guardian.pk])
    form = page_text(citizen_client.get(url))
    assert 'value="06 12 34 56 78"' in form
    response = citizen_client.post(
        url,
        {
            "civility": "mme",
            "last_name": "Martin",
            "first_name": "Camille",
            "email": citizen.email,
            "phone_mobile": "07 00 00 00 01",
            "parental_authority": "on",
        },
        follow=True,
    )
    assert "sont enregistrées" in page_text(response)
    change = AuditEntry.objects.get(area="families", entity="responsable légal")
    assert change.actor == citizen
    assert change.changes["phone_mobile"] == ["06 12 34 56 78", "07 00 00 00 01"]


def test_a_child_health_update_keeps_diet_and_pai(citizen_client, family):
    child = family.children.get()
    response = citizen_client.post(
        reverse("families:child_edit", args=[child.pk]),
        {
            "identite-last_name": child.last_name,
            "identite-first_name": child.first_name,
            "identite-sex": "F",
            "identite-birth_date": child.birth_date.isoformat(),
            "sante-diet": "sans_porc",
            "sante-has_pai": "on",
            "sante-allergies": "Arachide",
        },
        follow=True,
    )
    assert "sont enregistrées" in page_text(response)
    child.refresh_from_db()
    assert child.diet == "sans_porc" and child.has_pai and child.allergies == "Arachide"


def test_diet_choices_are_food_content_only(citizen_client, family):
    page = page_text(
        citizen_client.get(reverse("families:child_edit", args=[family.children.get().pk]))
    )
    for choice in ("Sans porc", "Sans viande", "Sans gluten"):
        assert choice in page
    for forbidden in ("halal", "casher", "kasher", "religi"):
        assert forbidden not in page.lower()


def test_adding_a_child_of_18_is_refused(citizen_client, family):
    response = citizen_client.post(
        reverse("families:child_add"),
        {
            "identite-last_name": "Martin",
            "identite-first_name": "Paul",
            "identite-sex": "M",
            "identite-birth_date": "2000-01-01",
            "sante-diet": "standard",
        },
    )
    page = page_text(response)
    assert "Cet enfant a 18 ans ou plus" in page
    assert 'value="Paul"' in page


def test_authorised_persons_can_be_added_and_removed(citizen_client, family):
    citizen_client.post(
        reverse("families:person_add"),
        {
            "last_name": "Roy",
            "first_name": "Anne",
            "phone": "06 11 22 33 44",
            "relationship": "Voisine",
        },
    )
    person = family.authorised_persons.get()
    assert "Anne Roy (Voisine)" in page_text(citizen_client.get(reverse("families:data")))
    citizen_client.post(reverse("families:person_edit", args=[person.pk]), {"remove": "1"})
    assert not family.authorised_persons.exists()
    assert AuditEntry.objects.filter(
        area="families", entity="personne autorisée", action="suppression"
    ).exists()


def test_an_address_change_waits_for_the_guichet(
    citizen_client, family, other_client, agent, django_capture_on_commit_callbacks
):
    """A new address needs a proof and applies once an agent validates it."""
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(
            reverse("families:address_change"),
            {
                "address_line1": "3 chemin des Vignes",
                "postal_code": "99999",
                "city": "Saint-Exemple-sur-Marne",
                "proof": pdf_upload(),
            },
            follow=True,
        )
    page = page_text(response)
    assert "sera prise en compte après vérification" in page
    assert "Nouvelle adresse en cours de vérification : 3 chemin des Vignes" in page
    family.refresh_from_db()
    assert family.address_line1 == "12 rue des Écoles"
    demarche = Demarche.objects.get(type="carte_famille_adresse")
    other_client.force_login(agent(Role.GUICHET))
    with django_capture_on_commit_callbacks(execute=True):
        other_client.post(
            reverse("backoffice:demarche_act", args=[demarche.reference]),
            {"action": "accepter", "text": ""},
        )
    family.refresh_from_db()
    assert family.address_line1 == "3 chemin des Vignes"
    assert family.address_validated_on is not None
    assert "3 chemin des Vignes" in page_text(citizen_client.get(reverse("families:data")))


def test_an_address_change_without_a_proof_is_refused(citizen_client, family):
    response = citizen_client.post(
        reverse("families:address_change"),
        {"address_line1": "3 chemin des Vignes", "postal_code": "99999", "city": "X"},
    )
    page = page_text(response)
    assert "Ce champ est obligatoire." in page
    assert 'value="3 chemin des Vignes"' in page
