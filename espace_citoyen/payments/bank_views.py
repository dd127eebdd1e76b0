"""The simulated bank's pages, served by the project for the demo and the tests: the
payment page with « Payer », « Refuser » and « Abandonner », then the signed
server-to-server notification, sent before the browser goes back to the portal.

The bank trusts only a request signed with its key, as a real operator does; these pages
exist only while the simulated bank is the configured backend."""

import logging
import secrets
from urllib.parse import urlencode

import requests
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from espace_citoyen.payments import backends, simulated

logger = logging.getLogger(__name__)

REQUEST_FIELDS = (
    "transaction_id",
    "amount",
    "origin",
    "subject",
    "email",
    "return_url",
    "notification_url",
)
ACTIONS = {"payer": "paid", "refuser": "refused", "abandonner": "abandoned"}
NOTIFICATION_TIMEOUT = 10


def notification_send(url: str, fields: dict[str, str]) -> int | None:
    """POST the notification to the portal (server to server); its HTTP status, or None."""
    try:
        response = requests.post(url, data=fields, timeout=NOTIFICATION_TIMEOUT)
    except requests.RequestException:
        logger.warning("Simulated bank: notification to %s not delivered", url, exc_info=True)
        return None
    return response.status_code


def _signed_request(data) -> dict[str, str] | None:
    fields = {name: data.get(name, "") for name in (*REQUEST_FIELDS, simulated.SIGNATURE)}
    if not simulated.is_signed(backends.simulated_bank_key(), fields, simulated.REQUEST):
        return None
    if not fields["amount"].isdigit() or not fields["transaction_id"]:
        return None
    return fields


def _euros(cents: str) -> str:
    whole, rest = divmod(int(cents), 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


@require_http_methods(["GET", "HEAD", "POST"])
def bank(request):
    """The bank's payment page; a button sends the notification, then returns the
    browser to the portal with the same signed answer."""
    if backends.configured_kind() != simulated.KIND or not backends.is_enabled():
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    fields = _signed_request(data)
    if fields is None:
        return HttpResponseBadRequest(
            render(request, "payments/bank/invalid.html").content,
        )
    if request.method == "GET":
        return render(
            request,
            "payments/bank/pay.html",
            {"fields": fields, "amount": _euros(fields["amount"])},
        )
    result = ACTIONS.get(request.POST.get("action", ""))
    if result is None:
        return HttpResponseBadRequest(render(request, "payments/bank/invalid.html").content)
    answer = {
        "transaction_id": fields["transaction_id"],
        "amount": fields["amount"],
        "result": result,
        "bank_reference": "SIM" + secrets.token_hex(6).upper() if result == "paid" else "",
        "date": timezone.now().strftime("%Y%m%dT%H%M%SZ"),
    }
    answer[simulated.SIGNATURE] = simulated.sign(backends.simulated_bank_key(), answer)
    notification_send(fields["notification_url"], answer)
    separator = "&" if "?" in fields["return_url"] else "?"
    return HttpResponseRedirect(f"{fields['return_url']}{separator}{urlencode(answer)}")
