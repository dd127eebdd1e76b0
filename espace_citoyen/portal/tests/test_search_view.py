import re

import pytest
from django.urls import reverse

from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["inscription", "Inscriptions", "INSCRIPTION", "inscrire", "famille", "carte famille"]
)
def test_search_finds_carte_famille(client, query):
    """The search at the top right finds « Carte famille / Inscriptions » (data migration)."""
    response = client.get(reverse("portal:search"), {"q": query})
    titles = re.findall(r'<h3><a href="([^"]+)">([^<]+)</a></h3>', page_text(response))
    assert titles[0] == ("/carte-famille/", "Carte famille / Inscriptions")


def test_unknown_words_give_a_helpful_message_and_the_catalogue(client):
    response = client.get(reverse("portal:search"), {"q": "piscine municipale"})
    page = page_text(response)
    assert "Aucun téléservice ne correspond à « piscine municipale »" in page
    assert "Vérifiez l'orthographe" in page
    assert "Tous les téléservices" in page
    assert "Carte famille / Inscriptions" in page


def test_the_search_field_is_on_every_page(client):
    for name in ["portal:home", "accounts:signup", "accounts:login", "portal:legal_notice"]:
        page = client.get(reverse(name)).content.decode()
        assert 'role="search"' in page
        assert (
            '<label for="recherche-site" class="visually-hidden">Rechercher un téléservice</label>'
            in page
        )
        assert "Créer un compte" in page


def test_a_very_long_query_is_cut_not_an_error(client):
    response = client.get(reverse("portal:search"), {"q": "x" * 5000})
    assert response.status_code == 200


def test_search_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("portal:search"), {"q": "inscription"})
