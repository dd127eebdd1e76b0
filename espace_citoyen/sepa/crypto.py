"""IBANs encrypted at rest with Fernet (cryptography), the key read from the environment
(SEPA_ENCRYPTION_KEY). The system check in checks.py stops the app when direct debit is
enabled without a usable key."""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

# Only for DEBUG and the tests (settings.py/settings_test.py): never in production.
DEVELOPMENT_KEY = settings.SEPA_DEVELOPMENT_KEY


def _fernet() -> Fernet:
    return Fernet(settings.SEPA_ENCRYPTION_KEY.encode())


def key_problem(key: str) -> str:
    """Why `key` cannot encrypt (empty when it can)."""
    if not key:
        return "SEPA_ENCRYPTION_KEY is not set."
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        return "SEPA_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)."
    return ""


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError("An IBAN cannot be decrypted with SEPA_ENCRYPTION_KEY.") from None
