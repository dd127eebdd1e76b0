import re

import pytest
from django.urls import reverse

from espace_citoyen.accounts.factories import PASSWORD
from espace_citoyen.accounts.models import User
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db

NEW = "une nouvelle phrase secrète"


def test_forgotten_password_mail_leads_to_a_new_password(
    client, citizen, mailoutbox, django_capture_on_commit_callbacks
):
    """« Mot de passe oublié ? » e-mails a link; following it sets a new password."""
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert "Mot de passe oublié ?" in login_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "camille.martin@example.org"}, follow=True
        )
    assert "Un message vous a été envoyé" in page_text(response)
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+/compte/mot-de-passe/nouveau/\S+/", mailoutbox[0].body).group(0)
    path = link.removeprefix("http://127.0.0.1:8000")
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Votre nouveau mot de passe est enregistré" in page_text(response)
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "inconnu@example.org"}, follow=True
        )
    assert "Un message vous a été envoyé" in page_text(response)
    assert mailoutbox == []


def test_an_account_still_without_password_can_get_a_new_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """A parent whose sign-up link expired gets a working link from « Mot de passe oublié ? »."""
    User.objects.create_user("tardif@example.org", last_name="Tardif", first_name="Jo")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "tardif@example.org"})
    assert len(mailoutbox) == 1


def test_password_change_keeps_this_session_and_says_others_are_closed(citizen_client, citizen):
    response = citizen_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Vos autres sessions ont été déconnectées" in page_text(response)
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)
    assert citizen_client.get(reverse("portal:dashboard")).status_code == 200


def test_password_change_with_a_wrong_current_password(citizen_client):
    response = citizen_client.post(
        reverse("accounts:password_change"),
        {"old_password": "faux", "new_password1": NEW, "new_password2": NEW},
    )
    assert "Votre ancien mot de passe est incorrect" in page_text(response)
