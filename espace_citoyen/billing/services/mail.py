"""E-mails to families: « Votre facture de <mois> est disponible » (in the background,
after a run) and the reminder of an unpaid invoice after its due date."""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import PAYABLE_STATUSES, Invoice, InvoiceKind
from espace_citoyen.core.dates import french_date, month_name
from espace_citoyen.core.notifications import notify
from espace_citoyen.families.models import Guardian
from espace_citoyen.pricing.rules import money


def _emails(family_ids) -> dict[int, list[str]]:
    emails: dict[int, set[str]] = {}
    for family_id, email in Guardian.objects.filter(family_id__in=family_ids).values_list(
        "family_id", "email"
    ):
        if email:
            emails.setdefault(family_id, set()).add(email)
    return {family_id: sorted(found) for family_id, found in emails.items()}


def _context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "month": f"{month_name(invoice.month.month)} {invoice.month.year}",
        "total": money(invoice.total),
        "due": money(invoice.amount_due),
        "due_on": french_date(invoice.due_on) if invoice.due_on else "",
        "path": reverse("billing:invoice", args=[invoice.pk]),
        "list_path": reverse("billing:invoices"),
    }


@transaction.atomic
def invoice_mail_send(*, invoice_ids: list[int]) -> int:
    """Send « Votre facture de <mois> est disponible » for each invoice not mailed yet."""
    invoices = list(
        Invoice.objects.select_for_update()
        .filter(pk__in=invoice_ids, mailed_at__isnull=True, kind=InvoiceKind.INVOICE)
        .order_by("pk")
    )
    emails = _emails({invoice.family_id for invoice in invoices})
    sent = []
    for invoice in invoices:
        to = emails.get(invoice.family_id)
        if to:
            notify("billing/mail/invoice_available", to=to, context=_context(invoice))
            sent.append(invoice.pk)
    Invoice.objects.filter(pk__in=sent).update(mailed_at=timezone.now())
    return len(sent)


@task()
def invoice_mails_task(*, invoice_ids: list[int]) -> int:
    return invoice_mail_send(invoice_ids=invoice_ids)


@transaction.atomic
def reminders_send(*, today: date | None = None) -> int:
    """Remind each unpaid invoice once, its régie's delay after its due date. A reminder
    never blocks a service: the canteen stays open to the child (L131-13)."""
    today = today or timezone.localdate()
    candidates = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("regie")
        .filter(
            kind=InvoiceKind.INVOICE,
            status__in=PAYABLE_STATUSES,
            reminded_at__isnull=True,
            due_on__lt=today,
        )
        .order_by("pk")
    )
    due = [
        invoice
        for invoice in candidates
        if rules.reminder_due(
            due_on=invoice.due_on, delay_days=invoice.regie.reminder_days, today=today
        )
    ]
    emails = _emails({invoice.family_id for invoice in due})
    reminded = []
    for invoice in due:
        to = emails.get(invoice.family_id)
        if to:
            notify("billing/mail/reminder", to=to, context=_context(invoice))
        reminded.append(invoice.pk)
    Invoice.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return len(reminded)


@task()
def reminders_task() -> int:
    return reminders_send()
