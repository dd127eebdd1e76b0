from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "espace_citoyen.audit"
    label = "audit"
    verbose_name = "Journal des modifications"
