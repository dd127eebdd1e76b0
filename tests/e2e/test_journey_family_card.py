"""Journey points 7, 8 and 10: the three paths to the family card's home, and the
guichet's side (desk creation, activation letter, lost-code requests)."""

import re
from datetime import date

from playwright.sync_api import expect

from espace_citoyen.accounts.factories import PASSWORD, UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import pdf_text
from espace_citoyen.families.factories import ChildFactory, FamilyFactory, GuardianFactory
from tests.e2e.conftest import axe_check, login


def _continue(page):
    page.get_by_role("button", name="Continuer").click()


def test_path_1_a_parent_creates_the_card_online(pages):
    """« je n'ai pas de carte famille »: the guided form, then the card's home."""
    user = UserFactory(email="nina.leroy@example.org", first_name="Nina", last_name="Leroy")
    page = pages.new()
    login(page, user.email, PASSWORD)
    page.goto("/carte-famille/")
    axe_check(page)
    page.get_by_role("link", name="je n'ai pas de carte famille").click()

    expect(page.get_by_text("Étape 1 sur 6 : Adresse")).to_be_visible()
    axe_check(page)
    page.get_by_label("Numéro et voie").fill("12 rue des Écoles")
    page.get_by_label("Code postal").fill("999")
    page.get_by_label("Commune").fill("Saint-Exemple-sur-Marne")
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("Le code postal compte 5 chiffres")
    axe_check(page)
    page.get_by_label("Code postal").fill("99999")
    _continue(page)

    expect(page.get_by_text("Étape 2 sur 6 : Responsables légaux")).to_be_visible()
    first = page.get_by_role("group", name="Premier responsable légal (vous)")
    expect(first.get_by_label("Nom", exact=False).first).to_have_value("Leroy")
    first.get_by_label("Téléphone portable").fill("06 12 34 56 78")
    axe_check(page)
    _continue(page)

    expect(page.get_by_text("Étape 3 sur 6 : Enfants")).to_be_visible()
    child = page.get_by_role("group", name="Enfant 1")
    child.get_by_label("Nom", exact=False).first.fill("Leroy")
    child.get_by_label("Prénom").fill("Malo")
    child.get_by_label("Garçon").check()
    child.get_by_label("Date de naissance").fill("2019-04-12")
    page.get_by_role("button", name="Ajouter un enfant").click()
    second = page.get_by_role("group", name="Enfant 2")
    second.get_by_label("Nom", exact=False).first.fill("Leroy")
    second.get_by_label("Prénom").fill("Rose")
    second.get_by_label("Fille").check()
    second.get_by_label("Date de naissance").fill("2030-01-01")
    _continue(page)
    expect(page.get_by_role("alert")).to_contain_text("ne peut pas être dans le futur")
    expect(page.get_by_role("group", name="Enfant 1").get_by_label("Prénom")).to_have_value("Malo")
    axe_check(page)
    page.get_by_role("group", name="Enfant 2").get_by_label("Date de naissance").fill("2022-02-02")
    _continue(page)

    expect(page.get_by_text("Étape 4 sur 6")).to_be_visible()
    axe_check(page)
    _continue(page)
    expect(page.get_by_text("Étape 5 sur 6 : Santé et autorisations")).to_be_visible()
    page.get_by_role("group", name="Malo Leroy").get_by_label("Sans porc").check()
    axe_check(page)
    _continue(page)

    expect(page.get_by_text("Étape 6 sur 6 : Récapitulatif")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Rose Leroy, née le 02/02/2022")
    axe_check(page)
    page.get_by_label("Je certifie l'exactitude des informations saisies.").check()
    page.get_by_role("button", name="Créer ma carte famille").click()

    # Point 10: the card's home with the family, its children and the services.
    expect(page.get_by_role("heading", level=1)).to_have_text("Carte famille / Inscriptions")
    expect(page.get_by_role("status")).to_contain_text("est créée")
    expect(page.get_by_role("main")).to_contain_text("À valider")
    expect(page.get_by_role("heading", name="Malo Leroy")).to_be_visible()
    expect(page.get_by_role("link", name="Mettre à jour vos données personnelles")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Suivre l'historique de vos démarches").click()
    expect(page.get_by_role("main")).to_contain_text("Validation de la carte famille")
    axe_check(page)


def test_path_2_the_guichet_prints_a_letter_and_the_parent_types_the_code(pages):
    """An agent creates the family at the desk and prints the letter; the code read from
    the PDF links the parent's account, who lands on the card's home."""
    agent = agent_create(Role.GUICHET)
    desk = pages.new()
    login(desk, agent.email, PASSWORD)
    desk.goto("/backoffice/")
    axe_check(desk)
    desk.get_by_role("link", name="Créer une carte famille au guichet").click()
    axe_check(desk)
    desk.get_by_role("group", name="Adresse de la famille").get_by_label("Numéro et voie").fill(
        "5 avenue de la République"
    )
    desk.get_by_role("group", name="Adresse de la famille").get_by_label("Code postal").fill(
        "99999"
    )
    desk.get_by_role("group", name="Adresse de la famille").get_by_label("Commune").fill(
        "Saint-Exemple-sur-Marne"
    )
    first = desk.get_by_role("group", name="Premier responsable légal")
    first.get_by_label("Madame").check()
    first.get_by_label("Nom", exact=False).first.fill("Durand")
    first.get_by_label("Prénom").fill("Léa")
    first.get_by_label("Téléphone portable").fill("06 12 34 56 78")
    child = desk.get_by_role("group", name="Enfant 1")
    child.get_by_label("Nom", exact=False).first.fill("Durand")
    child.get_by_label("Prénom").fill("Inès")
    child.get_by_label("Fille").check()
    child.get_by_label("Date de naissance").fill("2022-06-30")
    desk.get_by_role("button", name="Créer la carte famille").click()
    expect(desk.get_by_role("status")).to_contain_text("est créée")
    axe_check(desk)
    with desk.expect_download() as download_info:
        desk.get_by_role("button", name="Imprimer la lettre d'activation de Léa Durand").click()
    text = pdf_text(open(download_info.value.path(), "rb").read())
    code = re.search(r"Code d'activation : (\S+)", text).group(1)
    assert "Madame Léa Durand" in text

    parent = UserFactory(email="lea.durand@example.org", first_name="Léa", last_name="Durand")
    page = pages.new()
    login(page, parent.email, PASSWORD)
    page.goto("/carte-famille/")
    page.get_by_label("Saisissez le code d'activation").fill("0000-0000-00")
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("alert")).to_contain_text("n'est pas reconnu")
    axe_check(page)
    page.get_by_label("Saisissez le code d'activation").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("status")).to_contain_text("Votre compte est relié à la carte famille")
    expect(page.get_by_role("heading", name="Inès Durand")).to_be_visible()
    axe_check(page)


