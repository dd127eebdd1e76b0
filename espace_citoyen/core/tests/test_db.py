import pytest
from django.db import OperationalError

from espace_citoyen.core.db import retry_on_conflict


class _Deadlock(Exception):
    sqlstate = "40P01"


def _aborted() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _Deadlock()
    return error


def test_a_transaction_aborted_by_a_deadlock_runs_again():
    calls = []

    def operation():
        calls.append(1)
        if len(calls) < 3:
            raise _aborted()
        return "fait"

    assert retry_on_conflict(operation) == "fait"
    assert len(calls) == 3


def test_other_database_errors_are_not_retried():
    calls = []

    def operation():
        calls.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        retry_on_conflict(operation)
    assert len(calls) == 1
