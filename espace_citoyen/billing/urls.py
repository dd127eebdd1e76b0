from django.urls import path

from espace_citoyen.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("<int:pk>/", views.invoice, name="invoice"),
    path("<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
]
