"""Pages run a constant number of queries whatever the family's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, pdf_upload
from espace_citoyen.families import services
from espace_citoyen.families.factories import GuardianFactory, family_create

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


# The pages a parent opens most (issue 11, docs/benchmarks.md): their statements, session
# and user included, whatever the family's size.
PARENT_PAGE_BUDGETS = {"portal:dashboard": 4, "families:card": 4}


@pytest.mark.parametrize("name", sorted(PARENT_PAGE_BUDGETS))
def test_parent_pages_keep_their_budget(client, name, django_assert_max_num_queries):
    user, family = _family(6)
    GuardianFactory(family=family, first_name="Dominique", position=2)
    client.force_login(user)
    client.get(reverse(name))  # the first visit reads the commune and the catalogue
    with django_assert_max_num_queries(PARENT_PAGE_BUDGETS[name]):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_the_card_home_names_each_child_and_guardian_once_in_order(client):
    user, family = _family(3)
    GuardianFactory(family=family, first_name="Dominique", last_name="Durand", position=2)
    client.force_login(user)
    text = page_text(client.get(reverse("families:card")))
    first = family.guardians.order_by("position", "id").first()
    assert f"Responsables légaux : {first.full_name}, Dominique Durand</p>" in text
    for child in family.children.all():
        assert text.count(f"<h3>{child.full_name}</h3>") == 1
