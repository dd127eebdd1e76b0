"""Each page reads a constant number of queries, whatever the family's size or the
number of requests."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_citoyen.accounts.roles import Role
from espace_citoyen.allocation import services
from espace_citoyen.allocation.tests.conftest import (
    AFTER_CLOSE,
    FIRST_WEEK,
    allocation_make,
    key,
)
from espace_citoyen.families.factories import ChildFactory, family_create

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_family_page_reads_the_same_queries_for_1_or_6_children(
    citizen_client, citizen, allocation, centre
):
    family = family_create(user=citizen, children=1)
    url = f"/carte-famille/attribution/{allocation.pk}/"
    services.request_submit(
        allocation=allocation,
        family=family,
        children=list(family.children.all()),
        choices=[key(centre, FIRST_WEEK)],
        together=False,
        actor=None,
    )
    _count(citizen_client, url)  # warm the caches (commune, calendars)
    one = _count(citizen_client, url)
    for _index in range(5):
        ChildFactory(family=family)
    services.request_submit(
        allocation=allocation,
        family=family,
        children=list(family.children.all()[1:]),
        choices=[key(centre, FIRST_WEEK)],
        together=True,
        actor=None,
    )
    assert _count(citizen_client, url) == one


def test_the_preview_reads_the_same_queries_for_2_or_8_requests(agent_client, centre):
    small, large = allocation_make(centre), allocation_make(centre, label="Autre")
    for allocation, count in ((small, 2), (large, 8)):
        for _index in range(count):
            family = family_create(children=1)
            services.request_submit(
                allocation=allocation,
                family=family,
                children=list(family.children.all()),
                choices=[key(centre, FIRST_WEEK)],
                together=False,
                actor=None,
            )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        client = agent_client(Role.PERISCOLAIRE)
        counts = []
        for allocation in (small, large):
            services.draw_fix(allocation=allocation, public_value="1 2 3", agent=None)
            url = f"/backoffice/attributions/{allocation.pk}/"
            _count(client, url)
            counts.append(_count(client, url))
    assert counts[0] == counts[1]
