"""System checks of online payment: a backend the portal can verify, and never the
simulated bank on a production site."""

from django.conf import settings
from django.core.checks import Error, register

from espace_citoyen.payments import backends, simulated

# PayFiP's `saisie`: test, activation, production (eopayment refuses any other).
PAYFIP_SAISIE_VALUES = ("T", "X", "W")


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
    if kind == backends.PAYFIP:
        options = backends.backend_options(kind, return_url="", notification_url="")
        numcli = str(options.get("numcli") or "")
        if not (len(numcli) == 6 and numcli.isascii() and numcli.isdigit()):
            errors.append(
                Error(
                    f"PayFiP needs the régie's 6-digit client number, not {numcli!r}.",
                    hint="Set PAYFIP_NUMCLI (6 digits, given by the DGFiP).",
                    id="payments.E002",
                )
            )
        if options.get("saisie") not in PAYFIP_SAISIE_VALUES:
            errors.append(
                Error(
                    f"PAYFIP_SAISIE={options.get('saisie')!r} is not one of T, X or W.",
                    hint="T to test, X to activate, W in production.",
                    id="payments.E004",
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
