"""Back-office routes of online payment, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import payments

urlpatterns: list = [
    path("paiements-en-ligne/", payments.transactions, name="payments_transactions"),
    path("paiements-en-ligne/<str:reference>/", payments.transaction, name="payments_transaction"),
]
