"""Database helpers for writes that may meet a concurrent one."""

from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError

T = TypeVar("T")

# PostgreSQL aborts one of two transactions that wait on each other (deadlock) or that
# cannot be serialised; the other goes through, and the aborted one can simply run again.
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def is_retryable(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


def retry_on_conflict(operation: Callable[[], T], *, attempts: int = 3) -> T:
    """Run `operation` (one whole transaction) again when the database aborted it because
    of a concurrent one. Call it outside any transaction."""
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except OperationalError as error:
            if not is_retryable(error) or attempt == attempts:
                raise
    raise AssertionError("unreachable")
