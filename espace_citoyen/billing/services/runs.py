"""The monthly billing run: one invoice per family per month, all its children and
services, issued in chunks by a background task that shows its progress.

Running a month again bills nothing twice: each chunk locks its families, reads what the
month's invoices already hold, and bills only the days not yet billed (late attendance
goes into a supplementary invoice; an issued invoice is never edited)."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from espace_citoyen.billing import engine, rules
from espace_citoyen.billing.models import (
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    RunStatus,
)
from espace_citoyen.billing.registry import IssuedInvoice, invoices_issued_hooks
from espace_citoyen.billing.services import bulk
from espace_citoyen.billing.services.events import event_record
from espace_citoyen.billing.services.mail import invoice_mails_task
from espace_citoyen.billing.services.numbering import invoice_numbers_reserve
from espace_citoyen.billing.services.payments import credit_apply
from espace_citoyen.billing.services.regies import regie_default
from espace_citoyen.billing.services.writer import ChunkWriter
from espace_citoyen.billing.units import MonthUnits
from espace_citoyen.core.dates import month_name
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Family
from espace_citoyen.pricing.rules import money

logger = logging.getLogger(__name__)


def month_label(month: date) -> str:
    return f"{month_name(month.month)} {month.year}"


@transaction.atomic
def billing_run_start(*, month: date, actor, regie=None, today: date | None = None) -> BillingRun:
    """Queue the billing of `month` (a month already over); its task issues the invoices."""
    regie = regie or regie_default()
    month = rules.month_start(month)
    today = today or timezone.localdate()
    if month >= rules.month_start(today):
        raise ApplicationError(
            _("On facture un mois terminé : %(month)s n'est pas encore fini.")
            % {"month": month_label(month)},
            field="month",
        )
    try:
        with transaction.atomic():
            run = BillingRun.objects.create(regie=regie, month=month, started_by=actor)
    except IntegrityError:
        raise ApplicationError(
            _("La facturation de %(month)s est déjà en cours ; attendez qu'elle se termine.")
            % {"month": month_label(month)}
        ) from None
    event_record(
        regie=regie,
        action="facturation",
        summary=_("Facturation de %(month)s lancée") % {"month": month_label(month)},
        actor=actor,
        run=run,
    )
    transaction.on_commit(lambda: billing_run_task.enqueue(run_id=run.pk), robust=False)
    return run


@task()
def billing_run_task(*, run_id: int) -> int:
    return billing_run_execute(run_id=run_id).invoices_count


def _billed_state(family_ids: list[int], month: date) -> list[int]:
    """The month's invoices and credit notes of these families: what decides the days
    already billed (`engine.billed_days`)."""
    return sorted(
        Invoice.objects.filter(
            family__pk__range=engine.family_span(family_ids), month=month
        ).values_list("pk", flat=True)
    )


def _issue_chunk(run: BillingRun, family_ids: list[int], catalogue, today: date, prepared=None):
    """Issue a chunk's invoices, in the caller's transaction. `prepared` is (the invoices
    prepared to write, `bulk.invoices_prepare`, and the billed state they were priced
    with), computed before the lock: kept if nothing was billed or credited for these
    families since, priced again under the lock otherwise."""
    # The chunk's families locked (credit notes and desk payments wait): by their range of
    # ids, which holds few others (see engine.family_span).
    list(
        Family.objects.select_for_update()
        .filter(pk__range=engine.family_span(family_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if prepared is not None and prepared[1] == _billed_state(family_ids, run.month):
        ready = prepared[0]
    else:
        ready = bulk.invoices_prepare(
            engine.drafts_for(family_ids, run.month, catalogue, None), catalogue.service
        )
    if not ready:
        return [], 0
    regie = run.regie
    numbers = invoice_numbers_reserve(
        regie=regie, kind=InvoiceKind.INVOICE, year=today.year, count=len(ready)
    )
    due_on = rules.due_date(today, regie.due_days)
    unpaid, paid = InvoiceStatus.UNPAID.value, InvoiceStatus.PAID.value
    rows = [
        {
            **({"id": invoice.pk} if invoice.pk is not None else {}),
            "regie_id": regie.pk,
            "kind": InvoiceKind.INVOICE.value,
            "number": number,
            "year": today.year,
            "sequence": sequence,
            "family_id": invoice.family_id,
            "run_id": run.pk,
            "month": run.month,
            "issued_on": today,
            "due_on": due_on,
            "total": invoice.total,
            "status": unpaid if invoice.total > 0 else paid,
            "payer_name": invoice.payer_name,
            "payer_address": invoice.payer_address,
            "created_by_id": run.started_by_id,
        }
        for invoice, (sequence, number) in zip(ready, numbers, strict=True)
    ]
    ids = bulk.invoices_insert(rows)
    invoices = [
        IssuedInvoice(pk, invoice.family_id, regie.pk, invoice.total)
        for pk, invoice in zip(ids, ready, strict=True)
    ]
    bulk.lines_insert(zip(ids, ready, strict=True))
    # Credit kept from overpayments goes to the new invoices.
    billed = {invoice.family_id for invoice in ready}
    with_payments = {
        family_id
        for family_id in Payment.objects.filter(
            regie=regie, family__pk__range=engine.family_span(family_ids)
        ).values_list("family_id", flat=True)
        if family_id in billed
    }
    for family_id in sorted(with_payments):
        credit_apply(family=Family(pk=family_id), regie=regie)
    for hook in invoices_issued_hooks():
        hook(invoices=invoices)
    transaction.on_commit(lambda: invoice_mails_task.enqueue(invoice_ids=ids), robust=False)
    return invoices, sum((invoice.total for invoice in invoices), rules.ZERO)


def billing_run_execute(*, run_id: int, today: date | None = None) -> BillingRun:
    """Issue the invoices of a queued run, chunk by chunk (each chunk one transaction),
    updating the run's counters as it goes. Safe to run again after a failure."""
    run = BillingRun.objects.select_related("regie", "started_by").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    today = today or timezone.localdate()
    BillingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        catalogue = engine.Catalogue(run.month)
        with MonthUnits(run.month, rules.month_end(run.month)) as units:
            BillingRun.objects.filter(pk=run.pk).update(families_total=len(units.family_ids))

            def write(chunk, prepared):
                with transaction.atomic():
                    invoices, amount = _issue_chunk(run, chunk, catalogue, today, prepared)
                BillingRun.objects.filter(pk=run.pk).update(
                    families_done=F("families_done") + len(chunk),
                    invoices_count=F("invoices_count") + len(invoices),
                    total_amount=F("total_amount") + amount,
                )

            with ChunkWriter(write) as writer:
                for chunk in units.chunks(engine.CHUNK):
                    seen = _billed_state(chunk, run.month)
                    drafts = engine.drafts_for(
                        chunk, run.month, catalogue, None, units.groups(chunk)
                    )
                    writer.put(chunk, (bulk.invoices_prepare(drafts, catalogue.service), seen))
    except Exception as error:
        logger.exception("Billing run %s failed", run.pk)
        BillingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        event_record(
            regie=run.regie,
            action="facturation_echec",
            summary=_("Échec de la facturation de %(month)s") % {"month": month_label(run.month)},
            run=run,
        )
        return run
    BillingRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    event_record(
        regie=run.regie,
        action="facturation_terminee",
        summary=_("Facturation de %(month)s : %(count)d factures, %(amount)s")
        % {
            "month": month_label(run.month),
            "count": run.invoices_count,
            "amount": money(run.total_amount),
        },
        actor=run.started_by,
        run=run,
    )
    return run
