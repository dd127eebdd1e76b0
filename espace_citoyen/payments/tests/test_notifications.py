"""The bank's server-to-server notification: applied only when verified, once. Forged,
unsigned, unknown, mismatched and wrong-amount ones are refused and logged, nothing paid."""

import logging
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from espace_citoyen.billing.models import InvoiceStatus, Payment
from espace_citoyen.payments import backends, simulated
from espace_citoyen.payments.models import EventKind, PaymentTransaction, TransactionStatus
from espace_citoyen.payments.tests.conftest import query, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(citizen_client, invoices):
    """A transaction for both invoices (20,52 €), its bank page opened, no answer yet."""
    start(citizen_client, invoices)
    return PaymentTransaction.objects.get()


def _answer(tx, *, result="paid", amount="2052", key=None, **extra):
    fields = {"transaction_id": tx.reference, "amount": amount, "result": result, **extra}
    fields["signature"] = simulated.sign(key or backends.simulated_bank_key(), fields)
    return fields


def _notify(reference, fields):
    return Client().post(
        f"/paiement-en-ligne/{reference}/notification/",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def _nothing_paid(invoices):
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.UNPAID
    assert not Payment.objects.exists()


def test_a_verified_notification_pays_and_its_replay_changes_nothing(pending, invoices):
    response = _notify(pending.reference, _answer(pending))
    assert response.status_code == 200 and response.content == b"OK"
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.PAID
    first = Payment.objects.get()
    events = pending.events.count()
    for _replay in range(3):
        assert _notify(pending.reference, _answer(pending)).status_code == 200
    assert list(Payment.objects.all()) == [first]
    assert first.allocations.count() == 2
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.PAID and pending.events.count() == events
    # A later « refused » for the same transaction changes nothing either.
    assert _notify(pending.reference, _answer(pending, result="refused")).status_code == 200
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.PAID


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("forged", lambda tx: _answer(tx, key="not-the-bank-key")),
        ("unsigned", lambda tx: {k: v for k, v in _answer(tx).items() if k != "signature"}),
        ("altered", lambda tx: {**_answer(tx, amount="1"), "amount": "2052"}),
        ("another id", lambda tx: _answer(tx, transaction_id="EC20261210AAAAAAAAAA")),
        ("empty", lambda tx: {}),
    ],
)
def test_a_notification_that_does_not_verify_is_refused_and_logged(
    pending, invoices, caplog, case, make
):
    with caplog.at_level(logging.WARNING, logger="espace_citoyen.payments"):
        response = _notify(pending.reference, make(pending))
    assert response.status_code == 400
    assert f"Payment notification refused for transaction {pending.reference}" in caplog.text
    _nothing_paid(invoices)
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.PENDING
    assert pending.events.filter(kind=EventKind.REJECTED).count() == 1


def test_an_unknown_reference_is_refused_and_logged(pending, invoices, caplog):
    with caplog.at_level(logging.WARNING, logger="espace_citoyen.payments"):
        response = _notify("EC20261210FFFFFFFFFF", _answer(pending))
    assert response.status_code == 400
    assert "référence inconnue 'EC20261210FFFFFFFFFF'" in caplog.text
    _nothing_paid(invoices)


def test_a_signed_notification_with_another_amount_pays_nothing(pending, invoices, caplog):
    """The bank says 1,00 € was paid for 20,52 € due: refused, and the régie sees an anomaly."""
    with caplog.at_level(logging.WARNING, logger="espace_citoyen.payments"):
        response = _notify(pending.reference, _answer(pending, amount="100"))
    assert response.status_code == 400
    assert "montant 1 au lieu de 20.52" in caplog.text
    _nothing_paid(invoices)
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.ERROR
    # The right notification afterwards still records the money the bank took.
    assert _notify(pending.reference, _answer(pending)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.PAID
    assert Payment.objects.get().amount == Decimal("20.52")


def test_a_notification_of_one_transaction_cannot_pay_another(citizen_client, invoices):
    """A verified « paid » for the first invoice, posted to the second one's address."""
    start(citizen_client, invoices[:1])
    start(citizen_client, invoices[1:])
    first, second = PaymentTransaction.objects.order_by("id")
    response = _notify(second.reference, _answer(first, amount="912"))
    assert response.status_code == 400
    _nothing_paid(invoices)


def test_the_return_address_with_a_signed_answer_still_pays_nothing(
    citizen_client, pending, invoices
):
    """Even the bank's own signed answer, brought by the browser, is not a notification."""
    page = citizen_client.get(
        f"/paiement-en-ligne/{pending.reference}/retour/?{urlencode(_answer(pending))}"
    )
    assert "Paiement en attente de confirmation" in page.content.decode()
    _nothing_paid(invoices)


def test_bank_page_address_carries_the_reference(citizen_client, invoices):
    bank_url = start(citizen_client, invoices)
    assert query(bank_url)["transaction_id"] == PaymentTransaction.objects.get().reference


def test_a_payment_without_answer_is_closed_then_a_late_notification_still_pays(
    pending, invoices, _now
):
    """No word from the bank for two days: abandoned by `payments_check`; if the bank's
    verified notification comes after all, the money it took is recorded."""
    _now.shift(timedelta(hours=49))
    out = StringIO()
    call_command("payments_check", stdout=out)
    assert "clos sans réponse de la banque : 1" in out.getvalue()
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.ABANDONED
    assert _notify(pending.reference, _answer(pending)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.PAID
    assert Payment.objects.get().amount == Decimal("20.52")


def test_the_bank_page_s_signed_request_posted_as_a_notification_changes_nothing(
    citizen_client, invoices
):
    """The family sees the portal's signed request in the bank page's address: posted to
    the notification address, it is refused and the payment stays pending."""
    fields = query(start(citizen_client, invoices))
    tx = PaymentTransaction.objects.get()
    assert _notify(tx.reference, fields).status_code == 400
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PENDING
    _nothing_paid(invoices)


def test_a_payment_through_a_backend_no_longer_allowed_waits_then_closes(
    citizen_client, pending, invoices, settings, _now
):
    """The site left the simulated bank (no DEBUG) with a payment pending: its return page
    still answers, and the sweep closes it instead of failing on it."""
    settings.SIMULATED_BANK_ALLOWED = False
    page = citizen_client.get(f"/paiement-en-ligne/{pending.reference}/retour/")
    assert page.status_code == 200
    assert "Paiement en attente de confirmation" in page.content.decode()
    _now.shift(timedelta(hours=49))
    out = StringIO()
    call_command("payments_check", stdout=out)
    assert "clos sans réponse de la banque : 1" in out.getvalue()
    pending.refresh_from_db()
    assert pending.status == TransactionStatus.ABANDONED
    _nothing_paid(invoices)
