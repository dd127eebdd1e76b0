"""Reads of billing, each with a fixed number of queries: a family's invoices by section,
one invoice with its lines grouped by child then service, what a family may pay and how
much (computed here, on the server), its balance; the régie's lists."""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import (
    PAYABLE_STATUSES,
    Allocation,
    BillingEvent,
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    RunStatus,
)

# --- what a family pays (public: the payments app uses these) ---------------------------------


def invoices_payable(family) -> list[Invoice]:
    """The family's invoices with something left to pay, oldest first."""
    return list(
        Invoice.objects.filter(
            family=family, kind=InvoiceKind.INVOICE, status__in=PAYABLE_STATUSES
        ).order_by("issued_on", "id")
    )


def invoices_payable_among(family, invoice_ids: Iterable) -> list[Invoice]:
    """Those of `invoice_ids` that belong to `family` and are payable (others dropped)."""
    ids = []
    for value in invoice_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return [invoice for invoice in invoices_payable(family) if invoice.pk in ids]


def amount_due(invoices: Iterable[Invoice]) -> Decimal:
    """What is left to pay on `invoices`, to the cent (never negative)."""
    return rules.total_of(max(invoice.amount_due, Decimal(0)) for invoice in invoices)


# --- the family's side ---------------------------------------------------------------------


@dataclass
class InvoiceSections:
    to_pay: list[Invoice] = field(default_factory=list)
    paid: list[Invoice] = field(default_factory=list)
    debited: list[Invoice] = field(default_factory=list)
    cancelled: list[Invoice] = field(default_factory=list)  # and credit notes

    @property
    def empty(self) -> bool:
        return not (self.to_pay or self.paid or self.debited or self.cancelled)

    @property
    def due_total(self) -> Decimal:
        return amount_due(self.to_pay)


def family_invoices(family) -> InvoiceSections:
    """The family's invoices and credit notes, by section (one query)."""
    sections = InvoiceSections()
    for invoice in (
        Invoice.objects.filter(family=family)
        .select_related("corrects")
        .order_by("-issued_on", "-id")
    ):
        if invoice.kind == InvoiceKind.CREDIT_NOTE or invoice.status == InvoiceStatus.CANCELLED:
            sections.cancelled.append(invoice)
        elif invoice.status in PAYABLE_STATUSES:
            sections.to_pay.append(invoice)
        elif invoice.status == InvoiceStatus.DEBITED:
            sections.debited.append(invoice)
        else:
            sections.paid.append(invoice)
    sections.to_pay.sort(key=lambda invoice: (invoice.issued_on, invoice.pk))
    return sections


def invoice_for_family(family, pk: int) -> Invoice | None:
    """One of the family's invoices (None for anyone else's)."""
    return _invoice_detail().filter(family=family, pk=pk).first()


def invoice_for_agent(pk: int) -> Invoice | None:
    return _invoice_detail().filter(pk=pk).first()


def _invoice_detail():
    return Invoice.objects.select_related("regie", "family", "corrects").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("payment").order_by("id"),
        ),
        Prefetch("credit_notes", queryset=Invoice.objects.order_by("id")),
    )


@dataclass
class ServiceGroup:
    service: str
    lines: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return rules.total_of(line.amount for line in self.lines)


@dataclass
class ChildGroup:
    name: str
    services: list[ServiceGroup] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return rules.total_of(group.total for group in self.services)


def lines_by_child(invoice: Invoice) -> list[ChildGroup]:
    """The invoice's lines grouped by child, then service (in the invoice's order)."""
    children: OrderedDict[str, ChildGroup] = OrderedDict()
    for line in invoice.lines.all():
        line.day_dates = [date.fromisoformat(day) for day in line.days]
        line.days_text = rules.days_label(line.day_dates)
        child = children.setdefault(line.child_name, ChildGroup(line.child_name))
        if not child.services or child.services[-1].service != line.service:
            child.services.append(ServiceGroup(line.service))
        child.services[-1].lines.append(line)
    return list(children.values())


@dataclass
class Received:
    on: date
    method: str
    amount: Decimal
    reference: str


def payments_received(invoice: Invoice) -> list[Received]:
    """What was paid on the invoice, by payment (net of any reversal)."""
    by_payment: OrderedDict[int, Received] = OrderedDict()
    for allocation in invoice.allocations.all():
        payment = allocation.payment
        key = payment.reverses_id or payment.pk
        if key not in by_payment:
            by_payment[key] = Received(
                payment.received_on, payment.get_method_display(), Decimal(0), payment.reference
            )
        by_payment[key].amount += allocation.amount
    return [received for received in by_payment.values() if received.amount]


