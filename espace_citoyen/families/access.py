"""The family card behind a citizen's request, for the views of every app."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from espace_citoyen.families.models import Family
from espace_citoyen.families.selectors import family_for_user


def family_for_request(request: HttpRequest) -> Family | None:
    """The user's family card, or None with a message asking to create or link it."""
    family = family_for_user(request.user)
    if family is None:
        messages.info(request, _("Créez ou reliez d'abord votre carte famille."))
    return family


def family_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a citizen's view that works on their card (under `login_required`): the view
    receives the user's card as its `family` keyword argument; a user without one goes to
    the card's entry page, with a message asking to create or link it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        family = family_for_request(request)
        if family is None:
            return redirect("families:card")
        return view(request, *args, family=family, **kwargs)

    return wrapper