def _durand(email="lea.durand@example.org"):
    family = FamilyFactory()
    GuardianFactory(family=family, last_name="Durand", first_name="Léa", email=email)
    ChildFactory(family=family, first_name="Inès", last_name="Durand", birth_date=date(2022, 6, 30))
    return family


def _ask_lost_code(page, email):
    page.goto("/carte-famille/")
    page.get_by_role(
        "link", name="j'ai une carte famille mais je ne connais pas mon code d'activation"
    ).click()
    axe_check(page)
    page.get_by_label("Votre nom").fill("Durand")
    page.get_by_label("Votre prénom").fill("Léa")
    page.get_by_label("Date de naissance de l'un de vos enfants").fill("2022-06-30")
    page.get_by_label("Votre adresse électronique").fill(email)
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande est enregistrée")
    axe_check(page)


def _type_code(page, code):
    page.goto("/carte-famille/")
    page.get_by_label("Saisissez le code d'activation").fill(code)
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("heading", name="Inès Durand")).to_be_visible()


def test_path_3_matching_details_get_a_code_by_mail(pages, smtp):
    _durand()
    parent = UserFactory(email="lea.durand@example.org")
    page = pages.new()
    login(page, parent.email, PASSWORD)
    _ask_lost_code(page, parent.email)
    code = smtp.find(parent.email, r"Code d'activation : (\S+)")
    _type_code(page, code)


def test_path_3_other_details_go_to_the_guichet_who_sends_a_code(pages, smtp):
    family = _durand(email="ancienne.adresse@example.org")
    parent = UserFactory(email="lea.nouvelle@example.org")
    page = pages.new()
    login(page, parent.email, PASSWORD)
    _ask_lost_code(page, parent.email)
    assert all("Code d'activation :" not in smtp.body(m) for m in smtp.messages)

    agent = agent_create(Role.GUICHET)
    desk = pages.new()
    login(desk, agent.email, PASSWORD)
    desk.goto("/backoffice/demarches/")
    axe_check(desk)
    desk.get_by_role("link", name=re.compile(r"^D-\d{4}-\d{6}$")).first.click()
    expect(desk.get_by_role("main")).to_contain_text("Code d'activation perdu")
    axe_check(desk)
    desk.get_by_label(re.compile(f"Madame Léa Durand — carte {family.number}")).check()
    desk.get_by_role("button", name="Envoyer un nouveau code d'activation").click()
    expect(desk.get_by_role("status")).to_contain_text("la démarche est acceptée")

    code = smtp.find(parent.email, r"Code d'activation : (\S+)")
    _type_code(page, code)
    page.goto("/carte-famille/demarches/")
    expect(page.get_by_role("main")).to_contain_text("Acceptée")
    axe_check(page)
