"""Pure rules of a démarche's life: which status may follow which, what the family sees."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    SUBMITTED = "deposee", _("Déposée")
    IN_PROGRESS = "en_cours", _("En cours d'instruction")
    AWAITING_DOCUMENTS = "attente_pieces", _("En attente de pièces")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")
    CANCELLED = "annulee", _("Annulée")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.AWAITING_DOCUMENTS,
            Status.ACCEPTED,
            Status.REFUSED,
            Status.CANCELLED,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.AWAITING_DOCUMENTS, Status.ACCEPTED, Status.REFUSED, Status.CANCELLED}
    ),
    Status.AWAITING_DOCUMENTS: frozenset(
        {Status.IN_PROGRESS, Status.ACCEPTED, Status.REFUSED, Status.CANCELLED}
    ),
    Status.ACCEPTED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.IN_PROGRESS, Status.AWAITING_DOCUMENTS})
FINAL_STATUSES = frozenset(status for status, following in TRANSITIONS.items() if not following)
# A draft is the family's own business; every later status is seen and e-mailed.
FAMILY_VISIBLE_STATUSES = frozenset(Status) - {Status.DRAFT}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def family_is_told(status: str) -> bool:
    """Whether a change to `status` is shown to the family and e-mailed to them."""
    return status in FAMILY_VISIBLE_STATUSES


STATUS_BADGES = {
    Status.DRAFT: "badge",
    Status.SUBMITTED: "badge-info",
    Status.IN_PROGRESS: "badge-info",
    Status.AWAITING_DOCUMENTS: "badge-warning",
    Status.ACCEPTED: "badge-success",
    Status.REFUSED: "badge-error",
    Status.CANCELLED: "badge",
}
