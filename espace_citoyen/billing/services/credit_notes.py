"""Credit notes (avoirs): an issued invoice is never edited; it is cancelled, wholly or
line by line, by a credit note with its own gapless number (« AV-2026-000001 »)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import (
    Allocation,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
)
from espace_citoyen.billing.services.events import event_record
from espace_citoyen.billing.services.numbering import invoice_number_next
from espace_citoyen.billing.services.payments import credit_apply, family_lock, invoice_refresh
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.pricing.rules import money


def credited_line_ids(invoice: Invoice) -> set[int]:
    return set(
        InvoiceLine.objects.filter(invoice__corrects=invoice).values_list(
            "corrects_line_id", flat=True
        )
    )


def _take_back_overpayment(invoice: Invoice) -> None:
    """When a credit note leaves a paid invoice overpaid, the money goes back to the
    family's credit (negative allocations on the invoice, latest payments first)."""
    excess = invoice.amount_paid - (invoice.total - invoice.amount_credited)
    if excess <= 0:
        return
    rows = (
        invoice.allocations.values("payment_id")
        .annotate(total=Sum("amount"))
        .order_by("-payment_id")
    )
    backs = []
    for row in rows:
        if excess <= 0:
            break
        part = min(excess, row["total"])
        if part > 0:
            backs.append(Allocation(payment_id=row["payment_id"], invoice=invoice, amount=-part))
            excess -= part
    Allocation.objects.bulk_create(backs)


@transaction.atomic
def credit_note_issue(
    *, invoice: Invoice, reason: str, actor=None, line_ids: Iterable[int] | None = None
) -> Invoice:
    """Cancel `invoice` (every line not yet credited) or the lines `line_ids` by a credit
    note. Money already paid beyond what remains due becomes the family's credit, and is
    applied to its other unpaid invoices. The days credited may be billed again by a
    supplementary run (after the register was corrected)."""
    family = family_lock(invoice.family)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE:
        raise ApplicationError(_("Un avoir ne se corrige pas par un autre avoir."))
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ApplicationError(_("Cette facture est déjà annulée."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Indiquez le motif de l'avoir."), field="reason")
    done = credited_line_ids(invoice)
    lines = [line for line in invoice.lines.all() if line.pk not in done]
    if line_ids is not None:
        wanted = {int(pk) for pk in line_ids}
        lines = [line for line in lines if line.pk in wanted]
        if not lines:
            raise ApplicationError(_("Choisissez au moins une ligne à annuler."), field="lines")
    if not lines:
        raise ApplicationError(_("Toutes les lignes de cette facture sont déjà annulées."))
    today = timezone.localdate()
    sequence, number = invoice_number_next(
        regie=invoice.regie, kind=InvoiceKind.CREDIT_NOTE, year=today.year
    )
    total = -rules.total_of(line.amount for line in lines)
    note = Invoice.objects.create(
        regie=invoice.regie,
        kind=InvoiceKind.CREDIT_NOTE,
        number=number,
        year=today.year,
        sequence=sequence,
        family=family,
        month=invoice.month,
        issued_on=today,
        due_on=None,
        total=total,
        status=InvoiceStatus.CREDIT_NOTE,
        corrects=invoice,
        reason=reason[:300],
        payer_name=invoice.payer_name,
        payer_address=invoice.payer_address,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=note,
                position=position,
                child_id=line.child_id,
                child_name=line.child_name,
                activity_id=line.activity_id,
                service=line.service,
                kind=line.kind if line.kind != LineKind.CORRECTION else LineKind.CORRECTION,
                days=line.days,
                quantity=-line.quantity,
                unit_price=line.unit_price,
                amount=-line.amount,
                explanation=line.explanation,
                corrects_line=line,
            )
            for position, line in enumerate(lines, start=1)
        ]
    )
    invoice.amount_credited += -total
    _take_back_overpayment(invoice)
    invoice_refresh(invoice)
    credit_apply(family=family, regie=invoice.regie)
    event_record(
        regie=invoice.regie,
        action="avoir",
        summary=_("Avoir %(note)s de %(amount)s sur la facture %(invoice)s : %(reason)s")
        % {
            "note": number,
            "amount": money(-total),
            "invoice": invoice.number,
            "reason": reason,
        },
        actor=actor,
        family=family,
        invoice=note,
        details={"invoice": invoice.number, "lines": [line.pk for line in lines]},
    )
    return note


def credit_total(invoice: Invoice) -> Decimal:
    return -(invoice.credit_notes.aggregate(total=Sum("total"))["total"] or Decimal(0))
