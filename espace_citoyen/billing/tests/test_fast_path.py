"""The run's set-based fast path (`engine.drafts_for`: the database groups the units,
each run of days with the same grid and QF is priced once) gives exactly the invoices of
the straightforward day-by-day rule (`tests/reference.py`), to the cent and to the word,
on random months: every register state, QF periods and a grid changing mid-month, a gap
without a grid, PAI, non-resident, unbooked presences, and days already billed."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.models import Attendance, Booking
from espace_citoyen.billing import engine, rules, services
from espace_citoyen.billing.tests.conftest import NOVEMBER, PARIS_BRACKETS
from espace_citoyen.billing.tests.reference import reference_drafts
from espace_citoyen.billing.tests.test_properties import _record, day_states
from espace_citoyen.billing.units import MonthUnits
from espace_citoyen.families.factories import family_create
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing import services as pricing_services
from espace_citoyen.pricing.models import DeclarationMethod, FamilyQuotient, TariffGrid

DAYS = [NOVEMBER + timedelta(days=i) for i in range(30)]


def _drafts(draft_function, family_ids):
    anomalies = []
    drafts = list(draft_function(family_ids, NOVEMBER, engine.Catalogue(NOVEMBER), anomalies))
    invoices = [
        (
            draft.family_id,
            draft.payer_name,
            draft.total,
            [
                (
                    line.child_id,
                    line.activity_id,
                    line.kind,
                    line.unit_price,
                    line.explanation,
                    line.days,
                    line.amount,
                )
                for line in draft.lines
            ],
        )
        for draft in drafts
    ]
    # Which day a « no grid » anomaly names is the first met: the order of rows.
    seen = Counter((a.code, a.family_id, a.text if a.code != "no_grid" else "") for a in anomalies)
    return invoices, seen


@pytest.mark.django_db
@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@example(
    plan=[(0, 0, day, "present") for day in range(30)]
    + [(2, 1, day, "unbooked") for day in range(30)],
    qf_breaks=[10],
    qfs=[300, 1500, None],
    grid_change=20,
    grid_gap=True,
    pai=False,
    outside=True,
    billed_first=[],
)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 1), st.integers(0, 29), day_states),
        min_size=10,
        max_size=80,
        unique_by=lambda item: (item[0], item[1], item[2]),
    ),
    qf_breaks=st.lists(st.integers(1, 29), max_size=2, unique=True),
    qfs=st.lists(st.one_of(st.none(), st.integers(0, 2000)), min_size=3, max_size=3),
    grid_change=st.one_of(st.none(), st.integers(1, 29)),
    grid_gap=st.booleans(),
    pai=st.booleans(),
    outside=st.booleans(),
    billed_first=st.lists(st.integers(0, 79), max_size=20),
)
def test_fast_path_equals_the_day_by_day_rule(
    canteen,
    evening,
    grids,
    commune,
    agent,
    plan,
    qf_breaks,
    qfs,
    grid_change,
    grid_gap,
    pai,
    outside,
    billed_first,
):
    def body():
        first = family_create(children=2, address_validated_on=date(2026, 1, 5))
        second = family_create(
            children=2,
            address_validated_on=date(2026, 1, 5),
            postal_code="75001" if outside else "99999",
        )
        kids = [*first.children.order_by("pk"), *second.children.order_by("pk")]
        kids[0].has_pai = pai
        kids[0].save()
        # QF periods of the first family, cut mid-month.
        cuts = [date(2026, 9, 1), *sorted(NOVEMBER + timedelta(days=d) for d in qf_breaks)]
        for index, starts_on in enumerate(cuts):
            FamilyQuotient.objects.create(
                family=first,
                qf=qfs[index],
                method=DeclarationMethod.CAF if qfs[index] is not None else DeclarationMethod.NONE,
                starts_on=starts_on,
                ends_before=cuts[index + 1] if index + 1 < len(cuts) else None,
            )
        FamilyQuotient.objects.create(
            family=second, qf=700, method=DeclarationMethod.CAF, starts_on=date(2026, 9, 1)
        )
        if grid_change is not None:
            change = NOVEMBER + timedelta(days=grid_change)
            TariffGrid.objects.filter(pk=grids[0].pk).update(valid_until=change - timedelta(1))
            pricing_services.tariff_grid_create(
                activity=canteen,
                kind=pricing_rules.BRACKETS,
                valid_from=change + timedelta(days=2 if grid_gap else 0),
                brackets=[
                    (low, high, price + Decimal("0.07")) for low, high, price in PARIS_BRACKETS
                ],
                non_resident_price=Decimal("7.90"),
                pai_price=Decimal("1.10"),
                unbooked_surcharge=Decimal("1.25"),
            )
        activities = [canteen, evening]
        for kid_index, activity_index, day_index, state in plan:
            _record(kids[kid_index], activities[activity_index], DAYS[day_index], state)
        family_ids = sorted({first.pk, second.pk})
        if billed_first:
            # Some days billed by an earlier run (the rest are late attendance).
            _issue_part(agent(Role.REGIE), set(billed_first), plan, kids, activities)
        expected = _drafts(reference_drafts, family_ids)
        assert _drafts(engine.drafts_for, family_ids) == expected
        # The run's way: the whole month grouped once, read back by family range.
        assert _drafts(_month_drafts, family_ids) == expected

    with transaction.atomic():
        body()
        transaction.set_rollback(True)


def _month_drafts(family_ids, month, catalogue, anomalies):
    with MonthUnits(month, rules.month_end(month)) as units:
        yield from engine.drafts_for(
            family_ids, month, catalogue, anomalies, units.groups(family_ids)
        )


def _issue_part(clerk, indexes, plan, kids, activities):
    """Bill the month as it was before the plan's entries not in `indexes` were
    recorded: those are removed, the month billed, then they come back as late
    attendance (and the fast path must leave out exactly what is already billed)."""
    late = [entry for index, entry in enumerate(plan) if index not in indexes]
    for kid_index, activity_index, day_index, _state in late:
        where = {"child": kids[kid_index], "activity": activities[activity_index]}
        Booking.objects.filter(date=DAYS[day_index], **where).delete()
        Attendance.objects.filter(date=DAYS[day_index], **where).delete()
    run = services.billing_run_start(month=NOVEMBER, actor=clerk)
    services.billing_run_execute(run_id=run.pk)
    for kid_index, activity_index, day_index, state in late:
        _record(kids[kid_index], activities[activity_index], DAYS[day_index], state)
