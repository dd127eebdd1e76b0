"""Two notifications of the same payment at the same instant, on real concurrent
connections: one ledger entry, the invoices paid once."""

import threading
from urllib.parse import urlencode

import pytest
from django.db import connection, connections

from espace_citoyen.billing.models import Allocation, InvoiceStatus, Payment
from espace_citoyen.payments import backends, services, simulated
from espace_citoyen.payments.models import PaymentTransaction, TransactionStatus

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _run_at_once(count, attempt):
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(attempt())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_notifications_arriving_together_record_one_payment(citizen, invoices):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency: PostgreSQL only")
    tx, _kind, _url = services.transaction_start(
        family=invoices[0].family, invoice_ids=[i.pk for i in invoices], actor=citizen
    )
    fields = {"transaction_id": tx.reference, "amount": "2052", "result": "paid"}
    fields["signature"] = simulated.sign(backends.simulated_bank_key(), fields)
    body = urlencode(fields)
    outcomes = _run_at_once(
        6, lambda: services.notification_apply(reference=tx.reference, query_string=body)
    )
    assert [outcome.accepted for outcome in outcomes] == [True] * 6
    assert Payment.objects.count() == 1
    assert Allocation.objects.count() == 2
    assert PaymentTransaction.objects.get().status == TransactionStatus.PAID
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PAID
