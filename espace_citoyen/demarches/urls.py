from django.urls import path

from espace_citoyen.demarches import views

app_name = "demarches"

urlpatterns = [
    path("", views.history, name="history"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/message/", views.message, name="message"),
    path("<str:reference>/annuler/", views.cancel, name="cancel"),
]
