"""Citizen side: « Suivre l'historique de mes démarches »."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from espace_citoyen.core.db import retry_on_conflict
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import selectors, services
from espace_citoyen.demarches.forms import CancelForm, MessageForm
from espace_citoyen.demarches.registry import demarche_type, owner_kinds
from espace_citoyen.demarches.rules import is_open


def _owners(request) -> list:
    """What the user's démarches may hang on: their family card, and their own account
    (a lost-code request is made before the family is known)."""
    owners = (kind.for_user(request.user) for kind in owner_kinds())
    return [owner for owner in owners if owner is not None]


@login_required
@require_safe
def history(request):
    owners = _owners(request)
    demarches = selectors.demarche_list_for_owner(*owners) if owners else []
    return render(request, "demarches/history.html", {"demarches": demarches})


def _detail_context(request, demarche, **extra):
    dtype = demarche_type(demarche.type)
    context = {
        "demarche": demarche,
        "type": dtype,
        "events": demarche.family_events,
        "can_write": is_open(demarche.status),
        "can_cancel": is_open(demarche.status) and dtype.family_can_cancel,
        "message_form": MessageForm(),
        "cancel_form": CancelForm(),
        **extra,
    }
    if dtype.detail_context:
        context.update(dtype.detail_context(demarche, False))
    return context


def _get(request, reference):
    owners = _owners(request)
    demarche = selectors.demarche_get_for_owner(*owners, reference=reference) if owners else None
    if demarche is None:
        raise Http404
    return demarche


@login_required
@require_safe
def detail(request, reference: str):
    demarche = _get(request, reference)
    return render(request, "demarches/detail.html", _detail_context(request, demarche))


@login_required
@require_POST
def message(request, reference: str):
    demarche = _get(request, reference)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            retry_on_conflict(
                lambda: services.demarche_message(
                    demarche=demarche, author=request.user, text=form.cleaned_data["text"]
                )
            )
        except ApplicationError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("Votre message a été envoyé à la mairie."))
            return redirect("demarches:detail", reference)
    return render(
        request,
        "demarches/detail.html",
        _detail_context(request, demarche, message_form=form),
        status=400,
    )


@login_required
@require_POST
def cancel(request, reference: str):
    demarche = _get(request, reference)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            retry_on_conflict(
                lambda: services.demarche_cancel(
                    demarche=demarche, actor=request.user, reason=form.cleaned_data["reason"]
                )
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Votre démarche est annulée."))
    return redirect("demarches:detail", reference)
