"""Back-office routes of schooling, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import schooling

urlpatterns = [
    path("ecole/carte-scolaire/", schooling.sector, name="school_sector"),
    path("ecole/carte-scolaire/import/", schooling.sector_import, name="school_sector_import"),
    path("ecole/carte-scolaire/export/", schooling.sector_export, name="school_sector_export"),
    path("ecole/commission/", schooling.commission, name="school_commission"),
    path("ecole/listes/", schooling.school_lists, name="school_lists"),
    path("ecole/referentiel/", schooling.reference, name="school_reference"),
    path(
        "ecole/referentiel/annees/<int:pk>/campagne/",
        schooling.campaign_edit,
        name="school_campaign_edit",
    ),
    path(
        "ecole/inscriptions/<str:reference>/certificat/",
        schooling.certificate,
        name="school_certificate",
    ),
]
