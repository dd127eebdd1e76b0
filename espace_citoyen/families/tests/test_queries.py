"""Pages run a constant number of queries whatever the family's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import pdf_upload
from espace_citoyen.families import services
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _family(children: int):
    user = UserFactory()
    family = family_create(user=user, children=children)
    for _ in range(children):
        services.document_upload(
            family=family, kind="domicile", upload=pdf_upload(), uploaded_by=user
        )
    return user, family


@pytest.mark.parametrize(
    "name",
    [
        "families:card",
        "families:data",
        "families:documents",
        "demarches:history",
        "portal:dashboard",
    ],
)
def test_citizen_pages_cost_the_same_for_1_and_6_children(
    client, name, django_assert_max_num_queries
):
    small_user, _small = _family(1)
    big_user, _big = _family(6)
    client.force_login(small_user)
    small = _count(client, reverse(name))
    client.force_login(big_user)
    with django_assert_max_num_queries(small):
        client.get(reverse(name))
    assert small <= 12


@pytest.mark.parametrize("tab", ["responsables", "enfants", "documents", "demarches", "historique"])
def test_family_sheet_costs_the_same_for_1_and_6_children(
    client, agent, tab, django_assert_max_num_queries
):
    _u1, small = _family(1)
    _u6, big = _family(6)
    client.force_login(agent(Role.PERISCOLAIRE))
    count = _count(client, reverse("backoffice:family", args=[small.pk]) + f"?onglet={tab}")
    with django_assert_max_num_queries(count):
        client.get(reverse("backoffice:family", args=[big.pk]) + f"?onglet={tab}")
    assert count <= 15


def test_family_search_is_constant(client, agent, django_assert_max_num_queries):
    for _ in range(5):
        _family(3)
    client.force_login(agent(Role.GUICHET))
    count = _count(client, reverse("backoffice:family_search") + "?q=martin")
    for _ in range(5):
        _family(3)
    with django_assert_max_num_queries(count):
        client.get(reverse("backoffice:family_search") + "?q=martin")
