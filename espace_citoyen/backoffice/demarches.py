"""Agents' démarche queues and the instruction of one démarche: take in charge, ask for
documents, accept, refuse, write to the family, leave an internal note. Every action is
a timeline event with its author; the types come from the apps that register them."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from espace_citoyen.accounts.roles import user_roles
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.core.db import retry_on_conflict
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import selectors, services
from espace_citoyen.demarches.registry import demarche_type, demarche_types, owner_kind
from espace_citoyen.demarches.rules import Status, can_move


def _types_for(user) -> list:
    roles = {role.value for role in user_roles(user)}
    return [t for t in demarche_types() if t.role in roles]


class QueueFilter(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Statut"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Référence, objet ou enfant"), required=False, max_length=100
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Tous"))] + [(t.key, t.label) for t in types]
        self.fields["status"].choices = [
            ("ouvertes", _("À traiter (déposées, en cours, en attente)")),
            ("", _("Tous")),
        ] + list(Status.choices)


@require_safe
@agent_required()
def queue(request):
    types = _types_for(request.user)
    data = request.GET.copy()
    data.setdefault("status", "ouvertes")
    form = QueueFilter(data, types=types)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    wanted = [t.key for t in types]
    if cleaned.get("type"):
        wanted = [cleaned["type"]]
    queryset = selectors.demarche_queue(
        types=wanted, status=cleaned.get("status", "ouvertes"), search=cleaned.get("q", "")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "backoffice/demarches/queue.html",
        {"form": form, "page": page, "query_string": params.urlencode()},
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _get(request, reference: str):
    demarche = selectors.demarche_get_for_agent(
        reference, types=[t.key for t in _types_for(request.user)]
    )
    if demarche is None:
        raise Http404
    return demarche


@require_safe
@agent_required()
def detail(request, reference: str):
    demarche = _get(request, reference)
    return render(request, "backoffice/demarches/detail.html", _context(request, demarche))


def _context(request, demarche, **extra):
    dtype = demarche_type(demarche.type)
    owner = demarche.owner
    kind = owner_kind(owner)
    context = {
        "demarche": demarche,
        "type": dtype,
        "events": demarche.all_events,
        "owner_label": kind.label(owner),
        "owner_url": kind.backoffice_url(owner) if kind.backoffice_url else "",
        "show_agents": True,
        "can": {
            "take": can_move(demarche.status, Status.IN_PROGRESS),
            "request": can_move(demarche.status, Status.AWAITING_DOCUMENTS),
            "accept": can_move(demarche.status, Status.ACCEPTED),
            "refuse": can_move(demarche.status, Status.REFUSED),
            "cancel": can_move(demarche.status, Status.CANCELLED),
        },
        "form": DecisionForm(),
        **extra,
    }
    if dtype.detail_context:
        context.update(dtype.detail_context(demarche, True))
    return context


ACTIONS = {
    "prendre": lambda d, agent, text: services.demarche_take_charge(demarche=d, agent=agent),
    "pieces": lambda d, agent, text: services.demarche_request_documents(
        demarche=d, agent=agent, message=text
    ),
    "accepter": lambda d, agent, text: services.demarche_accept(
        demarche=d, agent=agent, message=text
    ),
    "refuser": lambda d, agent, text: services.demarche_refuse(
        demarche=d, agent=agent, reason=text
    ),
    "annuler": lambda d, agent, text: services.demarche_cancel(
        demarche=d, actor=agent, reason=text
    ),
    "message": lambda d, agent, text: services.demarche_message(
        demarche=d, author=agent, text=text
    ),
    "note": lambda d, agent, text: services.demarche_message(
        demarche=d, author=agent, text=text, internal=True
    ),
}
DONE = {
    "prendre": gettext_lazy("Vous avez pris la démarche en charge."),
    "pieces": gettext_lazy("La demande de pièces est envoyée à la famille."),
    "accepter": gettext_lazy("La démarche est acceptée ; la famille est prévenue."),
    "refuser": gettext_lazy("La démarche est refusée ; la famille est prévenue."),
    "annuler": gettext_lazy("La démarche est annulée."),
    "message": gettext_lazy("Le message est envoyé à la famille."),
    "note": gettext_lazy("La note interne est enregistrée."),
}


@require_POST
@agent_required()
def act(request, reference: str):
    demarche = _get(request, reference)
    action = request.POST.get("action", "")
    form = DecisionForm(request.POST)
    if action not in ACTIONS or not form.is_valid():
        messages.error(request, _("Action inconnue."))
        return redirect("backoffice:demarche", reference)
    try:
        retry_on_conflict(
            lambda: ACTIONS[action](demarche, request.user, form.cleaned_data["text"])
        )
    except ApplicationError as error:
        form.add_error("text", error.message)
        return render(
            request,
            "backoffice/demarches/detail.html",
            _context(request, demarche, form=form, failed_action=action),
            status=400,
        )
    messages.success(request, DONE[action])
    return redirect("backoffice:demarche", reference)
