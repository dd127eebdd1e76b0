from datetime import date

import pytest
import time_machine
from django.urls import reverse

from espace_citoyen.core.testing import page_text
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import Family, FamilyDraft

pytestmark = pytest.mark.django_db

ADDRESS = {
    "address_line1": "12 rue des Écoles",
    "address_line2": "",
    "postal_code": "99999",
    "city": "Saint-Exemple-sur-Marne",
    "emergency_name": "Josiane Martin",
    "emergency_phone": "03 26 00 00 00",
    "action": "next",
}
GUARDIANS = {
    "r1-civility": "mme",
    "r1-last_name": "Martin",
    "r1-first_name": "Camille",
    "r1-email": "camille.martin@example.org",
    "r1-phone_mobile": "06 12 34 56 78",
    "r1-parental_authority": "on",
    "action": "next",
}


def _children(*rows):
    data = {
        "enfants-TOTAL_FORMS": str(len(rows)),
        "enfants-INITIAL_FORMS": "0",
        "enfants-MIN_NUM_FORMS": "1",
        "enfants-MAX_NUM_FORMS": "15",
        "action": "next",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"enfants-{index}-{key}"] = value
    return data


LEA = {"last_name": "Martin", "first_name": "Léa", "sex": "F", "birth_date": "2021-03-14"}
HUGO = {"last_name": "Martin", "first_name": "Hugo", "sex": "M", "birth_date": "2018-09-02"}


def _health(count):
    data = {
        "sante-TOTAL_FORMS": str(count),
        "sante-INITIAL_FORMS": "0",
        "sante-MIN_NUM_FORMS": "0",
        "sante-MAX_NUM_FORMS": "1000",
        "action": "next",
    }
    for index in range(count):
        data[f"sante-{index}-diet"] = "standard"
        data[f"sante-{index}-emergency_care"] = "on"
    return data


def _step(name):
    return reverse("families:create_step", args=[name])


@time_machine.travel(date(2026, 11, 26))
def test_a_parent_creates_a_card_in_steps(
    citizen_client, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    """Path 1: the card is created tied to the account, « à valider », with a démarche for
    the guichet, and the parent lands on the card's home."""
    client = citizen_client
    assert client.post(_step("adresse"), ADDRESS)["Location"] == _step("responsables")
    assert client.post(_step("responsables"), GUARDIANS)["Location"] == _step("enfants")
    assert client.post(_step("enfants"), _children(LEA, HUGO))["Location"] == _step("personnes")
    persons = {"personnes-TOTAL_FORMS": "0", "personnes-INITIAL_FORMS": "0", "action": "next"}
    assert client.post(_step("personnes"), persons)["Location"] == _step("sante")
    assert client.post(_step("sante"), _health(2))["Location"] == _step("recapitulatif")
    recap = page_text(client.get(_step("recapitulatif")))
    assert "12 rue des Écoles, 99999 Saint-Exemple-sur-Marne" in recap
    assert "Léa Martin, née le 14/03/2021" in recap
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _step("recapitulatif"), {"confirm": "on", "action": "next"}, follow=True
        )
    page = page_text(response)
    assert response.redirect_chain[-1][0] == reverse("families:card")
    family = Family.objects.get(guardians__user=citizen)
    assert f"Votre carte famille {family.number} est créée" in page
    assert "À valider" in page
    assert "Léa Martin" in page and "Hugo Martin" in page
    assert "Suivre l'historique de vos démarches" in page
    assert family.status == "a_valider" and family.created_online
    assert family.emergency_name == "Josiane Martin"
    demarche = Demarche.objects.get(type="carte_famille_validation")
    assert demarche.status == "deposee" and demarche.owner == family
    assert not FamilyDraft.objects.filter(user=citizen).exists()
    assert [m.to for m in mailoutbox] == [["camille.martin@example.org"]]
    assert demarche.reference in mailoutbox[0].subject


def test_each_step_keeps_what_was_typed(citizen_client, citizen):
    """A parent who leaves and comes back finds every step as they left it."""
    citizen_client.post(_step("adresse"), ADDRESS)
    citizen_client.post(_step("responsables"), {**GUARDIANS, "r1-phone_mobile": ""})
    citizen_client.logout()
    citizen_client.force_login(citizen)
    assert 'value="12 rue des Écoles"' in page_text(citizen_client.get(_step("adresse")))
    page = page_text(citizen_client.get(_step("responsables")))
    assert 'value="Camille"' in page
    assert "Ce champ est obligatoire." in page
    entry = page_text(citizen_client.get(reverse("families:card")))
    assert "vous reprendrez là où vous vous êtes arrêté" in entry


def test_previous_keeps_the_current_step_without_checking_it(citizen_client):
    citizen_client.post(_step("adresse"), ADDRESS)
    response = citizen_client.post(
        _step("responsables"), {"r1-last_name": "Mart", "action": "previous"}
    )
    assert response["Location"] == _step("adresse")
    assert 'value="Mart"' in page_text(citizen_client.get(_step("responsables")))


def test_add_a_child_row_without_javascript(citizen_client):
    response = citizen_client.post(_step("enfants"), {**_children(LEA), "action": "add"})
    page = page_text(response)
    assert 'value="Léa"' in page
    assert "Enfant 2" in page


@time_machine.travel(date(2026, 11, 26))
@pytest.mark.parametrize(
    ("child", "message"),
    [
        (
            {**LEA, "birth_date": "2027-01-01"},
            "La date de naissance ne peut pas être dans le futur.",
        ),
        ({**LEA, "birth_date": "2005-01-01"}, "Cet enfant a 18 ans ou plus"),
        ({**LEA, "first_name": ""}, "Ce champ est obligatoire."),
        ({**LEA, "birth_date": "31/02/2020"}, "Saisissez une date valide."),
    ],
)
def test_bad_child_input_is_explained_and_kept(citizen_client, child, message):
    response = citizen_client.post(_step("enfants"), _children(child))
    page = page_text(response)
    assert response.status_code == 400
    assert message in page
    assert 'value="Martin"' in page


def test_at_least_one_child(citizen_client):
    response = citizen_client.post(_step("enfants"), _children())
    assert "Indiquez au moins un enfant." in page_text(response)


def test_bad_postal_code(citizen_client):
    response = citizen_client.post(_step("adresse"), {**ADDRESS, "postal_code": "9999"})
    page = page_text(response)
    assert "Le code postal compte 5 chiffres" in page
    assert 'value="12 rue des Écoles"' in page


def test_finishing_with_a_missing_step_sends_back_to_it(citizen_client):
    citizen_client.post(_step("adresse"), ADDRESS)
    response = citizen_client.post(_step("recapitulatif"), {"confirm": "on", "action": "next"})
    assert response["Location"] == _step("responsables")
    assert not Family.objects.exists()


def test_an_unknown_step_is_404(citizen_client):
    assert citizen_client.get("/carte-famille/creer/nulle-part/").status_code == 404


def test_a_linked_parent_is_sent_to_the_card(citizen_client, citizen):
    family_create(user=citizen)
    assert citizen_client.get(_step("adresse"))["Location"] == reverse("families:card")
