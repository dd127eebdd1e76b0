from django.urls import path

from espace_citoyen.schooling import views

app_name = "schooling"

urlpatterns = [
    path("", views.enrol, name="enrol"),
    path("derogation/", views.derogation, name="derogation"),
    path("demarches/<str:reference>/documents/", views.documents, name="documents"),
    path("demarches/<str:reference>/certificat/", views.certificate, name="certificate"),
]
