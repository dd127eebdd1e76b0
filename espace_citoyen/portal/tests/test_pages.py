import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from espace_citoyen.core.models import DemoMail
from espace_citoyen.core.testing import page_text
from espace_citoyen.portal.models import Commune

pytestmark = pytest.mark.django_db


def test_home_has_landmarks_skip_link_and_account_buttons(client):
    page = client.get(reverse("portal:home")).content.decode()
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
    assert '<main id="contenu"' in page
    assert "<header" in page and "<footer" in page
    assert 'lang="fr"' in page
    assert "Créer un compte" in page
    assert "Se connecter" in page


def test_commune_identity_is_data_not_template(client):
    """Renaming the commune in the admin changes every page and the legal pages."""
    commune = Commune.objects.get(pk=1)
    commune.name = "Bourg-Témoin"
    commune.legal_notice = "Éditeur : mairie de Bourg-Témoin."
    commune.accessibility_statement = "Audit prévu en 2027."
    commune.primary_colour = "#5a2d82"
    commune.save()
    assert "Bienvenue sur l'Espace Citoyen de Bourg-Témoin" in client.get("/").content.decode()
    assert (
        "Éditeur : mairie de Bourg-Témoin."
        in client.get(reverse("portal:legal_notice")).content.decode()
    )
    page = client.get(reverse("portal:accessibility")).content.decode()
    assert "Audit prévu en 2027." in page
    assert "non conforme" in page
    assert "--primary:#5a2d82" in client.get(reverse("portal:theme")).content.decode()


def test_a_colour_too_light_for_white_text_is_refused():
    commune = Commune(name="X", primary_colour="#ffcc00")
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "trop claire" in str(error.value)


def test_dashboard_greets_the_citizen(citizen_client):
    page = citizen_client.get(reverse("portal:dashboard")).content.decode()
    assert "Bonjour Madame Camille Martin" in page
    assert "Carte famille / Inscriptions" in page


def test_demo_mailbox_is_off_outside_demo(client):
    assert client.get(reverse("portal:demo_mailbox")).status_code == 404


@override_settings(
    DEBUG=False, DEMO_MAILBOX=True, EMAIL_BACKEND="espace_citoyen.core.mailbox.MailboxBackend"
)
def test_demo_mailbox_is_unreachable_with_debug_off_whatever_else_is_set(client):
    """Everyone's mail would be readable there: with DEBUG off, no page, no banner."""
    DemoMail.objects.create(from_email="a@example.org", to="b@example.org", subject="S", body="B")
    mail = DemoMail.objects.get()
    assert client.get(reverse("portal:demo_mailbox")).status_code == 404
    assert client.get(reverse("portal:demo_mail", args=[mail.pk])).status_code == 404
    assert "boîte de réception de démonstration" not in page_text(client.get("/"))


@override_settings(
    DEBUG=True, DEMO_MAILBOX=True, EMAIL_BACKEND="espace_citoyen.core.mailbox.MailboxBackend"
)
def test_demo_mailbox_keeps_mail_readable(client, django_capture_on_commit_callbacks):
    """In the demo, sign-up mail is kept and readable from the banner's mailbox page."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:signup"),
            {
                "civility": "m",
                "last_name": "Demo",
                "first_name": "Jean",
                "email": "jean.demo@example.org",
                "privacy_accepted": "on",
            },
        )
    home = client.get("/").content.decode()
    assert "boîte de réception de démonstration" in home
    mail = DemoMail.objects.get()
    listing = client.get(reverse("portal:demo_mailbox")).content.decode()
    assert "jean.demo@example.org" in listing
    assert "Ceci est une démonstration" in listing
    detail = client.get(reverse("portal:demo_mail", args=[mail.pk])).content.decode()
    assert "Démonstration : ce courriel n'est pas parti" in detail
    assert '<a href="http://127.0.0.1:8000/compte/mot-de-passe/choisir/' in detail


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_the_site_map_is_linked_in_every_footer_and_lists_the_pages(citizen_client):
    """A second way to find a page besides the search (RGAA 12.1)."""
    client = Client()
    home = page_text(client.get("/"))
    assert f'<a href="{reverse("portal:sitemap")}">Plan du site</a>' in home
    page = page_text(client.get(reverse("portal:sitemap")))
    assert "<title>Plan du site — Espace Citoyen" in page
    for text in ["Tous les téléservices", "Se connecter", "Mentions légales", "Carte famille"]:
        assert text in page
    assert "Données de la famille" not in page  # a visitor sees the login links instead
    mine = page_text(citizen_client.get(reverse("portal:sitemap")))
    assert "Données de la famille" in mine and "Se connecter" not in mine
