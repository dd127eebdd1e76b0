"""Back-office routes of pricing, in the backoffice namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
