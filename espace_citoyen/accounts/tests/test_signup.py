import re

import pytest
from django.urls import reverse

from espace_citoyen.accounts.models import User
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db

VALID = {
    "civility": "mme",
    "last_name": "Durand",
    "first_name": "Léa",
    "email": "lea.durand@example.org",
    "privacy_accepted": "on",
}


def _link(mail) -> str:
    return re.search(r"https?://\S+/compte/mot-de-passe/choisir/\S+/", mail.body).group(0)


def test_signup_page_has_the_form_fields(client):
    """The sign-up form asks for civility, names, e-mail and consent to the privacy notice."""
    page = client.get(reverse("accounts:signup")).content.decode()
    for label in (
        "Civilité",
        "Nom",
        "Prénom",
        "Adresse électronique",
        "politique de confidentialité",
    ):
        assert label in page


def test_signup_sends_a_link_and_says_to_look_in_spam(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """Sign-up creates an account without password and e-mails a one-time link."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), VALID, follow=True)
    page = page_text(response)
    assert "Un message vous a été envoyé" in page
    assert "courriels indésirables" in page
    assert "lea.durand@example.org" in page
    user = User.objects.get(email="lea.durand@example.org")
    assert not user.has_usable_password()
    assert user.privacy_accepted_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lea.durand@example.org"]
    assert "48 heures" in mailoutbox[0].body
    assert _link(mailoutbox[0]).startswith("http://127.0.0.1:8000/compte/mot-de-passe/choisir/")


def test_signup_with_a_known_address_looks_the_same_and_mails_the_owner(
    client, citizen, mailoutbox, django_capture_on_commit_callbacks
):
    """Sign-up never reveals that an address has an account: same page, different mail."""
    data = {**VALID, "email": "Camille.Martin@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), data, follow=True)
    assert "Un message vous a été envoyé" in page_text(response)
    assert User.objects.filter(email__iexact="camille.martin@example.org").count() == 1
    assert len(mailoutbox) == 1
    assert "vous avez déjà un compte" in mailoutbox[0].subject
    assert "/compte/mot-de-passe/oublie/" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "lea.durand@", "Saisissez une adresse de courriel valide."),
        ("privacy_accepted", "", "Vous devez accepter la politique de confidentialité"),
        ("last_name", "", "Ce champ est obligatoire."),
    ],
)
def test_signup_bad_input_keeps_what_was_typed(client, field, value, message):
    """Bad input gets a French message tied to the field, and the other values stay."""
    data = {**VALID, field: value}
    if not value:
        data.pop(field)
    response = client.post(reverse("accounts:signup"), data)
    page = page_text(response)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "Le formulaire contient une erreur" in page
    assert 'value="Léa"' in page
    if field != "email":
        assert 'value="lea.durand@example.org"' in page
    assert not User.objects.filter(email="lea.durand@example.org").exists()
