"""Démarches own the generic request: its reference, its status, its timeline, and the
e-mail that tells the family of every status change they may see.

Every change goes through these services; each one locks the row, checks the transition,
runs the type's hook, records an event with its author, and queues the family's mail."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.roles import is_agent
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.core.services import sequence_next
from espace_citoyen.demarches.models import Demarche, DemarcheEvent, EventKind
from espace_citoyen.demarches.registry import demarche_type, owner_kind
from espace_citoyen.demarches.rules import Status, can_move, family_is_told, is_open


def _reference(year: int) -> str:
    return f"D-{year}-{sequence_next(name='demarche', year=year):06d}"


def _notify_family(demarche: Demarche, *, message: str = "") -> None:
    contacts = owner_kind(demarche.owner).contacts(demarche.owner)
    if not contacts:
        return
    notify(
        "demarches/mail/status",
        to=contacts,
        context={
            "demarche": demarche,
            "status": demarche.get_status_display(),
            "message": message,
            "appeal_route": demarche_type(demarche.type).appeal_route
            if demarche.status == Status.REFUSED
            else "",
            "link": settings.SITE_URL + reverse("demarches:detail", args=[demarche.reference]),
        },
    )


def _is_agent(user: Actor) -> bool:
    return bool(user) and is_agent(user)


@transaction.atomic
def demarche_submit(
    *,
    type_key: str,
    owner,
    submitted_by: Actor,
    title: str,
    child_name: str = "",
    child_birth_date=None,
    place: str = "",
    message: str = "",
) -> Demarche:
    """File a new démarche (status « déposée ») for `owner`, and tell the family."""
    now = timezone.localtime()
    demarche = Demarche(
        reference=_reference(now.year),
        type=type_key,
        status=Status.SUBMITTED,
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        title=title[:200],
        child_name=child_name[:200],
        child_birth_date=child_birth_date,
        place=place[:200],
        submitted_by=submitted_by,
    )
    demarche.full_clean()
    demarche.save()
    by_agent = _as_agent(demarche, submitted_by)
    DemarcheEvent.objects.create(
        demarche=demarche,
        actor=submitted_by,
        actor_is_agent=by_agent,
        kind=EventKind.STATUS,
        to_status=Status.SUBMITTED,
        text=message,
    )
    _notify_family(demarche, message=message)
    return demarche


def _locked(demarche: Demarche) -> Demarche:
    return Demarche.objects.select_for_update().get(pk=demarche.pk)


def is_own_demarche(demarche: Demarche, user) -> bool:
    """True when `user` belongs to the démarche's owner (a guardian of the family, the
    account itself): such a user never decides on it, even as an agent."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    model = ContentType.objects.get_for_id(demarche.owner_type_id).model_class()
    own = owner_kind(model).for_user(user)
    return own is not None and own.pk == demarche.owner_id


def _as_agent(demarche: Demarche, user) -> bool:
    """The user acts as an agent on this démarche: an agent, and not one of its owners
    (on their own family's démarche, an agent is a parent like any other)."""
    return _is_agent(user) and not is_own_demarche(demarche, user)


def _check_not_own(demarche: Demarche, actor) -> None:
    """Separation of duties, for every démarche type (those of other apps included): an
    agent who is also a parent never instructs nor decides their own family's démarches."""
    if _is_agent(actor) and is_own_demarche(demarche, actor):
        raise ApplicationError(
            _(
                "Cette démarche concerne votre propre famille : vous ne pouvez pas la "
                "traiter. Un ou une collègue doit s'en charger."
            )
        )


def _move(
    demarche: Demarche,
    *,
    to: str,
    actor: Actor,
    text: str = "",
    hook_name: str | None = None,
    as_family: bool = False,
) -> Demarche:
    demarche = _locked(demarche)
    if not as_family:
        _check_not_own(demarche, actor)
    if not can_move(demarche.status, to):
        raise ApplicationError(
            _("Cette démarche est « %(status)s » : elle ne peut plus passer à « %(target)s ».")
            % {"status": demarche.get_status_display(), "target": Status(to).label}
        )
    if hook_name:
        hook = getattr(demarche_type(demarche.type), hook_name)
        if hook is not None:
            hook(demarche=demarche, actor=actor)
    previous = demarche.status
    demarche.status = to
    by_agent = not as_family and _is_agent(actor)
    if to == Status.IN_PROGRESS and demarche.assigned_to_id is None and by_agent:
        demarche.assigned_to = actor
    if to in (Status.ACCEPTED, Status.REFUSED):
        demarche.decided_at = timezone.now()
        demarche.decision_reason = text
    demarche.save()
    DemarcheEvent.objects.create(
        demarche=demarche,
        actor=actor,
        actor_is_agent=by_agent,
        kind=EventKind.STATUS,
        from_status=previous,
        to_status=to,
        text=text,
        visible_to_family=family_is_told(to),
    )
    if family_is_told(to):
        _notify_family(demarche, message=text)
    return demarche


