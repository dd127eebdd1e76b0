from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.tokens import account_link_make
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db

GOOD = "le chat dort sur le radiateur"


@pytest.fixture
def newcomer():
    return User.objects.create_user(
        "nouveau@example.org", last_name="Petit", first_name="Noé", civility="m"
    )


def _url(user) -> str:
    return reverse("accounts:set_password", args=[account_link_make(user)])


def test_choosing_a_password_logs_in_on_the_dashboard(client, newcomer):
    """A valid link lets the user choose a password and lands them on « Mon espace »."""
    response = client.post(
        _url(newcomer), {"new_password1": GOOD, "new_password2": GOOD}, follow=True
    )
    page = page_text(response)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "Mon espace" in page
    assert "Bonjour Monsieur Noé Petit" in page
    newcomer.refresh_from_db()
    assert newcomer.check_password(GOOD)


def test_a_link_works_only_once(client, newcomer):
    """Once the password is chosen, the same link says it was already used."""
    url = _url(newcomer)
    client.post(url, {"new_password1": GOOD, "new_password2": GOOD})
    client.logout()
    response = client.get(url)
    assert response.status_code == 400
    assert "Ce lien a déjà été utilisé" in page_text(response)


def test_a_link_expires_after_48_hours(client, newcomer):
    """A link older than 48 hours is refused with a way to get a new one."""
    with time_machine.travel(timezone.now() - timedelta(hours=49)):
        url = _url(newcomer)
    response = client.get(url)
    page = page_text(response)
    assert response.status_code == 400
    assert "Ce lien a expiré" in page
    assert reverse("accounts:password_reset") in page


def test_a_link_is_still_valid_at_47_hours(client, newcomer):
    with time_machine.travel(timezone.now() - timedelta(hours=47)):
        url = _url(newcomer)
    assert client.get(url).status_code == 200


def test_a_tampered_link_is_refused(client, newcomer):
    url = _url(newcomer)[:-5] + "abcd/"
    response = client.get(url)
    assert response.status_code == 400
    assert "Ce lien n'est pas valide" in page_text(response)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (
            "court1234",
            "court1234",
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        ("password1234", "password1234", "Ce mot de passe est trop courant."),
        (GOOD, GOOD + "x", "Les deux mots de passe ne correspondent pas."),
    ],
)
def test_weak_common_or_mismatched_passwords_are_refused(client, newcomer, first, second, message):
    """Passwords: at least 12 characters, not common, typed twice the same."""
    response = client.post(_url(newcomer), {"new_password1": first, "new_password2": second})
    page = page_text(response)
    assert response.status_code == 200
    assert message in page
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
