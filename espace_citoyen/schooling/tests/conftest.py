"""Fixtures of schooling's tests: a fixed day inside the 2027-2028 campaign, the demo
commune's schools and carte scolaire, a parent whose family lives at 12 rue des Écoles."""

from datetime import date

import pytest
import time_machine

from espace_citoyen.families.factories import ChildFactory, family_create
from espace_citoyen.schooling.factories import schooling_setup

# Thursday 26 November 2026, 10:00 in Paris: the 2027-2028 campaign is open.
TODAY = "2026-11-26 10:00 +01:00"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def school_data(db):
    return schooling_setup()


@pytest.fixture
def year(school_data):
    return school_data["years"]["2027-2028"]


@pytest.fixture
def schools(school_data):
    return school_data["schools"]


@pytest.fixture
def family(citizen, school_data):
    """Camille Martin's family, 12 rue des Écoles (even side: école primaire du Centre),
    with Léa, born in 2021 (CP in 2027-2028)."""
    family = family_create(user=citizen, children=0)
    ChildFactory(family=family, first_name="Léa", birth_date=date(2021, 5, 14), sex="F")
    return family


@pytest.fixture
def child(family):
    return family.children.get(first_name="Léa")
