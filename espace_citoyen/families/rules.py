"""Pure rules of the family card: activation codes, change records, file types, ages."""

import hashlib
import hmac
import re
import secrets
from datetime import date, datetime, timedelta

from espace_citoyen.core.text import fold
from espace_citoyen.families import fields

# Crockford's base 32: no I, L, O, U, so nothing is read twice differently.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 10 symbols × 5 bits = 50 bits of randomness (≥ 40 required)
CODE_GROUPS = (4, 4, 2)  # shown as K7QM-3XPA-9D
_TYPING_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def code_generate() -> str:
    """A new activation code, as its CODE_LENGTH raw symbols."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_display(code: str) -> str:
    """K7QM3XPA9D -> K7QM-3XPA-9D, as printed on the letter."""
    parts, start = [], 0
    for size in CODE_GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(part for part in parts if part)


def code_normalise(typed: str) -> str:
    """What the parent typed, as the raw code: case, spaces, dashes and the look-alike
    letters (O for 0, I or L for 1) do not matter."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.translate(_TYPING_FIXES)


def code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def code_hash(code: str, *, key: str) -> str:
    """HMAC-SHA256 of the normalised code: stored instead of the code, and searchable."""
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()


def code_expiry(created: datetime, *, days: int) -> datetime:
    return created + timedelta(days=days)


def diff(before: dict, after: dict) -> dict[str, list]:
    """The fields whose value changed: {field: [before, after]}."""
    changes = {}
    for key in after:
        if before.get(key) != after[key]:
            changes[key] = [before.get(key), after[key]]
    return changes


# A child's health fields: only the family and the roles caring for the children see them,
# or any record of their change.
CHILD_HEALTH_FIELDS = frozenset(fields.CHILD_HEALTH_FIELDS)


def split_health(changes: dict) -> tuple[dict, dict]:
    """(the changes of other fields, the changes of health fields)."""
    health = {key: value for key, value in changes.items() if key in CHILD_HEALTH_FIELDS}
    other = {key: value for key, value in changes.items() if key not in CHILD_HEALTH_FIELDS}
    return other, health


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


MAX_CHILD_AGE = 18


def child_birth_date_problem(birth_date: date, today: date) -> str | None:
    """Why a child's birth date cannot be right, or None."""
    if birth_date > today:
        return "La date de naissance ne peut pas être dans le futur."
    if age_on(birth_date, today) >= MAX_CHILD_AGE:
        return "Cet enfant a 18 ans ou plus : la carte famille ne concerne que les enfants mineurs."
    return None


# File signatures of the accepted formats (checked on the content, not the name).
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def document_filename(*, kind_label: str, content_type: str, number: int) -> str:
    """The name a downloaded document gets: its kind and number, and the extension of its
    detected type (« certificat-medical-42.pdf »); never the name it was uploaded with,
    which may hold anything (a path, a script's name, a child's diagnosis)."""
    stem = "-".join(re.findall(r"[a-z0-9]+", fold(kind_label))) or "document"
    return f"{stem[:60]}-{number}.{EXTENSIONS.get(content_type, 'bin')}"


def family_number(sequence: int) -> str:
    return f"F-{sequence:06d}"
