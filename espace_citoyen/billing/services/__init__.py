"""Writes of billing, one module per topic. The public entry points:

- `payment_record` / `payment_reverse` (payments.py): the one way money enters or leaves
  the ledger, for the régie's desk and for the payments app (online, direct debit);
- `credit_note_issue` (credit_notes.py): cancel or correct an issued invoice;
- `billing_run_start` / `billing_run_execute` (runs.py): issue a month's invoices;
- `reminders_send`, `invoice_mail_send` (mail.py): the e-mails to families.
"""

from espace_citoyen.billing.services.credit_notes import credit_note_issue, credited_line_ids
from espace_citoyen.billing.services.events import event_record
from espace_citoyen.billing.services.mail import invoice_mail_send, reminders_send
from espace_citoyen.billing.services.numbering import invoice_number_next
from espace_citoyen.billing.services.payments import credit_apply, payment_record, payment_reverse
from espace_citoyen.billing.services.regies import regie_default
from espace_citoyen.billing.services.runs import billing_run_execute, billing_run_start

__all__ = [
    "billing_run_execute",
    "billing_run_start",
    "credit_apply",
    "credit_note_issue",
    "credited_line_ids",
    "event_record",
    "invoice_mail_send",
    "invoice_number_next",
    "payment_record",
    "payment_reverse",
    "regie_default",
    "reminders_send",
]
