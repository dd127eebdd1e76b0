"""The families' requests during the window, each a démarche: submit, change, withdraw."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from espace_citoyen.activities import services as activity_services
from espace_citoyen.allocation import rules, selectors
from espace_citoyen.allocation.models import (
    Allocation,
    AllocationRequest,
    RequestStatus,
)
from espace_citoyen.allocation.services._common import (
    DEMARCHE_REQUEST,
    moment_label,
)
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.models import Family, FamilyStatus

# --- requests (families) ---------------------------------------------------------------------


def _check_open(allocation: Allocation) -> None:
    """Requests are taken from the opening to the closing time, whatever the page
    showed: the server decides with its own clock."""
    state = selectors.state_of(allocation)
    if state == rules.UPCOMING:
        raise ApplicationError(
            _("Les demandes ne sont pas encore ouvertes : elles le seront le %(moment)s.")
            % {"moment": moment_label(allocation.opens_at)}
        )
    if state != rules.OPEN:
        raise ApplicationError(
            _(
                "Les demandes pour « %(label)s » sont closes depuis le %(moment)s : elles ne "
                "peuvent plus être déposées, modifiées ni retirées."
            )
            % {"label": allocation.label, "moment": moment_label(allocation.closes_at)}
        )


def _choices(allocation: Allocation, keys: list[str]) -> list[dict]:
    """The ranked choices from the options' keys (unknown keys are refused)."""
    keys = [key for key in keys if key]
    if not keys:
        raise ApplicationError(_("Choisissez au moins une semaine ou un jour."), field="choice1")
    if len(set(keys)) != len(keys):
        raise ApplicationError(_("Le même choix figure deux fois."), field="choice2")
    options = {option.key: option for option in selectors.options(allocation)}
    chosen = []
    for key in keys:
        option = options.get(key)
        if option is None:
            raise ApplicationError(
                _("Ce choix n'est pas proposé pour « %(label)s ».") % {"label": allocation.label},
                field="choice1",
            )
        chosen.append(
            {"activity": option.site.pk, "days": [day.isoformat() for day in option.days]}
        )
    return chosen


def _days_of(choices: list[dict]) -> set[str]:
    return {day for choice in choices for day in choice["days"]}


def _check_child(allocation: Allocation, child, choices: list[dict], *, exclude=()) -> None:
    groups = list(allocation.groups.all())
    if groups and selectors.group_for(groups, child.birth_date, allocation.first_day) is None:
        raise ApplicationError(
            _("%(child)s n'a l'âge d'aucun des groupes accueillis.") % {"child": child.first_name},
            field="children",
        )
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    for site_id in {choice["activity"] for choice in choices}:
        problem = activity_services.eligibility_problem(child, sites[site_id])
        if problem:
            raise ApplicationError(
                _("%(child)s ne peut pas être accueilli(e) à « %(site)s » : %(problem)s")
                % {"child": child.first_name, "site": sites[site_id].name, "problem": problem},
                field="children",
            )
    others = AllocationRequest.objects.filter(
        allocation=allocation, child=child, status=RequestStatus.ACTIVE
    ).exclude(pk__in=exclude)
    taken = set()
    for other in others:
        taken |= _days_of(other.choices)
    if taken & _days_of(choices):
        raise ApplicationError(
            _(
                "%(child)s a déjà une demande pour l'un de ces jours : modifiez-la plutôt que "
                "d'en déposer une autre."
            )
            % {"child": child.first_name},
            field="choice1",
        )


@transaction.atomic
def request_submit(
    *,
    allocation: Allocation,
    family: Family,
    children: list,
    choices: list[str],
    together: bool,
    actor,
) -> list[AllocationRequest]:
    """File one request per child (each a démarche « Demande enregistrée — attribution
    le … »), with the same ranked choices; siblings asked together share a key."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _check_open(allocation)
    family = Family.objects.select_for_update().get(pk=family.pk)
    if family.status != FamilyStatus.VALIDATED:
        raise ApplicationError(
            _("Votre carte famille doit être validée par la mairie avant de demander une place.")
        )
    if not children:
        raise ApplicationError(_("Choisissez au moins un enfant."), field="children")
    if any(child.family_id != family.pk for child in children):
        raise ApplicationError(_("Cet enfant n'est pas sur votre carte famille."), field="children")
    chosen = _choices(allocation, choices)
    key = f"F{family.pk}-{secrets.token_hex(6)}" if together and len(children) > 1 else ""
    made = []
    for child in children:
        _check_child(allocation, child, chosen)
        demarche = demarches.demarche_submit(
            type_key=DEMARCHE_REQUEST,
            owner=family,
            submitted_by=actor,
            title=_("Demande enregistrée — attribution le %(day)s")
            % {"day": dates.french_date(allocation.results_on)},
            child_name=child.full_name,
            child_birth_date=child.birth_date,
            place=allocation.label,
            message=_(
                "Votre demande pour « %(label)s » est enregistrée. L'heure de la demande ne "
                "compte pas : toutes les demandes reçues avant le %(close)s sont traitées de "
                "la même façon. Résultat le %(day)s."
            )
            % {
                "label": allocation.label,
                "close": moment_label(allocation.closes_at),
                "day": dates.french_date(allocation.results_on),
            },
        )
        made.append(
            AllocationRequest.objects.create(
                allocation=allocation,
                demarche=demarche,
                family=family,
                child=child,
                choices=chosen,
                together=key,
                updated_by=actor,
            )
        )
    return made


def _unit_of(request: AllocationRequest):
    if not request.together:
        return [request]
    return list(
        AllocationRequest.objects.select_for_update().filter(
            allocation_id=request.allocation_id,
            together=request.together,
            status=RequestStatus.ACTIVE,
        )
    )


@transaction.atomic
def request_change(*, request: AllocationRequest, choices: list[str], actor) -> list:
    """Change the ranked choices until the close (siblings asked together change with
    it), recorded on each démarche's timeline."""
    allocation = Allocation.objects.select_for_update().get(pk=request.allocation_id)
    _check_open(allocation)
    request = AllocationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.ACTIVE:
        raise ApplicationError(_("Cette demande a été retirée."))
    chosen = _choices(allocation, choices)
    unit = _unit_of(request)
    for member in unit:
        _check_child(allocation, member.child, chosen, exclude=[m.pk for m in unit])
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    text = _("Demande modifiée : %(choices)s.") % {
        "choices": " ; ".join(
            f"{rank}. {selectors.choice_label(allocation, c, sites)}"
            for rank, c in enumerate(chosen, start=1)
        )
    }
    for member in unit:
        member.choices = chosen
        member.updated_by = actor
        member.save(update_fields=["choices", "updated_by", "updated_at"])
        demarches.demarche_message(demarche=member.demarche, author=actor, text=text)
    return unit


def request_on_cancel(*, demarche: Demarche, actor) -> None:
    """The démarche's cancel hook: withdrawing a request is possible until the close."""
    request = AllocationRequest.objects.select_for_update().get(demarche=demarche)
    if request.decided_at is not None:
        raise ApplicationError(
            _(
                "Le résultat est publié : pour rendre une place obtenue, annulez les jours "
                "depuis le calendrier de l'enfant."
            )
        )
    _check_open(request.allocation)
    request.status = RequestStatus.WITHDRAWN
    request.updated_by = actor
    request.save(update_fields=["status", "updated_by", "updated_at"])


def request_withdraw(*, request: AllocationRequest, actor) -> None:
    demarches.demarche_cancel(
        demarche=request.demarche, actor=actor, reason=_("Demande retirée par la famille.")
    )