@transaction.atomic
def demarche_take_charge(*, demarche: Demarche, agent: User) -> Demarche:
    """An agent starts the instruction: « en cours d'instruction », assigned to them."""
    demarche = _move(demarche, to=Status.IN_PROGRESS, actor=agent)
    if demarche.assigned_to_id != agent.pk:
        demarche.assigned_to = agent
        demarche.save(update_fields=["assigned_to", "updated_at"])
    return demarche


@transaction.atomic
def demarche_request_documents(*, demarche: Demarche, agent: User, message: str) -> Demarche:
    """Ask the family for documents; the message says which, and is e-mailed."""
    if not message.strip():
        raise ApplicationError(_("Indiquez à la famille les pièces attendues."), field="message")
    return _move(demarche, to=Status.AWAITING_DOCUMENTS, actor=agent, text=message.strip())


@transaction.atomic
def demarche_accept(*, demarche: Demarche, agent: Actor, message: str = "") -> Demarche:
    """Accept: the type's hook applies the decision, the family is told."""
    return _move(
        demarche, to=Status.ACCEPTED, actor=agent, text=message.strip(), hook_name="on_accept"
    )


@transaction.atomic
def demarche_refuse(*, demarche: Demarche, agent: User, reason: str) -> Demarche:
    """Refuse with a reason the family reads (and, where there is one, the appeal route)."""
    if not reason.strip():
        raise ApplicationError(_("Le motif du refus est obligatoire."), field="reason")
    return _move(
        demarche, to=Status.REFUSED, actor=agent, text=reason.strip(), hook_name="on_refuse"
    )


@transaction.atomic
def demarche_cancel(*, demarche: Demarche, actor: Actor, reason: str = "") -> Demarche:
    """Cancel, by the family (when the type allows) or by an agent."""
    as_family = not _as_agent(demarche, actor)
    if as_family and not demarche_type(demarche.type).family_can_cancel:
        raise ApplicationError(_("Cette démarche ne peut pas être annulée en ligne."))
    return _move(
        demarche,
        to=Status.CANCELLED,
        actor=actor,
        text=reason.strip(),
        hook_name="on_cancel",
        as_family=as_family,
    )


@transaction.atomic
def demarche_message(*, demarche: Demarche, author, text: str, internal: bool = False):
    """Add a message to the timeline. Agents' messages are e-mailed to the family;
    internal notes are seen by agents only."""
    text = text.strip()
    if not text:
        raise ApplicationError(_("Le message est vide."), field="text")
    by_agent = _as_agent(demarche, author)
    if internal and not by_agent:
        raise ApplicationError(_("Seuls les agents peuvent écrire une note interne."))
    if not by_agent and not is_open(demarche.status):
        raise ApplicationError(
            _("Cette démarche est close : pour une nouvelle demande, contactez la mairie.")
        )
    event = DemarcheEvent.objects.create(
        demarche=demarche,
        actor=author,
        actor_is_agent=by_agent,
        kind=EventKind.NOTE if internal else EventKind.MESSAGE,
        text=text,
        visible_to_family=not internal,
    )
    Demarche.objects.filter(pk=demarche.pk).update(updated_at=timezone.now())
    if not by_agent:
        _family_answered(demarche, actor=author)
    if by_agent and not internal:
        contacts = owner_kind(demarche.owner).contacts(demarche.owner)
        if contacts:
            notify(
                "demarches/mail/message",
                to=contacts,
                context={
                    "demarche": demarche,
                    "message": text,
                    "link": settings.SITE_URL
                    + reverse("demarches:detail", args=[demarche.reference]),
                },
            )
    return event


def demarche_set_place(*, demarche: Demarche, place: str) -> None:
    """Change the school or place a démarche is about (agents filter queues on it), e.g.
    when an accepted dérogation moves an enrolment to another school."""
    Demarche.objects.filter(pk=demarche.pk).update(place=place[:200], updated_at=timezone.now())


def demarche_event_document(*, demarche: Demarche, actor: Actor, label: str) -> DemarcheEvent:
    """Record on the timeline that a document was added (the document itself lives in
    the families app)."""
    event = DemarcheEvent.objects.create(
        demarche=demarche,
        actor=actor,
        actor_is_agent=_as_agent(demarche, actor),
        kind=EventKind.DOCUMENT,
        text=label,
        visible_to_family=True,
    )
    if not event.actor_is_agent:
        _family_answered(demarche, actor=actor)
    return event


def _family_answered(demarche: Demarche, *, actor: Actor) -> None:
    """The family answered a request for documents: the démarche goes back to « en
    cours d'instruction » and the agent in charge is told by e-mail."""
    demarche = _locked(demarche)
    if demarche.status != Status.AWAITING_DOCUMENTS:
        return
    demarche = _move(
        demarche,
        to=Status.IN_PROGRESS,
        actor=actor,
        text=_("La famille a répondu à la demande de pièces."),
        as_family=True,
    )
    if demarche.assigned_to_id and demarche.assigned_to.email:
        notify(
            "demarches/mail/family_answered",
            to=demarche.assigned_to.email,
            context={
                "demarche": demarche,
                "link": settings.SITE_URL
                + reverse("backoffice:demarche", args=[demarche.reference]),
            },
        )
