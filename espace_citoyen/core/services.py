"""The socle's writes: numbered sequences.

Two kinds of numbers: `counter_next` is gapless (one row per sequence, incremented under
its row lock until the caller commits: what the law wants for invoices); `sequence_next`
is only unique (a PostgreSQL sequence: no lock, so callers never wait for each other's
transaction; a rolled-back caller leaves a gap). Use the second wherever a gap is fine
(démarche references); its sequence is created by a migration (`core.db.sequence_create`)."""

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from espace_citoyen.core.db import sequence_table
from espace_citoyen.core.models import Counter


@transaction.atomic
def counter_next(*, name: str, year: int = 0) -> int:
    """The next number of the sequence (name, year): 1, 2, 3… unique and gapless.

    The increment is one UPDATE under the row lock, so concurrent callers queue up; it
    belongs to the caller's transaction, so a rolled-back caller gives its number back."""
    updated = Counter.objects.filter(name=name, year=year).update(value=F("value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                Counter.objects.create(name=name, year=year, value=1)
                return 1
        except IntegrityError:
            Counter.objects.filter(name=name, year=year).update(value=F("value") + 1)
    return Counter.objects.get(name=name, year=year).value


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
