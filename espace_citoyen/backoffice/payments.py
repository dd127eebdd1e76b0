"""The régie's screens for online payment: every transaction with its state (pending,
paid, refused, abandoned, anomalies to look at), and one transaction with its invoices,
the ledger entry it recorded and its timeline (notifications refused included)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from espace_citoyen.accounts.roles import Role
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.payments import selectors
from espace_citoyen.payments.models import TransactionStatus


@require_safe
@agent_required(Role.REGIE)
def transactions(request):
    status = request.GET.get("etat", "")
    if status not in TransactionStatus.values:
        status = ""
    page = Paginator(selectors.transactions_for_regie(status=status), 50).get_page(
        request.GET.get("page")
    )
    counts = selectors.transaction_counts()
    return render(
        request,
        "backoffice/payments/transactions.html",
        {
            "page": page,
            "status": status,
            "filters": [
                (value, label, counts[value]) for value, label in TransactionStatus.choices
            ],
            "total": sum(counts.values()),
            "query_string": f"etat={status}" if status else "",
        },
    )


@require_safe
@agent_required(Role.REGIE)
def transaction(request, reference: str):
    tx = selectors.transaction_for_agent(reference)
    if tx is None:
        raise Http404
    return render(request, "backoffice/payments/transaction.html", {"transaction": tx})
