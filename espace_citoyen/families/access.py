"""The family card behind a citizen's request, for the views of every app."""

from django.contrib import messages
from django.utils.translation import gettext as _

from espace_citoyen.families.selectors import family_for_user


def family_for_request(request):
    """The user's family card, or None with a message asking to create or link it."""
    family = family_for_user(request.user)
    if family is None:
        messages.info(request, _("Créez ou reliez d'abord votre carte famille."))
    return family
