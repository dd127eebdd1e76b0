"""Fixtures of the fair allocation tests: « now » is Sunday 10 January 2027 at 10:00 in
Paris; the winter holidays of zone B run from 20 February to 7 March 2027; the holiday
centre has 2 places a day; its allocation takes requests from 5 to 15 January."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from espace_citoyen.activities.factories import activity_create
from espace_citoyen.activities.models import ActivityKind
from espace_citoyen.allocation import services
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 1, 10, 10, 0, tzinfo=PARIS)
AFTER_CLOSE = datetime(2027, 1, 16, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _commune(db):
    """The families of the factories live in Saint-Exemple-sur-Marne: make it the commune."""
    Commune.objects.update_or_create(pk=1, defaults={"name": "Saint-Exemple-sur-Marne"})
    cache.clear()


@pytest.fixture
def centre(db):
    return activity_create(
        kind=ActivityKind.HOLIDAYS, capacity=2, name="Centre de loisirs des Sources"
    )


def allocation_make(activity, **overrides):
    values = {
        "label": "Vacances d'hiver 2027",
        "first_day": date(2027, 2, 22),
        "last_day": date(2027, 3, 5),
        "opens_at": datetime(2027, 1, 5, 9, 0, tzinfo=PARIS),
        "closes_at": datetime(2027, 1, 15, 18, 0, tzinfo=PARIS),
        "results_on": date(2027, 1, 20),
        "criteria": ["commune", "travail"],
        "reserved_share": 0,
        "keep_siblings": True,
    }
    values.update(overrides)
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=PARIS), tick=False):
        return services.allocation_save(agent=None, values=values, activities=[activity], groups=[])


@pytest.fixture
def allocation(centre):
    return allocation_make(centre)


@pytest.fixture
def family(citizen):
    family = family_create(user=citizen, children=2)
    first, second = family.children.order_by("birth_date")
    first.first_name, second.first_name = "Léa", "Tom"
    first.save()
    second.save()
    return family


FIRST_WEEK = "s-2027-02-22"
SECOND_WEEK = "s-2027-03-01"


def key(activity, week: str) -> str:
    return f"{activity.pk}-{week}"
