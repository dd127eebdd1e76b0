"""System check: direct debit enabled needs a Fernet key to encrypt IBANs at rest."""

import sys

from django.conf import settings
from django.core.checks import Error, register

from espace_citoyen.sepa import crypto


@register()
def encryption_key_is_usable(app_configs, **kwargs) -> list[Error]:
    # makemigrations reads no IBAN: like SECRET_KEY, the key is not needed to write one.
    if not settings.SEPA_ENABLED or sys.argv[1:2] == ["makemigrations"]:
        return []
    problem = crypto.key_problem(settings.SEPA_ENCRYPTION_KEY)
    if not problem:
        return []
    return [
        Error(
            f"Direct debit is enabled but IBANs cannot be encrypted: {problem}",
            hint='Generate a key with `python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`, set SEPA_ENCRYPTION_KEY in the '
            "environment and keep it safe (without it the IBANs cannot be read), "
            "or set SEPA_ENABLED=false.",
            id="sepa.E001",
        )
    ]


@register(deploy=True)
def no_development_key_in_production(app_configs, **kwargs) -> list[Error]:
    if settings.SEPA_ENABLED and settings.SEPA_ENCRYPTION_KEY == crypto.DEVELOPMENT_KEY:
        return [
            Error(
                "SEPA_ENCRYPTION_KEY is the development key written in the source code.",
                hint="Set a key of your own in the environment.",
                id="sepa.E002",
            )
        ]
    return []
