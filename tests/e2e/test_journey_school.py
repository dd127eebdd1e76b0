"""Services 1 and 2 of the family card: « Inscrire votre enfant à l'école » and « Demander
une dérogation au périmètre scolaire », with the school service deciding in the back-office
and the family following each decision in its history."""

import re
from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import PASSWORD, UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import pdf_text, pdf_upload
from espace_citoyen.families.factories import ChildFactory, family_create
from espace_citoyen.schooling import services
from espace_citoyen.schooling.factories import schooling_setup
from espace_citoyen.schooling.models import SchoolYear
from tests.e2e.conftest import axe_check, login

PARENT = "camille.martin@example.org"


@pytest.fixture(autouse=True)
def _during_the_campaign():
    """Thursday 26 November 2026: the 2027-2028 campaign is open (clock ticking)."""
    with time_machine.travel("2026-11-26 10:00 +01:00", tick=True):
        yield


@pytest.fixture
def people():
    schooling_setup()
    parent = UserFactory(email=PARENT, first_name="Camille", last_name="Martin")
    family = family_create(user=parent, children=0)  # 12 rue des Écoles
    ChildFactory(family=family, first_name="Léa", birth_date=date(2021, 5, 14), sex="F")
    agent = agent_create(Role.SCOLAIRE, first_name="Sophie", last_name="Scolaire")
    return {"parent": parent, "family": family, "agent": agent.email}


def _login(pages, email: str):
    page = pages.new()
    login(page, email, PASSWORD)
    return page


def _download_text(page, link_name: str) -> str:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    with open(download.value.path(), "rb") as pdf:
        return " ".join(pdf_text(pdf.read()).split())


def _decide(page, reference: str, action: str, text: str):
    page.goto("/backoffice/demarches/")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    axe_check(page)
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("la famille est prévenue")
    axe_check(page)


def test_enrolment_accepted_gives_a_certificate_naming_the_school(pages, people):
    parent = _login(pages, PARENT)

    # The card's home offers the service; the page shows the sector school and the level.
    parent.goto("/carte-famille/")
    parent.get_by_role("link", name="Inscrire votre enfant à l'école").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Inscrire votre enfant à l'école")
    main = parent.get_by_role("main")
    expect(main).to_contain_text("2027-2028 : inscriptions ouvertes")
    expect(main).to_contain_text("École primaire du Centre")
    expect(main).to_contain_text("Léa : CP")
    axe_check(parent)

    # Léa, level by age, no paper: the request is filed all the same.
    parent.get_by_label(re.compile("Léa Martin, née le 14 mai 2021")).check()
    parent.get_by_label("Justificatif de domicile de moins de trois mois").set_input_files(
        files=[{"name": "edf.pdf", "mimeType": "application/pdf", "buffer": pdf_upload().read()}]
    )
    parent.get_by_role("button", name="Envoyer la demande d'inscription").click()
    expect(parent.get_by_role("status")).to_contain_text("est transmise au service scolaire")
    heading = parent.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Inscription scolaire")
    reference = re.search(r"D-\d{4}-\d{6}", heading.inner_text()).group(0)
    expect(parent.get_by_role("main")).to_contain_text("Justificatif de domicile")
    axe_check(parent)

    # The school service accepts it from the back-office.
    agent = _login(pages, people["agent"])
    agent.goto("/backoffice/")
    agent.get_by_role("link", name="Démarches à traiter").click()
    axe_check(agent)
    _decide(agent, reference, "Accepter", "Bienvenue à l'école primaire du Centre.")
    text = _download_text(agent, "Télécharger le certificat d'inscription (PDF)")
    assert "Certificat d'inscription scolaire" in text
    assert "École primaire du Centre" in text
    assert "MARTIN Léa" in text

    # The family downloads the same certificate from its démarche.
    parent.reload()
    expect(parent.get_by_role("main")).to_contain_text("Acceptée")
    axe_check(parent)
    text = _download_text(parent, "Télécharger le certificat d'inscription (PDF)")
    assert "École primaire du Centre" in text
    assert "Cours préparatoire (CP)" in text


def test_derogation_refused_then_another_accepted(pages, people):
    enrolment = services.enrolment_submit(
        family=people["family"],
        child=people["family"].children.get(),
        school_year=SchoolYear.objects.get(label="2027-2028"),
        actor=people["parent"],
    )
    parent = _login(pages, PARENT)
    agent = _login(pages, people["agent"])

    def ask(school: str, motive: str, explanation: str) -> str:
        parent.goto("/carte-famille/")
        parent.get_by_role("link", name="Demander une dérogation au périmètre scolaire").click()
        expect(parent.get_by_role("heading", level=1)).to_have_text(
            "Demander une dérogation au périmètre scolaire"
        )
        axe_check(parent)
        parent.get_by_label("École demandée (obligatoire)").select_option(label=school)
        parent.get_by_label(motive, exact=False).check()
        parent.get_by_label("Vos explications").fill(explanation)
        parent.get_by_role("button", name="Envoyer la demande de dérogation").click()
        expect(parent.get_by_role("status")).to_contain_text("demande de dérogation est transmise")
        axe_check(parent)
        return re.search(
            r"D-\d{4}-\d{6}", parent.get_by_role("heading", level=1).inner_text()
        ).group(0)

    first = ask(
        "École élémentaire Jean-Jaurès (CP, CE1, CE2, CM1, CM2)",
        "Frère ou sœur déjà scolarisé",
        "Son frère Hugo est en CM1 à Jean-Jaurès.",
    )

    # The commission sees the request with the places left, and refuses it.
    agent.goto("/backoffice/ecole/commission/")
    main = agent.get_by_role("main")
    expect(main).to_contain_text("École élémentaire Jean-Jaurès")
    expect(main).to_contain_text("Places restantes : 250")
    expect(main).to_contain_text("Son frère Hugo est en CM1")
    axe_check(agent)
    _decide(agent, first, "Refuser", "Les classes de CP de Jean-Jaurès sont complètes.")

    # The family reads the refusal, its reason and the appeal route.
    parent.goto("/carte-famille/demarches/")
    row = parent.get_by_role("row").filter(has_text=first)
    expect(row).to_contain_text("Refusée")
    axe_check(parent)
    parent.get_by_role("link", name=first).click()
    main = parent.get_by_role("main")
    expect(main).to_contain_text("Les classes de CP de Jean-Jaurès sont complètes.")
    expect(main).to_contain_text("Voies de recours")
    expect(main).to_contain_text("tribunal administratif")
    axe_check(parent)

    # A second request, for another school, is accepted.
    second = ask(
        "École élémentaire Marie-Curie (CP, CE1, CE2, CM1, CM2)",
        "Lieu de travail d'un parent",
        "Je travaille à la pharmacie en face de l'école Marie-Curie.",
    )
    _decide(agent, second, "Accepter", "Dérogation accordée.")

    # The history shows each decision; the enrolment now names Marie-Curie.
    parent.goto("/carte-famille/demarches/")
    expect(parent.get_by_role("row").filter(has_text=first)).to_contain_text("Refusée")
    expect(parent.get_by_role("row").filter(has_text=second)).to_contain_text("Acceptée")
    axe_check(parent)
    parent.get_by_role("link", name=enrolment.demarche.reference).click()
    main = parent.get_by_role("main")
    expect(main).to_contain_text("École élémentaire Marie-Curie")
    expect(main).to_contain_text("école changée par dérogation")
    axe_check(parent)
