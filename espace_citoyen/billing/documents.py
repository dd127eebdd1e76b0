"""The invoice as a PDF (WeasyPrint through core.pdf), with its legal mentions. Built on
demand from the issued invoice's snapshot, never inside a run's transaction."""

from django.utils import timezone

from espace_citoyen.billing import rules, selectors
from espace_citoyen.billing.models import Invoice
from espace_citoyen.core.dates import month_name
from espace_citoyen.core.pdf import render_pdf


def invoice_context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "regie": invoice.regie,
        "month_label": f"{month_name(invoice.month.month)} {invoice.month.year}",
        "children": selectors.lines_by_child(invoice),
        "received": selectors.payments_received(invoice),
        "credit_notes": list(invoice.credit_notes.all()),
        "today": timezone.localdate(),
    }


def invoice_pdf(invoice: Invoice) -> bytes:
    return render_pdf("billing/pdf/invoice.html", invoice_context(invoice))


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


__all__ = ["invoice_context", "invoice_filename", "invoice_pdf", "rules"]
