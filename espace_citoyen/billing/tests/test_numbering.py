"""Invoice numbers taken one at a time (credit notes) and a run's chunk reserved at once
(`invoice_numbers_reserve`: one statement on PostgreSQL once the year's counter exists):
consecutive, gapless, given back by a rollback."""

import threading

import pytest
from django.db import connection, connections, transaction

from espace_citoyen.billing.models import InvoiceKind
from espace_citoyen.billing.services.numbering import invoice_number_next, invoice_numbers_reserve
from espace_citoyen.core.models import Counter

INVOICE, CREDIT_NOTE = InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE


def _reserve(regie, count, kind=INVOICE):
    return invoice_numbers_reserve(regie=regie, kind=kind, year=2026, count=count)


@pytest.mark.django_db
def test_reserved_numbers_follow_single_numbers_without_a_gap(regie):
    """The year's first chunk, a single number, then a chunk again: 1–3, 4, 5–6."""
    assert _reserve(regie, 0) == []
    assert _reserve(regie, 3) == [
        (1, "FAC-2026-000001"),
        (2, "FAC-2026-000002"),
        (3, "FAC-2026-000003"),
    ]
    assert invoice_number_next(regie=regie, kind=INVOICE, year=2026) == (4, "FAC-2026-000004")
    assert _reserve(regie, 2) == [(5, "FAC-2026-000005"), (6, "FAC-2026-000006")]
    assert _reserve(regie, 1) == [(7, "FAC-2026-000007")]
    # Credit notes and another year count on their own.
    assert _reserve(regie, 1, CREDIT_NOTE) == [(1, "AV-2026-000001")]
    assert invoice_numbers_reserve(regie=regie, kind=INVOICE, year=2027, count=1) == [
        (1, "FAC-2027-000001")
    ]


@pytest.mark.django_db
def test_a_rolled_back_reservation_gives_its_numbers_back(regie):
    """A chunk whose transaction fails after its reservation leaves no gap."""
    assert [seq for seq, _number in _reserve(regie, 2)] == [1, 2]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert [seq for seq, _number in _reserve(regie, 5)] == [3, 4, 5, 6, 7]
        raise RuntimeError("write failed")
    assert Counter.objects.get(name=f"billing-FAC-{regie.pk}", year=2026).value == 2
    assert [seq for seq, _number in _reserve(regie, 1)] == [3]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_simultaneous_reservations_and_single_numbers_leave_no_gap(regie):
    """Chunks and single numbers taken at the same moment, the year's counter not there
    yet and some transactions rolled back: the numbers kept are 1…n, each once."""
    barrier = threading.Barrier(12)
    kept, errors = [], []

    def take(index):
        try:
            barrier.wait()
            with transaction.atomic():
                if index % 3 == 0:
                    numbers = [invoice_number_next(regie=regie, kind=INVOICE, year=2026)]
                else:
                    numbers = _reserve(regie, index)
                if index % 4 == 1:
                    transaction.set_rollback(True)
                else:
                    kept.extend(seq for seq, _number in numbers)
        except Exception as error:  # noqa: BLE001 (collected and asserted empty)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(kept) == list(range(1, len(kept) + 1))
    assert Counter.objects.get(name=f"billing-FAC-{regie.pk}", year=2026).value == len(kept)
