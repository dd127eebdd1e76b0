"""What the payment services share: the addresses given to the bank, the backend of a
transaction, its timeline and the logger of refused notifications."""

import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from espace_citoyen.payments import backends
from espace_citoyen.payments.models import (
    PaymentTransaction,
    TransactionEvent,
)

logger = logging.getLogger("espace_citoyen.payments")


def return_url(reference: str) -> str:
    return settings.SITE_URL + reverse("payments:return", args=[reference])


def notification_url(reference: str) -> str:
    return settings.SITE_URL + reverse("payments:notification", args=[reference])


def backend_for(tx: PaymentTransaction) -> backends.Payment:
    return backends.backend_get(
        tx.backend,
        return_url=return_url(tx.reference),
        notification_url=notification_url(tx.reference),
    )


def event_record(tx, kind, *, before="", after="", detail="", actor=None) -> None:
    """A line of the transaction's timeline (actor None: the bank or the portal itself)."""
    TransactionEvent.objects.create(
        transaction=tx,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        status_before=before,
        status_after=after,
        detail=detail[:500],
    )


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def jsonable(data) -> dict:
    value = json.loads(json.dumps(data or {}, cls=_Encoder))
    return value if isinstance(value, dict) else {"data": value}
