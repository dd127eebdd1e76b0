"""Creation of the card: online (to validate) or at the desk (validated)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.services import counter_next
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families import rules
from espace_citoyen.families.models import (
    AuthorisedPerson,
    Child,
    Family,
    FamilyDraft,
    FamilyStatus,
    Guardian,
)
from espace_citoyen.families.services._common import (
    FAMILY_FIELDS,
    _check_child,
    _record,
    family_refresh_search_text,
)

DEMARCHE_VALIDATION = "carte_famille_validation"


def _family_number() -> str:
    return rules.family_number(counter_next(name="family"))


@dataclass
class FamilyInput:
    address: dict
    guardians: list[dict]
    children: list[dict]
    authorised_persons: list[dict]
    emergency: dict | None = None


def _build_family(
    data: FamilyInput, *, actor, online: bool, status: str, linked_user=None
) -> Family:
    if not data.guardians:
        raise ApplicationError(_("Indiquez au moins un responsable légal."))
    for child in data.children:
        _check_child(child)
    family = Family(
        number=_family_number(),
        status=status,
        created_online=online,
        **{key: data.address.get(key, "") for key in FAMILY_FIELDS[:4]},
        **(data.emergency or {}),
    )
    if status == FamilyStatus.VALIDATED:
        family.validated_at = timezone.now()
        family.address_validated_on = timezone.localdate()
    family.full_clean(exclude=["search_text"])
    family.save()
    for position, values in enumerate(data.guardians, start=1):
        guardian = Guardian(family=family, position=position, **values)
        if position == 1 and linked_user is not None:
            guardian.user = linked_user
        guardian.full_clean()
        guardian.save()
    for values in data.children:
        child = Child(family=family, **values)
        child.full_clean()
        child.save()
    for values in data.authorised_persons:
        person = AuthorisedPerson(family=family, **values)
        person.full_clean()
        person.save()
    family_refresh_search_text(family)
    _record(
        family,
        actor=actor,
        entity="famille",
        label=family.number,
        before={},
        after={"numéro": family.number, "enfants": len(data.children)},
        action="création",
    )
    return family


@transaction.atomic
def family_create_online(*, user, data: FamilyInput) -> Family:
    """Path 1, « je n'ai pas de carte famille »: the card is created tied to the account,
    « à valider » until a guichet agent checks it (a démarche in their queue)."""
    if Guardian.objects.filter(user=user).exists():
        raise ApplicationError(_("Votre compte est déjà relié à une carte famille."))
    family = _build_family(
        data, actor=user, online=True, status=FamilyStatus.PENDING, linked_user=user
    )
    demarches.demarche_submit(
        type_key=DEMARCHE_VALIDATION,
        owner=family,
        submitted_by=user,
        title=_("Création de la carte famille %(number)s") % {"number": family.number},
    )
    FamilyDraft.objects.filter(user=user).delete()
    return family


@transaction.atomic
def family_create_at_desk(*, agent, data: FamilyInput) -> Family:
    """The guichet creates a family at the desk, identity checked: validated at once."""
    return _build_family(data, actor=agent, online=False, status=FamilyStatus.VALIDATED)


def family_validate(*, demarche: Demarche, actor) -> None:
    """Hook of the validation démarche: accepting it validates the card."""
    family = Family.objects.select_for_update().get(pk=demarche.owner_id)
    before = {"statut": family.get_status_display()}
    family.status = FamilyStatus.VALIDATED
    family.validated_at = timezone.now()
    family.address_validated_on = family.address_validated_on or timezone.localdate()
    family.save(update_fields=["status", "validated_at", "address_validated_on", "updated_at"])
    _record(
        family,
        actor=actor,
        entity="famille",
        label=family.number,
        before=before,
        after={"statut": family.get_status_display()},
    )
