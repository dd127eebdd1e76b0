"""« Payer en ligne » through the simulated bank, with the test client: the real redirect,
the bank's page, its signed notification to the portal, then the return page."""

from decimal import Decimal

import pytest
from django.test import Client

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.billing.models import InvoiceStatus, Payment, PaymentMethod
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.families.factories import family_create
from espace_citoyen.payments import backends, bank_views, checks, simulated
from espace_citoyen.payments.models import PaymentTransaction, TransactionStatus
from espace_citoyen.payments.tests.conftest import bank_answer, query, start

pytestmark = pytest.mark.django_db


def _statuses(invoices):
    for invoice in invoices:
        invoice.refresh_from_db()
    return [invoice.status for invoice in invoices]


def test_two_invoices_paid_through_the_bank_are_paid(citizen_client, invoices, bank_server):
    """The family pays both invoices at once: one transaction, one ledger entry, both paid."""
    assert [invoice.amount_due for invoice in invoices] == [Decimal("9.12"), Decimal("11.40")]
    bank_url = start(citizen_client, invoices)
    assert bank_url.startswith("http://127.0.0.1:8000/paiement-en-ligne/banque-simulee/?")
    assert query(bank_url)["amount"] == "2052"  # computed on the server: 9,12 + 11,40
    assert "Paiement de 20,52\u00a0€" in page_text(citizen_client.get(bank_url))

    back = bank_answer(citizen_client, bank_url, "payer")
    [(status, answer)] = bank_server
    assert status == 200 and answer["result"] == "paid"
    page = citizen_client.get(back["Location"])
    text = visible_text(page)
    assert "Paiement confirmé" in text
    assert "La banque a confirmé votre paiement de 20,52 €" in text
    for invoice in invoices:
        assert invoice.number in text
    assert _statuses(invoices) == [InvoiceStatus.PAID, InvoiceStatus.PAID]
    tx = PaymentTransaction.objects.get()
    assert tx.status == TransactionStatus.PAID
    assert tx.bank_data["result"] == "paid"  # the raw verified notification is kept
    [payment] = Payment.objects.filter(method=PaymentMethod.ONLINE)
    assert (payment.amount, payment.reference) == (Decimal("20.52"), tx.reference)
    assert tx.payment == payment


@pytest.mark.parametrize(
    ("action", "title", "message"),
    [
        ("refuser", "Paiement refusé", "La banque a refusé le paiement de 9,12 €"),
        ("abandonner", "Paiement abandonné", "Le paiement de 9,12 € a été abandonné"),
    ],
)
def test_refused_or_abandoned_leaves_the_invoice_unpaid(
    citizen_client, invoices, bank_server, action, title, message
):
    bank_url = start(citizen_client, invoices[:1])
    back = bank_answer(citizen_client, bank_url, action)
    text = visible_text(citizen_client.get(back["Location"]))
    assert title in text and message in text
    assert "vos factures restent à régler" in text
    assert _statuses(invoices) == [InvoiceStatus.UNPAID, InvoiceStatus.UNPAID]
    assert not Payment.objects.exists()


def test_the_return_alone_never_pays(citizen_client, invoices, monkeypatch):
    """The bank's notification lost: the return (even saying « paid ») pays nothing and
    the page says the payment waits for the bank's confirmation."""
    monkeypatch.setattr(bank_views, "notification_send", lambda url, fields: None)
    bank_url = start(citizen_client, invoices)
    back = bank_answer(citizen_client, bank_url, "payer")
    assert "result=paid" in back["Location"]
    text = visible_text(citizen_client.get(back["Location"]))
    assert "Paiement en attente de confirmation" in text
    assert "attend la confirmation de la banque" in text
    assert _statuses(invoices) == [InvoiceStatus.UNPAID, InvoiceStatus.UNPAID]
    # A browser posting back to the return address is sent to the page, nothing more.
    tx = PaymentTransaction.objects.get()
    posted = citizen_client.post(back["Location"].split("?")[0], query(back["Location"]))
    assert posted.status_code == 303
    assert PaymentTransaction.objects.get().status == TransactionStatus.PENDING
    assert tx.status == TransactionStatus.PENDING and not Payment.objects.exists()


def test_a_family_cannot_pay_another_family_s_invoice(citizen_client, invoices, other_invoice):
    """An invoice of another family in the form: refused with a message, nothing started."""
    response = citizen_client.post(
        "/paiement-en-ligne/payer/", {"invoice": [invoices[0].pk, other_invoice.pk]}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == "/carte-famille/factures/"
    assert not PaymentTransaction.objects.exists()
    response = citizen_client.post("/paiement-en-ligne/payer/", {"invoice": [other_invoice.pk]})
    assert not PaymentTransaction.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1:] == [
        "Une des factures choisies n'est plus à régler ou n'est pas celle de votre famille. "
        "Vérifiez votre choix."
    ]


