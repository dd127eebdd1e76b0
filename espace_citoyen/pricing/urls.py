from django.urls import path

from espace_citoyen.pricing import views

app_name = "pricing"

urlpatterns = [
    path("", views.simulator, name="simulator"),
    path("grilles/", views.grids, name="grids"),
    path("mes-tarifs/", views.my_rates, name="my_rates"),
    path("declaration/", views.declare, name="declare"),
    path("declaration/caf/", views.declare_caf, name="declare_caf"),
    path("declaration/avis-imposition/", views.declare_tax, name="declare_tax"),
    path("declaration/consultation-caf/", views.declare_api, name="declare_api"),
    path("declaration/sans-declaration/", views.declare_none, name="declare_none"),
    path("declaration/document/", views.declaration_document, name="declaration_document"),
]
