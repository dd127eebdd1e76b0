"""The régie's view of online payments, and « Payer en ligne » on the family's pages."""

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import visible_text
from espace_citoyen.payments.models import PaymentTransaction
from espace_citoyen.payments.tests.conftest import bank_answer, start

pytestmark = pytest.mark.django_db


def test_the_invoice_pages_offer_to_pay_online(citizen_client, invoices):
    text = visible_text(citizen_client.get("/carte-famille/factures/"))
    assert "Payer en ligne" in text
    assert "Choisissez les factures à régler" in text
    page = citizen_client.get(f"/carte-famille/factures/{invoices[0].pk}/")
    assert "Payer en ligne" in visible_text(page)


def test_the_regie_sees_each_transaction_and_its_timeline(
    citizen_client, invoices, bank_server, agent_client, django_assert_max_num_queries
):
    bank_answer(citizen_client, start(citizen_client, invoices[:1]), "refuser")
    start(citizen_client, invoices[1:])  # left on the bank's page: pending
    bank_answer(citizen_client, start(citizen_client, invoices), "payer")
    client = agent_client(Role.REGIE)
    with django_assert_max_num_queries(12):
        text = visible_text(client.get("/backoffice/paiements-en-ligne/"))
    assert "3 paiements en ligne" in text
    assert "Payée (1)" in text and "En attente de la banque (1)" in text
    assert "Refusée par la banque (1)" in text
    paid = PaymentTransaction.objects.get(status="payee")
    assert f"{invoices[0].number}, {invoices[1].number}" in text
    detail = visible_text(client.get(f"/backoffice/paiements-en-ligne/{paid.reference}/"))
    assert "Paiement commencé" in detail and "Notification de la banque" in detail
    assert "En attente de la banque → Payée" in detail
    assert "Paiement enregistré 20,52 €" in detail
    filtered = visible_text(client.get("/backoffice/paiements-en-ligne/?etat=refusee"))
    assert "1 paiement en ligne" in filtered


def test_only_the_regie_sees_online_payments(agent_client):
    assert agent_client(Role.GUICHET).get("/backoffice/paiements-en-ligne/").status_code == 403
