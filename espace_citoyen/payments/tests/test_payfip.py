"""PayFiP (eopayment's payfip_ws), the DGFiP's web service mocked as the outside it is:
the idop asked with our reference as refdet, the notification verified by asking PayFiP
itself, and pending payments asked again later by the sweep."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from eopayment.payfip_ws import PayFiP, PayFiPError

from espace_citoyen.billing.models import InvoiceStatus, Payment
from espace_citoyen.payments import checks, services
from espace_citoyen.payments.models import EventKind, PaymentTransaction, TransactionStatus

pytestmark = pytest.mark.django_db


class Reply(dict):
    """What zeep gives back: attributes and keys."""

    __getattr__ = dict.get


@pytest.fixture
def payfip(settings, monkeypatch):
    settings.PAYMENT_BACKEND = "payfip_ws"
    settings.PAYFIP_NUMCLI = "123456"
    settings.PAYFIP_SAISIE = "T"
    bank = {"requests": [], "answer": None}

    def get_idop(self, **kwargs):
        bank["requests"].append(kwargs)
        return "IDOP42"

    def get_info_paiement(self, idop, timeout=None):
        answer = bank["answer"]
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(PayFiP, "get_idop", get_idop)
    monkeypatch.setattr(PayFiP, "get_info_paiement", get_info_paiement)
    return bank


def _reply(tx, *, resultrans="P", montant="2052", refdet=None):
    return Reply(
        numcli="123456",
        exer="2026",
        refdet=refdet or tx.reference,
        objet="",
        montant=montant,
        mel=tx.email,
        saisie="T",
        resultrans=resultrans,
        numauto="112233",
        dattrans="10122026",
        heurtrans="1001",
        idOp="IDOP42",
    )


def _start(citizen_client, invoices):
    response = citizen_client.post(
        "/paiement-en-ligne/payer/", {"invoice": [i.pk for i in invoices]}
    )
    assert response.status_code == 302
    return response["Location"], PaymentTransaction.objects.latest("id")


def _notify(tx):
    return Client().post(
        f"/paiement-en-ligne/{tx.reference}/notification/",
        urlencode({"idOp": "IDOP42"}),
        content_type="application/x-www-form-urlencoded",
    )


def test_payfip_is_asked_with_our_reference_and_the_amount_in_cents(
    citizen_client, invoices, payfip
):
    location, tx = _start(citizen_client, invoices)
    assert location == "https://www.payfip.gouv.fr/tpa/paiementws.web?idop=IDOP42"
    [asked] = payfip["requests"]
    assert asked["numcli"] == "123456" and asked["saisie"] == "T"
    assert asked["refdet"] == tx.reference and asked["montant"] == "2052"
    assert asked["mel"] == "camille.martin@example.org"
    assert asked["url_notification"].endswith(f"/paiement-en-ligne/{tx.reference}/notification/")
    assert tx.backend_id == "IDOP42"


def test_a_payfip_notification_is_verified_with_payfip_itself(citizen_client, invoices, payfip):
    _location, tx = _start(citizen_client, invoices)
    payfip["answer"] = _reply(tx)
    assert _notify(tx).status_code == 200
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PAID
    assert tx.bank_data["resultrans"] == "P" and tx.bank_data["numauto"] == "112233"
    assert Payment.objects.get().amount == Decimal("20.52")
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PAID


@pytest.mark.parametrize(
    "change", [{"montant": "2000"}, {"refdet": "EC20260101AAAAAAAAAA"}], ids=["amount", "refdet"]
)
def test_payfip_saying_another_amount_or_reference_pays_nothing(
    citizen_client, invoices, payfip, change
):
    _location, tx = _start(citizen_client, invoices)
    payfip["answer"] = _reply(tx, **change)
    assert _notify(tx).status_code == 400
    assert not Payment.objects.exists()


def test_payfip_refused_and_abandoned(citizen_client, invoices, payfip):
    _location, tx = _start(citizen_client, invoices[:1])
    payfip["answer"] = _reply(tx, resultrans="R", montant="912")
    assert _notify(tx).status_code == 200
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.REFUSED


def test_the_return_asks_payfip_when_the_notification_is_late(citizen_client, invoices, payfip):
    """The browser is back before the notification: the return page asks PayFiP (its own
    verification), which says paid: the invoices are paid."""
    _location, tx = _start(citizen_client, invoices)
    payfip["answer"] = _reply(tx)
    page = citizen_client.get(f"/paiement-en-ligne/{tx.reference}/retour/")
    assert "Paiement confirmé" in page.content.decode()
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PAID and tx.checks == 1


def test_the_sweep_asks_again_then_closes_what_never_came(citizen_client, invoices, payfip, _now):
    _location, tx = _start(citizen_client, invoices)
    payfip["answer"] = PayFiPError("P5", "transaction en cours")
    assert services.transactions_check_pending() == {"checked": 0, "expired": 0}  # too early
    _now.shift(timedelta(minutes=30))
    assert services.transactions_check_pending() == {"checked": 1, "expired": 0}
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PENDING and tx.checks == 1
    _now.shift(timedelta(days=3))
    payfip["answer"] = PayFiPError("P1", "idop inconnu")
    assert services.transactions_check_pending() == {"checked": 1, "expired": 0}
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.ABANDONED  # PayFiP: expired, never paid
    assert tx.events.filter(kind=EventKind.CHECKED, status_after="abandonnee").exists()
    assert not tx.events.filter(kind=EventKind.REJECTED).exists()
    assert not Payment.objects.exists()


def test_the_sweep_pays_what_payfip_confirms(citizen_client, invoices, payfip, _now):
    _location, tx = _start(citizen_client, invoices)
    _now.shift(timedelta(minutes=25))
    payfip["answer"] = _reply(tx)
    services.transactions_check_pending()
    tx.refresh_from_db()
    assert tx.status == TransactionStatus.PAID


def test_payfip_unreachable_at_the_start_is_said_politely(
    citizen_client, invoices, payfip, monkeypatch
):
    def down(self, **kwargs):
        raise PayFiPError("HTTP error", "timeout")

    monkeypatch.setattr(PayFiP, "get_idop", down)
    response = citizen_client.post("/paiement-en-ligne/payer/", {"invoice": [invoices[0].pk]})
    assert response.status_code == 302 and response["Location"] == "/carte-famille/factures/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Le service de paiement ne répond pas pour le moment. Aucun montant n'a été débité ; "
        "réessayez dans quelques minutes."
    ]
    assert PaymentTransaction.objects.get().status == TransactionStatus.ERROR


def test_a_second_payfip_payment_of_the_same_invoice_waits_twenty_minutes(
    citizen_client, invoices, payfip, _now
):
    """PayFiP's payment page lives 20 minutes: no second payment of the same invoice
    meanwhile, so a family never pays twice by going back and paying again."""
    _start(citizen_client, invoices[:1])
    _now.shift(timedelta(minutes=5))
    response = citizen_client.post(
        "/paiement-en-ligne/payer/", {"invoice": [i.pk for i in invoices]}
    )
    assert response["Location"] == "/carte-famille/factures/"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1].startswith(
        f"Un paiement en ligne de la facture {invoices[0].number} a commencé il y a moins de "
        "20 minutes et attend la réponse de la banque."
    )
    assert PaymentTransaction.objects.count() == 1
    _start(citizen_client, invoices[1:])  # another invoice: free to pay
    _now.shift(timedelta(minutes=16))
    _start(citizen_client, invoices[:1])
    assert PaymentTransaction.objects.count() == 3


@pytest.mark.parametrize(
    ("numcli", "saisie", "expected"),
    [
        ("123456", "W", []),
        ("", "T", ["payments.E002"]),
        ("12345", "T", ["payments.E002"]),
        ("12345a", "T", ["payments.E002"]),
        ("123456", "P", ["payments.E004"]),
    ],
)
def test_a_wrong_payfip_setting_stops_the_site_before_any_payment(
    settings, numcli, saisie, expected
):
    """PayFiP's client number has 6 digits and `saisie` is T, X or W: anything else is said
    by a system check, not found out at a family's first payment."""
    settings.PAYMENT_BACKEND = "payfip_ws"
    settings.PAYFIP_NUMCLI = numcli
    settings.PAYFIP_SAISIE = saisie
    assert [error.id for error in checks.payment_backend_is_usable(None)] == expected
