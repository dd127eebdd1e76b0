"""Back-office routes of fair allocation, in the backoffice namespace."""

from django.urls import path

from espace_citoyen.backoffice import allocation

urlpatterns = [
    path("attributions/", allocation.allocation_list, name="allocation_list"),
    path("attributions/nouvelle/", allocation.allocation_edit, name="allocation_new"),
    path("attributions/<int:pk>/", allocation.allocation_detail, name="allocation_detail"),
    path("attributions/<int:pk>/modifier/", allocation.allocation_edit, name="allocation_edit"),
    path("attributions/<int:pk>/tirage/", allocation.allocation_draw, name="allocation_draw"),
    path(
        "attributions/<int:pk>/ajustement/",
        allocation.allocation_adjust,
        name="allocation_adjust",
    ),
    path(
        "attributions/<int:pk>/publier/", allocation.allocation_publish, name="allocation_publish"
    ),
]
