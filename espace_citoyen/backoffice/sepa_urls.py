"""Back-office routes of direct debit, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import sepa

urlpatterns: list = [
    path("prelevements/mandats/", sepa.mandates, name="sepa_mandates"),
    path(
        "prelevements/mandats/<int:pk>/decision/", sepa.mandate_decide, name="sepa_mandate_decide"
    ),
    path("prelevements/mandats/<int:pk>/rib/", sepa.rib, name="sepa_rib"),
    path("prelevements/", sepa.files, name="sepa_files"),
    path("prelevements/fichiers/<int:pk>/", sepa.file_detail, name="sepa_file"),
    path("prelevements/fichiers/<int:pk>/xml/", sepa.file_download, name="sepa_file_download"),
    path("prelevements/rejets/<int:pk>/", sepa.debit_reject, name="sepa_debit_reject"),
    path("prelevements/rejets/import/", sepa.rejects_import, name="sepa_rejects_import"),
]
