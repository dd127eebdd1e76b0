"""Invoice and credit-note numbers: « FAC-2026-000001 », « AV-2026-000001 ».

Gapless per régie, kind and year: the number comes from the locked counter of
`core.services.counter_next` inside the caller's transaction, so a rolled-back issue
gives its number back and concurrent issues queue up on the counter's row."""

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import InvoiceKind
from espace_citoyen.core.services import counter_next

PREFIXES = {InvoiceKind.INVOICE: "FAC", InvoiceKind.CREDIT_NOTE: "AV"}


def invoice_number_next(*, regie, kind: str, year: int) -> tuple[int, str]:
    """(sequence, number) of the next invoice or credit note; call inside a transaction."""
    prefix = PREFIXES[kind]
    sequence = counter_next(name=f"billing-{prefix}-{regie.pk}", year=year)
    return sequence, rules.number_label(prefix, year, sequence)


def invoice_numbers_reserve(*, regie, kind: str, year: int, count: int) -> list[tuple[int, str]]:
    """`count` consecutive (sequence, number) pairs taken at once under the counter's lock
    (a billing run's chunk: one statement); call inside the transaction that uses them all."""
    if count <= 0:
        return []
    prefix = PREFIXES[kind]
    last = counter_next(name=f"billing-{prefix}-{regie.pk}", year=year, count=count)
    return [
        (seq, rules.number_label(prefix, year, seq)) for seq in range(last - count + 1, last + 1)
    ]
