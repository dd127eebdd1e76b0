"""Fixtures of the pricing tests: activities with the grids of domain.md, families."""

from datetime import date
from decimal import Decimal

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.models import Activity, ActivityKind, Unit
from espace_citoyen.core.testing import image_upload, pdf_upload
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune
from espace_citoyen.pricing import rules, services
from espace_citoyen.schooling.models import SchoolYear

PARIS_BRACKETS = [
    (0, 234, Decimal("0.13")),
    (235, 384, Decimal("0.85")),
    (385, 548, Decimal("1.62")),
    (549, 959, Decimal("2.28")),
    (960, 1370, Decimal("3.62")),
    (1371, None, Decimal("4.61")),
]


@pytest.fixture
def commune(db):
    commune = Commune.objects.get(pk=1)
    commune.postal_codes = "99999"
    commune.save()
    return commune


@pytest.fixture
def school_year(db):
    return SchoolYear.objects.create(
        label="2026-2027", start_date=date(2026, 9, 1), end_date=date(2027, 7, 3)
    )


@pytest.fixture
def canteen(school_year):
    return Activity.objects.create(
        name="Restauration scolaire — École Jean-Jaurès",
        kind=ActivityKind.LUNCH,
        school_year=school_year,
        capacity=120,
        unit=Unit.SESSION,
    )


@pytest.fixture
def evening(school_year):
    return Activity.objects.create(
        name="Accueil du soir — École Jean-Jaurès",
        kind=ActivityKind.EVENING,
        school_year=school_year,
        capacity=60,
        unit=Unit.SESSION,
    )


@pytest.fixture
def paris_grid(canteen):
    """The Paris canteen scale, from the rentrée to 31 December 2026."""
    return services.tariff_grid_create(
        activity=canteen,
        kind=rules.BRACKETS,
        valid_from=date(2026, 9, 1),
        valid_until=date(2026, 12, 31),
        brackets=PARIS_BRACKETS,
        non_resident_price=Decimal("7.50"),
        pai_price=Decimal("1.00"),
        unbooked_surcharge=Decimal("1.50"),
    )


@pytest.fixture
def paris_grid_2027(canteen, paris_grid):
    """Revalued on 1 January 2027."""
    return services.tariff_grid_create(
        activity=canteen,
        kind=rules.BRACKETS,
        valid_from=date(2027, 1, 1),
        brackets=[(a, b, price + Decimal("0.05")) for a, b, price in PARIS_BRACKETS],
        non_resident_price=Decimal("7.65"),
    )


@pytest.fixture
def effort_grid(evening):
    """0.36 % of the QF, at least 2.60 €, at most 4.50 €."""
    return services.tariff_grid_create(
        activity=evening,
        kind=rules.EFFORT_RATE,
        valid_from=date(2026, 9, 1),
        effort_rate=Decimal("0.36"),
        floor_price=Decimal("2.60"),
        ceiling_price=Decimal("4.50"),
        non_resident_price=Decimal("5.20"),
    )


@pytest.fixture
def family(citizen, commune):
    """The citizen's validated family, resident (postal code 99999, address validated)."""
    family = family_create(user=citizen, children=2, address_validated_on=date(2026, 1, 10))
    return family


@pytest.fixture
def regie(agent):
    return agent(Role.REGIE)


def png_upload(name: str = "avis.png"):
    return image_upload(name, "PNG")


__all__ = ["pdf_upload", "png_upload"]
