from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "espace_citoyen.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from espace_citoyen.core import checks  # noqa: F401 (registers the checks)
