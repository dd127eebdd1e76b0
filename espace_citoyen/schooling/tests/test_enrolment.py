"""School enrolment: the family's form and the rules behind it."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text, pdf_upload
from espace_citoyen.demarches import services as demarches
from espace_citoyen.families.factories import ChildFactory, family_create
from espace_citoyen.families.models import Document
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import Enrolment

URL = reverse("schooling:enrol")


def _post(client, child, year, **extra):
    data = {"child": child.pk, "school_year": year.pk, "level": "", **extra}
    return client.post(URL, data)


def test_the_page_shows_the_sector_schools_and_the_proposed_level(citizen_client, family, year):
    """The family sees its sector schools, the campaign dates and Léa's proposed level."""
    text = page_text(citizen_client.get(URL))
    assert "École primaire du Centre" in text
    assert "2027-2028 : inscriptions ouvertes" in text
    assert "du 2 novembre 2026 au 31 mars 2027" in text
    assert "Léa : CP" in text


def test_enrolment_goes_to_the_sector_school_at_the_proposed_level(
    citizen_client, family, child, year, schools, mailoutbox, django_capture_on_commit_callbacks
):
    """Without a chosen level, the level follows the birth year; the school, the address."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(citizen_client, child, year)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(child=child)
    assert (enrolment.level, enrolment.school, enrolment.sector_school) == (
        "CP",
        schools["centre"],
        schools["centre"],
    )
    assert enrolment.demarche.place == "École primaire du Centre"
    assert enrolment.demarche.status == "deposee"
    text = page_text(citizen_client.get(response["Location"]))
    assert "Inscription scolaire de Léa Martin en 2027-2028 (CP)" in text
    assert "2027-2028 (rentrée le 1er septembre 2027)" in text
    assert "Demandée" in text  # papers requested, not required
    assert mailoutbox[-1].to == [family.guardians.first().email]


def test_documents_and_sworn_statements_are_kept_never_required(
    citizen_client, family, child, year
):
    """A proof of address sent, an identity replaced by a sworn statement: both recorded."""
    response = citizen_client.post(
        URL,
        {
            "child": child.pk,
            "school_year": year.pk,
            "document_domicile": pdf_upload("edf.pdf"),
            "sworn_statements": ["enfant"],
        },
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(child=child)
    assert enrolment.sworn_statements == ["enfant"]
    document = Document.objects.get(demarche=enrolment.demarche)
    assert document.kind == "domicile"
    text = page_text(citizen_client.get(response["Location"]))
    assert "Attestation sur l'honneur : Identité de l'enfant" in text
    assert "Fournie" in text


def test_a_wrong_file_is_refused_on_its_field_and_nothing_is_saved(
    citizen_client, family, child, year
):
    """A file that is not a PDF or an image is refused; the enrolment is not created."""
    response = citizen_client.post(
        URL,
        {
            "child": child.pk,
            "school_year": year.pk,
            "document_domicile": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "n'est ni un PDF, ni une image JPEG ou PNG" in page_text(response)
    assert not Enrolment.objects.exists()


def test_a_child_cannot_have_two_active_enrolments_for_a_year(citizen_client, family, child, year):
    """A second request for the same child and year is refused with the first's reference."""
    _post(citizen_client, child, year)
    first = Enrolment.objects.get(child=child)
    response = _post(citizen_client, child, year)
    assert response.status_code == 400
    text = page_text(response)
    assert (
        f"Léa a déjà une inscription scolaire pour 2027-2028 (démarche {first.demarche.reference}"
        in text
    )
    assert Enrolment.objects.count() == 1


def test_after_a_refusal_the_child_can_be_enrolled_again(citizen, family, child, year, agent):
    """A refused enrolment is no longer active: a new request is possible."""
    first = services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)
    demarches.demarche_refuse(demarche=first.demarche, agent=agent(Role.SCOLAIRE), reason="Erreur")
    first.refresh_from_db()
    assert not first.active
    second = services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)
    assert second.active


def test_campaign_closed_gives_the_dates(citizen, citizen_client, family, child, year):
    """After the campaign window, the family reads when it was."""
    with time_machine.travel("2027-04-02 10:00 +02:00", tick=False):
        citizen_client.force_login(citizen)  # the session of November has expired
        response = _post(citizen_client, child, year)
        assert response.status_code == 400
        text = page_text(response)
    assert "Les inscriptions scolaires pour l'année 2027-2028 sont closes" in text
    assert "du 2 novembre 2026 au 31 mars 2027" in text
    assert not Enrolment.objects.exists()


def test_campaign_not_open_yet_shows_the_dates_on_the_page(citizen_client, family, year):
    """Before the window, the page gives the dates and offers no form."""
    with time_machine.travel("2026-10-15 10:00 +02:00", tick=False):
        text = page_text(citizen_client.get(URL))
    assert (
        "ne sont pas encore ouvertes : elles auront lieu du 2 novembre 2026 au 31 mars 2027" in text
    )
    assert "Envoyer la demande d'inscription" not in text


def test_unknown_street_is_a_clear_message(citizen_client, family, child, year):
    """An address missing from the carte scolaire: a message, no enrolment, no error page."""
    family.address_line1 = "4 rue Imaginaire"
    family.save()
    response = _post(citizen_client, child, year)
    assert response.status_code == 400
    assert "« rue Imaginaire » ne figure pas dans la carte scolaire" in page_text(response)
    assert not Enrolment.objects.exists()


def test_address_outside_the_commune_is_a_clear_message(citizen_client, family, child, year):
    """A family living elsewhere is told to see its own commune first."""
    family.postal_code, family.city = "75005", "Paris"
    family.save()
    page = page_text(citizen_client.get(URL))
    assert "n'est pas dans la commune de Saint-Exemple-sur-Marne" in page
    response = _post(citizen_client, child, year)
    assert response.status_code == 400
    assert "n'est pas dans la commune de Saint-Exemple-sur-Marne" in page_text(response)


def test_sector_school_not_offering_the_level(citizen_client, family, year):
    """TPS is asked for, but the sector school (Centre) has no TPS: clear message."""
    toddler = ChildFactory(family=family, first_name="Noé", birth_date=date(2025, 3, 1), sex="M")
    response = _post(citizen_client, toddler, year)
    assert response.status_code == 400
    assert (
        "Votre école de secteur (École primaire du Centre) ne propose pas le niveau Toute petite section (TPS)"
        in (page_text(response))
    )


def test_level_far_from_the_age_is_refused(citizen_client, family, child, year):
    """CM2 for a child of 6 is refused, with the possible levels."""
    response = _post(citizen_client, child, year, level="CM2")
    assert response.status_code == 400
    assert (
        "Le niveau CM2 ne correspond pas à l'âge de Léa en 2027-2028 (niveaux possibles : GS, CP, CE1)"
        in (page_text(response))
    )


def test_another_familys_child_is_refused(citizen, family, year):
    """A child of another family cannot be enrolled by this parent."""
    other = family_create(children=1)
    with pytest.raises(ApplicationError):
        services.enrolment_submit(
            family=family, child=other.children.first(), school_year=year, actor=citizen
        )


def test_without_family_card_the_parent_is_sent_to_create_it(citizen_client, school_data):
    """A parent without a family card is redirected to the card's entry page."""
    response = citizen_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("families:card")


def test_card_home_lists_the_school_services(citizen_client, family):
    """The family card's home offers enrolment and dérogation, in this order."""
    text = page_text(citizen_client.get(reverse("families:card")))
    assert text.index("Inscrire votre enfant à l'école") < text.index(
        "Demander une dérogation au périmètre scolaire"
    )
