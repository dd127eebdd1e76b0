"""Writes of direct debit, one module per topic: mandates.py (request, signature,
decision, change of account, revocation, suspension, lapse, pre-notification),
debits.py (the debit run and its pain.008 file), rejects.py, reject_imports.py (the
bank's reject report)."""

from espace_citoyen.sepa.services.common import creditor_get, creditor_required, event_record
from espace_citoyen.sepa.services.debits import debit_file_generate, debit_preview
from espace_citoyen.sepa.services.mandates import (
    invoices_issued,
    mandate_accept,
    mandate_in_force,
    mandate_refuse,
    mandate_request,
    mandate_revoke,
    mandate_sign,
    mandates_lapse,
    signature_code_send,
)
from espace_citoyen.sepa.services.reject_imports import ImportResult, rejects_import
from espace_citoyen.sepa.services.rejects import debit_reject

__all__ = [
    "ImportResult",
    "creditor_get",
    "creditor_required",
    "debit_file_generate",
    "debit_preview",
    "debit_reject",
    "event_record",
    "invoices_issued",
    "mandate_accept",
    "mandate_in_force",
    "mandate_refuse",
    "mandate_request",
    "mandate_revoke",
    "mandate_sign",
    "mandates_lapse",
    "rejects_import",
    "signature_code_send",
]
