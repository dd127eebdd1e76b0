"""Payment backends behind eopayment's interface: eopayment's own by their name (PayFiP
`payfip_ws` in production), plus the project's, registered here (the simulated bank).

Which backend runs, and with which options, comes from settings only (PAYMENT_BACKEND,
PAYMENT_OPTIONS, PAYFIP_NUMCLI, PAYFIP_SAISIE, SIMULATED_BANK_KEY; docs/payments.md).

A backend is usable only if the portal knows where its verified notification gives the
amount paid: a payment is accepted only when that amount equals the transaction's."""

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import eopayment
from django.conf import settings
from django.urls import reverse

from espace_citoyen.payments import simulated

PAYFIP = eopayment.PAYFIP_WS


@dataclass(frozen=True)
class AmountField:
    """Where a backend's verified response gives the amount, and in which unit."""

    name: str
    in_cents: bool = True


# The backends the portal accepts, and where each one's notification carries the amount.
# eopayment's `tipi` (no signature, it trusts any query string), `dummy` (an outside test
# site) and the backends whose notification holds no amount are left out on purpose.
AMOUNT_FIELDS: dict[str, AmountField] = {
    simulated.KIND: AmountField("amount"),
    PAYFIP: AmountField("montant"),
    "systempayv2": AmountField("vads_amount"),
    "payzen": AmountField("vads_amount"),
    "paybox": AmountField("montant"),
    "sips2": AmountField("amount"),
    "ogone": AmountField("AMOUNT", in_cents=False),
    "mollie": AmountField("amount", in_cents=False),
}

_registered: dict[str, type] = {simulated.KIND: simulated.Payment}


def backend_register(kind: str, backend_class: type, amount: AmountField) -> None:
    """Add an eopayment-compatible backend class of our own under `kind`."""
    _registered[kind] = backend_class
    AMOUNT_FIELDS[kind] = amount


def is_supported(kind: str) -> bool:
    """A backend the portal can verify; the simulated bank only where it is allowed
    (SIMULATED_BANK_ALLOWED: DEBUG on, or the tests), never on a production site."""
    if kind == simulated.KIND and not settings.SIMULATED_BANK_ALLOWED:
        return False
    return kind in AMOUNT_FIELDS and (kind in _registered or kind in eopayment.get_backends())


def backend_class(kind: str) -> type:
    if not is_supported(kind):
        raise eopayment.BackendNotFound(kind)
    return _registered.get(kind) or eopayment.get_backend(kind)


class Payment(eopayment.Payment):
    """eopayment's Payment, resolving the backend among ours as well as eopayment's."""

    def __init__(self, kind: str, options: dict, logger=None):
        self.kind = kind
        self.backend = backend_class(kind)(options, logger=logger)


def configured_kind() -> str:
    """The backend new payments go through ("" when online payment is off)."""
    return settings.PAYMENT_BACKEND


def is_enabled() -> bool:
    return is_supported(configured_kind())


def simulated_bank_key() -> str:
    """SIMULATED_BANK_KEY, or a key derived from SECRET_KEY when it is not set."""
    if settings.SIMULATED_BANK_KEY:
        return settings.SIMULATED_BANK_KEY
    return hmac.new(
        settings.SECRET_KEY.encode(), b"espace_citoyen.payments.simulated_bank", hashlib.sha256
    ).hexdigest()


def backend_options(kind: str, *, return_url: str, notification_url: str) -> dict:
    """The options of `kind` for one payment: the settings' ones and the two addresses."""
    options = dict(settings.PAYMENT_OPTIONS)
    if kind == PAYFIP:
        options.setdefault("numcli", settings.PAYFIP_NUMCLI)
        options.setdefault("saisie", settings.PAYFIP_SAISIE)
    if kind == simulated.KIND:
        options["service_url"] = settings.SITE_URL + reverse("payments:bank")
        options["secret"] = simulated_bank_key()
    options["normal_return_url"] = return_url
    options["automatic_return_url"] = notification_url
    return options


def backend_get(kind: str, *, return_url: str = "", notification_url: str = "") -> Payment:
    return Payment(
        kind,
        backend_options(kind, return_url=return_url, notification_url=notification_url),
    )


def _single(value):
    """bank_data values come as strings, lists of strings or {"value": …} (Mollie)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("value")
    return value


def paid_amount(kind: str, bank_data: dict) -> Decimal | None:
    """The amount a verified response says was paid, in euros; None if it gives none."""
    field = AMOUNT_FIELDS.get(kind)
    if field is None or not isinstance(bank_data, dict):
        return None
    raw = _single(bank_data.get(field.name))
    if raw is None or str(raw).strip() == "":
        return None
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return amount / 100 if field.in_cents else amount


# Where a verified response repeats the portal's own reference, for a second check.
REFERENCE_FIELDS = {simulated.KIND: "transaction_id", PAYFIP: "refdet"}


def bank_reference(kind: str, bank_data: dict) -> str | None:
    """The portal's reference as the bank repeats it; None where the backend does not."""
    name = REFERENCE_FIELDS.get(kind)
    if name is None or not isinstance(bank_data, dict):
        return None
    if name not in bank_data:
        return None  # e.g. PayFiP's "expired" or "in progress", which carry no data
    value = _single(bank_data[name])
    return "" if value is None else str(value)


def to_cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())
