"""Reading the audit trail: one query each, the actor joined."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from espace_citoyen.audit.models import AuditEntry


def audit_for_scope(scope: models.Model, *, with_sensitive: bool) -> QuerySet[AuditEntry]:
    """Everything recorded on `scope`'s file (a family), newest first. Health entries
    only when `with_sensitive` (the caller decides from the viewer's roles)."""
    entries = AuditEntry.objects.filter(
        scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk
    ).select_related("actor")
    return entries if with_sensitive else entries.filter(sensitive=False)


def audit_for_subject(subject: models.Model) -> QuerySet[AuditEntry]:
    """Everything recorded on one row (a grid, an activity), newest first."""
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("actor")


def audit_in(area: str, *, entities: list[str] | None = None) -> QuerySet[AuditEntry]:
    """What was recorded by one app (optionally on some kinds of objects), newest first."""
    entries = AuditEntry.objects.filter(area=area).select_related("actor")
    return entries.filter(entity__in=entities) if entities else entries