def test_a_family_cannot_see_another_family_s_payment(
    citizen_client, other_client, invoices, other_invoice, bank_server
):
    """The return page of a transaction answers 404 to anyone but its family."""
    bank_url = start(citizen_client, invoices[:1])
    reference = query(bank_url)["transaction_id"]
    stranger = UserFactory(email="dominique.roux@example.org")
    family_create(user=stranger, children=1)
    other_client.force_login(stranger)
    assert other_client.get(f"/paiement-en-ligne/{reference}/retour/").status_code == 404
    other_client.force_login(UserFactory())  # an account without a family card
    assert other_client.get(f"/paiement-en-ligne/{reference}/retour/").status_code == 404


def test_nothing_ticked_says_so(citizen_client, invoices):
    response = citizen_client.post("/paiement-en-ligne/payer/", {})
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Choisissez au moins une facture à régler."]


def test_the_amount_is_what_is_left_to_pay(citizen_client, invoices, clerk):
    """After a partial payment at the desk, online payment asks only for the rest."""
    from espace_citoyen.billing import services as billing_services

    billing_services.payment_record(
        family=invoices[0].family,
        invoices=[invoices[0]],
        amount=Decimal("5.00"),
        method=PaymentMethod.CASH,
        actor=clerk,
    )
    bank_url = start(citizen_client, invoices[:1])
    assert query(bank_url)["amount"] == "412"
    assert PaymentTransaction.objects.get().amount == Decimal("4.12")


def test_online_payment_off_says_to_pay_at_the_desk(citizen_client, invoices, settings):
    settings.PAYMENT_BACKEND = ""
    response = citizen_client.post("/paiement-en-ligne/payer/", {"invoice": [invoices[0].pk]})
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Le paiement en ligne n'est pas disponible pour le moment" in messages[0]


def test_the_return_page_costs_the_same_for_one_invoice_or_several(
    citizen_client, invoices, bank_server, django_assert_max_num_queries
):
    """A constant number of queries, whatever the number of invoices paid at once."""
    counts = []
    for chosen in (invoices[:1], invoices[1:], invoices):
        back = bank_answer(citizen_client, start(citizen_client, chosen), "refuser")
        with django_assert_max_num_queries(10) as captured:
            citizen_client.get(back["Location"])
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_the_simulated_bank_is_closed_without_debug(
    citizen_client, invoices, settings, bank_server
):
    """PAYMENT_BACKEND=simulated on a site without DEBUG: nothing is paid through it, the
    parent is told to pay at the desk, and the system check says why."""
    bank_url = start(citizen_client, invoices)
    settings.SIMULATED_BANK_ALLOWED = False
    assert citizen_client.get(bank_url).status_code == 404
    answer = {"transaction_id": PaymentTransaction.objects.get().reference, "amount": "2052"}
    answer["result"] = "paid"
    answer["signature"] = simulated.sign(backends.simulated_bank_key(), answer)
    notified = Client().post(f"/paiement-en-ligne/{answer['transaction_id']}/notification/", answer)
    assert notified.status_code == 400
    assert _statuses(invoices) == [InvoiceStatus.UNPAID] * 2
    response = citizen_client.post(
        "/paiement-en-ligne/payer/", {"invoice": [invoices[0].pk]}, follow=True
    )
    assert "Le paiement en ligne n'est pas disponible pour le moment" in page_text(response)
    assert PaymentTransaction.objects.count() == 1
    assert [error.id for error in checks.no_simulated_bank_in_production(None)] == ["payments.E003"]
    assert checks.payment_backend_is_usable(None) == []


def test_the_pay_address_opened_again_leads_to_the_invoices(citizen_client, invoices):
    """Pressing « Payer en ligne » after the session ended goes through the login page,
    which comes back with a GET: the parent lands on the invoices, not on an error."""
    response = Client().post("/paiement-en-ligne/payer/", {"invoice": [invoices[0].pk]})
    assert response.status_code == 302 and "/paiement-en-ligne/payer/" in response["Location"]
    page = citizen_client.get("/paiement-en-ligne/payer/", follow=True)
    assert page.status_code == 200
    assert "Consulter et régler vos factures" in page_text(page)
    assert not PaymentTransaction.objects.exists()
