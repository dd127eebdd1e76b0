from django.urls import include, path

from espace_citoyen.backoffice import demarches, families, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    # Families (guichet, and read access for the other services)
    path("familles/", families.family_search, name="family_search"),
    path("familles/nouvelle/", families.family_create, name="family_create"),
    path("familles/<int:pk>/", families.family_sheet, name="family"),
    path(
        "familles/<int:pk>/responsables/<int:guardian_pk>/lettre/",
        families.activation_letter,
        name="activation_letter",
    ),
    path("justificatifs/", families.documents_to_check, name="documents_to_check"),
    path("justificatifs/<int:pk>/verifier/", families.document_check, name="document_check"),
    path("justificatifs/<int:pk>/fichier/", families.document_file, name="document_file"),
    # Démarches of every type, filtered by the agent's roles
    path("demarches/", demarches.queue, name="demarche_queue"),
    path("demarches/<str:reference>/", demarches.detail, name="demarche"),
    path("demarches/<str:reference>/action/", demarches.act, name="demarche_act"),
    path(
        "demarches/<str:reference>/code-perdu/",
        families.lost_code_resolve,
        name="lost_code_resolve",
    ),
    # Each domain's back-office screens live in their own module (same namespace).
    path("", include("espace_citoyen.backoffice.schooling_urls")),
    path("", include("espace_citoyen.backoffice.activities_urls")),
    path("", include("espace_citoyen.backoffice.allocation_urls")),
    path("", include("espace_citoyen.backoffice.pricing_urls")),
    path("", include("espace_citoyen.backoffice.billing_urls")),
    path("", include("espace_citoyen.backoffice.payments_urls")),
    path("", include("espace_citoyen.backoffice.sepa_urls")),
]
