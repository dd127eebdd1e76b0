"""The simulated bank: an eopayment-compatible backend whose payment pages are served by
the project itself (`payments.bank_views`), so the demo and the tests go through the real
redirect, the signed server-to-server notification and the return, without any network.

It speaks like a real operator: the portal's request is signed (HMAC-SHA256 with
SIMULATED_BANK_KEY), the bank's notification is signed with the same key, and the portal
trusts nothing that does not verify. It works only where SIMULATED_BANK_ALLOWED (DEBUG,
or the tests) is on, never in production."""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

from eopayment.common import (
    CANCELLED,
    DENIED,
    ERROR,
    PAID,
    URL,
    PaymentCommon,
    PaymentResponse,
    ResponseError,
    force_text,
)

KIND = "simulated"
SIGNATURE = "signature"
# What a signature is for: the portal's request or the bank's answer. Each is signed for
# its purpose only, so a request (which the family sees in the bank page's address) can
# never pass for a notification.
REQUEST = "request"
ANSWER = "answer"
# The bank's answers, as its notification says them, and what eopayment calls them.
RESULTS = {"paid": PAID, "refused": DENIED, "abandoned": CANCELLED}


def sign(key: str, fields: Mapping[str, str], purpose: str = ANSWER) -> str:
    """HMAC-SHA256 of the purpose and the fields, sorted and URL-encoded (the signature
    left out): no value can pass for another field, nor a request for an answer."""
    message = f"{purpose}\n" + urlencode(
        sorted((name, value) for name, value in fields.items() if name != SIGNATURE)
    )
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def is_signed(key: str, fields: Mapping[str, str], purpose: str = ANSWER) -> bool:
    """True when the fields carry a valid signature made with `key` for `purpose`."""
    given = fields.get(SIGNATURE, "")
    return bool(key) and bool(given) and hmac.compare_digest(given, sign(key, fields, purpose))


def single_values(query_string: str | bytes) -> dict[str, str]:
    """`a=1&b=2` -> {"a": "1", "b": "2"} (the last value of a repeated name)."""
    parsed = parse_qs(force_text(query_string), keep_blank_values=True)
    return {name: values[-1] for name, values in parsed.items()}


class Payment(PaymentCommon):
    """The simulated bank, behind eopayment's interface (request / response)."""

    description = {
        "caption": "Banque simulée (démonstration et tests, jamais en production)",
        "parameters": [
            {"name": "service_url", "caption": "Adresse des pages de la banque", "required": True},
            {"name": "secret", "caption": "Clé HMAC partagée avec la banque", "required": True},
            {"name": "normal_return_url", "caption": "Retour du navigateur", "required": True},
            {
                "name": "automatic_return_url",
                "caption": "Notification de serveur à serveur",
                "required": True,
            },
            {"name": "origin", "caption": "Nom du marchand", "default": "Espace Citoyen"},
        ],
    }
    has_free_transaction_id = True

    def request(
        self,
        amount,
        email=None,
        orderid=None,
        transaction_id=None,
        subject=None,
        **kwargs,
    ):
        """The bank's payment page for `amount` (euros), as a signed URL."""
        cents = self.clean_amount(amount, min_amount=0)
        transaction_id = transaction_id or orderid or secrets.token_hex(12)
        fields = {
            "transaction_id": transaction_id,
            "amount": str(int(cents)),
            "origin": self.origin or "",
            "subject": subject or "",
            "email": email or "",
            "return_url": self.normal_return_url,
            "notification_url": self.automatic_return_url,
        }
        fields[SIGNATURE] = sign(self.secret, fields, REQUEST)
        return transaction_id, URL, f"{self.service_url}?{urlencode(fields)}"

    def response(self, query_string, **kwargs):
        """Read the bank's notification (or the browser's return): signed or not."""
        fields = single_values(query_string)
        if not fields.get("transaction_id"):
            raise ResponseError("missing transaction_id")
        signed = is_signed(self.secret, fields)
        return PaymentResponse(
            result=RESULTS.get(fields.get("result", ""), ERROR),
            signed=signed,
            bank_data=fields,
            return_content="OK" if signed else None,
            bank_status=fields.get("result", ""),
            order_id=fields["transaction_id"],
            transaction_id=fields.get("bank_reference", ""),
            test=True,
        )
