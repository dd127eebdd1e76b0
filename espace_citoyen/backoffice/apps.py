from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "espace_citoyen.backoffice"
    label = "backoffice"
    verbose_name = "Back-office"
