"""How a way to pay plugs into « Consulter et régler vos factures » without editing
billing: the payments app registers an option in its AppConfig.ready(), and the list and
invoice pages show a form posting the chosen invoices' ids (`invoice`, repeated) to it."""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.urls import reverse


@dataclass(frozen=True)
class PaymentOption:
    key: str
    label: str  # the button, e.g. « Payer en ligne »
    url_name: str  # a view accepting POST with `invoice` ids (CSRF-protected)
    description: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_options: dict[str, PaymentOption] = {}


def payment_option_register(option: PaymentOption) -> None:
    _options[option.key] = option


def payment_options() -> list[PaymentOption]:
    return list(_options.values())


# --- invoices just issued ---------------------------------------------------------------
# Direct debit (the sepa app) pre-notifies the invoices of families with a mandate: a hook
# gets the invoices of each chunk of a run, inside the chunk's transaction, before the
# « Votre facture est disponible » mails are rendered.

_issued_hooks: list = []


class IssuedInvoice(NamedTuple):
    """An invoice a run just issued, as its hooks see it (a run issues thousands: no
    model instances)."""

    pk: int
    family_id: int
    regie_id: int
    total: Decimal

    @property
    def amount_due(self) -> Decimal:
        return self.total  # nothing paid nor credited yet


def invoices_issued_register(hook) -> None:
    """`hook(invoices=list[IssuedInvoice])`, called in the transaction that issues them."""
    if hook not in _issued_hooks:
        _issued_hooks.append(hook)


def invoices_issued_hooks() -> list:
    return list(_issued_hooks)
