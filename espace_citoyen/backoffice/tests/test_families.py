import io
import re
from datetime import date

import pytest
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, pdf_structure, pdf_text
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families import services
from espace_citoyen.families.factories import ChildFactory, FamilyFactory, GuardianFactory
from espace_citoyen.families.models import ActivationCode, Family

pytestmark = pytest.mark.django_db


@pytest.fixture
def guichet(client, agent):
    client.force_login(agent(Role.GUICHET))
    return client


@pytest.fixture
def helene():
    family = FamilyFactory()
    GuardianFactory(
        family=family, first_name="Hélène", last_name="Lefèvre", email="h.lefevre@example.org"
    )
    ChildFactory(family=family, first_name="Zoé", last_name="Lefèvre")
    services.family_refresh_search_text(family)
    return family


@pytest.mark.parametrize(
    "query", ["helene", "HÉLÈNE lefevre", "zoe", "h.lefevre@example", "LEFÈVRE"]
)
def test_search_ignores_accents_and_case(guichet, helene, query):
    """Families are found by name, child's name, e-mail or number, accents ignored."""
    page = page_text(guichet.get(reverse("backoffice:family_search"), {"q": query}))
    assert helene.number in page


def test_search_by_number(guichet, helene):
    number = helene.number.removeprefix("F-").lstrip("0")
    assert helene.number in page_text(
        guichet.get(reverse("backoffice:family_search"), {"q": number})
    )
    assert "Aucune famille ne correspond" in page_text(
        guichet.get(reverse("backoffice:family_search"), {"q": "zzz"})
    )


DESK = {
    "adresse-address_line1": "5 avenue de la République",
    "adresse-postal_code": "99999",
    "adresse-city": "Saint-Exemple-sur-Marne",
    "r1-civility": "mme",
    "r1-last_name": "Durand",
    "r1-first_name": "Léa",
    "r1-email": "lea.durand@example.org",
    "r1-phone_mobile": "06 12 34 56 78",
    "r1-parental_authority": "on",
    "enfants-TOTAL_FORMS": "3",
    "enfants-INITIAL_FORMS": "0",
    "enfants-MIN_NUM_FORMS": "0",
    "enfants-MAX_NUM_FORMS": "15",
    "enfants-0-last_name": "Durand",
    "enfants-0-first_name": "Inès",
    "enfants-0-sex": "F",
    "enfants-0-birth_date": "2022-06-30",
}


def test_create_at_the_desk_then_print_the_letter(guichet):
    """The guichet creates a validated family and prints a letter whose PDF holds the code."""
    response = guichet.post(reverse("backoffice:family_create"), DESK, follow=True)
    page = page_text(response)
    family = Family.objects.get()
    assert f"La carte famille {family.number} est créée" in page
    assert family.status == "validee" and family.children.count() == 1
    guardian = family.guardians.get()
    letter = guichet.post(reverse("backoffice:activation_letter", args=[family.pk, guardian.pk]))
    assert letter["Content-Type"] == "application/pdf"
    text = pdf_text(letter.content)
    for expected in [
        "Madame Léa Durand",
        "5 avenue de la République",
        family.number,
        "Saint-Exemple-sur-Marne",
    ]:
        assert expected in text
    code = re.search(r"Code d'activation : ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})", text).group(1)
    assert re.search(r"expire le \d{1,2} \w+ \d{4}", text)
    assert services.activation_code_redeem(user=UserFactory(), typed=code) == family
    structure = pdf_structure(letter.content)  # PDF/UA: what a screen reader gets
    assert structure["lang"] == "fr" and structure["marked"] and structure["shows_title"]
    assert structure["title"] == f"Lettre d'activation — carte famille {family.number}"
    assert structure["tags"][0] == "Document" and {"H1", "P"} <= set(structure["tags"])


def test_the_letter_fits_one_page_with_the_communes_logo(guichet):
    """With the commune's logo (read from disk, never from the network), one A4 page."""
    from pypdf import PdfReader

    from espace_citoyen.portal import demo

    demo.load()
    guichet.post(reverse("backoffice:family_create"), DESK)
    family = Family.objects.get()
    letter = guichet.post(
        reverse("backoffice:activation_letter", args=[family.pk, family.guardians.get().pk])
    )
    reader = PdfReader(io.BytesIO(letter.content))
    assert len(reader.pages) == 1
    assert "Mairie de Saint-Exemple-sur-Marne" in pdf_text(letter.content)
    assert any("/XObject" in page["/Resources"] for page in reader.pages)  # the logo


def test_printing_a_new_letter_revokes_the_old_code(guichet):
    guichet.post(reverse("backoffice:family_create"), DESK)
    family = Family.objects.get()
    url = reverse("backoffice:activation_letter", args=[family.pk, family.guardians.get().pk])
    first = re.search(r"Code d'activation : (\S+)", pdf_text(guichet.post(url).content)).group(1)
    guichet.post(url)
    assert ActivationCode.objects.filter(revoked_at__isnull=False).count() == 1
    from espace_citoyen.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="remplacé"):
        services.activation_code_redeem(user=UserFactory(), typed=first)


def test_desk_creation_bad_input_is_kept(guichet):
    data = {**DESK, "enfants-0-birth_date": "2030-01-01", "r1-first_name": ""}
    response = guichet.post(reverse("backoffice:family_create"), data)
    page = page_text(response)
    assert response.status_code == 400
    assert "La date de naissance ne peut pas être dans le futur." in page
    assert "Ce champ est obligatoire." in page
    assert 'value="5 avenue de la République"' in page
    assert not Family.objects.exists()


def test_the_guichet_validates_a_card_created_online(
    client, citizen, agent, django_capture_on_commit_callbacks, mailoutbox
):
    family = services.family_create_online(
        user=citizen,
        data=services.FamilyInput(
            address={
                "address_line1": "1 place de la Mairie",
                "address_line2": "",
                "postal_code": "99999",
                "city": "Saint-Exemple-sur-Marne",
            },
            guardians=[
                {
                    "civility": "mme",
                    "last_name": "Martin",
                    "first_name": "Camille",
                    "email": citizen.email,
                    "phone_mobile": "0612345678",
                }
            ],
            children=[
                {
                    "last_name": "Martin",
                    "first_name": "Léa",
                    "sex": "F",
                    "birth_date": date(2020, 1, 1),
                }
            ],
            authorised_persons=[],
        ),
    )
    demarche = Demarche.objects.get()
    client.force_login(agent(Role.GUICHET))
    queue = page_text(client.get(reverse("backoffice:demarche_queue")))
    assert demarche.reference in queue and "Validation de la carte famille" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("backoffice:demarche_act", args=[demarche.reference]),
            {"action": "accepter", "text": "Bienvenue"},
        )
    family.refresh_from_db()
    assert family.status == "validee"
    assert "acceptée" in mailoutbox[-1].subject
