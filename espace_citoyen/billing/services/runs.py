"""The monthly billing run: one invoice per family per month, all its children and
services, issued in chunks by a background task that shows its progress.

Running a month again bills nothing twice: each chunk locks its families, reads what the
month's invoices already hold, and bills only the days not yet billed (late attendance
goes into a supplementary invoice; an issued invoice is never edited)."""

import json
import logging
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from espace_citoyen.billing import engine, rules
from espace_citoyen.billing.models import (
    BillingRun,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    RunStatus,
)
from espace_citoyen.billing.registry import invoices_issued_hooks
from espace_citoyen.billing.services.events import event_record
from espace_citoyen.billing.services.mail import invoice_mails_task
from espace_citoyen.billing.services.numbering import invoice_numbers_reserve
from espace_citoyen.billing.services.payments import credit_apply
from espace_citoyen.billing.services.regies import regie_default
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


def _issue_chunk(run: BillingRun, family_ids: list[int], catalogue, today: date):
    list(
        Family.objects.select_for_update()
        .filter(pk__in=family_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    drafts = list(engine.drafts_for(family_ids, run.month, catalogue, []))
    if not drafts:
        return [], 0
    regie = run.regie
    numbers = invoice_numbers_reserve(
        regie=regie, kind=InvoiceKind.INVOICE, year=today.year, count=len(drafts)
    )
    due_on = rules.due_date(today, regie.due_days)
    invoices = []
    for draft, (sequence, number) in zip(drafts, numbers, strict=True):
        total = draft.total
        invoices.append(
            Invoice(
                regie=regie,
                kind=InvoiceKind.INVOICE,
                number=number,
                year=today.year,
                sequence=sequence,
                family_id=draft.family_id,
                run=run,
                month=run.month,
                issued_on=today,
                due_on=due_on,
                total=total,
                status=InvoiceStatus.UNPAID if total > 0 else InvoiceStatus.PAID,
                payer_name=draft.payer_name,
                payer_address=draft.payer_address,
                created_by=run.started_by,
            )
        )
    Invoice.objects.bulk_create(invoices)
    lines = []
    for draft, invoice in zip(drafts, invoices, strict=True):
        for position, line in enumerate(draft.lines, start=1):
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=position,
                    child_id=line.child_id,
                    child_name=draft.child_names[line.child_id],
                    activity_id=line.activity_id,
                    service=catalogue.service(line.activity_id),
                    kind=line.kind,
                    days=[day.isoformat() for day in line.days],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    explanation=line.explanation[:400],
                )
            )
    _lines_insert(lines)
    # Credit kept from overpayments goes to the new invoices.
    with_payments = set(
        Payment.objects.filter(
            regie=regie, family_id__in=[d.family_id for d in drafts]
        ).values_list("family_id", flat=True)
    )
    for family_id in sorted(with_payments):
        credit_apply(family=Family(pk=family_id), regie=regie)
    for hook in invoices_issued_hooks():
        hook(invoices=invoices)
    ids = [invoice.pk for invoice in invoices]
    transaction.on_commit(lambda: invoice_mails_task.enqueue(invoice_ids=ids), robust=False)
    return invoices, sum((invoice.total for invoice in invoices), rules.ZERO)


LINE_COLUMNS = (
    "invoice_id",
    "position",
    "child_id",
    "child_name",
    "activity_id",
    "service",
    "kind",
    "days",
    "quantity",
    "unit_price",
    "amount",
    "explanation",
)


def _lines_insert(lines: list[InvoiceLine]) -> None:
    """Insert a chunk's lines: PostgreSQL's COPY (a run writes hundreds of thousands of
    lines), Django's bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        InvoiceLine.objects.bulk_create(lines, batch_size=2000)
        return
    table = InvoiceLine._meta.db_table
    with connection.cursor() as cursor:
        columns = ", ".join(LINE_COLUMNS)
        with cursor.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for line in lines:
                copy.write_row(
                    (
                        line.invoice.pk,
                        line.position,
                        line.child_id,
                        line.child_name,
                        line.activity_id,
                        line.service,
                        line.kind,
                        json.dumps(line.days),
                        line.quantity,
                        line.unit_price,
                        line.amount,
                        line.explanation,
                    )
                )


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
        family_ids = engine.families_to_bill(run.month)
        BillingRun.objects.filter(pk=run.pk).update(families_total=len(family_ids))
        for start in range(0, len(family_ids), engine.CHUNK):
            chunk = family_ids[start : start + engine.CHUNK]
            with transaction.atomic():
                invoices, amount = _issue_chunk(run, chunk, catalogue, today)
            BillingRun.objects.filter(pk=run.pk).update(
                families_done=F("families_done") + len(chunk),
                invoices_count=F("invoices_count") + len(invoices),
                total_amount=F("total_amount") + amount,
            )
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
