from django.urls import path

from espace_citoyen.payments import bank_views

app_name = "payments"

urlpatterns = [
    # The simulated bank (demo and tests): served only while it is the configured backend.
    path("banque-simulee/", bank_views.bank, name="bank"),
]
