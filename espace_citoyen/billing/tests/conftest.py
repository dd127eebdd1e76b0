"""Fixtures of the billing tests: "now" is 10 December 2026 in Paris; a resident family
(camille.martin@example.org) with two children, the canteen on the Paris scale and the
evening care on an effort rate, so November 2026 can be billed."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import ActivityKind
from espace_citoyen.billing.factories import quotient_set
from espace_citoyen.billing.services import regie_default
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing import services as pricing_services

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=PARIS)
NOVEMBER = date(2026, 11, 1)
PARIS_BRACKETS = [
    (0, 234, Decimal("0.13")),
    (235, 384, Decimal("0.85")),
    (385, 548, Decimal("1.62")),
    (549, 959, Decimal("2.28")),
    (960, 1370, Decimal("3.62")),
    (1371, None, Decimal("4.61")),
]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def commune(db):
    commune = Commune.objects.get(pk=1)
    commune.postal_codes = "99999"
    commune.save()
    return commune


@pytest.fixture
def regie(commune):
    return regie_default()


@pytest.fixture
def canteen(db):
    return activity_create(name="Restauration scolaire Jean-Jaurès", capacity=200)


@pytest.fixture
def evening(db):
    return activity_create(
        kind=ActivityKind.EVENING, name="Accueil du soir Jean-Jaurès", capacity=200
    )


@pytest.fixture
def grids(canteen, evening):
    canteen_grid = pricing_services.tariff_grid_create(
        activity=canteen,
        kind=pricing_rules.BRACKETS,
        valid_from=date(2026, 9, 1),
        brackets=PARIS_BRACKETS,
        non_resident_price=Decimal("7.50"),
        pai_price=Decimal("1.00"),
        unbooked_surcharge=Decimal("1.50"),
    )
    evening_grid = pricing_services.tariff_grid_create(
        activity=evening,
        kind=pricing_rules.EFFORT_RATE,
        valid_from=date(2026, 9, 1),
        effort_rate=Decimal("0.36"),
        floor_price=Decimal("2.60"),
        ceiling_price=Decimal("4.50"),
        non_resident_price=Decimal("6.00"),
    )
    return canteen_grid, evening_grid


@pytest.fixture
def family(citizen, commune):
    family = family_create(user=citizen, children=2, address_validated_on=date(2026, 1, 5))
    first, second = family.children.order_by("birth_date")
    first.first_name, second.first_name = "Léa", "Hugo"
    first.save()
    second.save()
    quotient_set(family, 812, date(2026, 9, 1))
    return family


@pytest.fixture
def children(family, canteen, evening, grids):
    kids = list(family.children.order_by("birth_date"))
    for kid in kids:
        enrolment_make(kid, canteen, weekdays=[0, 1, 3, 4])
        enrolment_make(kid, evening, weekdays=[0, 3])
    return kids


@pytest.fixture
def regie_client(agent_client):
    return agent_client(Role.REGIE)
