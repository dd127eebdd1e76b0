"""« je mets à jour mes tarifs »: the three ways to declare, and what goes wrong."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.factories import ChildFactory
from espace_citoyen.families.models import Document, DocumentKind
from espace_citoyen.pricing import services
from espace_citoyen.pricing.models import FamilyQuotient, IncomeDeclaration
from espace_citoyen.pricing.tests.conftest import pdf_upload, png_upload
from espace_citoyen.pricing.tests.fake_api_particulier import TOKEN, FakeApiParticulier

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=PARIS), tick=False):
        yield


def test_the_card_home_offers_both_services(citizen_client, family):
    """The card's home lists « je mets à jour mes tarifs » first, and the personalised rates."""
    text = visible_text(citizen_client.get(reverse("families:card")))
    assert "je mets à jour mes tarifs" in text
    assert "Obtenir vos tarifs personnalisés" in text
    assert text.index("je mets à jour mes tarifs") < text.index("Obtenir vos tarifs personnalisés")


def test_tax_declaration_goes_to_the_regie(
    citizen_client, family, django_capture_on_commit_callbacks, mailoutbox
):
    """Avis d'imposition: QF = 29 232 / 12 / 3 = 812 €, the avis attached, the régie's queue."""
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(
            reverse("pricing:declare_tax"),
            {"income": "29 232", "parts": "3", "year": "2025", "document": pdf_upload("avis.pdf")},
            follow=True,
        )
    text = visible_text(response)
    assert "Votre déclaration est transmise à la régie" in text
    assert "Ma déclaration en cours d'examen" in text
    assert "quotient familial de 812 €" in text
    declaration = IncomeDeclaration.objects.get(family=family)
    assert (declaration.method, declaration.declared_qf, declaration.tax_year) == (
        "impots",
        812,
        2025,
    )
    assert declaration.demarche.type == services.DEMARCHE_DECLARATION
    document = Document.objects.get(demarche=declaration.demarche)
    assert document.kind == DocumentKind.TAX_NOTICE
    assert mailoutbox and declaration.demarche.reference in mailoutbox[-1].body


