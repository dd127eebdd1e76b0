"""Starting an online payment: the family's payable invoices, the amount computed on the
server, the transaction recorded, then the payment service asked for its page."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend

from espace_citoyen.billing import selectors as billing_selectors
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.payments import backends
from espace_citoyen.payments.models import (
    EventKind,
    PaymentTransaction,
    TransactionInvoice,
    TransactionStatus,
)
from espace_citoyen.payments.services.common import backend_for, event_record, logger
from espace_citoyen.payments.services.notifications import (
    transaction_check_later,
    transaction_settle,
)
from espace_citoyen.pricing.rules import money


def reference_new() -> str:
    """A unique reference, PayFiP's refdet: letters and digits, 20 characters."""
    return f"EC{timezone.localdate():%Y%m%d}{secrets.token_hex(5).upper()}"


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
    _refuse_while_pending(invoices, payment)
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
        event_record(
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
        backend_id, answer_kind, answer = backend_for(tx).request(
            amount, subject=subject[:100], **options
        )
    except Exception as error:  # the payment service is outside: whatever it does
        logger.exception("Payment request to %s failed (transaction %s)", kind, tx.reference)
        transaction_settle(
            tx.pk,
            TransactionStatus.ERROR,
            kind=EventKind.STARTED,
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


def _refuse_while_pending(invoices, payment: backends.Payment) -> None:
    """A payment service that asks for a delay between two payments of the same thing
    (PayFiP: 20 minutes, the life of its payment page) gets it: the family might else pay
    twice while the first payment waits for the bank's answer."""
    wait = payment.get_min_time_between_transactions()
    if not wait:
        return
    recent = (
        TransactionInvoice.objects.filter(
            invoice__in=invoices,
            transaction__status=TransactionStatus.PENDING,
            transaction__created_at__gt=timezone.now() - timedelta(seconds=wait),
        )
        .select_related("invoice")
        .first()
    )
    if recent is not None:
        raise ApplicationError(
            _(
                "Un paiement en ligne de la facture %(number)s a commencé il y a moins de "
                "%(minutes)s minutes et attend la réponse de la banque. Pour ne pas payer deux "
                "fois, attendez sa confirmation ; si vous avez quitté la page de paiement sans "
                "payer, réessayez dans %(minutes)s minutes."
            )
            % {"number": recent.invoice.number, "minutes": wait // 60},
            field="invoices",
        )


def _schedule_check(tx: PaymentTransaction, payment: backends.Payment) -> None:
    """Ask the bank again later, where it can be asked and the task queue can wait (the
    database queue); otherwise the periodic `manage.py payments_check` does it."""
    if not payment.has_payment_status or not default_task_backend.supports_defer:
        return
    run_after = timezone.now() + timedelta(minutes=settings.PAYMENT_CHECK_AFTER_MINUTES)
    transaction_check_later.using(run_after=run_after).enqueue(reference=tx.reference)
