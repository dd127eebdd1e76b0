"""Numbers under concurrency, with real PostgreSQL connections: runs of two months, the
same run twice, credit notes and payments at the same moment give unique, gapless
invoice and credit-note numbers, and each family one invoice per month."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from espace_citoyen.accounts.factories import agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing import services
from espace_citoyen.billing.factories import booking_make
from espace_citoyen.billing.models import BillingRun, Invoice, InvoiceKind, PaymentMethod
from espace_citoyen.families.factories import family_create

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def _run_all(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # noqa: BLE001 (collected and asserted empty)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_parallel_runs_and_credit_notes_number_without_gaps(canteen, grids, regie):
    clerk = agent_create(Role.REGIE)
    families = [family_create(children=1) for _index in range(12)]
    for family in families:
        kid = family.children.get()
        for month in (9, 10, 11):
            booking_make(kid, canteen, date(2026, month, 3), present=True)
    september = BillingRun.objects.create(regie=regie, month=date(2026, 9, 1))
    services.billing_run_execute(run_id=september.pk)
    first_invoices = list(Invoice.objects.order_by("pk"))
    assert len(first_invoices) == 12
    october = BillingRun.objects.create(regie=regie, month=date(2026, 10, 1))
    november = BillingRun.objects.create(regie=regie, month=date(2026, 11, 1))

    targets = [
        lambda: services.billing_run_execute(run_id=october.pk),
        lambda: services.billing_run_execute(run_id=november.pk),
        lambda: services.billing_run_execute(run_id=november.pk),  # the same run twice
    ]
    targets += [
        (
            lambda invoice=invoice: services.credit_note_issue(
                invoice=invoice, reason="Test", actor=clerk
            )
        )
        for invoice in first_invoices[:6]
    ]
    targets += [
        (
            lambda invoice=invoice: services.payment_record(
                family=invoice.family,
                invoices=[invoice],
                amount=Decimal("1"),
                method=PaymentMethod.ONLINE,
                reference=f"TX-{invoice.pk}",
            )
        )
        for invoice in first_invoices[6:]
        for _twice in range(2)
    ]
    assert _run_all(targets) == []

    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    assert sorted(invoices.values_list("sequence", flat=True)) == list(range(1, 37))
    assert invoices.values("number").distinct().count() == 36
    notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE)
    assert sorted(notes.values_list("sequence", flat=True)) == list(range(1, 7))
    for family in families:
        months = list(
            family.invoices.filter(kind=InvoiceKind.INVOICE).values_list("month", flat=True)
        )
        assert sorted(months) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
        # Two notifications of one online payment record one payment.
        assert family.payments.count() <= 1


def test_a_run_writes_its_chunks_in_a_second_thread(canteen, grids, regie, monkeypatch):
    """Outside a transaction on PostgreSQL, chunks are written by a second connection
    while the next is priced: every family billed once, in chunks, and a failure of the
    writer fails the run instead of being lost."""
    from espace_citoyen.billing import engine
    from espace_citoyen.billing.services import runs, writer

    monkeypatch.setattr(engine, "CHUNK", 4)
    modes = []
    enter = writer.ChunkWriter.__enter__
    monkeypatch.setattr(
        writer.ChunkWriter, "__enter__", lambda self: modes.append(self.threaded) or enter(self)
    )
    families = [family_create(children=1) for _index in range(10)]
    for family in families:
        booking_make(family.children.get(), canteen, date(2026, 9, 3), present=True)
    run = BillingRun.objects.create(regie=regie, month=date(2026, 9, 1))
    run = services.billing_run_execute(run_id=run.pk)
    assert (run.status, run.invoices_count, run.families_done) == ("terminee", 10, 10)
    assert modes == [True]
    invoices = Invoice.objects.filter(month=date(2026, 9, 1))
    assert sorted(invoices.values_list("family_id", flat=True)) == sorted(f.pk for f in families)
    assert sorted(invoices.values_list("sequence", flat=True)) == list(range(1, 11))
    assert all(invoice.lines.count() == 1 for invoice in invoices)

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(runs, "_issue_chunk", broken)
    october = BillingRun.objects.create(regie=regie, month=date(2026, 10, 1))
    booking_make(families[0].children.get(), canteen, date(2026, 10, 1), present=True)
    october = services.billing_run_execute(run_id=october.pk)
    assert october.status == "echec" and "disque plein" in october.error
    assert not Invoice.objects.filter(month=date(2026, 10, 1)).exists()


def test_a_writer_failing_after_its_numbers_gives_them_back(canteen, grids, regie, monkeypatch):
    """The second thread's chunk fails after its numbers were reserved and its rows sent:
    its transaction gives the numbers back, the next run bills the rest from there."""
    from espace_citoyen.billing.tests.test_chunks import run_failing_in_its_second_chunk

    run_failing_in_its_second_chunk(canteen, regie, agent_create(Role.REGIE), monkeypatch)
