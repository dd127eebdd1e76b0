"""Schools and school years (reference data configured by administrators)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_citoyen.schooling.rules import SchoolKind


class SchoolYear(models.Model):
    label = models.CharField(_("année scolaire"), max_length=9, unique=True)  # 2026-2027
    start_date = models.DateField(_("rentrée"))
    end_date = models.DateField(_("fin d'année"))

    class Meta:
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="school_year_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.label


class School(models.Model):
    name = models.CharField(_("nom"), max_length=150, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=SchoolKind.choices)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    levels = models.JSONField(
        _("niveaux proposés"), default=list, help_text=_('Par exemple ["PS", "MS", "GS"].')
    )
    active = models.BooleanField(_("ouverte"), default=True)

    class Meta:
        verbose_name = _("école")
        verbose_name_plural = _("écoles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
