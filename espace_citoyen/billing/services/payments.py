"""The payment ledger: money received (desk, online, direct debit) allocated to invoices,
what is left kept as the family's credit and applied to its next invoices.

Every function locks the family's row first, so the payments, credit notes and runs of
one family queue up and the amounts of its invoices always add up."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import (
    PAYABLE_STATUSES,
    Allocation,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentMethod,
)
from espace_citoyen.billing.services.events import event_record
from espace_citoyen.billing.services.regies import regie_default
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Family
from espace_citoyen.pricing.rules import money

MAX_PAYMENT = Decimal("100000")
IDEMPOTENT_METHODS = (PaymentMethod.ONLINE, PaymentMethod.DIRECT_DEBIT)


def family_lock(family) -> Family:
    return Family.objects.select_for_update().get(pk=family.pk)


def invoice_refresh(invoice: Invoice) -> None:
    """Recompute the invoice's paid amount and status from its allocations and credit notes."""
    paid = invoice.allocations.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    credited = -(
        Invoice.objects.filter(corrects=invoice, kind=InvoiceKind.CREDIT_NOTE).aggregate(
            total=Sum("total")
        )["total"]
        or Decimal(0)
    )
    # Debited only while a direct debit still pays it (a rejected one was reversed).
    debited = (
        invoice.allocations.filter(payment__method=PaymentMethod.DIRECT_DEBIT).aggregate(
            total=Sum("amount")
        )["total"]
        or Decimal(0)
    ) > 0
    invoice.amount_paid = paid
    invoice.amount_credited = credited
    invoice.status = rules.payable_status(
        total=invoice.total, paid=paid, credited=credited, debited=debited
    )
    invoice.save(update_fields=["amount_paid", "amount_credited", "status"])


def _allocate(payment: Payment, invoices: list[Invoice], amount: Decimal) -> Decimal:
    """Allocate up to `amount` of `payment` to `invoices` in order; returns what is left."""
    dues = [rules.Due(inv.pk, inv.amount_due) for inv in invoices if inv.amount_due > 0]
    allocations, left = rules.allocate(amount, dues)
    by_id = {inv.pk: inv for inv in invoices}
    Allocation.objects.bulk_create(
        [Allocation(payment=payment, invoice_id=pk, amount=part) for pk, part in allocations]
    )
    for pk, _part in allocations:
        invoice_refresh(by_id[pk])
    return left


def _payable(family, regie) -> list[Invoice]:
    return list(
        Invoice.objects.select_for_update()
        .filter(family=family, regie=regie, kind=InvoiceKind.INVOICE, status__in=PAYABLE_STATUSES)
        .order_by("issued_on", "id")
    )


def unallocated_payments(family, regie) -> list[tuple[Payment, Decimal]]:
    """Payments of the family with money not yet allocated (oldest first)."""
    payments = (
        Payment.objects.filter(
            family=family, regie=regie, reverses__isnull=True, reversal__isnull=True
        )
        .annotate(allocated=Sum("allocations__amount"))
        .order_by("received_on", "id")
    )
    result = []
    for payment in payments:
        left = payment.amount - (payment.allocated or Decimal(0))
        if left > 0:
            result.append((payment, left))
    return result


def credit_apply(*, family, regie=None) -> Decimal:
    """Apply the family's credit (overpayments, credit notes on paid invoices) to its
    payable invoices, oldest first. Returns the credit left. Call inside a transaction
    that holds the family's lock (the services below do)."""
    regie = regie or regie_default()
    invoices = _payable(family, regie)
    credit = Decimal(0)
    for payment, left in unallocated_payments(family, regie):
        remaining = _allocate(payment, invoices, left) if invoices else left
        credit += remaining
        if invoices:
            invoices = [inv for inv in invoices if inv.amount_due > 0]
    return credit


