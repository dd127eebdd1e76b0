"""Back-office routes of billing, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import billing

urlpatterns: list = [
    path("facturation/", billing.runs, name="billing_runs"),
    path("facturation/emettre/", billing.run_start, name="billing_run_start"),
    path("facturation/<int:pk>/", billing.run, name="billing_run"),
    path("factures/", billing.invoices, name="billing_invoices"),
    path("factures/<int:pk>/", billing.invoice, name="billing_invoice"),
    path("factures/<int:pk>/pdf/", billing.invoice_pdf, name="billing_invoice_pdf"),
    path("factures/<int:pk>/encaisser/", billing.invoice_pay, name="billing_invoice_pay"),
    path("factures/<int:pk>/avoir/", billing.invoice_credit, name="billing_invoice_credit"),
    path("factures/familles/<int:pk>/", billing.family_account, name="billing_family"),
    path(
        "factures/paiements/<int:pk>/annuler/",
        billing.payment_reverse,
        name="billing_payment_reverse",
    ),
    path("impayes/", billing.unpaid, name="billing_unpaid"),
    path("impayes/relances/", billing.reminders, name="billing_reminders"),
    path("exports-comptables/", billing.exports_page, name="billing_exports"),
]
