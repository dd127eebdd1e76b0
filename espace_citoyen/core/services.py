"""The socle's writes: numbered sequences.

Two kinds of numbers: `counter_next` is gapless (one row per sequence, incremented under
its row lock until the caller commits: what the law wants for invoices); `sequence_next`
is only unique (a PostgreSQL sequence: no lock, so callers never wait for each other's
transaction; a rolled-back caller leaves a gap). Use the second wherever a gap is fine
(démarche references); its sequence is created by a migration (`core.db.sequence_create`)."""

from django.db import IntegrityError, connection, transaction

from espace_citoyen.core.db import sequence_table
from espace_citoyen.core.models import Counter


def counter_next(*, name: str, year: int = 0, count: int = 1) -> int:
    """The next number of the sequence (name, year): 1, 2, 3… unique and gapless; with
    `count`, the last of the next `count` numbers, taken at once (a billing run's chunk).

    The increment is one UPDATE under the row lock (no savepoint but for the sequence's
    first number), so concurrent callers queue up; it belongs to the caller's
    transaction, so a rolled-back caller gives its numbers back."""
    value = _counter_add(name, year, count)
    if value is None:  # the sequence's first number: its row created
        try:
            with transaction.atomic():
                Counter.objects.create(name=name, year=year, value=count)
                return count
        except IntegrityError:  # created by a concurrent caller meanwhile
            value = _counter_add(name, year, count)
    return value


def _counter_add(name: str, year: int, count: int) -> int | None:
    """The counter moved on by `count` in one statement (UPDATE … RETURNING, under its
    row lock); its new value, or None when it has no row yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Counter._meta.db_table} SET value = value + %s "  # noqa: S608 (the model's table)
            "WHERE name = %s AND year = %s RETURNING value",
            [count, name, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def sequence_next(*, name: str, year: int = 0) -> int:
    """The next number of the sequence `name`: unique and increasing, not gapless.

    On PostgreSQL, `nextval` of a database sequence (see `sequence_table`; one for all
    years, so `year` only matters elsewhere): nothing is locked until commit, so the
    callers of a busy opening day never queue behind each other's transactions, and a
    rolled-back caller leaves a gap. On other databases (SQLite, which serialises writers
    anyway) it is the gapless `counter_next(name, year)`."""
    if connection.vendor != "postgresql":
        return counter_next(name=name, year=year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [sequence_table(name)])
        return cursor.fetchone()[0]