@transaction.atomic
def payment_record(
    *,
    family,
    invoices: Iterable[Invoice],
    amount: Decimal,
    method: str,
    reference: str = "",
    actor=None,
    received_on: date | None = None,
    note: str = "",
    regie=None,
) -> Payment:
    """Record money received from `family` and allocate it to `invoices` (oldest first),
    then to its other unpaid invoices; what is left stays as the family's credit.

    Online and direct-debit payments are recorded once per `reference`: a second call
    with the same reference returns the first payment and changes nothing."""
    regie = regie or regie_default()
    family = family_lock(family)
    if method not in PaymentMethod.values:
        raise ApplicationError(_("Mode de paiement inconnu."), field="method")
    if method in IDEMPOTENT_METHODS:
        if not reference:
            raise ApplicationError(_("Un paiement en ligne ou un prélèvement a une référence."))
        existing = Payment.objects.filter(
            regie=regie, method=method, reference=reference, reverses__isnull=True
        ).first()
        if existing is not None:
            return existing
    try:
        amount = rules.cents(Decimal(amount))
    except (ArithmeticError, TypeError, ValueError):
        raise ApplicationError(_("Indiquez un montant en euros."), field="amount") from None
    if amount <= 0:
        raise ApplicationError(_("Le montant doit être supérieur à zéro."), field="amount")
    if amount > MAX_PAYMENT:
        raise ApplicationError(_("Ce montant paraît trop élevé ; vérifiez-le."), field="amount")
    chosen = sorted(
        Invoice.objects.select_for_update().filter(
            pk__in=[inv.pk for inv in invoices], regie=regie, kind=InvoiceKind.INVOICE
        ),
        key=lambda inv: (inv.issued_on, inv.pk),
    )
    if any(inv.family_id != family.pk for inv in chosen) or len(chosen) != len(
        {inv.pk for inv in invoices}
    ):
        raise ApplicationError(_("Ces factures ne sont pas celles de cette famille."))
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                regie=regie,
                family=family,
                amount=amount,
                method=method,
                reference=reference[:100],
                received_on=received_on or timezone.localdate(),
                note=note[:300],
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # The same transaction recorded by a concurrent call: return that one.
        return Payment.objects.get(
            regie=regie, method=method, reference=reference, reverses__isnull=True
        )
    left = _allocate(payment, chosen, amount)
    if left > 0:
        credit_apply(family=family, regie=regie)
    event_record(
        regie=regie,
        action="paiement",
        summary=_("Paiement de %(amount)s (%(method)s) de la famille %(family)s")
        % {
            "amount": money(amount),
            "method": payment.get_method_display(),
            "family": family.number,
        },
        actor=actor,
        family=family,
        payment=payment,
        details={"invoices": [inv.number for inv in chosen], "reference": reference},
    )
    return payment


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str, actor=None) -> Payment:
    """Give a payment back (cheque bounced, debit rejected): a negative entry that takes
    back its allocations, so the invoices it paid are payable again."""
    family = family_lock(payment.family)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reverses_id is not None or Payment.objects.filter(reverses=payment).exists():
        raise ApplicationError(_("Ce paiement a déjà été annulé."))
    if not reason.strip():
        raise ApplicationError(_("Indiquez le motif de l'annulation."), field="reason")
    reversal = Payment.objects.create(
        regie=payment.regie,
        family=family,
        amount=-payment.amount,
        method=payment.method,
        reference=payment.reference,
        received_on=timezone.localdate(),
        note=reason[:300],
        reverses=payment,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    taken = (
        payment.allocations.values("invoice_id")
        .annotate(total=Sum("amount"))
        .order_by("invoice_id")
    )
    Allocation.objects.bulk_create(
        [
            Allocation(payment=reversal, invoice_id=row["invoice_id"], amount=-row["total"])
            for row in taken
            if row["total"]
        ]
    )
    for invoice in Invoice.objects.select_for_update().filter(
        pk__in=[row["invoice_id"] for row in taken]
    ):
        invoice_refresh(invoice)
    event_record(
        regie=payment.regie,
        action="paiement_annule",
        summary=_("Paiement de %(amount)s annulé : %(reason)s")
        % {"amount": money(payment.amount), "reason": reason},
        actor=actor,
        family=family,
        payment=reversal,
    )
    return reversal
