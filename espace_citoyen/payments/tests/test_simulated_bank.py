"""The simulated bank: an eopayment backend that signs what it says, and pages that answer
only a request the portal signed."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import eopayment
import pytest

from espace_citoyen.core.testing import page_text
from espace_citoyen.payments import backends, bank_views, simulated

pytestmark = pytest.mark.django_db


def _payment():
    return backends.backend_get(
        simulated.KIND,
        return_url="http://testserver/retour/",
        notification_url="http://testserver/notification/",
    )


def _query(url: str) -> dict[str, str]:
    return {
        name: values[0]
        for name, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()
    }


def test_a_request_is_a_signed_url_to_the_project_s_bank_page(settings):
    """The payment request sends the browser to the bank page, amount in cents, signed."""
    transaction_id, kind, url = _payment().request(
        Decimal("12.30"), email="a@example.org", transaction_id="ECREF123456"
    )
    assert (transaction_id, kind) == ("ECREF123456", eopayment.URL)
    assert url.startswith(settings.SITE_URL + "/paiement-en-ligne/banque-simulee/?")
    fields = _query(url)
    assert fields["amount"] == "1230"
    assert simulated.is_signed(backends.simulated_bank_key(), fields, simulated.REQUEST)


def test_a_response_is_signed_only_with_the_bank_key():
    """A notification signed with the key verifies; changed or signed elsewhere, it does not."""
    answer = {"transaction_id": "ECREF123456", "amount": "1230", "result": "paid"}
    answer["signature"] = simulated.sign(backends.simulated_bank_key(), answer)
    response = _payment().response(bank_views.urlencode(answer))
    assert response.signed and response.result == eopayment.PAID
    assert response.order_id == "ECREF123456"
    assert backends.paid_amount(simulated.KIND, response.bank_data) == Decimal("12.30")

    tampered = {**answer, "amount": "1"}
    assert not _payment().response(bank_views.urlencode(tampered)).signed
    forged = {**answer, "signature": simulated.sign("another key", answer)}
    assert not _payment().response(bank_views.urlencode(forged)).signed
    unsigned = {key: value for key, value in answer.items() if key != "signature"}
    assert not _payment().response(bank_views.urlencode(unsigned)).signed


def test_a_request_never_passes_for_a_notification():
    """The bank page's address is signed by the portal; the family sees it. Its fields,
    or a value that hides another field, never verify as the bank's answer."""
    _id, _kind, url = _payment().request(Decimal("12.30"), transaction_id="ECREF123456")
    request = _query(url)
    assert not simulated.is_signed(backends.simulated_bank_key(), request)
    assert not _payment().response(bank_views.urlencode(request)).signed
    key = backends.simulated_bank_key()
    hidden = {"amount": "1230", "email": "a@example.org\nresult=paid"}
    assert simulated.sign(key, hidden) != simulated.sign(
        key, {"amount": "1230", "email": "a@example.org", "result": "paid"}
    )


def test_backends_without_verification_or_amount_are_refused():
    """tipi trusts any query string and dummy goes to an outside site: neither is usable."""
    assert backends.is_supported("payfip_ws")
    assert backends.is_supported(simulated.KIND)
    for kind in ("tipi", "dummy", "keyware", "nonexistent", "common"):
        assert not backends.is_supported(kind)
        with pytest.raises(eopayment.BackendNotFound):
            backends.backend_class(kind)


@pytest.mark.parametrize(
    ("kind", "bank_data", "expected"),
    [
        ("payfip_ws", {"montant": "2450"}, Decimal("24.50")),
        ("paybox", {"montant": ["2450"]}, Decimal("24.50")),
        ("ogone", {"AMOUNT": "24.5"}, Decimal("24.5")),
        ("mollie", {"amount": {"value": "24.50", "currency": "EUR"}}, Decimal("24.50")),
        ("payfip_ws", {"montant": ""}, None),
        ("payfip_ws", {"montant": "NaN"}, None),
        ("payfip_ws", {}, None),
        ("tipi", {"montant": "2450"}, None),
    ],
)
def test_the_amount_paid_is_read_where_each_backend_gives_it(kind, bank_data, expected):
    assert backends.paid_amount(kind, bank_data) == expected


def test_the_bank_page_shows_the_amount_and_three_choices(client):
    _id, _kind, url = _payment().request(Decimal("42.00"), transaction_id="ECREF42")
    response = client.get(url)
    text = page_text(response)
    assert response.status_code == 200
    assert "Paiement de 42,00\u00a0€" in text
    for label in ("Payer", "Refuser", "Abandonner"):
        assert f'name="action" value="{label.lower()}"' in text
        assert f">{label}</button>" in text


def test_the_bank_page_refuses_a_request_changed_on_the_way(client):
    """An amount changed in the address breaks the portal's signature: no payment page."""
    _id, _kind, url = _payment().request(Decimal("42.00"), transaction_id="ECREF42")
    response = client.get(url.replace("amount=4200", "amount=1"))
    assert response.status_code == 400
    assert "Demande de paiement invalide" in page_text(response)


def test_paying_notifies_the_portal_then_returns_the_browser(client, monkeypatch):
    """« Payer » posts a signed notification server to server, then redirects the browser."""
    sent = []
    monkeypatch.setattr(bank_views, "notification_send", lambda url, data: sent.append((url, data)))
    _id, _kind, url = _payment().request(Decimal("42.00"), transaction_id="ECREF42")
    fields = _query(url)
    response = client.post("/paiement-en-ligne/banque-simulee/", {**fields, "action": "payer"})
    assert response.status_code == 302
    assert response["Location"].startswith("http://testserver/retour/?")
    [(notified_url, answer)] = sent
    assert notified_url == "http://testserver/notification/"
    assert answer["result"] == "paid" and answer["amount"] == "4200"
    assert simulated.is_signed(backends.simulated_bank_key(), answer)
    assert _query(response["Location"]) == answer


def test_the_bank_is_closed_when_another_backend_is_configured(client, settings):
    settings.PAYMENT_BACKEND = "payfip_ws"
    assert client.get("/paiement-en-ligne/banque-simulee/").status_code == 404
