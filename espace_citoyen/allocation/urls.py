from django.urls import path

from espace_citoyen.allocation import views

app_name = "allocation"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rapport/", views.report, name="report"),
    path("demande/<int:pk>/modifier/", views.change, name="change"),
    path("demande/<int:pk>/retirer/", views.withdraw, name="withdraw"),
]
