"""Database helpers for writes that may meet a concurrent one."""

import re
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, migrations
from django.db.models import Max
from django.utils import timezone

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


SEQUENCE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


def sequence_table(name: str) -> str:
    """The PostgreSQL sequence behind `core.services.sequence_next(name=…)`."""
    if not SEQUENCE_NAME.match(name):
        raise ValueError(f"invalid sequence name: {name!r}")
    return f"core_seq_{name}"


def sequence_create(name: str) -> migrations.RunPython:
    """The migration operation creating the PostgreSQL sequence of
    `core.services.sequence_next(name=name)`, starting after every number the gapless
    counter of the same name gave (any year), so new numbers never meet old ones."""
    sequence = sequence_table(name)

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        counter = apps.get_model("core", "Counter")
        last = counter.objects.filter(name=name).aggregate(last=Max("value"))["last"] or 0
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence} START WITH {last + 1}")

    def backward(apps, schema_editor):
        """Back to the gapless counter: it resumes after the last number the sequence
        gave, so the numbers issued meanwhile are never given again."""
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [sequence])
            if cursor.fetchone()[0] is not None:
                # The name is an identifier checked by sequence_table.
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
                last_value, is_called = cursor.fetchone()
                last = last_value if is_called else last_value - 1
                counter = apps.get_model("core", "Counter")
                counter.objects.get_or_create(name=name, year=timezone.localdate().year)
                counter.objects.filter(name=name, value__lt=last).update(value=last)
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {sequence}")

    return migrations.RunPython(forward, backward, elidable=False)
