"""The school service decides: enrolments accepted with their certificate, dérogations
refused (with the appeal route) or accepted (the enrolment moves school)."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text, pdf_structure, pdf_text, visible_text
from espace_citoyen.demarches import services as demarches
from espace_citoyen.families.factories import ChildFactory, family_create
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import DerogationMotive, Enrolment


def pdf_words(content: bytes) -> str:
    """The PDF's text with its line breaks folded, for phrases that wrap."""
    return " ".join(pdf_text(content).split())


@pytest.fixture
def enrolment(citizen, family, child, year):
    return services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)


@pytest.fixture
def scolaire(agent):
    return agent(Role.SCOLAIRE, first_name="Sophie", last_name="Scolaire")


def _act(client, demarche, action, text=""):
    return client.post(
        reverse("backoffice:demarche_act", args=[demarche.reference]),
        {"action": action, "text": text},
    )


def _derogation(
    citizen, family, enrolment, school, motive_position=10, text="Son frère y est en CM1."
):
    return services.derogation_submit(
        family=family,
        enrolment=enrolment,
        requested_school=school,
        motive=DerogationMotive.objects.get(position=motive_position),
        explanation=text,
        actor=citizen,
    )


def test_accepted_enrolment_gives_a_certificate_naming_the_school(
    client, citizen, citizen_client, enrolment, scolaire
):
    """Once accepted, the family and the agent download a certificate naming the school."""
    client.force_login(scolaire)
    detail = page_text(
        client.get(reverse("backoffice:demarche", args=[enrolment.demarche.reference]))
    )
    assert "École d'affectation" in detail and "École primaire du Centre" in detail
    assert "Télécharger le certificat" not in detail
    _act(client, enrolment.demarche, "accepter", "Bienvenue à l'école du Centre.")
    agent_pdf = client.get(
        reverse("backoffice:school_certificate", args=[enrolment.demarche.reference])
    )
    assert agent_pdf["Content-Type"] == "application/pdf"
    text = pdf_words(agent_pdf.content)
    assert "Certificat d'inscription scolaire" in text
    assert "MARTIN Léa" in text
    assert "École primaire du Centre" in text
    assert "Cours préparatoire (CP)" in text
    assert "Année scolaire 2027-2028 (rentrée le 1er septembre 2027)" in text
    citizen_client.force_login(citizen)
    family_page = page_text(
        citizen_client.get(reverse("demarches:detail", args=[enrolment.demarche.reference]))
    )
    assert "Télécharger le certificat d'inscription (PDF)" in family_page
    family_pdf = citizen_client.get(
        reverse("schooling:certificate", args=[enrolment.demarche.reference])
    )
    assert "École primaire du Centre" in pdf_words(family_pdf.content)


def test_the_certificate_is_a_tagged_pdf(client, enrolment, scolaire):
    """PDF/UA: a screen reader gets the language, the title and the structure tree."""
    client.force_login(scolaire)
    _act(client, enrolment.demarche, "accepter", "Bienvenue.")
    certificate = client.get(
        reverse("backoffice:school_certificate", args=[enrolment.demarche.reference])
    )
    structure = pdf_structure(certificate.content)
    assert structure["lang"] == "fr" and structure["marked"] and structure["shows_title"]
    assert structure["title"] == "Certificat d'inscription scolaire — Léa Martin — 2027-2028"
    assert structure["tags"][0] == "Document"
    assert {"H1", "P", "Table", "TR", "TH", "TD"} <= set(structure["tags"])


def test_no_certificate_before_acceptance(citizen_client, enrolment):
    """A pending enrolment has no certificate."""
    response = citizen_client.get(
        reverse("schooling:certificate", args=[enrolment.demarche.reference])
    )
    assert response.status_code == 404


def test_another_family_cannot_download_the_certificate(client, enrolment, scolaire):
    """Another family's parent gets 404 for this certificate."""
    demarches.demarche_accept(demarche=enrolment.demarche, agent=scolaire)
    other = family_create(children=0)
    stranger = UserFactory()
    other.guardians.update(user=stranger)
    client.force_login(stranger)
    assert (
        client.get(
            reverse("schooling:certificate", args=[enrolment.demarche.reference])
        ).status_code
        == 404
    )


