"""The generic request: every citizen action an agent decides on is a Demarche, with a
timeline of events. Other apps hang their details on it (one-to-one) and register their
types; this app knows no other domain app: its owner (the family) is a generic link."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_citoyen.demarches.registry import demarche_type
from espace_citoyen.demarches.rules import STATUS_BADGES, Status


class Demarche(models.Model):
    reference = models.CharField(_("référence"), max_length=20, unique=True)
    type = models.CharField(_("type"), max_length=50, db_index=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    title = models.CharField(_("objet"), max_length=200)
    child_name = models.CharField(_("enfant"), max_length=200, blank=True)
    child_birth_date = models.DateField(_("date de naissance de l'enfant"), null=True, blank=True)
    place = models.CharField(_("établissement ou lieu"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent en charge"),
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="demarche_owner_idx"),
            models.Index(fields=["type", "status"], name="demarche_type_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def status_label(self) -> str:
        """The status as a family reads it: get_status_display without building the
        choices' mapping on each call (lists show it on every visit)."""
        return Status(self.status).label if self.status in Status.values else self.status

    @property
    def badge(self) -> str:
        return STATUS_BADGES.get(self.status, "badge")

    @property
    def type_label(self) -> str:
        return demarche_type(self.type).label


class EventKind(models.TextChoices):
    STATUS = "statut", _("Changement de statut")
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Note interne")
    DOCUMENT = "document", _("Document ajouté")


class DemarcheEvent(models.Model):
    """One line of a démarche's timeline: who did what, when, and what the family sees."""

    demarche = models.ForeignKey(Demarche, on_delete=models.CASCADE, related_name="events")
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
    kind = models.CharField(_("nature"), max_length=10, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("texte"), blank=True)
    visible_to_family = models.BooleanField(_("visible par la famille"), default=True)

    class Meta:
        verbose_name = _("événement de démarche")
        verbose_name_plural = _("événements de démarche")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.demarche_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
