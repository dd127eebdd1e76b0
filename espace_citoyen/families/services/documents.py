"""Documents (justificatifs): upload, content check, agents' decision."""

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families import rules
from espace_citoyen.families.models import (
    HEALTH_DOCUMENT_KINDS,
    Child,
    Document,
    DocumentStatus,
    Family,
)
from espace_citoyen.families.services._common import _record, family_contacts


def document_check_file(upload: UploadedFile) -> str:
    """The file's real type (by its content) if accepted; ApplicationError otherwise."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("Ce fichier pèse %(size)s Mo : la taille maximale est de 10 Mo.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            field="file",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in rules.ALLOWED_TYPES:
        raise ApplicationError(
            _(
                "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été "
                "vérifié, quel que soit son nom). Enregistrez-le dans l'un de ces formats."
            ),
            field="file",
        )
    return kind.mime


@transaction.atomic
def document_upload(
    *,
    family: Family,
    kind: str,
    upload: UploadedFile,
    uploaded_by,
    child: Child | None = None,
    demarche: Demarche | None = None,
) -> Document:
    """Store a justificatif (PDF, JPEG or PNG by content, 10 MB at most), « à vérifier »."""
    mime = document_check_file(upload)
    if child is not None and child.family_id != family.pk:
        raise ApplicationError(_("Cet enfant n'appartient pas à cette famille."), field="child")
    document = Document(
        family=family,
        child=child,
        demarche=demarche,
        kind=kind,
        original_name=(upload.name or "document")[:255],
        content_type=mime,
        size=upload.size,
        uploaded_by=uploaded_by,
        status=DocumentStatus.TO_CHECK,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.full_clean()
    document.save()
    label = f"{document.get_kind_display()} ({document.original_name})"
    _record(
        family,
        actor=uploaded_by,
        entity="justificatif",
        label=label,
        before={},
        after={"document": label},
        action="ajout",
        sensitive=document.kind in HEALTH_DOCUMENT_KINDS,
    )
    if demarche is not None:
        demarches.demarche_event_document(demarche=demarche, actor=uploaded_by, label=label)
    return document


@transaction.atomic
def document_check(
    *, document: Document, agent, accepted: bool, reason: str = "", valid_until=None
) -> Document:
    """An agent accepts the document, or refuses it with a reason the family reads."""
    document = Document.objects.select_for_update().select_related("family").get(pk=document.pk)
    if not accepted and not reason.strip():
        raise ApplicationError(
            _("Indiquez le motif du refus : la famille le lira."), field="reason"
        )
    before = {"statut": document.get_status_display()}
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REFUSED
    document.refusal_reason = "" if accepted else reason.strip()
    document.valid_until = valid_until
    document.checked_by = agent
    document.checked_at = timezone.now()
    document.save()
    _record(
        document.family,
        actor=agent,
        entity="justificatif",
        label=str(document),
        before=before,
        after={"statut": document.get_status_display(), "motif": document.refusal_reason},
        sensitive=document.kind in HEALTH_DOCUMENT_KINDS,
    )
    if not accepted:
        contacts = family_contacts(document.family)
        if contacts:
            notify(
                "families/mail/document_refused",
                to=contacts,
                context={
                    "document": document,
                    "link": settings.SITE_URL + reverse("families:documents"),
                },
            )
    return document
