from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from espace_citoyen.accounts.factories import PASSWORD
from espace_citoyen.accounts.roles import Role
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


def test_the_back_office_link_follows_the_login_without_reading_groups(client, citizen, agent):
    """The layout's « Back-office » link: an agent who logs in sees it, a parent does not,
    and a parent's pages do not read the user's groups for it (kept at login)."""
    page = page_text(_login(client, citizen.email, PASSWORD))
    assert "Back-office" not in page
    with CaptureQueriesContext(connection) as queries:
        page = page_text(client.get(reverse("portal:dashboard")))
    assert "Mon espace" in page and "Back-office" not in page
    assert not [q for q in queries if "auth_group" in q["sql"]]
    client.post(reverse("accounts:logout"))
    page = page_text(_login(client, agent(Role.GUICHET).email, PASSWORD))
    assert "Back-office" in page


def test_a_role_taken_away_closes_the_back_office_at_once(client, agent):
    """The link is the login's answer, but access is read from the groups each time."""
    user = agent(Role.GUICHET)
    _login(client, user.email, PASSWORD)
    assert client.get(reverse("backoffice:home")).status_code == 200
    user.groups.clear()
    assert client.get(reverse("backoffice:home")).status_code in (302, 403)
