"""The session and the user of every request, read without building ORM queries: the same
people are logged in, and the same are not."""

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from espace_citoyen.accounts.backends import USER_BACKEND, user_by_id
from espace_citoyen.accounts.factories import PASSWORD, UserFactory
from espace_citoyen.accounts.models import Session
from espace_citoyen.accounts.sessions import SessionStore
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


def _session_for(user, backend: str, *, expires_in=timedelta(hours=1)) -> str:
    """A session row as a login writes it, with `backend` as the one that logged in."""
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def _mon_espace(client, key):
    client.cookies["sessionid"] = key
    return client.get(reverse("portal:dashboard"))


def test_a_login_is_kept_from_page_to_page(client, citizen):
    response = _mon_espace(client, _session_for(citizen, USER_BACKEND))
    assert response.status_code == 200
    assert "Bonjour" in page_text(response)


def test_sessions_from_before_the_change_stay_logged_in(client, citizen):
    """A session written by Django's ModelBackend (before the deploy) is still valid."""
    key = _session_for(citizen, "django.contrib.auth.backends.ModelBackend")
    response = _mon_espace(client, key)
    assert response.status_code == 200
    assert "Se déconnecter" in page_text(response)


def test_an_expired_session_asks_to_log_in_again(client, citizen):
    response = _mon_espace(client, _session_for(citizen, USER_BACKEND, expires_in=-timedelta(1)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_unknown_or_forged_session_key_is_anonymous(client):
    for key in ("inconnue-0123456789abcdef", "x" * 40, "'; DROP TABLE django_session; --"):
        response = _mon_espace(client, key)
        assert response.status_code == 302
    assert Session.objects.model._meta.db_table == "accounts_session"


def test_a_deactivated_account_is_logged_out_at_the_next_page(client, citizen):
    key = _session_for(citizen, USER_BACKEND)
    citizen.is_active = False
    citizen.save()
    assert _mon_espace(client, key).status_code == 302


def test_a_password_change_elsewhere_ends_the_other_sessions(client, citizen):
    key = _session_for(citizen, USER_BACKEND)
    citizen.set_password("Un-tout-autre-mot-de-passe-2026")
    citizen.save()
    assert _mon_espace(client, key).status_code == 302


def test_logout_ends_the_session_for_every_machine(client, citizen):
    """The session is the database's: once logged out, the same cookie opens nothing."""
    key = _session_for(citizen, USER_BACKEND)
    client.cookies["sessionid"] = key
    client.post(reverse("accounts:logout"))
    assert _mon_espace(client, key).status_code == 302


def test_the_user_is_read_whole_with_its_types():
    user = UserFactory(first_name="Zoé", phone="01 02 03 04 05")
    loaded = user_by_id(str(user.pk))
    assert (loaded.pk, loaded.email, loaded.first_name, loaded.phone) == (
        user.pk,
        user.email,
        "Zoé",
        "01 02 03 04 05",
    )
    assert loaded.is_active is True and loaded.is_staff is False
    assert loaded.date_joined == user.date_joined and timezone.is_aware(loaded.date_joined)
    assert loaded.get_session_auth_hash() == user.get_session_auth_hash()
    assert user_by_id(user.pk + 1000) is None
    assert user_by_id("pas un nombre") is None


def test_tampered_session_data_is_anonymous_not_an_error(client, citizen):
    """Data whose signature does not match (edited in the table, another SECRET_KEY) is
    ignored as Django's engine ignores it: the visitor is asked to log in, no 500."""
    key = _session_for(citizen, USER_BACKEND)
    session = Session.objects.get(session_key=key)
    for data in (session.session_data[:-3] + "abc", "pas des données signées", ""):
        Session.objects.filter(session_key=key).update(session_data=data)
        response = _mon_espace(client, key)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_user_id_out_of_the_columns_range_is_nobody():
    """As the ORM's lookup gives no user for an id no integer column can hold."""
    assert user_by_id(2**63) is None
    assert user_by_id(-(2**63) - 1) is None
    assert user_by_id("9" * 30) is None


def test_a_login_gives_a_new_session_key_and_keeps_what_was_in_the_session(client, citizen):
    """cycle_key (against session fixation) reads the anonymous session through this store:
    its data follows the visitor, its former key opens nothing."""
    session = client.session
    session["panier"] = "gardé"
    session.save()
    before = session.session_key
    response = client.post(
        reverse("accounts:login"),
        {"username": citizen.email, "password": PASSWORD},
        follow=True,
    )
    assert "Se déconnecter" in page_text(response)
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert SessionStore(after).load()["panier"] == "gardé"
    assert SessionStore(before).load() == {}


def test_the_session_and_its_account_are_read_in_one_statement(client, citizen):
    """A login records the account with the session; each page then reads both at once."""
    client.post(reverse("accounts:login"), {"username": citizen.email, "password": PASSWORD})
    key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).user_id == citizen.pk
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:dashboard"))
    assert f"Bonjour {citizen.formal_name}" in page_text(response)
    reads = [q["sql"] for q in queries if "accounts_user" in q["sql"]]
    assert len(reads) == 1 and "session_data" in reads[0], reads


def test_a_session_without_its_account_column_reads_the_account_apart(client, citizen):
    """Sessions copied from Django's table before the column (or written without it)."""
    key = _session_for(citizen, USER_BACKEND)
    Session.objects.filter(session_key=key).update(user=None)
    response = _mon_espace(client, key)
    assert f"Bonjour {citizen.formal_name}" in page_text(response)


def test_the_signed_data_says_who_is_logged_in_not_the_column(client, citizen):
    """A column pointing at another account (edited in the table) is not believed: the
    signed data names the account, which is read and checked as usual."""
    key = _session_for(citizen, USER_BACKEND)
    other = UserFactory(first_name="Intrus")
    Session.objects.filter(session_key=key).update(user=other)
    page = page_text(_mon_espace(client, key))
    assert f"Bonjour {citizen.formal_name}" in page
    assert "Intrus" not in page


def test_deleting_an_account_deletes_its_sessions(client, citizen):
    key = _session_for(citizen, USER_BACKEND)
    citizen.delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert _mon_espace(client, key).status_code == 302


def test_the_move_to_the_new_table_keeps_everybody_logged_in(client, citizen):
    """The migration moves the valid sessions of Django's table, with their account."""
    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as FormerStore
    from django.contrib.sessions.models import Session as FormerSession

    migration = importlib.import_module(
        "espace_citoyen.accounts.migrations.0003_session_with_account"
    )
    former = FormerStore()
    former.update(
        {
            SESSION_KEY: str(citizen.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: citizen.get_session_auth_hash(),
        }
    )
    former.create()
    expired = FormerStore()
    expired.create()
    FormerSession.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(1)
    )
    migration.keep_logged_in(apps, None)
    moved = Session.objects.get(session_key=former.session_key)
    assert moved.user_id == citizen.pk
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert not FormerSession.objects.exists()  # nothing left in a table nothing clears
    response = _mon_espace(client, former.session_key)
    assert f"Bonjour {citizen.formal_name}" in page_text(response)
