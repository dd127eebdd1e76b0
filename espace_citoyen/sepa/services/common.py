"""What every SEPA service shares: the creditor, the action log, the family's mail."""

from django.utils.translation import gettext as _

from espace_citoyen.billing.services import regie_default
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.families.services import family_contacts
from espace_citoyen.sepa.models import Creditor, SepaEvent


def creditor_get() -> Creditor | None:
    """The default régie's creditor settings, or None (direct debit not offered)."""
    return Creditor.objects.filter(regie=regie_default()).select_related("regie").first()


def creditor_required() -> Creditor:
    creditor = creditor_get()
    if creditor is None:
        raise ApplicationError(
            _("Le prélèvement automatique n'est pas encore proposé par la commune.")
        )
    return creditor


def event_record(*, creditor, action: str, summary: str, actor=None, mandate=None, file=None):
    return SepaEvent.objects.create(
        creditor=creditor,
        mandate=mandate,
        file=file,
        action=action,
        summary=summary[:300],
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def family_notify(family, template: str, context: dict) -> None:
    """A mail to the family's guardians (IBANs in it are always masked)."""
    to = family_contacts(family)
    if to:
        notify(f"sepa/mail/{template}", to=to, context={"family": family, **context})
