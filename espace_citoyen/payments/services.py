"""Online payment owns the transactions between the portal and the payment service: start
one for a family's unpaid invoices (amount computed here, from billing's amounts due), apply
the bank's notification only once verified (signature or the backend's own check, known
reference, equal amount), and ask the bank again about payments left pending.

Money enters billing's ledger through `billing.services.payment_record`, once per
transaction: the transaction's row lock and the ledger's unique reference both make a
replayed or doubled notification change nothing."""

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import eopayment
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from espace_citoyen.billing import selectors as billing_selectors
from espace_citoyen.billing import services as billing_services
from espace_citoyen.billing.models import PaymentMethod
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.payments import backends
from espace_citoyen.payments.models import (
    EventKind,
    PaymentTransaction,
    TransactionEvent,
    TransactionInvoice,
    TransactionStatus,
)
from espace_citoyen.pricing.rules import money

logger = logging.getLogger("espace_citoyen.payments")

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


def reference_new() -> str:
    """A unique reference, PayFiP's refdet: letters and digits, 20 characters."""
    return f"EC{timezone.localdate():%Y%m%d}{secrets.token_hex(5).upper()}"


def return_url(reference: str) -> str:
    return settings.SITE_URL + reverse("payments:return", args=[reference])


def notification_url(reference: str) -> str:
    return settings.SITE_URL + reverse("payments:notification", args=[reference])


def _backend_for(tx: PaymentTransaction) -> backends.Payment:
    return backends.backend_get(
        tx.backend,
        return_url=return_url(tx.reference),
        notification_url=notification_url(tx.reference),
    )


def _event(tx, kind, *, before="", after="", detail="", actor=None) -> None:
    TransactionEvent.objects.create(
        transaction=tx,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        status_before=before,
        status_after=after,
        detail=detail[:500],
    )


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _jsonable(data) -> dict:
    value = json.loads(json.dumps(data or {}, cls=_Encoder))
    return value if isinstance(value, dict) else {"data": value}


# --- starting a payment ----------------------------------------------------------------------


