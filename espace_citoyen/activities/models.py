"""Périscolaire and extrascolaire activities (configured by administrators)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    MORNING = "matin", _("Accueil du matin")
    LUNCH = "restauration", _("Restauration scolaire")
    EVENING = "soir", _("Accueil du soir / étude")
    WEDNESDAY = "mercredi", _("Mercredi")
    HOLIDAYS = "vacances", _("Accueil de loisirs vacances")


PERISCOLAIRE_KINDS = frozenset({ActivityKind.MORNING, ActivityKind.LUNCH, ActivityKind.EVENING})


class Unit(models.TextChoices):
    SESSION = "seance", _("Séance")
    HALF_DAY = "demi_journee", _("Demi-journée")
    DAY = "journee", _("Journée")
    WEEK = "semaine", _("Semaine")


class Activity(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=15, choices=ActivityKind.choices)
    school_year = models.ForeignKey(
        "schooling.SchoolYear", on_delete=models.PROTECT, related_name="activities"
    )
    school = models.ForeignKey(
        "schooling.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("école"),
    )
    place_name = models.CharField(_("lieu (centre de loisirs…)"), max_length=150, blank=True)
    eligible_levels = models.JSONField(_("niveaux admis"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places par jour"))
    unit = models.CharField(_("unité"), max_length=15, choices=Unit.choices, default=Unit.DAY)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("délai de réservation (jours ouvrés)"), default=2
    )
    deadline_time = models.TimeField(_("heure limite"), default="12:00")
    uses_weekly_template = models.BooleanField(_("semaine type"), default=True)
    active = models.BooleanField(_("ouverte"), default=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["school_year", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_periscolaire(self) -> bool:
        return self.kind in PERISCOLAIRE_KINDS

    @property
    def place(self) -> str:
        return self.school.name if self.school_id else self.place_name
