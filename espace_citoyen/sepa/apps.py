from django.apps import AppConfig


class SepaConfig(AppConfig):
    name = "espace_citoyen.sepa"
    label = "sepa"
    verbose_name = "Prélèvement automatique"

    def ready(self) -> None:
        from django.conf import settings

        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.sepa import (
            checks,  # noqa: F401 (registers the checks)
            hooks,
        )

        hooks.register()
        if not settings.SEPA_ENABLED:
            return
        # The régie's screens (only apps.py may reach the back-office's registry).
        for screen in [
            Screen(
                Role.REGIE,
                "Mandats de prélèvement",
                "backoffice:sepa_mandates",
                "Les demandes à valider (IBAN et RIB côte à côte), les mandats actifs et "
                "suspendus.",
            ),
            Screen(
                Role.REGIE,
                "Prélèvements SEPA",
                "backoffice:sepa_files",
                "Prévisualiser et générer le fichier de prélèvement, enregistrer les rejets.",
            ),
        ]:
            screen_register(screen)
