"""Online payment owns the transactions between the portal and the payment service: start
one for a family's unpaid invoices (amount computed here, from billing's amounts due), apply
the bank's notification only once verified (signature or the backend's own check, known
reference, equal amount), and ask the bank again about payments left pending.

Money enters billing's ledger through `billing.services.payment_record`, once per
transaction: the transaction's row lock and the ledger's unique reference both make a
replayed or doubled notification change nothing.

One module per topic: `start` (transaction_start), `notifications` (notification_apply,
transaction_check, transactions_check_pending, the state changes and the tasks), `common`.
"""

from espace_citoyen.payments.services.common import notification_url, return_url
from espace_citoyen.payments.services.notifications import (
    Outcome,
    notification_apply,
    transaction_check,
    transaction_check_later,
    transaction_settle,
    transactions_check_pending,
)
from espace_citoyen.payments.services.start import reference_new, transaction_start

__all__ = [
    "Outcome",
    "notification_apply",
    "notification_url",
    "reference_new",
    "return_url",
    "transaction_check",
    "transaction_check_later",
    "transaction_settle",
    "transaction_start",
    "transactions_check_pending",
]
