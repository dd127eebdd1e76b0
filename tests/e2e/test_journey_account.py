"""Journey points 1–6: home → Créer un compte → e-mail → password → Mon espace → search."""

from playwright.sync_api import expect

from tests.e2e.conftest import axe_check

EMAIL = "sacha.bernard@example.org"
PASSWORD = "trois pommes vertes au marché"


def test_a_parent_creates_an_account_and_finds_carte_famille(pages, smtp):
    page = pages.new()

    # 1. The home page of the commune's Espace Citoyen.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenue sur l'Espace Citoyen")
    axe_check(page)

    # 2. « Créer un compte » at the top right.
    page.get_by_role("banner").get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    axe_check(page)

    # 3. The form; first without consent and with a bad address: clear errors, values kept.
    page.get_by_label("Madame").check()
    page.get_by_label("Nom", exact=False).first.fill("Bernard")
    page.get_by_label("Prénom").fill("Sacha")
    page.get_by_label("Adresse électronique").fill("sacha.bernard@")
    page.get_by_role("button", name="Créer mon compte").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Le formulaire contient 2 erreurs")
    expect(summary).to_contain_text("Saisissez une adresse de courriel valide.")
    expect(summary).to_contain_text("Vous devez accepter la politique de confidentialité")
    expect(page.get_by_label("Prénom")).to_have_value("Sacha")
    axe_check(page)

    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("J'ai lu la politique de confidentialité").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Un message vous a été envoyé")
    expect(page.get_by_role("main")).to_contain_text("courriels indésirables")
    axe_check(page)

    # 4. The e-mail, received by a real SMTP server, holds a one-time link.
    link = smtp.link_in_last(EMAIL, r"http://\S+/compte/mot-de-passe/choisir/\S+/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir mon mot de passe")
    axe_check(page)
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill("azerty123")
    page.get_by_label("Confirmation du mot de passe").fill("azerty123")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("alert")).to_contain_text("trop court")
    axe_check(page)
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()

    # 5. Logged in, on the dashboard; logging out and in again by e-mail works too.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    expect(page.get_by_role("main")).to_contain_text("Bonjour Madame Sacha Bernard")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    axe_check(page)
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")

    # 6. « inscription » in the search field at the top right finds the téléservice.
    search = page.get_by_role("searchbox", name="Rechercher un téléservice")
    search.fill("inscription")
    search.press("Enter")
    result = page.get_by_role("link", name="Carte famille / Inscriptions")
    expect(result).to_be_visible()
    axe_check(page)
    result.click()
    expect(page).to_have_url(f"{pages.base_url}/carte-famille/")
    expect(page.get_by_role("link", name="je n'ai pas de carte famille")).to_be_visible()
    axe_check(page)


def test_unknown_words_and_a_phone_screen(pages):
    """No result gives a helpful message and the catalogue, also on a phone-sized screen."""
    page = pages.new(width=375, height=740)
    page.goto("/recherche/?q=piscine")
    expect(page.get_by_role("status")).to_contain_text(
        "Aucun téléservice ne correspond à « piscine »"
    )
    expect(page.get_by_role("link", name="Carte famille / Inscriptions")).to_be_visible()
    axe_check(page)
    for path in [
        "/mentions-legales/",
        "/accessibilite/",
        "/donnees-personnelles/",
        "/compte/connexion/",
    ]:
        page.goto(path)
        axe_check(page)
