"""Pure helpers of the audit trail: what a row looked like, and what changed."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


def plain(value: Any) -> Any:
    """A value as the trail keeps it (JSON): dates in ISO, decimals as text, rows by name."""
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str | dict):
        return value
    return str(value)


def snapshot(instance: Any, fields: list[str]) -> dict:
    """The values of `fields` on `instance`, as the trail keeps them."""
    return {field: plain(getattr(instance, field)) for field in fields}


def diff(before: dict, after: dict) -> dict[str, list]:
    """The values that changed: {field: [before, after]}; a field present on one side
    only counts as changed from (or to) None."""
    changes = {}
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes
