"""How a way to pay plugs into « Consulter et régler vos factures » without editing
billing: the payments app registers an option in its AppConfig.ready(), and the list and
invoice pages show a form posting the chosen invoices' ids (`invoice`, repeated) to it."""

from dataclasses import dataclass

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
