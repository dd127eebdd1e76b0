"""Back-office routes of pricing, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import pricing

urlpatterns: list = [
    path("tarifs/declarations/", pricing.declarations, name="pricing_declarations"),
    path(
        "tarifs/declarations/<str:reference>/",
        pricing.declaration_validate,
        name="pricing_declaration",
    ),
    path("tarifs/quotients/", pricing.quotients, name="pricing_quotients"),
    path("tarifs/quotients/<int:pk>/", pricing.family_quotients, name="pricing_family"),
    path("tarifs/grilles/", pricing.grids, name="pricing_grids"),
]
