"""Properties of billing (hypothesis): lines sum to the total; an invoice plus its credit
note is zero; a second run of the month adds nothing; each line's unit price is the
pricing rule's for that day's QF and grid."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing import rules, services
from espace_citoyen.billing.factories import booking_make, unbooked_presence_make
from espace_citoyen.billing.models import Invoice, InvoiceKind
from espace_citoyen.billing.tests.conftest import NOVEMBER
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing import selectors as pricing_selectors

DB_SETTINGS = settings(
    max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
KINDS = [rules.BOOKED_PRESENT, rules.BOOKED_ABSENT, rules.UNBOOKED]

units_strategy = st.lists(
    st.builds(
        rules.Unit,
        child_id=st.integers(1, 3),
        activity_id=st.integers(1, 3),
        day=st.dates(date(2026, 11, 1), date(2026, 11, 30)),
        kind=st.sampled_from(KINDS),
    ),
    max_size=60,
    unique_by=lambda unit: (unit.child_id, unit.activity_id, unit.day),
)
prices = st.decimals(min_value=0, max_value=50, places=2)


@given(units=units_strategy, table=st.dictionaries(st.integers(1, 3), prices, min_size=3))
def test_lines_sum_to_the_units(units, table):
    def price_of(unit):
        amount = table[unit.activity_id] + (Decimal("1.50") if unit.kind == rules.UNBOOKED else 0)
        return rules.LinePrice(amount, f"prix {amount}")

    lines = rules.build_lines(units, price_of)
    assert sum(line.quantity for line in lines) == len(units)
    assert rules.total_of(line.amount for line in lines) == rules.total_of(
        price_of(unit).amount for unit in units
    )
    for line in lines:
        assert line.days == sorted(line.days)


@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=500, places=2),
    dues=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=200, places=2), max_size=6),
)
def test_allocation_never_exceeds_what_is_due(amount, dues):
    allocations, left = rules.allocate(amount, [rules.Due(i, due) for i, due in enumerate(dues)])
    assert sum((part for _, part in allocations), Decimal(0)) + left == amount
    for invoice_id, part in allocations:
        assert 0 < part <= dues[invoice_id]
    assert left == 0 or sum(part for _, part in allocations) == sum(dues)


def _in_rollback(body):
    with transaction.atomic():
        body()
        transaction.set_rollback(True)


day_states = st.sampled_from(["present", "absent", "justified", "unrecorded", "unbooked", "none"])


def _record(kid, activity, day, state):
    if state == "present":
        booking_make(kid, activity, day, present=True)
    elif state == "absent":
        booking_make(kid, activity, day, present=False)
    elif state == "justified":
        booking_make(kid, activity, day, present=False, justified=True)
    elif state == "unrecorded":
        booking_make(kid, activity, day)
    elif state == "unbooked":
        unbooked_presence_make(kid, activity, day)


@pytest.mark.django_db
@DB_SETTINGS
@given(
    states=st.lists(day_states, min_size=1, max_size=12),
    late=st.lists(st.integers(0, 11), max_size=3, unique=True),
    qf=st.one_of(st.none(), st.integers(0, 3000)),
)
def test_runs_credit_notes_and_prices(children, canteen, evening, agent, family, states, late, qf):
    clerk = agent(Role.REGIE)

    def body():
        family.quotients.update(qf=qf)
        lea = children[0]
        days = [date(2026, 11, 2) + timedelta(days=i) for i in range(len(states))]
        for day, state in zip(days, states, strict=True):
            if day.weekday() < 5:
                _record(lea, canteen, day, state)
        run = services.billing_run_start(month=NOVEMBER, actor=clerk)
        services.billing_run_execute(run_id=run.pk)
        issued = list(Invoice.objects.filter(kind=InvoiceKind.INVOICE))
        # A second run of the same month adds nothing.
        again = services.billing_run_start(month=NOVEMBER, actor=clerk)
        assert services.billing_run_execute(run_id=again.pk).invoices_count == 0
        assert Invoice.objects.count() == len(issued)
        resident = pricing_selectors.family_is_resident(family)
        for invoice in issued:
            lines = list(invoice.lines.all())
            # Lines sum to the total.
            assert rules.total_of(line.amount for line in lines) == invoice.total
            for line in lines:
                assert line.amount == rules.cents(line.unit_price * line.quantity)
                for day in line.days:
                    # The unit price is the rule's for that day's QF and grid.
                    grid = pricing_selectors.grid_on(line.activity_id, date.fromisoformat(day))
                    expected = pricing_rules.unit_price(
                        grid.as_rule(),
                        qf,
                        resident=resident,
                        pai=lea.has_pai,
                        unbooked=line.kind == rules.UNBOOKED,
                    )
                    assert line.unit_price == expected.amount
                    assert line.explanation == expected.explanation
            # An invoice plus its credit note is zero.
            note = services.credit_note_issue(invoice=invoice, reason="Contrôle", actor=clerk)
            assert note.total + invoice.total == 0
            assert sum(line.amount for line in note.lines.all()) == note.total
        # Late attendance (days recorded after the run) goes to a supplement only.
        for index in late:
            day = date(2026, 11, 23) + timedelta(days=index % 5)
            if not lea.activity_attendances.filter(date=day).exists():
                unbooked_presence_make(lea, evening, day)
        supplement = services.billing_run_start(month=NOVEMBER, actor=clerk)
        services.billing_run_execute(run_id=supplement.pk)
        numbers = sorted(
            Invoice.objects.filter(kind=InvoiceKind.INVOICE).values_list("sequence", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))

    _in_rollback(body)
