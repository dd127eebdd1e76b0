from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "espace_citoyen.audit"
    label = "audit"
    verbose_name = "Journal des modifications"

    def ready(self) -> None:
        # Listen to what the apps below the audit app announce (accounts.signals).
        from espace_citoyen.audit import receivers  # noqa: F401