@dataclass
class Balance:
    due: Decimal  # left to pay on issued invoices
    credit: Decimal  # money received not allocated (overpayments, credit notes)

    @property
    def net(self) -> Decimal:
        """Positive: the family owes; negative: the régie owes (credit)."""
        return self.due - self.credit


def family_balance(family) -> Balance:
    """The family's balance (two queries)."""
    due = Invoice.objects.filter(
        family=family, kind=InvoiceKind.INVOICE, status__in=PAYABLE_STATUSES
    ).aggregate(total=Sum("total"), paid=Sum("amount_paid"), credited=Sum("amount_credited"))
    owed = (due["total"] or 0) - (due["paid"] or 0) - (due["credited"] or 0)
    payments = Payment.objects.filter(
        family=family, reverses__isnull=True, reversal__isnull=True
    ).aggregate(received=Sum("amount"))
    allocated = Allocation.objects.filter(
        payment__family=family, payment__reverses__isnull=True, payment__reversal__isnull=True
    ).aggregate(total=Sum("amount"))
    credit = (payments["received"] or 0) - (allocated["total"] or 0)
    return Balance(due=Decimal(owed), credit=Decimal(credit))


def family_payments(family, *, limit: int = 50) -> list[Payment]:
    return list(
        Payment.objects.filter(family=family)
        .select_related("recorded_by")
        .order_by("-received_on", "-id")[:limit]
    )


# --- the régie's side --------------------------------------------------------------------------


def runs_recent(*, limit: int = 24) -> list[BillingRun]:
    return list(BillingRun.objects.select_related("started_by", "regie")[:limit])


def run_get(pk: int) -> BillingRun | None:
    return BillingRun.objects.select_related("started_by", "regie").filter(pk=pk).first()


def months_to_issue(*, today: date) -> int:
    """The back-office home's count: 1 while last month has no finished run (its invoices
    wait to be issued), plus the runs that failed and were not finished since (one query)."""
    last_month = rules.month_start(rules.month_start(today) - timedelta(days=1))
    done = RunStatus.DONE
    runs = BillingRun.objects.aggregate(
        last_done=Count("id", filter=Q(month=last_month, status=done)),
        failed=Count(
            "id",
            filter=Q(status=RunStatus.FAILED)
            & ~Q(month__in=BillingRun.objects.filter(status=done).values("month")),
        ),
    )
    return (0 if runs["last_done"] else 1) + runs["failed"]


def overdue_count(*, today: date) -> int:
    """How many invoices are unpaid past their due date (one query)."""
    return unpaid(today=today, overdue_only=True).count()


def unpaid(*, today: date, overdue_only: bool = False, query: str = ""):
    """Unpaid invoices with the family, oldest due date first (a queryset to paginate)."""
    queryset = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, status__in=PAYABLE_STATUSES)
        .select_related("family")
        .order_by("due_on", "id")
    )
    if overdue_only:
        queryset = queryset.filter(due_on__lt=today)
    if query:
        queryset = queryset.filter(
            Q(number__icontains=query)
            | Q(family__number__icontains=query)
            | Q(payer_name__icontains=query)
        )
    return queryset


def unpaid_totals(queryset) -> Decimal:
    sums = queryset.aggregate(
        total=Sum("total"), paid=Sum("amount_paid"), credited=Sum("amount_credited")
    )
    return Decimal((sums["total"] or 0) - (sums["paid"] or 0) - (sums["credited"] or 0))


def invoices_search(*, query: str = "", month: date | None = None):
    queryset = Invoice.objects.select_related("family", "corrects").order_by("-issued_on", "-id")
    if month:
        queryset = queryset.filter(month=month)
    if query:
        queryset = queryset.filter(
            Q(number__icontains=query)
            | Q(family__number__icontains=query)
            | Q(payer_name__icontains=query)
        )
    return queryset


def invoices_between(start: date, end: date) -> list[Invoice]:
    return list(
        Invoice.objects.filter(issued_on__range=(start, end))
        .select_related("family", "corrects")
        .order_by("kind", "year", "sequence")
    )


def payments_between(start: date, end: date) -> list[Payment]:
    return list(
        Payment.objects.filter(received_on__range=(start, end))
        .select_related("family", "recorded_by", "reverses")
        .prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("invoice"))
        )
        .order_by("received_on", "id")
    )


def events_recent(*, limit: int = 100) -> list[BillingEvent]:
    return list(BillingEvent.objects.select_related("actor", "family")[:limit])
