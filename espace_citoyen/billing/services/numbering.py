"""Invoice and credit-note numbers: « FAC-2026-000001 », « AV-2026-000001 ».

Gapless per régie, kind and year: the number comes from the locked counter of
`core.services.counter_next` inside the caller's transaction, so a rolled-back issue
gives its number back and concurrent issues queue up on the counter's row."""

from django.db import connection
from django.db.models import F

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import InvoiceKind
from espace_citoyen.core.models import Counter
from espace_citoyen.core.services import counter_next

PREFIXES = {InvoiceKind.INVOICE: "FAC", InvoiceKind.CREDIT_NOTE: "AV"}


def invoice_number_next(*, regie, kind: str, year: int) -> tuple[int, str]:
    """(sequence, number) of the next invoice or credit note; call inside a transaction."""
    prefix = PREFIXES[kind]
    sequence = counter_next(name=f"billing-{prefix}-{regie.pk}", year=year)
    return sequence, rules.number_label(prefix, year, sequence)


def invoice_numbers_reserve(*, regie, kind: str, year: int, count: int) -> list[tuple[int, str]]:
    """`count` consecutive (sequence, number) pairs taken at once under the counter's lock
    (a billing run's chunk); call inside the transaction that uses them all."""
    if count <= 0:
        return []
    prefix = PREFIXES[kind]
    name = f"billing-{prefix}-{regie.pk}"
    last = _counter_add(name, year, count)
    if last is not None:
        first = last - count + 1
    else:  # the counter's row is not there yet (the year's first number), or not PostgreSQL
        first = counter_next(name=name, year=year)
        if count > 1:
            Counter.objects.filter(name=name, year=year).update(value=F("value") + (count - 1))
    return [(seq, rules.number_label(prefix, year, seq)) for seq in range(first, first + count)]


def _counter_add(name: str, year: int, count: int) -> int | None:
    """On PostgreSQL, the counter moved on by `count` under its row lock in one statement
    (a run's chunk: one round trip); its new value, or None when it has no row yet."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Counter._meta.db_table} SET value = value + %s "  # noqa: S608 (the model's table)
            "WHERE name = %s AND year = %s RETURNING value",
            [count, name, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None