def transaction_start(*, family, invoice_ids, actor) -> tuple[PaymentTransaction, int, object]:
    """Start paying `invoice_ids` (the family's, still payable) online.

    Records the transaction (pending, amount computed here from the amounts due), then
    asks the payment service for its page. Returns the transaction and what eopayment
    answered: (eopayment.URL, address) or (eopayment.FORM / HTML, what to show).
    The bank is asked outside any database transaction, so no lock waits on it."""
    kind = backends.configured_kind()
    if not backends.is_enabled():
        raise ApplicationError(
            _(
                "Le paiement en ligne n'est pas disponible pour le moment. Vous pouvez régler "
                "vos factures au guichet de la régie."
            )
        )
    wanted = {str(value) for value in invoice_ids if str(value).isdigit()}
    invoices = billing_selectors.invoices_payable_among(family, wanted)
    if not wanted:
        raise ApplicationError(_("Choisissez au moins une facture à régler."), field="invoices")
    if len(invoices) != len(wanted):
        raise ApplicationError(
            _(
                "Une des factures choisies n'est plus à régler ou n'est pas celle de votre "
                "famille. Vérifiez votre choix."
            ),
            field="invoices",
        )
    if len({invoice.regie_id for invoice in invoices}) > 1:
        raise ApplicationError(
            _("Ces factures relèvent de régies différentes : réglez-les en deux paiements."),
            field="invoices",
        )
    amount = billing_selectors.amount_due(invoices)
    payment = backends.backend_get(kind)
    minimal = payment.get_minimal_amount()
    maximal = payment.get_maximal_amount()
    if amount <= 0 or (minimal is not None and amount < minimal):
        raise ApplicationError(
            _(
                "Le paiement en ligne demande au moins %(minimal)s : réglez ce montant au "
                "guichet de la régie, ou avec votre prochaine facture."
            )
            % {"minimal": money(minimal or Decimal("0.01"))},
            field="invoices",
        )
    if maximal is not None and amount > maximal:
        raise ApplicationError(
            _("Ce montant dépasse ce que le paiement en ligne accepte : payez en plusieurs fois."),
            field="invoices",
        )
    with transaction.atomic():
        tx = PaymentTransaction.objects.create(
            reference=reference_new(),
            regie_id=invoices[0].regie_id,
            family=family,
            amount=amount,
            email=getattr(actor, "email", "") or "",
            backend=kind,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        TransactionInvoice.objects.bulk_create(
            [
                TransactionInvoice(transaction=tx, invoice=invoice, amount_due=invoice.amount_due)
                for invoice in invoices
            ]
        )
        _event(
            tx,
            EventKind.STARTED,
            after=tx.status,
            actor=actor,
            detail=", ".join(invoice.number for invoice in invoices),
        )
    subject = _("Factures %(numbers)s") % {
        "numbers": " ".join(invoice.number for invoice in invoices)
    }
    options = {"email": tx.email, "orderid": tx.reference, "transaction_id": tx.reference}
    if kind == backends.PAYFIP:
        options["refdet"] = tx.reference
    try:
        backend_id, answer_kind, answer = _backend_for(tx).request(
            amount, subject=subject[:100], **options
        )
    except Exception as error:  # the payment service is outside: whatever it does
        logger.exception("Payment request to %s failed (transaction %s)", kind, tx.reference)
        _settle(
            tx.pk,
            TransactionStatus.ERROR,
            kind=EventKind.CHECKED,
            detail=f"Demande refusée par le service de paiement : {error}",
        )
        raise ApplicationError(
            _(
                "Le service de paiement ne répond pas pour le moment. Aucun montant n'a été "
                "débité ; réessayez dans quelques minutes."
            )
        ) from error
    PaymentTransaction.objects.filter(pk=tx.pk).update(backend_id=str(backend_id)[:100])
    tx.backend_id = str(backend_id)[:100]
    _schedule_check(tx, payment)
    return tx, answer_kind, answer


def _schedule_check(tx: PaymentTransaction, payment: backends.Payment) -> None:
    """Ask the bank again later, where it can be asked and the task queue can wait (the
    database queue); otherwise the periodic `manage.py payments_check` does it."""
    if not payment.has_payment_status or not default_task_backend.supports_defer:
        return
    run_after = timezone.now() + timedelta(minutes=settings.PAYMENT_CHECK_AFTER_MINUTES)
    transaction_check_later.using(run_after=run_after).enqueue(reference=tx.reference)


# --- the bank's word -------------------------------------------------------------------------


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
        status = _settle(tx.pk, TransactionStatus.ERROR, kind=EventKind.REJECTED, detail=reason)
    else:
        _event(tx, EventKind.REJECTED, before=tx.status, after=tx.status, detail=reason)
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
    new_status = _settle(
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
        response = _backend_for(tx).response(_normalized(tx.backend, query_string))
    except Exception as error:  # a malformed message, or the bank's web service failing
        return _reject(tx, f"notification illisible : {error}"[:300], source="notification")
    return _verify(tx, response, source="notification", event_kind=EventKind.NOTIFIED)


def transaction_check(*, transaction_id: int) -> str:
    """Ask the bank about a pending transaction, where the backend can be asked (PayFiP);
    apply its verified answer. Returns the transaction's status."""
    tx = PaymentTransaction.objects.get(pk=transaction_id)
    if tx.status != TransactionStatus.PENDING or not tx.backend_id:
        return tx.status
    payment = _backend_for(tx)
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
            _settle(
                pk,
                TransactionStatus.ABANDONED,
                kind=EventKind.EXPIRED,
                detail=f"Aucune réponse de la banque après {settings.PAYMENT_PENDING_MAX_HOURS} h",
            )
            counts["expired"] += 1
    return counts


@transaction.atomic
def _settle(
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
        tx.bank_data = _jsonable(bank_data)
    tx.save()
    _event(tx, kind, before=before, after=status, detail=detail or bank_status)
    return status


# --- background tasks ------------------------------------------------------------------------


@task()
def transaction_check_later(*, reference: str) -> str:
    """Ask the bank about one payment still pending some minutes after it started."""
    pk = PaymentTransaction.objects.filter(reference=reference).values_list("pk", flat=True).first()
    return transaction_check(transaction_id=pk) if pk else ""


@task()
def transactions_check_task() -> dict[str, int]:
    """The periodic sweep as a task (`manage.py payments_check` enqueues it)."""
    return transactions_check_pending()
