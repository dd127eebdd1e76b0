"""Grids configured by administrators: checked as a whole on save, nothing saved when
wrong, and every change kept (who, when, before → after)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.selectors import audit_for_scope
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal import demo as portal_demo
from espace_citoyen.pricing import demo, rules, services
from espace_citoyen.pricing.models import TariffBracket, TariffGrid
from espace_citoyen.pricing.tests.conftest import PARIS_BRACKETS

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def admin_user(agent):
    return agent(Role.ADMINISTRATEUR, first_name="Alex", last_name="Administrateur")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def grid_post(activity, *, kind="tranches", brackets=(), **fields):
    data = {
        "activity": activity.pk,
        "kind": kind,
        "valid_from": "2027-01-01",
        "valid_until": "",
        "effort_rate": "",
        "floor_price": "",
        "ceiling_price": "",
        "non_resident_price": "7.50",
        "pai_price": "",
        "unbooked_surcharge": "0",
        "brackets-TOTAL_FORMS": str(len(brackets)),
        "brackets-INITIAL_FORMS": "0",
        "brackets-MIN_NUM_FORMS": "0",
        "brackets-MAX_NUM_FORMS": "1000",
        "_save": "Enregistrer",
        **fields,
    }
    for index, (qf_min, qf_max, price) in enumerate(brackets):
        data[f"brackets-{index}-qf_min"] = str(qf_min)
        data[f"brackets-{index}-qf_max"] = "" if qf_max is None else str(qf_max)
        data[f"brackets-{index}-price"] = str(price)
    return data


ADD = reverse("admin:pricing_tariffgrid_add")


def test_the_admin_pages_open(admin_client, paris_grid):
    """Administrators reach the grid list, the add form and a grid's change form."""
    assert admin_client.get(reverse("admin:pricing_tariffgrid_changelist")).status_code == 200
    assert admin_client.get(ADD).status_code == 200
    page = page_text(
        admin_client.get(reverse("admin:pricing_tariffgrid_change", args=[paris_grid.pk]))
    )
    assert "QF à partir de (€)" in page


def test_overlapping_brackets_are_refused_in_the_admin(admin_client, canteen):
    """Overlapping brackets: a clear message naming them, and nothing saved."""
    response = admin_client.post(
        ADD,
        grid_post(canteen, brackets=[(0, 300, "0.13"), (235, 384, "0.85"), (385, None, "1.62")]),
    )
    assert response.status_code == 200
    assert (
        "Les tranches 1 (de 0 € à 300 €) et 2 (de 235 € à 384 €) se chevauchent : un même "
        "quotient aurait deux prix." in page_text(response)
    )
    assert not TariffGrid.objects.exists() and not TariffBracket.objects.exists()


def test_a_gap_between_brackets_is_refused(admin_client, canteen):
    """A missing range between two brackets is named, nothing saved."""
    response = admin_client.post(
        ADD, grid_post(canteen, brackets=[(0, 234, "0.13"), (240, None, "0.85")])
    )
    assert "Il manque les quotients de 235 € à 239 € entre les tranches 1 et 2" in page_text(
        response
    )
    assert not TariffGrid.objects.exists()


def test_floor_above_ceiling_is_refused_in_the_admin(admin_client, evening):
    """A taux d'effort whose floor is above its ceiling: the message, nothing saved."""
    response = admin_client.post(
        ADD,
        grid_post(
            evening,
            kind="taux_effort",
            effort_rate="0.36",
            floor_price="4.50",
            ceiling_price="2.60",
        ),
    )
    assert response.status_code == 200
    assert "Le prix plancher (4,50 €) est supérieur au prix plafond (2,60 €)" in page_text(response)
    assert not TariffGrid.objects.exists()


def test_two_grids_of_an_activity_cannot_share_a_day(admin_client, paris_grid):
    """A second grid starting before the first ends is refused."""
    response = admin_client.post(
        ADD, grid_post(paris_grid.activity, valid_from="2026-12-01", brackets=[(0, None, "1.00")])
    )
    assert (
        "Cette période chevauche celle d'une autre grille de la même activité (du 01/09/2026 au 31/12/2026)"
        in page_text(response)
    )
    assert TariffGrid.objects.count() == 1


def test_a_valid_grid_is_saved_and_its_creation_kept(admin_client, admin_user, canteen):
    """A right grid is saved with its brackets; the audit says who created it."""
    response = admin_client.post(
        ADD, grid_post(canteen, brackets=[(0, 234, "0.13"), (235, None, "0.85")], pai_price="1.00")
    )
    assert response.status_code == 302
    grid = TariffGrid.objects.get()
    assert [(b.qf_min, b.qf_max, b.price) for b in grid.brackets.all()] == [
        (0, 234, Decimal("0.13")),
        (235, None, Decimal("0.85")),
    ]
    change = AuditEntry.objects.get(area="pricing")
    assert (change.actor, change.action, change.subject) == (admin_user, "création", grid)
    assert change.changes["tranches"] == ["", "de 0 € à 234 € : 0,13 € ; 235 € et plus : 0,85 €"]


