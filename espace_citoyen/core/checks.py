"""System checks of the socle."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def secret_key_is_set(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [
            Warning(
                "SECRET_KEY must be set when DEBUG is off: the site will not serve without it.",
                hint="Set the SECRET_KEY environment variable to a long random string.",
                id="espace_citoyen.W001",
            )
        ]
    return []
