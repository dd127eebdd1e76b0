"""The bank's word: a notification applied only once verified (signature or the backend's
own check, this transaction, equal amount), the status asked again for pending payments,
and the one place a transaction changes state, under its row lock."""

from dataclasses import dataclass
from datetime import timedelta

import eopayment
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from espace_citoyen.billing import services as billing_services
from espace_citoyen.billing.models import PaymentMethod
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.payments import backends
from espace_citoyen.payments.models import (
    EventKind,
    PaymentTransaction,
    TransactionStatus,
)
from espace_citoyen.payments.services.common import (
    backend_for,
    event_record,
    jsonable,
    logger,
)

# What eopayment's results mean for a transaction (None: the bank has not decided yet).
RESULT_STATUS = {
    eopayment.PAID: TransactionStatus.PAID,
    eopayment.DENIED: TransactionStatus.REFUSED,
    eopayment.CANCELLED: TransactionStatus.ABANDONED,
    eopayment.EXPIRED: TransactionStatus.ABANDONED,
    eopayment.ERROR: TransactionStatus.ERROR,
    eopayment.WAITING: None,
    eopayment.RECEIVED: None,
    eopayment.ACCEPTED: None,
}


@dataclass(frozen=True)
class Outcome:
    """What a notification did: accepted (verified, whatever the bank said) or refused."""

    accepted: bool
    reason: str = ""
    status: str = ""
    content: str | None = None  # what the backend wants to read back, if anything


def _normalized(kind: str, query_string: str) -> str:
    """PayFiP posts `idOp=…`; eopayment reads `idop`."""
    if kind == backends.PAYFIP and "idop=" not in query_string and "idOp=" in query_string:
        return query_string.replace("idOp=", "idop=")
    return query_string


def _reject(tx, reason: str, *, settle_error: bool = False, source: str) -> Outcome:
    logger.warning(
        "Payment %s refused for transaction %s: %s",
        source,
        tx.reference if tx else "(unknown)",
        reason,
    )
    if tx is None:
        return Outcome(False, reason)
    if settle_error:
        status = transaction_settle(
            tx.pk, TransactionStatus.ERROR, kind=EventKind.REJECTED, detail=reason
        )
    else:
        event_record(tx, EventKind.REJECTED, before=tx.status, after=tx.status, detail=reason)
        status = tx.status
    return Outcome(False, reason, status)


def _verify(tx, response, *, source: str, event_kind: str) -> Outcome:
    """Apply a backend's response to `tx` if it verifies; refuse and log it otherwise."""
    if not response.signed:
        return _reject(tx, "signature absente ou fausse", source=source)
    if not tx.backend_id or str(response.order_id or "") != tx.backend_id:
        return _reject(
            tx, f"identifiant {response.order_id!r} différent de {tx.backend_id!r}", source=source
        )
    bank_reference = backends.bank_reference(tx.backend, response.bank_data)
    if bank_reference is not None and bank_reference != tx.reference:
        return _reject(tx, f"référence {bank_reference!r} différente", source=source)
    if response.result not in RESULT_STATUS:
        return _reject(tx, f"résultat inconnu {response.result!r}", source=source)
    status = RESULT_STATUS[response.result]
    if status == TransactionStatus.PAID:
        paid = backends.paid_amount(tx.backend, response.bank_data)
        if paid is None or backends.to_cents(paid) != backends.to_cents(tx.amount):
            return _reject(
                tx,
                f"montant {paid} au lieu de {tx.amount}",
                settle_error=tx.status == TransactionStatus.PENDING,
                source=source,
            )
    new_status = transaction_settle(
        tx.pk,
        status,
        kind=event_kind,
        bank_status=str(response.bank_status or ""),
        bank_data=response.bank_data,
    )
    return Outcome(True, status=new_status, content=response.return_content)


def notification_apply(*, reference: str, query_string: str) -> Outcome:
    """The bank's server-to-server notification for the transaction `reference`.

    Accepted only if the backend verifies it (signature, or its own web service), it
    names this transaction, and, when it says paid, its amount equals the transaction's.
    Anything else is refused and logged, and no invoice changes."""
    tx = PaymentTransaction.objects.filter(reference=reference).first()
    if tx is None:
        return _reject(None, f"référence inconnue {reference[:40]!r}", source="notification")
    try:
        response = backend_for(tx).response(_normalized(tx.backend, query_string))
    except Exception as error:  # a malformed message, or the bank's web service failing
        return _reject(tx, f"notification illisible : {error}"[:300], source="notification")
    return _verify(tx, response, source="notification", event_kind=EventKind.NOTIFIED)