def test_caf_declaration_with_its_attestation(citizen_client, family):
    """CAF/MSA: the QF as printed, with the attestation (an image is fine)."""
    response = citizen_client.post(
        reverse("pricing:declare_caf"), {"qf": "812 €", "document": png_upload()}, follow=True
    )
    assert "Votre déclaration est transmise à la régie" in visible_text(response)
    declaration = IncomeDeclaration.objects.get(family=family)
    assert (declaration.method, declaration.declared_qf) == ("caf", 812)
    assert Document.objects.get(demarche=declaration.demarche).kind == DocumentKind.CAF_CERTIFICATE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"income": "-1200", "parts": "2"},
            "Le revenu fiscal de référence ne peut pas être négatif",
        ),
        ({"income": "90000000", "parts": "2"}, "paraît erroné"),
        ({"income": "30000", "parts": "0"}, "Le nombre de parts ne peut pas être nul"),
        ({"income": "30000", "parts": "2,3"}, "par demi ou quart de part"),
        ({"income": "trente mille", "parts": "2"}, "Saisissez un montant en euros"),
        ({"income": "30000", "parts": "2", "year": "2019"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_tax_figures_are_refused_and_nothing_is_saved(citizen_client, family, data, message):
    """Negative or absurd income, zero parts…: a clear message, values kept, nothing saved."""
    response = citizen_client.post(
        reverse("pricing:declare_tax"),
        {"year": "2025", **data, "document": pdf_upload()},
    )
    assert response.status_code == 400
    page = page_text(response)
    assert message in page
    assert f'value="{data["income"]}"' in page
    assert not Demarche.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("qf", "message"),
    [
        ("-5", "Le quotient familial ne peut pas être négatif"),
        ("250000", "paraît erroné"),
        ("huit cents", "Saisissez un nombre entier d'euros"),
    ],
)
def test_bad_caf_figures_are_refused(citizen_client, family, qf, message):
    """A negative, absurd or non-numeric QF: a clear message, nothing saved."""
    response = citizen_client.post(
        reverse("pricing:declare_caf"), {"qf": qf, "document": pdf_upload()}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert not IncomeDeclaration.objects.exists()


def test_the_attestation_must_be_a_real_document(citizen_client, family):
    """A text file named .pdf is refused by its content; a missing file is asked for."""
    fake = SimpleUploadedFile("attestation.pdf", b"juste du texte", "application/pdf")
    response = citizen_client.post(reverse("pricing:declare_caf"), {"qf": "812", "document": fake})
    assert response.status_code == 400
    assert "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG" in page_text(response)
    response = citizen_client.post(reverse("pricing:declare_caf"), {"qf": "812"})
    assert "Ce champ est obligatoire" in page_text(response)
    assert not Demarche.objects.exists()


def test_one_declaration_at_a_time(citizen_client, family):
    """While one declaration waits for the régie, another is refused with its reference."""
    citizen_client.post(reverse("pricing:declare_caf"), {"qf": "812", "document": pdf_upload()})
    reference = Demarche.objects.get().reference
    page = visible_text(citizen_client.get(reverse("pricing:declare")))
    assert "Comment déclarer mes revenus ?" not in page
    response = citizen_client.post(
        reverse("pricing:declare_caf"), {"qf": "700", "document": pdf_upload()}
    )
    assert response.status_code == 400
    assert f"Vous avez déjà une déclaration en cours d'examen (démarche {reference})" in page_text(
        response
    )
    assert IncomeDeclaration.objects.count() == 1


def test_a_document_can_be_added_to_the_pending_declaration(citizen_client, family):
    """When the régie asks for a document, the family adds it to the same démarche."""
    citizen_client.post(reverse("pricing:declare_caf"), {"qf": "812", "document": pdf_upload()})
    response = citizen_client.post(
        reverse("pricing:declaration_document"), {"document": png_upload("page2.png")}, follow=True
    )
    assert "Le document est ajouté à votre déclaration" in visible_text(response)
    assert Document.objects.filter(demarche=Demarche.objects.get()).count() == 2


def test_no_declaration_means_the_highest_rate_from_next_month(citizen_client, family, regie):
    """« Je ne déclare pas mes revenus »: a family with a QF pays the highest rate from the 1st."""
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    response = citizen_client.post(reverse("pricing:declare_none"), {"confirm": "on"}, follow=True)
    assert "le tarif le plus élevé s'appliquera à partir du 1er décembre 2026" in visible_text(
        response
    )
    last = FamilyQuotient.objects.filter(family=family).order_by("starts_on").last()
    assert (last.qf, last.starts_on, last.method) == (None, date(2026, 12, 1), "aucune")
    assert not Demarche.objects.exists()


def test_choosing_not_to_declare_completes_point_9(citizen_client, family):
    """A family without a QF that chooses not to declare: the choice is kept from today, the
    card's home stops asking for it, and choosing it again is explained."""
    card = reverse("families:card")
    assert "déclarez vos revenus ou votre quotient familial" in visible_text(
        citizen_client.get(card)
    )
    response = citizen_client.post(reverse("pricing:declare_none"), {"confirm": "on"}, follow=True)
    page = visible_text(response)
    assert "C'est noté : le tarif le plus élevé s'applique." in page
    assert "Vous avez choisi de ne pas déclarer vos revenus depuis le 20 novembre 2026" in page
    record = FamilyQuotient.objects.get(family=family)
    assert (record.qf, record.starts_on, record.method) == (None, date(2026, 11, 20), "aucune")
    assert "déclarez vos revenus ou votre quotient familial" not in visible_text(
        citizen_client.get(card)
    )
    response = citizen_client.post(reverse("pricing:declare_none"), {"confirm": "on"})
    assert response.status_code == 400
    assert "Vous avez déjà choisi de ne pas déclarer vos revenus" in page_text(response)
    assert FamilyQuotient.objects.filter(family=family).count() == 1


def test_the_declaration_page_runs_a_fixed_number_of_queries(
    citizen_client, family, citizen, regie, django_assert_max_num_queries
):
    """Two children or seven, one QF period or four: the same number of queries."""
    services.quotient_record(family=family, qf=900, starts_on=date(2026, 6, 1), actor=regie)
    services.declaration_submit_caf(family=family, actor=citizen, qf=812, attestation=pdf_upload())
    url = reverse("pricing:declare")
    citizen_client.get(url)
    with django_assert_max_num_queries(20) as few:
        citizen_client.get(url)
    for _index in range(5):
        ChildFactory(family=family)
    for month in (7, 8, 9):
        services.quotient_record(
            family=family, qf=800 + month, starts_on=date(2026, month, 1), actor=regie
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = visible_text(citizen_client.get(url))
    assert "Quotient familial en vigueur : 809 € , depuis le 1er septembre 2026." in page
    assert "Ma déclaration en cours d'examen" in page


def test_pages_need_a_login_and_a_family(client, citizen_client, citizen):
    """Anonymous visitors log in; an account without a card goes to the card's entry."""
    client.logout()
    assert client.get(reverse("pricing:declare")).status_code == 302
    citizen_client.force_login(citizen)
    response = citizen_client.get(reverse("pricing:declare"))
    assert response.status_code == 302
    assert response["Location"] == reverse("families:card")


# --- API Particulier ------------------------------------------------------------------------------


def test_without_a_token_the_api_option_is_hidden(citizen_client, family, settings):
    """No commune token: no « la mairie consulte » choice, and its page does not exist."""
    settings.API_PARTICULIER_TOKEN = ""
    page = visible_text(citizen_client.get(reverse("pricing:declare")))
    assert "La mairie consulte mon quotient" not in page
    assert citizen_client.get(reverse("pricing:declare_api")).status_code == 404


@pytest.fixture
def api(settings):
    with FakeApiParticulier(slow_seconds=2) as fake:
        settings.API_PARTICULIER_URL = fake.url
        settings.API_PARTICULIER_TOKEN = TOKEN
        settings.API_PARTICULIER_TIMEOUT = 1
        yield fake


API_FORM = {
    "birth_name": "Martin",
    "first_names": "Camille",
    "sex": "F",
    "birth_date": "1988-03-14",
    "born_in_france": "oui",
    "birth_commune": "51108",
    "birth_country": "",
    "consent": "on",
}


def test_with_consent_the_qf_is_read_from_the_caf(citizen_client, family, api):
    """With a token and the family's consent, the CAF's QF is read, no document needed."""
    page = visible_text(citizen_client.get(reverse("pricing:declare")))
    assert "La mairie consulte mon quotient auprès de la CAF ou de la MSA" in page
    form = page_text(citizen_client.get(reverse("pricing:declare_api")))
    assert 'value="Martin"' in form  # prefilled from the guardian
    response = citizen_client.post(reverse("pricing:declare_api"), API_FORM, follow=True)
    assert "La CAF indique un quotient familial de 812 €" in visible_text(response)
    declaration = IncomeDeclaration.objects.get(family=family)
    assert (declaration.method, declaration.declared_qf, declaration.api_provider) == (
        "api",
        812,
        "CAF",
    )
    assert declaration.consent_at is not None
    assert not Document.objects.exists()


def test_without_consent_nothing_is_asked(citizen_client, family, api):
    """The consent box is required; the API is not called without it."""
    response = citizen_client.post(reverse("pricing:declare_api"), {**API_FORM, "consent": ""})
    assert response.status_code == 400
    assert "Cochez la case pour autoriser la mairie" in page_text(response)
    assert api.requests == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Inconnu", "Aucun dossier de la CAF ou de la MSA ne correspond à ces informations"),
        ("Panne", "n'est pas possible pour le moment"),
        ("Enorme", "n'est pas possible pour le moment"),
        ("Lente", "n'a pas répondu à temps"),
    ],
)
def test_api_failures_are_explained_and_nothing_is_saved(
    citizen_client, family, api, name, message
):
    """Not found, down, slow or absurd: a message on the form, the attestation as fallback."""
    response = citizen_client.post(reverse("pricing:declare_api"), {**API_FORM, "birth_name": name})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not IncomeDeclaration.objects.exists()


def test_born_in_france_needs_the_commune_code(citizen_client, family, api):
    """The COG code of the birth commune is asked for when born in France."""
    response = citizen_client.post(
        reverse("pricing:declare_api"), {**API_FORM, "birth_commune": ""}
    )
    assert "Indiquez le code INSEE de votre commune de naissance" in page_text(response)
    assert api.requests == []


def test_the_income_form_shows_every_error_at_once(citizen_client, family):
    """Negative income, zero parts and a text file: the three messages on one page, the
    figures kept, nothing saved."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def fake():
        return SimpleUploadedFile("avis.pdf", b"juste du texte", "application/pdf")

    response = citizen_client.post(
        reverse("pricing:declare_tax"),
        {"year": "2025", "income": "-1200", "parts": "0", "document": fake()},
    )
    assert response.status_code == 400
    page = page_text(response)
    assert "Le revenu fiscal de référence ne peut pas être négatif" in page
    assert "Le nombre de parts ne peut pas être nul" in page
    assert "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG" in page
    assert 'value="-1200"' in page
    assert not Demarche.objects.exists()
    response = citizen_client.post(reverse("pricing:declare_caf"), {"qf": "-5", "document": fake()})
    page = page_text(response)
    assert "Le quotient familial ne peut pas être négatif" in page
    assert "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG" in page
