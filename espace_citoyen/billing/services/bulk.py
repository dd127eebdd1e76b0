"""How a billing run writes: thousands of invoices and hundreds of thousands of lines.
PostgreSQL's COPY (the invoices' ids taken from their sequence first, for the lines to
point at them), Django's bulk_create elsewhere. Rows come as plain values, not model
instances: building those costs more than writing them.

A chunk's invoices are prepared (`invoices_prepare`: their ids taken from the sequence,
totals, each line's row as COPY text) where they are priced, so that the thread that
writes them, whose work runs one chunk after the other, only numbers and sends them. The
ids of invoices prepared but priced again under the lock are left unused: ids are not
the invoices' numbers, which stay gapless."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import Invoice, InvoiceLine

LINE_COLUMNS = (
    "invoice_id",
    "position",
    "child_id",
    "child_name",
    "activity_id",
    "service",
    "kind",
    "days",
    "quantity",
    "unit_price",
    "amount",
    "explanation",
)

# An invoice's columns a run leaves at their defaults.
INVOICE_DEFAULTS = {
    "amount_paid": 0,
    "amount_credited": 0,
    "corrects_id": None,
    "reason": "",
    "debit_on": None,
    "mandate_reference": "",
    "mailed_at": None,
    "reminded_at": None,
}


class PreparedInvoice(NamedTuple):
    pk: int | None  # taken from the sequence on PostgreSQL, given by the insert elsewhere
    family_id: int
    total: Decimal
    payer_name: str
    payer_address: str
    # Its lines: on PostgreSQL the COPY text of each ("42\t1\t…\n"), elsewhere tuples
    # of their columns after the invoice's id.
    lines: list


def copy_text(value: str) -> str:
    """A text column as COPY's text format wants it (backslash, tab, newlines escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def days_json(days: Sequence) -> str:
    """A line's days as the JSON of its column: ["2026-11-02", "2026-11-06"]."""
    return '["' + '", "'.join([day.isoformat() for day in days]) + '"]' if days else "[]"


def invoices_prepare(drafts: Iterable, service: Callable[[int], str]) -> list[PreparedInvoice]:
    """The invoices of `drafts` (engine.FamilyDraft) as rows to write: each line's
    amount computed once, the total from them, the line rows built. On PostgreSQL their
    ids are taken from the sequence here, for the lines' COPY text."""
    drafts = list(drafts)
    copy = connection.vendor == "postgresql"
    ids = _ids(len(drafts)) if copy else [None] * len(drafts)
    texts: dict[str, str] = {}  # names, services and explanations, escaped once

    def text(value: str) -> str:
        escaped = texts.get(value)
        if escaped is None:
            escaped = texts[value] = copy_text(value)
        return escaped

    prepared = []
    for pk, draft in zip(ids, drafts, strict=True):
        lines = []
        total = rules.ZERO
        for position, line in enumerate(draft.lines, start=1):
            days = line.days
            unit_price = line.unit_price
            amount = rules.cents(unit_price * len(days))
            total += amount
            child_name = draft.child_names[line.child_id]
            label = service(line.activity_id)
            explanation = line.explanation[:400]
            if copy:
                lines.append(
                    f"{pk}\t{position}\t{line.child_id}\t{text(child_name)}\t{line.activity_id}"
                    f"\t{text(label)}\t{line.kind}\t{days_json(days)}\t{len(days)}"
                    f"\t{unit_price}\t{amount}\t{text(explanation)}\n"
                )
            else:
                lines.append(
                    (
                        position,
                        line.child_id,
                        child_name,
                        line.activity_id,
                        label,
                        line.kind,
                        [day.isoformat() for day in days],
                        len(days),
                        unit_price,
                        amount,
                        explanation,
                    )
                )
        prepared.append(
            PreparedInvoice(
                pk, draft.family_id, total, draft.payer_name, draft.payer_address, lines
            )
        )
    return prepared


def _ids(count: int) -> list[int]:
    """`count` invoice ids from the table's sequence (never given back: see above)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Invoice._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _copy(model, columns: Sequence[str]) -> Iterator:
    """psycopg's COPY into the model's table, in the connection's transaction."""
    names = ", ".join(columns)
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(
            f"COPY {model._meta.db_table} ({names}) FROM STDIN"
        ) as copy,
    ):
        yield copy


def invoices_insert(rows: list[dict]) -> list[int]:
    """Insert invoices given as {column: value}, with their "id" on PostgreSQL (from
    `invoices_prepare`); their ids, in the same order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        invoices = Invoice.objects.bulk_create([Invoice(**row) for row in rows])
        return [invoice.pk for invoice in invoices]
    now = timezone.now()
    columns = ("created_at", *INVOICE_DEFAULTS, *rows[0])
    defaults = tuple(INVOICE_DEFAULTS.values())
    with _copy(Invoice, columns) as copy:
        for row in rows:
            copy.write_row((now, *defaults, *row.values()))
    return [row["id"] for row in rows]


def lines_insert(invoices: Iterable[tuple[int, PreparedInvoice]]) -> None:
    """Insert the lines of prepared invoices, given with their ids."""
    if connection.vendor != "postgresql":
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(invoice_id=pk, **dict(zip(LINE_COLUMNS[1:], line, strict=True)))
                for pk, invoice in invoices
                for line in invoice.lines
            ],
            batch_size=2000,
        )
        return
    text = "".join([line for _pk, invoice in invoices for line in invoice.lines])
    if not text:
        return
    with _copy(InvoiceLine, LINE_COLUMNS) as copy:
        copy.write(text)