def transaction_check(*, transaction_id: int) -> str:
    """Ask the bank about a pending transaction, where the backend can be asked (PayFiP);
    apply its verified answer. Returns the transaction's status."""
    tx = PaymentTransaction.objects.get(pk=transaction_id)
    if tx.status != TransactionStatus.PENDING or not tx.backend_id:
        return tx.status
    if not backends.is_supported(tx.backend):  # a backend no longer configured can't be asked
        return tx.status
    payment = backend_for(tx)
    if not payment.has_payment_status:
        return tx.status
    PaymentTransaction.objects.filter(pk=tx.pk).update(
        checked_at=timezone.now(), checks=tx.checks + 1
    )
    try:
        response = payment.payment_status(tx.backend_id, transaction_date=tx.created_at)
    except Exception:  # the bank's web service is outside: try again next time
        logger.warning("Payment status of %s could not be read", tx.reference, exc_info=True)
        return tx.status
    outcome = _verify(tx, response, source="check", event_kind=EventKind.CHECKED)
    return outcome.status or tx.status


def transactions_check_pending() -> dict[str, int]:
    """The periodic sweep: ask the bank about payments pending for a while, and close as
    abandoned those left without an answer for PAYMENT_PENDING_MAX_HOURS."""
    now = timezone.now()
    counts = {"checked": 0, "expired": 0}
    due = PaymentTransaction.objects.filter(
        status=TransactionStatus.PENDING,
        created_at__lte=now - timedelta(minutes=settings.PAYMENT_CHECK_AFTER_MINUTES),
    ).values_list("pk", "created_at")
    for pk, created_at in list(due):
        counts["checked"] += 1
        status = transaction_check(transaction_id=pk)
        if status == TransactionStatus.PENDING and created_at <= now - timedelta(
            hours=settings.PAYMENT_PENDING_MAX_HOURS
        ):
            transaction_settle(
                pk,
                TransactionStatus.ABANDONED,
                kind=EventKind.EXPIRED,
                detail=f"Aucune réponse de la banque après {settings.PAYMENT_PENDING_MAX_HOURS} h",
            )
            counts["expired"] += 1
    return counts


@transaction.atomic
def transaction_settle(
    pk: int,
    status: str | None,
    *,
    kind: str,
    detail: str = "",
    bank_status: str = "",
    bank_data=None,
) -> str:
    """Move the transaction to `status` under its row lock; returns its status after.

    A paid transaction never changes again; a final one moves only to paid (the bank's
    verified word that money was taken, even late); a replay changes nothing."""
    tx = PaymentTransaction.objects.select_for_update().get(pk=pk)
    before = tx.status
    if status is None or status == before or before == TransactionStatus.PAID:
        if status is not None and status == before:
            logger.info("Payment %s: %s again, nothing changes", tx.reference, status)
        return before
    if before != TransactionStatus.PENDING and status != TransactionStatus.PAID:
        return before
    if status == TransactionStatus.PAID:
        try:
            with transaction.atomic():
                tx.payment = billing_services.payment_record(
                    family=tx.family,
                    invoices=list(tx.invoices.all()),
                    amount=tx.amount,
                    method=PaymentMethod.ONLINE,
                    reference=tx.reference,
                    actor=None,
                    regie=tx.regie,
                    note=_("Paiement en ligne %(reference)s") % {"reference": tx.reference},
                )
        except ApplicationError as error:
            logger.error("Payment %s verified but not recorded: %s", tx.reference, error)
            status = TransactionStatus.ERROR
            detail = f"Paiement vérifié mais non enregistré : {error.message}"
    tx.status = status
    tx.completed_at = timezone.now()
    if bank_status:
        tx.bank_status = bank_status[:300]
    if bank_data is not None:
        tx.bank_data = jsonable(bank_data)
    tx.save()
    event_record(tx, kind, before=before, after=status, detail=detail or bank_status)
    return status


# --- background tasks ------------------------------------------------------------------------


@task()
def transaction_check_later(*, reference: str) -> str:
    """Ask the bank about one payment still pending some minutes after it started."""
    pk = PaymentTransaction.objects.filter(reference=reference).values_list("pk", flat=True).first()
    return transaction_check(transaction_id=pk) if pk else ""