def test_refused_derogation_shows_the_appeal_route(
    client,
    citizen,
    citizen_client,
    family,
    enrolment,
    schools,
    scolaire,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The family reads the reason and the appeal route, on the page and in the mail."""
    derogation = _derogation(citizen, family, enrolment, schools["jaures"])
    client.force_login(scolaire)
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, derogation.demarche, "refuser", "Plus de place en CP à Jean-Jaurès.")
    enrolment.refresh_from_db()
    assert enrolment.school == schools["centre"]
    citizen_client.force_login(citizen)
    text = page_text(
        citizen_client.get(reverse("demarches:detail", args=[derogation.demarche.reference]))
    )
    assert "Plus de place en CP à Jean-Jaurès." in text
    assert "Voies de recours" in text
    assert "recours gracieux, adressé par écrit au maire" in text
    assert "tribunal administratif" in text
    body = mailoutbox[-1].body
    assert "refusée" in body and "recours gracieux" in body and "tribunal administratif" in body


def test_accepted_derogation_moves_the_enrolment(
    client, citizen, family, enrolment, schools, scolaire
):
    """Accepting a dérogation moves the enrolment, and its certificate, to that school."""
    derogation = _derogation(
        citizen, family, enrolment, schools["curie"], 30, "Je travaille à côté."
    )
    client.force_login(scolaire)
    _act(client, derogation.demarche, "accepter", "Accordée.")
    enrolment.refresh_from_db()
    assert enrolment.school == schools["curie"]
    assert enrolment.sector_school == schools["centre"]
    assert enrolment.demarche.place == "École élémentaire Marie-Curie"
    _act(client, enrolment.demarche, "accepter")
    response = client.get(
        reverse("backoffice:school_certificate", args=[enrolment.demarche.reference])
    )
    text = pdf_words(response.content)
    assert "École élémentaire Marie-Curie" in text
    assert "dérogation" in text


def test_the_family_sees_each_decision_in_its_history(
    citizen, citizen_client, family, enrolment, schools, scolaire
):
    """A refused dérogation, then an accepted one, both in the history with their status."""
    first = _derogation(citizen, family, enrolment, schools["jaures"])
    demarches.demarche_refuse(demarche=first.demarche, agent=scolaire, reason="Complet.")
    second = _derogation(citizen, family, enrolment, schools["curie"])
    demarches.demarche_accept(demarche=second.demarche, agent=scolaire)
    text = visible_text(citizen_client.get(reverse("demarches:history")))

    def status_of(reference: str) -> str:
        row = rf"{reference} Dérogation au périmètre scolaire .*? \d\d/\d\d/\d{{4}} (\S+)"
        return re.search(row, text).group(1)

    assert status_of(first.demarche.reference) == "Refusée"
    assert status_of(second.demarche.reference) == "Acceptée"


def test_one_pending_derogation_per_enrolment(citizen, family, enrolment, schools):
    """A second request while the first is examined is refused with its reference."""
    first = _derogation(citizen, family, enrolment, schools["jaures"])
    with pytest.raises(ApplicationError) as error:
        _derogation(citizen, family, enrolment, schools["curie"])
    assert first.demarche.reference in error.value.message


def test_derogation_to_a_school_without_the_level_is_refused(
    citizen_client, family, enrolment, schools
):
    """Asking a maternelle for a CP pupil: the form says the school has no CP."""
    response = citizen_client.post(
        reverse("schooling:derogation"),
        {
            "enrolment": enrolment.pk,
            "requested_school": schools["tilleuls"].pk,
            "motive": DerogationMotive.objects.get(position=10).pk,
            "explanation": "Sa sœur y est.",
        },
    )
    assert response.status_code == 400
    assert (
        "L'école demandée (École maternelle des Tilleuls) ne propose pas le niveau Cours préparatoire (CP)"
        in page_text(response)
    )


def test_derogation_to_the_current_school_is_refused(citizen, family, enrolment, schools):
    """Asking for the school the child is already enrolled in is refused, in plain French."""
    with pytest.raises(ApplicationError) as error:
        _derogation(citizen, family, enrolment, schools["centre"])
    assert error.value.message == "Léa est déjà inscrite à cette école (École primaire du Centre)."


def test_derogation_form_files_the_request(citizen_client, family, enrolment, schools):
    """The form files a dérogation démarche, shown with its motive and explanation."""
    response = citizen_client.post(
        reverse("schooling:derogation"),
        {
            "enrolment": enrolment.pk,
            "requested_school": schools["jaures"].pk,
            "motive": DerogationMotive.objects.get(position=20).pk,
            "explanation": "La nounou habite rue des Tilleuls.",
        },
        follow=True,
    )
    text = page_text(response)
    assert "Votre demande de dérogation est transmise au service scolaire" in text
    assert "Assistante maternelle ou grands-parents dans le secteur de l'école demandée" in text
    assert "La nounou habite rue des Tilleuls." in text


def test_derogation_without_enrolment_asks_to_enrol_first(citizen_client, family, school_data):
    """Without an enrolment, the page explains that the child must be enrolled first."""
    text = page_text(citizen_client.get(reverse("schooling:derogation")))
    assert "inscrivez d'abord votre enfant à l'école" in text


def test_refusing_the_enrolment_cancels_its_pending_derogation(
    citizen, family, enrolment, schools, scolaire
):
    """A refused enrolment takes its pending dérogation with it."""
    derogation = _derogation(citizen, family, enrolment, schools["jaures"])
    demarches.demarche_refuse(demarche=enrolment.demarche, agent=scolaire, reason="Doublon.")
    derogation.demarche.refresh_from_db()
    assert derogation.demarche.status == "annulee"
    assert not Enrolment.objects.get(pk=enrolment.pk).active


def test_paper_added_later_or_replaced_by_a_sworn_statement(citizen_client, enrolment):
    """After filing, the family replaces a paper by a sworn statement."""
    url = reverse("schooling:documents", args=[enrolment.demarche.reference])
    response = citizen_client.post(url, {"key": "responsables"})
    assert response.status_code == 400
    assert "Joignez le document, ou cochez l'attestation sur l'honneur." in page_text(response)
    citizen_client.post(url, {"key": "responsables", "sworn": "on"})
    enrolment.refresh_from_db()
    assert enrolment.sworn_statements == ["responsables"]


def test_agents_of_other_roles_cannot_see_school_demarches(client, enrolment, agent):
    """The régie does not see enrolments (404 among its démarches)."""
    client.force_login(agent(Role.REGIE))
    assert (
        client.get(reverse("backoffice:demarche", args=[enrolment.demarche.reference])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("backoffice:school_certificate", args=[enrolment.demarche.reference])
        ).status_code
        == 403
    )


@pytest.mark.parametrize("wanted", ["²", "9" * 5000, "abc", "-1"])
def test_derogation_page_ignores_an_odd_enrolment_in_its_address(
    citizen, citizen_client, family, enrolment, year, wanted
):
    """The link from an enrolment preselects it; any other value is ignored, never an error."""
    brother = ChildFactory(family=family, first_name="Hugo", birth_date=date(2019, 3, 3))
    second = services.enrolment_submit(
        family=family, child=brother, school_year=year, actor=citizen
    )
    url = reverse("schooling:derogation")
    page = page_text(citizen_client.get(url, {"inscription": second.pk}))
    assert re.search(rf'name="enrolment" value="{second.pk}"[^>]*checked', page)
    response = citizen_client.get(url, {"inscription": wanted})
    assert response.status_code == 200
    assert not re.search(r'name="enrolment"[^>]*checked', page_text(response))


def test_no_derogation_for_a_school_year_that_is_over(
    citizen, citizen_client, family, child, school_data, schools, scolaire
):
    """An enrolment of a year that has ended is no longer offered for a dérogation, on the
    page, on its démarche or through the service."""
    last_year = school_data["years"]["2026-2027"]
    with time_machine.travel("2026-04-01 10:00 +02:00", tick=False):
        enrolment = services.enrolment_submit(
            family=family, child=child, school_year=last_year, actor=citizen
        )
    demarches.demarche_accept(demarche=enrolment.demarche, agent=scolaire)
    url = reverse("schooling:derogation")
    detail = reverse("demarches:detail", args=[enrolment.demarche.reference])
    assert "Demander une autre école" in page_text(citizen_client.get(detail))
    with time_machine.travel("2027-07-04 10:00 +02:00", tick=False):
        citizen_client.force_login(citizen)
        assert "inscrivez d'abord votre enfant à l'école" in page_text(citizen_client.get(url))
        assert "Demander une autre école" not in page_text(citizen_client.get(detail))
        with pytest.raises(ApplicationError):
            _derogation(citizen, family, enrolment, schools["jaures"])


def test_another_familys_enrolment_or_demarche_is_out_of_reach(client, citizen, enrolment, schools):
    """Another family's parent cannot ask a dérogation on this enrolment (the form refuses
    the id) nor open its papers page (404)."""
    stranger = UserFactory()
    other = family_create(children=1)
    other.guardians.update(user=stranger)
    client.force_login(stranger)
    response = client.post(
        reverse("schooling:derogation"),
        {
            "enrolment": enrolment.pk,
            "requested_school": schools["jaures"].pk,
            "motive": DerogationMotive.objects.get(position=10).pk,
            "explanation": "Pour voir.",
        },
    )
    assert response.status_code == 400
    assert not enrolment.derogations.exists()
    documents = reverse("schooling:documents", args=[enrolment.demarche.reference])
    assert client.get(documents).status_code == 404
    assert client.post(documents, {"key": "domicile", "sworn": "on"}).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.sworn_statements == []
