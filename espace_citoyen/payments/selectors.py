"""Reads of online payment, each with a fixed number of queries: one transaction for the
family that started it, the régie's list and one transaction with its timeline."""

from django.db.models import Count, Prefetch, QuerySet

from espace_citoyen.payments.models import (
    PaymentTransaction,
    TransactionEvent,
    TransactionInvoice,
    TransactionStatus,
)


def _with_invoices(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("regie", "family").prefetch_related(
        Prefetch(
            "covered",
            queryset=TransactionInvoice.objects.select_related("invoice").order_by("id"),
        )
    )


def transaction_for_family(family, reference: str) -> PaymentTransaction | None:
    """One of the family's transactions (None for anyone else's)."""
    if family is None:
        return None
    return (
        _with_invoices(PaymentTransaction.objects.filter(family=family))
        .filter(reference=reference)
        .first()
    )


def transactions_for_regie(*, status: str = "") -> QuerySet:
    """The régie's list of online payments, newest first, filtered by status."""
    queryset = _with_invoices(PaymentTransaction.objects.all()).order_by("-created_at", "-id")
    if status in TransactionStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def transaction_counts() -> dict[str, int]:
    """How many online payments are in each status (one query)."""
    rows = PaymentTransaction.objects.values("status").annotate(count=Count("id")).order_by()
    counts = dict.fromkeys(TransactionStatus.values, 0)
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


def transactions_to_check_count() -> int:
    """The back-office home's count: online payments the régie should look at, those in
    anomaly (the bank's word did not match the portal's) (one query)."""
    return PaymentTransaction.objects.filter(status=TransactionStatus.ERROR).count()


def transaction_for_agent(reference: str) -> PaymentTransaction | None:
    """A transaction with its invoices and its timeline, for the régie."""
    return (
        _with_invoices(PaymentTransaction.objects.filter(reference=reference))
        .select_related("payment", "started_by")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TransactionEvent.objects.select_related("actor").order_by("at", "id"),
            )
        )
        .first()
    )
