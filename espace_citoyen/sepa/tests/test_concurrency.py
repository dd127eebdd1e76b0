"""Two debit runs at once, with real PostgreSQL connections: each invoice goes into one
file only (the creditor's row lock serialises them; the unique invoice backs it)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from espace_citoyen.accounts.factories import agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing.factories import booking_make
from espace_citoyen.billing.models import BillingRun, Invoice
from espace_citoyen.billing.services import billing_run_execute
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.factories import family_create
from espace_citoyen.sepa import crypto, rules, services
from espace_citoyen.sepa.models import Debit, DebitFile, Mandate, MandateStatus
from espace_citoyen.sepa.tests.conftest import IBAN

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]


def test_two_runs_at_once_put_each_invoice_in_one_file(canteen, grids, creditor):
    clerk = agent_create(Role.REGIE)
    for index in range(8):
        family = family_create(children=1)
        Mandate.objects.create(
            creditor=creditor,
            family=family,
            status=MandateStatus.ACTIVE,
            rum=f"EC2026{index:06d}",
            holder="Titulaire",
            address="1 rue",
            iban_encrypted=crypto.encrypt(IBAN),
            iban_masked=rules.iban_masked(IBAN),
            signed_on=date(2026, 11, 1),
        )
        booking_make(family.children.get(), canteen, date(2026, 11, 3), present=True)
    run = BillingRun.objects.create(regie=creditor.regie, month=date(2026, 11, 1))
    billing_run_execute(run_id=run.pk)
    assert Invoice.objects.exclude(debit_on=None).count() == 8
    barrier = threading.Barrier(2)
    outcomes = []

    def generate():
        try:
            barrier.wait()
            services.debit_file_generate(
                creditor=creditor, collection_date=date(2027, 1, 15), actor=clerk
            )
            outcomes.append("file")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=generate) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes)[-1] == "file" and len(outcomes) == 2
    assert DebitFile.objects.count() == 1
    assert Debit.objects.count() == 8
    assert Debit.objects.values("invoice").distinct().count() == 8
