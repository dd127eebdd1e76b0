"""Citizen pages of schooling run a fixed number of queries, whatever the family's size."""

from datetime import date

import pytest
from django.urls import reverse

from espace_citoyen.families.factories import ChildFactory
from espace_citoyen.schooling import services


@pytest.fixture
def big_family(citizen, family, year):
    """Léa and her five brothers and sisters, each enrolled for 2027-2028."""
    for index in range(5):
        ChildFactory(family=family, birth_date=date(2018 + index % 4, 2, 1 + index))
    for child in family.children.all():
        services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)
    return family


@pytest.fixture
def small_family(citizen, family, child, year):
    services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)
    return family


@pytest.mark.parametrize("size", ["small_family", "big_family"])
@pytest.mark.parametrize(
    ("url_name", "queries"), [("schooling:enrol", 8), ("schooling:derogation", 9)]
)
def test_pages_run_the_same_queries_for_1_or_6_children(
    request, size, url_name, queries, citizen_client, django_assert_num_queries
):
    """The enrolment and dérogation pages cost the same for 1 child as for 6."""
    request.getfixturevalue(size)
    with django_assert_num_queries(queries):
        response = citizen_client.get(reverse(url_name))
    assert response.status_code == 200
