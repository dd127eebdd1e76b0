from django.urls import path

from espace_citoyen.payments import bank_views, views

app_name = "payments"

urlpatterns = [
    path("payer/", views.pay, name="pay"),
    path("<str:reference>/retour/", views.payment_return, name="return"),
    path("<str:reference>/notification/", views.notification, name="notification"),
    # The simulated bank (demo and tests): served only while it is the configured backend.
    path("banque-simulee/", bank_views.bank, name="bank"),
]
