"""How a billing run writes: thousands of invoices and hundreds of thousands of lines.
PostgreSQL's COPY (the invoices' ids taken from their sequence first, for the lines to
point at them), Django's bulk_create elsewhere. Rows come as plain values, not model
instances: building those costs more than writing them."""

import json

from django.db import connection
from django.utils import timezone

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


def _copy(model, columns, rows) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        names = ", ".join(columns)
        with cursor.connection.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def invoices_insert(rows: list[dict]) -> list[int]:
    """Insert invoices given as {column: value}; their ids, in the same order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        invoices = Invoice.objects.bulk_create([Invoice(**row) for row in rows])
        return [invoice.pk for invoice in invoices]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Invoice._meta.db_table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    columns = ("id", "created_at", *INVOICE_DEFAULTS, *rows[0])
    defaults = tuple(INVOICE_DEFAULTS.values())
    _copy(
        Invoice,
        columns,
        ((pk, now, *defaults, *row.values()) for pk, row in zip(ids, rows, strict=True)),
    )
    return ids


def lines_insert(lines: list[tuple]) -> None:
    """Insert invoice lines given as tuples of LINE_COLUMNS."""
    if connection.vendor != "postgresql":
        InvoiceLine.objects.bulk_create(
            [InvoiceLine(**dict(zip(LINE_COLUMNS, line, strict=True))) for line in lines],
            batch_size=2000,
        )
        return
    _copy(
        InvoiceLine,
        LINE_COLUMNS,
        ((*line[:7], json.dumps(line[7]), *line[8:]) for line in lines),
    )
