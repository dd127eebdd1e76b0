"""The product's one audit trail: who changed what, when, with the values before and
after, for every app. Rows are written by the services (`audit.services.audit_record`),
never by signals, so bulk changes are recorded too and the actor is always the one the
service was given."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_is_agent = models.BooleanField(_("par un agent"), default=False)
    # The app that wrote it (families, activities, pricing, schooling…).
    area = models.CharField(_("domaine"), max_length=30, db_index=True)
    # What changed, in words an agent reads: « enfant », « jour d'activité », « grille ».
    entity = models.CharField(_("objet"), max_length=50)
    entity_label = models.CharField(_("libellé"), max_length=250)
    action = models.CharField(_("action"), max_length=30, default="modification")
    # {field: [before, after]} for every value that changed (JSON-friendly values).
    changes = models.JSONField(_("modifications"), default=dict)
    # Health data (a child's health fields, a health document): shown only to the family
    # and the roles caring for the children; selectors filter on it by role.
    sensitive = models.BooleanField(_("donnée de santé"), default=False)
    # The row that changed (it may be gone since: the label stays).
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # Whose file it belongs to (the family, for the family sheet's history); none for the
    # commune's configuration (capacities, calendar, campaigns, grids).
    scope_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scope_id = models.PositiveBigIntegerField(null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")

    class Meta:
        verbose_name = _("modification")
        verbose_name_plural = _("journal des modifications")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "-at"], name="audit_scope_at"),
            models.Index(fields=["subject_type", "subject_id", "-at"], name="audit_subject_at"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.entity} {self.action} {self.at:%Y-%m-%d}"
