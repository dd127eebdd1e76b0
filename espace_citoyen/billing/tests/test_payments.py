"""The payment ledger's public service: desk payments, partial payments, overpayment kept
as credit and applied to the next invoice, idempotent online references, reversals."""

from datetime import date
from decimal import Decimal

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing import selectors, services
from espace_citoyen.billing.factories import booking_make
from espace_citoyen.billing.models import InvoiceStatus, PaymentMethod
from espace_citoyen.billing.tests.conftest import NOVEMBER
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


def _bill(children, canteen, regie, agent, days=(2, 3, 5, 6)):
    for day in days:
        booking_make(children[0], canteen, date(2026, 11, day), present=True)
    run = services.billing_run_start(month=NOVEMBER, actor=agent, regie=regie)
    services.billing_run_execute(run_id=run.pk)
    return selectors.invoices_payable(children[0].family)


def test_partial_then_full_payment(children, canteen, regie, agent):

    clerk = agent(Role.REGIE)
    [invoice] = _bill(children, canteen, regie, clerk)
    assert invoice.total == Decimal("9.12")  # 4 × 2,28 €
    assert selectors.amount_due([invoice]) == Decimal("9.12")
    services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=Decimal("5"),
        method=PaymentMethod.CASH,
        actor=clerk,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTLY_PAID
    assert invoice.amount_due == Decimal("4.12")
    services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=Decimal("4.12"),
        method=PaymentMethod.CHEQUE,
        reference="1234567",
        actor=clerk,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert selectors.invoices_payable(invoice.family) == []
    assert selectors.family_balance(invoice.family).net == 0


def test_overpayment_is_credit_for_the_next_invoice(children, canteen, regie, agent, time_machine):

    clerk = agent(Role.REGIE)
    [invoice] = _bill(children, canteen, regie, clerk)
    services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=Decimal("20"),
        method=PaymentMethod.CASH,
        actor=clerk,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    balance = selectors.family_balance(invoice.family)
    assert balance.credit == Decimal("10.88")
    assert balance.net == Decimal("-10.88")
    time_machine.move_to(date(2027, 1, 10))
    for day in (1, 2, 3):
        booking_make(children[0], canteen, date(2026, 12, day), present=True)
    run = services.billing_run_start(month=date(2026, 12, 1), actor=clerk, regie=regie)
    services.billing_run_execute(run_id=run.pk)
    december = invoice.family.invoices.get(month=date(2026, 12, 1))
    assert december.total == Decimal("6.84")
    assert december.status == InvoiceStatus.PAID  # paid from the credit
    assert selectors.family_balance(invoice.family).credit == Decimal("4.04")


def test_online_reference_recorded_once(children, canteen, regie, agent):

    [invoice] = _bill(children, canteen, regie, agent(Role.REGIE))
    first = services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=invoice.amount_due,
        method=PaymentMethod.ONLINE,
        reference="TX-42",
    )
    again = services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=invoice.amount_due,
        method=PaymentMethod.ONLINE,
        reference="TX-42",
    )
    assert again.pk == first.pk
    assert invoice.family.payments.count() == 1


def test_direct_debit_marks_debited_and_reversal_reopens(children, canteen, regie, agent):

    [invoice] = _bill(children, canteen, regie, agent(Role.REGIE))
    payment = services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=invoice.amount_due,
        method=PaymentMethod.DIRECT_DEBIT,
        reference="DD-1",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DEBITED
    services.payment_reverse(payment=payment, reason="Rejet AC04")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert invoice.amount_due == Decimal("9.12")
    assert selectors.family_balance(invoice.family).credit == 0


def test_another_familys_invoice_is_refused(children, canteen, regie, agent):

    [invoice] = _bill(children, canteen, regie, agent(Role.REGIE))
    stranger = family_create(children=1)
    with pytest.raises(ApplicationError):
        services.payment_record(
            family=stranger, invoices=[invoice], amount=Decimal("1"), method=PaymentMethod.CASH
        )
    assert selectors.invoices_payable_among(stranger, [invoice.pk]) == []


@pytest.mark.parametrize("amount", ["0", "-3", "abc", "1000000"])
def test_bad_amounts_are_refused_politely(children, canteen, regie, agent, amount):

    [invoice] = _bill(children, canteen, regie, agent(Role.REGIE))
    with pytest.raises(ApplicationError):
        services.payment_record(
            family=invoice.family, invoices=[invoice], amount=amount, method=PaymentMethod.CASH
        )
