"""The demo: the demo parent pays one of their invoices through the simulated bank."""

from io import StringIO

from django.core.management import call_command

from espace_citoyen.accounts.models import User
from espace_citoyen.billing import selectors as billing_selectors
from espace_citoyen.billing.models import InvoiceStatus
from espace_citoyen.core.testing import visible_text
from espace_citoyen.families.selectors import family_for_user
from espace_citoyen.payments.tests.conftest import bank_answer, start


def test_the_demo_parent_pays_an_invoice_through_the_simulated_bank(client, db, bank_server):
    call_command("demo", stdout=StringIO())
    parent = User.objects.get(email="camille.martin@example.org")
    client.force_login(parent)
    assert "Payer en ligne" in visible_text(client.get("/carte-famille/factures/"))
    family = family_for_user(parent)
    first, *others = billing_selectors.invoices_payable(family)
    back = bank_answer(client, start(client, [first]), "payer")
    assert "Paiement confirmé" in visible_text(client.get(back["Location"]))
    first.refresh_from_db()
    assert first.status == InvoiceStatus.PAID
    assert billing_selectors.invoices_payable(family) == others
