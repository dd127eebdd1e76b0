"""Writing the audit trail. Called by every service that changes data, inside its
transaction, with the actor it was given: the entry exists exactly when the change does."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.roles import is_agent
from espace_citoyen.audit import rules
from espace_citoyen.audit.models import AuditEntry

MODIFICATION = "modification"


def _reference(instance: models.Model | None) -> tuple[ContentType | None, int | None]:
    if instance is None or instance.pk is None:
        return None, None
    return ContentType.objects.get_for_model(instance), instance.pk


def audit_record(
    *,
    actor: Actor,
    area: str,
    entity: str,
    label: str,
    before: dict,
    after: dict,
    action: str = MODIFICATION,
    subject: models.Model | None = None,
    scope: models.Model | None = None,
    sensitive: bool = False,
) -> AuditEntry | None:
    """Record a change: `before` and `after` are snapshots (audit.rules.snapshot) of the
    values concerned. A modification that changed nothing records nothing; a creation,
    deletion or any other action is always recorded. `scope` is whose file it belongs to
    (the family), `sensitive` marks health data."""
    changes = rules.diff(before, after)
    if not changes and action == MODIFICATION:
        return None
    subject_type, subject_id = _reference(subject)
    scope_type, scope_id = _reference(scope)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_is_agent=bool(actor) and is_agent(actor),
        area=area,
        entity=entity[:50],
        entity_label=label[:250],
        action=action[:30],
        changes=changes,
        sensitive=sensitive,
        subject_type=subject_type,
        subject_id=subject_id,
        scope_type=scope_type,
        scope_id=scope_id,
    )
