"""The debit run: which invoices go into a file on a collection date (and which are left
out, and why), the pain.008 file, and the ledger's « Prélèvement » entries. The
creditor's row is locked for the run, so two runs at once never put an invoice in two
files; an invoice is in one file at most (a unique constraint backs it)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.billing.models import PAYABLE_STATUSES, Invoice, InvoiceKind, PaymentMethod
from espace_citoyen.billing.rules import total_of
from espace_citoyen.billing.services import payment_record
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.sepa import crypto, pain008, rules
from espace_citoyen.sepa.models import (
    IN_FORCE_STATUSES,
    Creditor,
    Debit,
    DebitFile,
    DebitStatus,
    Mandate,
    MandateStatus,
)
from espace_citoyen.sepa.services.common import event_record
from espace_citoyen.sepa.services.mandates import mandates_lapse


@dataclass
class LeftOut:
    invoice: Invoice
    reason: str


@dataclass
class DebitPreview:
    collection_date: date
    included: list[tuple[Invoice, Mandate]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.included)

    @property
    def total(self) -> Decimal:
        return total_of(invoice.amount_due for invoice, _m in self.included)


def debit_preview(*, creditor: Creditor, collection_date: date) -> DebitPreview:
    """The invoices the file of `collection_date` would debit, and those left out (of
    families with a mandate) with the reason (constant number of queries)."""
    preview = DebitPreview(collection_date)
    mandates = {
        m.family_id: m
        for m in Mandate.objects.filter(creditor=creditor, status__in=IN_FORCE_STATUSES)
    }
    invoices = Invoice.objects.filter(
        regie=creditor.regie,
        kind=InvoiceKind.INVOICE,
        status__in=PAYABLE_STATUSES,
        family_id__in=list(mandates),
        sepa_debit__isnull=True,
    ).order_by("family_id", "issued_on", "id")
    for invoice in invoices:
        mandate = mandates[invoice.family_id]
        if mandate.status == MandateStatus.SUSPENDED:
            preview.left_out.append(LeftOut(invoice, _("mandat suspendu après des rejets")))
        elif invoice.debit_on is None:
            preview.left_out.append(
                LeftOut(invoice, _("émise avant le mandat, sans pré-notification de prélèvement"))
            )
        elif invoice.debit_on > collection_date:
            preview.left_out.append(
                LeftOut(
                    invoice,
                    _("pré-notifiée pour le %(date)s")
                    % {"date": invoice.debit_on.strftime("%d/%m/%Y")},
                )
            )
        elif invoice.amount_due <= 0:
            continue
        else:
            preview.included.append((invoice, mandate))
    return preview


def debit_file_generate(
    *, creditor: Creditor, collection_date: date, actor, today: date | None = None
) -> DebitFile:
    """Generate the file of `collection_date`: each debit recorded in the ledger
    (« Prélevée »), the file kept. Nothing left to debit: an error, nothing recorded."""
    today = today or timezone.localdate()
    if collection_date <= today:
        raise ApplicationError(
            _(
                "La date d'échéance doit être postérieure à aujourd'hui : la banque reçoit le "
                "fichier avant cette date."
            ),
            field="collection_date",
        )
    mandates_lapse(today=today, actor=actor)
    with transaction.atomic():
        creditor = Creditor.objects.select_for_update().select_related("regie").get(pk=creditor.pk)
        preview = debit_preview(creditor=creditor, collection_date=collection_date)
        if not preview.included:
            raise ApplicationError(
                _(
                    "Aucune facture à prélever à cette date : chaque facture prélevable est "
                    "déjà dans un fichier, réglée ou pré-notifiée pour plus tard."
                )
            )
        collected = set(
            Debit.objects.filter(
                mandate__creditor=creditor,
                rum__in=[m.rum for _i, m in preview.included],
            )
            .exclude(status=DebitStatus.REJECTED)
            .values_list("rum", flat=True)
        )
        plans, transactions = [], []
        told: set[str] = set()
        for invoice, mandate in preview.included:
            state = rules.SequenceState(
                collected=mandate.rum in collected,
                amendment_pending=bool(mandate.amendment_iban_encrypted)
                and mandate.rum not in told,
            )
            plan = rules.next_debit(state)
            told.add(mandate.rum)
            iban = mandate.iban
            e2e = f"{invoice.number}-{invoice.pk}"[:35]
            plans.append((invoice, mandate, plan, e2e))
            transactions.append(
                pain008.Transaction(
                    end_to_end_id=e2e,
                    amount=invoice.amount_due,
                    sequence=plan.sequence,
                    rum=mandate.rum,
                    signed_on=mandate.signed_on,
                    debtor=mandate.holder,
                    iban=iban,
                    bic=mandate.bic,
                    description=f"Facture {invoice.number} {creditor.name}"[:140],
                    address_lines=tuple(mandate.address.splitlines()),
                    former_iban=crypto.decrypt(mandate.amendment_iban_encrypted)
                    if plan.amendment
                    else "",
                )
            )
        try:
            message_id, xml = pain008.build(
                creditor_name=creditor.name,
                creditor_iban=creditor.iban,
                creditor_bic=creditor.bic,
                ics=creditor.ics,
                collection_date=collection_date,
                transactions=transactions,
                version=settings.SEPA_PAIN_VERSION,
            )
        except pain008.Pain008Error as error:
            raise ApplicationError(
                _("Le fichier ne respecte pas le schéma de la banque : %(error)s")
                % {"error": error}
            ) from error
        debit_file = DebitFile.objects.create(
            creditor=creditor,
            collection_date=collection_date,
            version=settings.SEPA_PAIN_VERSION,
            message_id=message_id,
            xml=xml,
            count=preview.count,
            total=preview.total,
            created_by=actor,
        )
        for invoice, mandate, plan, e2e in plans:
            payment = payment_record(
                family=invoice.family,
                invoices=[invoice],
                amount=invoice.amount_due,
                method=PaymentMethod.DIRECT_DEBIT,
                reference=e2e,
                actor=actor,
                received_on=collection_date,
                note=f"Prélèvement {mandate.rum} ({plan.sequence})",
                regie=creditor.regie,
            )
            Debit.objects.create(
                file=debit_file,
                invoice=invoice,
                mandate=mandate,
                payment=payment,
                rum=mandate.rum,
                end_to_end_id=e2e,
                amount=payment.amount,
                sequence=plan.sequence,
                amendment=plan.amendment,
                former_iban_encrypted=mandate.amendment_iban_encrypted if plan.amendment else "",
            )
        used = {mandate.pk for _i, mandate, _p, _e in plans}
        Mandate.objects.filter(pk__in=used).update(last_debit_on=collection_date)
        amended = {mandate.pk for _i, mandate, plan, _e in plans if plan.amendment}
        Mandate.objects.filter(pk__in=amended).update(amendment_iban_encrypted="")
        event_record(
            creditor=creditor,
            file=debit_file,
            action="fichier",
            summary=f"Fichier de prélèvement du {collection_date:%d/%m/%Y} : {preview.count} "
            f"prélèvement(s), {preview.total} €",
            actor=actor,
        )
    return debit_file
