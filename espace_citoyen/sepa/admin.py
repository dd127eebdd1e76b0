from django.contrib import admin

from espace_citoyen.sepa.models import Creditor


@admin.register(Creditor)
class CreditorAdmin(admin.ModelAdmin):
    """The commune's creditor settings, checked on save (ICS and IBAN keys, BIC)."""

    list_display = ["name", "ics", "regie", "debit_day", "notice_days", "reject_limit"]
    fields = [
        "regie",
        "name",
        "ics",
        "iban",
        "bic",
        "rum_prefix",
        "debit_day",
        "notice_days",
        "reject_limit",
    ]
