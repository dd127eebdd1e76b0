from django.urls import path

from espace_citoyen.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
]
