"""System checks of online payment: a backend the portal can verify, and never the
simulated bank on a production site."""

from django.conf import settings
from django.core.checks import Error, register

from espace_citoyen.payments import backends, simulated


@register()
def payment_backend_is_usable(app_configs, **kwargs) -> list[Error]:
    kind = backends.configured_kind()
    errors = []
    if kind and kind != simulated.KIND and not backends.is_supported(kind):
        errors.append(
            Error(
                f"PAYMENT_BACKEND={kind!r} is not a backend the portal can verify.",
                hint="Use payfip_ws, simulated (demo) or one of: "
                + ", ".join(sorted(backends.AMOUNT_FIELDS)),
                id="payments.E001",
            )
        )
    if kind == backends.PAYFIP and not (
        settings.PAYMENT_OPTIONS.get("numcli") or settings.PAYFIP_NUMCLI
    ):
        errors.append(
            Error(
                "PayFiP needs the régie's client number.",
                hint="Set PAYFIP_NUMCLI (6 digits, given by the DGFiP).",
                id="payments.E002",
            )
        )
    return errors


@register()
def no_simulated_bank_in_production(app_configs, **kwargs) -> list[Error]:
    if backends.configured_kind() == simulated.KIND and not settings.SIMULATED_BANK_ALLOWED:
        return [
            Error(
                "The simulated bank accepts payments without any money: never in production.",
                hint="Set PAYMENT_BACKEND=payfip_ws (with PAYFIP_NUMCLI) or leave it empty.",
                id="payments.E003",
            )
        ]
    return []
