from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "espace_citoyen.payments"
    label = "payments"
    verbose_name = "Paiement en ligne"

    def ready(self) -> None:
        from espace_citoyen.payments import checks  # noqa: F401 (registers the checks)
