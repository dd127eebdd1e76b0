from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from espace_citoyen.accounts.factories import PASSWORD
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, follow=True
    )


def test_login_by_email_lands_on_the_dashboard(client, citizen):
    """A citizen logs in with e-mail and password and sees « Mon espace »."""
    response = _login(client, "CAMILLE.MARTIN@example.org", PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    page = page_text(response)
    assert "Mon espace" in page
    assert "Se déconnecter" in page


def test_wrong_password_says_so_and_keeps_the_address(client, citizen):
    response = _login(client, "camille.martin@example.org", "pas le bon mot de passe")
    page = page_text(response)
    assert "L'adresse électronique ou le mot de passe est incorrect" in page
    assert 'value="camille.martin@example.org"' in page
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_for_15_minutes(client, citizen):
    """After 5 wrong passwords even the right one is refused, with a lockout message."""
    for _attempt in range(5):
        _login(client, "camille.martin@example.org", "mauvais mot de passe")
    response = _login(client, "camille.martin@example.org", PASSWORD)
    page = page_text(response)
    assert response.status_code == 429
    assert "bloquée pendant 15 minutes" in page
    assert 'value="camille.martin@example.org"' in page
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_15_minutes(client, citizen):
    for _attempt in range(5):
        _login(client, "camille.martin@example.org", "mauvais mot de passe")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = _login(client, "camille.martin@example.org", PASSWORD)
        assert response.status_code == 200
        assert "Mon espace" in page_text(response)


def test_logout_is_a_post_and_ends_the_session(citizen_client):
    response = citizen_client.post(reverse("accounts:logout"), follow=True)
    assert "Se connecter" in page_text(response)
    assert "_auth_user_id" not in citizen_client.session


def test_dashboard_requires_login(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
