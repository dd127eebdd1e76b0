from django.urls import path

from espace_citoyen.families import views

app_name = "families"

urlpatterns = [
    path("", views.card, name="card"),
    path("activer/", views.activate, name="activate"),
    path("code-perdu/", views.lost_code, name="lost_code"),
    path("code-perdu/envoye/", views.lost_code_sent, name="lost_code_sent"),
    path("creer/", views.create, name="create"),
    path("creer/<slug:step>/", views.create, name="create_step"),
    path("donnees/", views.data, name="data"),
    path("donnees/responsable/ajouter/", views.guardian_add, name="guardian_add"),
    path("donnees/responsable/<int:pk>/", views.guardian_edit, name="guardian_edit"),
    path("donnees/enfant/ajouter/", views.child_add, name="child_add"),
    path("donnees/enfant/<int:pk>/", views.child_edit, name="child_edit"),
    path("donnees/personne-autorisee/ajouter/", views.person_edit, name="person_add"),
    path("donnees/personne-autorisee/<int:pk>/", views.person_edit, name="person_edit"),
    path("donnees/contact-urgence/", views.emergency_edit, name="emergency_edit"),
    path("donnees/adresse/", views.address_change, name="address_change"),
    path("justificatifs/", views.documents, name="documents"),
    path("justificatifs/<int:pk>/fichier/", views.document_file, name="document_file"),
]
