from django.apps import AppConfig


class AllocationConfig(AppConfig):
    """Fair allocation (« attribution équitable »): a separate app that depends on
    activities; activities knows nothing of it but asks its booking guard registry."""

    name = "espace_citoyen.allocation"
    label = "allocation"
    verbose_name = "Attribution équitable"

    def ready(self) -> None:
        from espace_citoyen.allocation import registration

        registration.register()
