from django.urls import path

from espace_citoyen.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("teleservices/", views.catalogue, name="catalogue"),
    path("recherche/", views.search, name="search"),
    path("mon-espace/", views.dashboard, name="dashboard"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("theme.css", views.theme, name="theme"),
    path("demo/courriels/", views.demo_mailbox, name="demo_mailbox"),
    path("demo/courriels/<int:pk>/", views.demo_mail, name="demo_mail"),
]
