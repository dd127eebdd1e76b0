from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "espace_citoyen.pricing"
    label = "pricing"
    verbose_name = "Tarifs"
