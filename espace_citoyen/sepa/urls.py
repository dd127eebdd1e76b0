from django.urls import path

from espace_citoyen.sepa import views

app_name = "sepa"

urlpatterns = [
    path("", views.mandate, name="mandate"),
    path("demande/", views.mandate_request, name="request"),
    path("demande/<int:pk>/signature/", views.mandate_sign, name="sign"),
    path("mandat/<int:pk>/pdf/", views.mandate_pdf, name="pdf"),
    path("mandat/<int:pk>/revocation/", views.mandate_revoke, name="revoke"),
]
