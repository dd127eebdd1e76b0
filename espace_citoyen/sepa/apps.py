from django.apps import AppConfig


class SepaConfig(AppConfig):
    name = "espace_citoyen.sepa"
    label = "sepa"
    verbose_name = "Prélèvement automatique"

    def ready(self) -> None:
        from espace_citoyen.sepa import (
            checks,  # noqa: F401 (registers the checks)
            hooks,
        )

        hooks.register()