def test_a_change_is_kept_with_before_and_after(
    admin_client, admin_user, regie, paris_grid_2027, client
):
    """Changing a price records who, and the value before and after; the régie sees it."""
    grid = paris_grid_2027
    rows = list(grid.brackets.all())
    data = grid_post(grid.activity, brackets=[], non_resident_price="7.95")
    data.update(
        {
            "brackets-TOTAL_FORMS": str(len(rows)),
            "brackets-INITIAL_FORMS": str(len(rows)),
        }
    )
    for index, row in enumerate(rows):
        data[f"brackets-{index}-id"] = str(row.pk)
        data[f"brackets-{index}-grid"] = str(grid.pk)
        data[f"brackets-{index}-qf_min"] = str(row.qf_min)
        data[f"brackets-{index}-qf_max"] = "" if row.qf_max is None else str(row.qf_max)
        data[f"brackets-{index}-price"] = str(row.price)
    response = admin_client.post(reverse("admin:pricing_tariffgrid_change", args=[grid.pk]), data)
    assert response.status_code == 302, page_text(response)[:3000]
    change = AuditEntry.objects.filter(area="pricing", action="modification").get()
    assert change.actor == admin_user
    assert change.changes == {"tarif non-résident": ["7,65 €", "7,95 €"]}
    client.force_login(regie)
    page = visible_text(client.get(reverse("backoffice:pricing_grids")))
    assert "Alex Administrateur" in page
    assert "tarif non-résident : 7,65 € → 7,95 €" in page


def test_a_grid_that_applied_cannot_be_deleted(admin_client, paris_grid, paris_grid_2027):
    """A grid in force explains past prices: no delete; a future one can be deleted, and it is kept in the audit."""
    assert (
        admin_client.get(
            reverse("admin:pricing_tariffgrid_delete", args=[paris_grid.pk])
        ).status_code
        == 403
    )
    response = admin_client.post(
        reverse("admin:pricing_tariffgrid_delete", args=[paris_grid_2027.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert (
        AuditEntry.objects.filter(area="pricing", action="suppression", subject_id=None).count()
        == 1
    )


def test_the_grids_listing_is_for_the_regie_and_administrators(client, agent, paris_grid):
    """Régie and administrators see the grids listing; the guichet gets 403."""
    url = reverse("backoffice:pricing_grids")
    client.force_login(agent(Role.GUICHET))
    assert client.get(url).status_code == 403
    client.force_login(agent(Role.ADMINISTRATEUR))
    page = page_text(client.get(url))
    assert reverse("admin:pricing_tariffgrid_changelist") in page
    assert "Tranche 4 : quotient familial de 549 € à 959 €" in page


def test_the_grids_listing_runs_a_fixed_number_of_queries(
    client, regie, paris_grid, admin_user, django_assert_max_num_queries
):
    """One grid or four, one change or many: the same number of queries."""
    client.force_login(regie)
    url = reverse("backoffice:pricing_grids")
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for name in ("Mercredi", "Vacances", "Étude"):
        activity = paris_grid.activity.__class__.objects.create(
            name=name, kind="mercredi", school_year=paris_grid.activity.school_year, capacity=10
        )
        services.tariff_grid_create(
            activity=activity,
            kind=rules.BRACKETS,
            valid_from=date(2026, 9, 1),
            brackets=PARIS_BRACKETS,
            non_resident_price=paris_grid.non_resident_price,
            actor=admin_user,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = visible_text(client.get(url))
    assert "Étude — grille à partir du 01/09/2026 (en vigueur)" in page
    assert page.count("Alex Administrateur") == 3


def test_the_service_refuses_a_wrong_grid_and_saves_nothing(evening, canteen):
    """The same checks when a grid is created by code (demo, imports)."""
    with pytest.raises(ApplicationError, match="Le prix plancher"):
        services.tariff_grid_create(
            activity=evening,
            kind=rules.EFFORT_RATE,
            valid_from=date(2026, 9, 1),
            effort_rate=Decimal("0.36"),
            floor_price=Decimal("5"),
            ceiling_price=Decimal("4"),
            non_resident_price=Decimal("5"),
        )
    with pytest.raises(ApplicationError, match="se chevauchent"):
        services.tariff_grid_create(
            activity=canteen,
            kind=rules.BRACKETS,
            valid_from=date(2026, 9, 1),
            brackets=[(0, 500, Decimal(1)), (400, None, Decimal(2))],
            non_resident_price=Decimal("5"),
        )
    assert not TariffGrid.objects.exists() and not AuditEntry.objects.exists()


def test_the_database_refuses_a_taux_d_effort_without_rate_or_floor(evening):
    """Saved by code that skips the checks, a taux d'effort grid still needs its figures."""
    grid = TariffGrid(
        activity=evening,
        kind=rules.EFFORT_RATE,
        valid_from=date(2026, 9, 1),
        ceiling_price=Decimal("4.50"),
        non_resident_price=Decimal("5.20"),
    )
    with pytest.raises(ValidationError, match="demande un taux, un plancher et un plafond"):
        grid.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        grid.save()
    assert not TariffGrid.objects.exists()


def test_the_demo_is_idempotent(db, commune):
    """Running the demo twice creates the grids once: a bracket grid and a taux d'effort grid."""
    portal_demo.load()
    demo.load()
    counts = (TariffGrid.objects.count(), TariffBracket.objects.count(), AuditEntry.objects.count())
    demo.load()
    assert (
        TariffGrid.objects.count(),
        TariffBracket.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    kinds = set(TariffGrid.objects.values_list("kind", flat=True))
    assert kinds == {rules.BRACKETS, rules.EFFORT_RATE}


def test_a_new_qf_period_is_on_the_familys_trail(db, agent):
    """Opening a QF period records the former one and the new one, for the family."""
    family = family_create()
    staff = agent(Role.REGIE)
    services.quotient_record(family=family, qf=800, starts_on=date(2026, 9, 1), actor=staff)
    services.quotient_record(family=family, qf=650, starts_on=date(2027, 1, 1), actor=staff)
    first, second = audit_for_scope(family, with_sensitive=False).order_by("id")
    assert first.changes["quotient"] == [None, 800]
    assert second.changes == {
        "quotient": [800, 650],
        "à partir du": ["2026-09-01", "2027-01-01"],
    }
    assert second.actor == staff and second.action == "nouvelle période"
