"""Change of address: a démarche with its proof, applied when validated."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.models import AddressChange, DocumentKind, DocumentStatus, Family
from espace_citoyen.families.services._common import FAMILY_FIELDS, _record, _snapshot
from espace_citoyen.families.services.documents import document_upload

DEMARCHE_ADDRESS = "carte_famille_adresse"


@transaction.atomic
def address_change_request(
    *, family: Family, actor, address: dict, proof: UploadedFile
) -> Demarche:
    """A new address, with its proof: it becomes the family's address (school sector,
    resident rate) when a guichet agent validates it."""
    open_request = Demarche.objects.filter(
        type=DEMARCHE_ADDRESS,
        owner_type=ContentType.objects.get_for_model(Family),
        owner_id=family.pk,
        status__in=["deposee", "en_cours", "attente_pieces"],
    ).exists()
    if open_request:
        raise ApplicationError(
            _(
                "Un changement d'adresse est déjà en cours d'examen. Vous pouvez le suivre "
                "dans l'historique de vos démarches."
            )
        )
    line = f"{address['address_line1']}, {address['postal_code']} {address['city']}"
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_ADDRESS,
        owner=family,
        submitted_by=actor,
        title=_("Changement d'adresse : %(address)s") % {"address": line},
    )
    document = document_upload(
        family=family,
        kind=DocumentKind.PROOF_OF_ADDRESS,
        upload=proof,
        uploaded_by=actor,
        demarche=demarche,
    )
    change = AddressChange(
        demarche=demarche,
        family=family,
        proof=document,
        **{key: address.get(key, "") for key in FAMILY_FIELDS[:4]},
    )
    change.full_clean()
    change.save()
    return demarche


def address_change_apply(*, demarche: Demarche, actor) -> None:
    """Hook of the address démarche: the address is the family's from today."""
    change = AddressChange.objects.select_related("proof").get(demarche=demarche)
    family = Family.objects.select_for_update().get(pk=change.family_id)
    before = _snapshot(family, FAMILY_FIELDS[:4])
    for field in FAMILY_FIELDS[:4]:
        setattr(family, field, getattr(change, field))
    family.address_validated_on = timezone.localdate()
    family.save()
    if change.proof.status == DocumentStatus.TO_CHECK:
        change.proof.status = DocumentStatus.ACCEPTED
        change.proof.checked_by = actor
        change.proof.checked_at = timezone.now()
        change.proof.save()
    _record(
        family,
        actor=actor,
        entity="adresse",
        label=family.number,
        before=before,
        after=_snapshot(family, FAMILY_FIELDS[:4]),
    )
