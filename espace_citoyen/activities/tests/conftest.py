"""Fixtures of the activities tests: "now" is Thursday 26 November 2026 at 10:00 in
Paris unless a test travels elsewhere; a validated family with one child in CE2."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.families.factories import family_create

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def family(citizen):
    family = family_create(user=citizen, children=1)
    child = family.children.get()
    child.birth_date = date(2018, 3, 14)  # CE2 in 2026-2027
    child.first_name = "Léa"
    child.save()
    return family


@pytest.fixture
def child(family):
    return family.children.get()


@pytest.fixture
def lunch(db):
    return activity_create(name="Restauration scolaire Jean-Jaurès", capacity=10)


@pytest.fixture
def enrolled(child, lunch):
    return enrolment_make(child, lunch, weekdays=[0, 1, 3, 4])


def other_child(capacity_activity=None, *, birth=date(2018, 1, 1)):
    """A child of another validated family (optionally enrolled in an activity)."""
    other = family_create(children=1)
    kid = other.children.get()
    kid.birth_date = birth
    kid.save()
    if capacity_activity is not None:
        enrolment_make(kid, capacity_activity)
    return kid
