from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "espace_citoyen.portal"
    label = "portal"
    verbose_name = "Portail"

    def ready(self) -> None:
        from espace_citoyen.core.site import site_context_register
        from espace_citoyen.portal.selectors import site_context

        site_context_register(site_context)
