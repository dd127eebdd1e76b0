"""The layout's header, navigation and footer are kept rendered per process: a page still
shows the commune as it is now, the navigation of the user who asks, a CSRF token of its
own and the search as typed."""

import pickle
import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text
from espace_citoyen.portal.models import Commune, Teleservice

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_commune_change_shows_at_once_in_header_and_footer(client):
    client.get("/")  # the fragments are ready for the commune as it was
    Commune.objects.filter(pk=1).update(  # even a change that skips save()
        name="Bourg-Témoin", phone="01 23 45 67 89", address="1 place de la Mairie"
    )
    caches["default"].clear()  # what the commune's own cache does after 60 s
    page = page_text(client.get("/"))
    assert '<span class="brand-commune">Bourg-Témoin</span>' in page
    assert "Mairie de Bourg-Témoin" in page
    assert 'href="tel:0123456789"' in page and "1 place de la Mairie" in page


def test_each_user_gets_the_navigation_of_their_kind(client, citizen, agent):
    assert "Se connecter" in page_text(client.get("/"))
    guichet = agent(Role.GUICHET)
    for user, back_office in ((guichet, True), (citizen, False), (guichet, True)):
        client.force_login(user)
        page = page_text(client.get(reverse("portal:dashboard")))
        assert "Se déconnecter" in page and "Se connecter" not in page
        assert ("Back-office" in page) is back_office
    client.logout()
    page = page_text(client.get("/"))
    assert "Se connecter" in page and "Se déconnecter" not in page


def test_the_logout_form_carries_a_token_of_its_own_and_works(client, citizen):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(citizen)
    first = TOKEN.search(client.get(reverse("portal:dashboard")).content.decode()).group(1)
    second = TOKEN.search(client.get(reverse("portal:dashboard")).content.decode()).group(1)
    assert first != second  # masked anew on each page, never a cached one
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": second})
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_the_search_typed_is_shown_back_escaped(client):
    page = client.get("/recherche/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<script>alert(1)" not in page


def test_a_catalogue_edit_shows_at_once_on_mon_espace(client, citizen):
    entry = Teleservice.objects.create(
        title="Piscine municipale", slug="piscine", summary="Horaires", target="/piscine/"
    )
    client.force_login(citizen)
    assert "Piscine municipale" in page_text(client.get(reverse("portal:dashboard")))
    Teleservice.objects.filter(pk=entry.pk).update(title="Piscine Jean-Bouin")
    caches["default"].clear()  # what the catalogue's own cache does after 60 s
    page = page_text(client.get(reverse("portal:dashboard")))
    assert "Piscine Jean-Bouin" in page and "Piscine municipale" not in page


def test_no_fragment_kept_holds_anything_of_the_user_who_asked(client, agent):
    """What a process keeps rendered is shared by every user of the same kind: it must
    hold neither their name nor their e-mail nor their CSRF token nor their messages."""
    fragments = caches["fragments"]
    fragments.clear()
    person = UserFactory(
        email="zoe.secrete@example.org", first_name="Zoé-Secrète", last_name="Intime"
    )
    client.force_login(person)
    page = client.get(reverse("portal:dashboard")).content.decode()
    token = TOKEN.search(page).group(1)
    client.force_login(agent(Role.GUICHET))
    client.get(reverse("families:card"))
    kept = [pickle.loads(value) for value in fragments._cache.values()]  # noqa: S301
    assert len(kept) >= 4  # head, header, navigation, footer at least
    for html in kept:
        for private in ("Zoé-Secrète", "Intime", "zoe.secrete", token, "csrfmiddlewaretoken"):
            assert private not in html
