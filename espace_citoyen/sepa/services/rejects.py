"""Rejects: the bank returned a debit with an R code. The ledger entry is reversed (the
invoice is to pay again, online too), the family reads why in plain French, the
mandate's rejects are counted and, at the creditor's limit, it is suspended."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.billing.models import Invoice
from espace_citoyen.billing.services import payment_reverse
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.sepa import rules
from espace_citoyen.sepa.models import Debit, DebitStatus, Mandate, MandateStatus
from espace_citoyen.sepa.services.common import event_record, family_notify
from espace_citoyen.sepa.services.mandates import mandate_suspend


@transaction.atomic
def debit_reject(*, debit: Debit, code: str, actor) -> Debit:
    if code not in rules.REJECT_REASONS:
        raise ApplicationError(_("Choisissez le code de rejet donné par la banque."), field="code")
    debit = Debit.objects.select_for_update().select_related("file__creditor").get(pk=debit.pk)
    if debit.status == DebitStatus.REJECTED:
        raise ApplicationError(_("Ce prélèvement est déjà enregistré comme rejeté."))
    reason = rules.reject_reason(code)
    payment_reverse(payment=debit.payment, reason=f"Rejet {code} : {reason}"[:300], actor=actor)
    debit.status = DebitStatus.REJECTED
    debit.reject_code = code
    debit.rejected_at = timezone.now()
    debit.rejected_by = actor
    debit.save(update_fields=["status", "reject_code", "rejected_at", "rejected_by"])
    # The invoice is no longer pre-notified: the family pays it another way.
    Invoice.objects.filter(pk=debit.invoice_id).update(debit_on=None, mandate_reference="")
    creditor = debit.file.creditor
    mandate = (
        Mandate.objects.select_for_update()
        .filter(
            creditor=creditor,
            rum=debit.rum,
            status__in=[MandateStatus.ACTIVE, MandateStatus.SUSPENDED],
        )
        .first()
    ) or Mandate.objects.select_for_update().get(pk=debit.mandate_id)
    mandate.reject_count += 1
    fields = ["reject_count"]
    if debit.amendment and not mandate.amendment_iban_encrypted:
        mandate.amendment_iban_encrypted = debit.former_iban_encrypted
        fields.append("amendment_iban_encrypted")
    mandate.save(update_fields=fields)
    invoice = Invoice.objects.get(pk=debit.invoice_id)
    event_record(
        creditor=creditor,
        mandate=mandate,
        file=debit.file,
        action="rejet",
        summary=f"Rejet {code} du prélèvement de la facture {invoice.number} ({debit.amount} €)",
        actor=actor,
    )
    family_notify(
        mandate.family,
        "rejected",
        {"invoice": invoice, "debit": debit, "reason": reason, "mandate": mandate},
    )
    if mandate.status == MandateStatus.ACTIVE and rules.suspends(
        rejects=mandate.reject_count, limit=creditor.reject_limit
    ):
        mandate_suspend(mandate=mandate, actor=actor)
    return debit
