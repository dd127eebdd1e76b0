"""Shared model bases and the demo mailbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class DemoMail(models.Model):
    """A message kept by the demo mailbox (DEBUG without EMAIL_HOST) instead of sent."""

    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)
    from_email = models.CharField(_("expéditeur"), max_length=254)
    to = models.TextField(_("destinataires"))
    subject = models.CharField(_("objet"), max_length=998)
    body = models.TextField(_("texte"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("courriel de démonstration")
        verbose_name_plural = _("courriels de démonstration")

    def __str__(self) -> str:
        return self.subject


class Counter(models.Model):
    """A named sequence per year (démarche references, family numbers, invoice numbers).

    Incremented under a row lock by `core.services.counter_next`, so numbers are unique
    and without gaps even when many requests take one at the same time."""

    name = models.CharField(_("nom"), max_length=50)
    year = models.PositiveIntegerField(_("année"), default=0)
    value = models.PositiveBigIntegerField(_("dernière valeur"), default=0)

    class Meta:
        verbose_name = _("compteur")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="core_counter_name_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.value}"
