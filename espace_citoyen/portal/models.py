"""The commune's identity (theming, legal pages) and the téléservice catalogue: data,
edited in the admin, never template edits."""

import hashlib
from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_citoyen.core.media import raster_type
from espace_citoyen.portal.rules import contrast_ratio

# The commune read by every page is cached (portal.selectors.commune_get); saving clears it.
COMMUNE_CACHE_KEY = "portal:commune"
# The published catalogue, likewise (portal.selectors.catalogue_published).
CATALOGUE_CACHE_KEY = "portal:catalogue"

LOGO_MAX_BYTES = 1024 * 1024

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Saisissez une couleur au format #1f4e79."))


def raster_logo(file) -> None:
    """A PNG or JPEG image by its content, 1 MB at most: an SVG (or anything else) could
    run scripts from the site's own origin."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Le logo doit peser 1 Mo au plus."))
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    if raster_type(head) is None:
        raise ValidationError(
            _(
                "Le logo doit être une image PNG ou JPEG (son contenu a été vérifié) ; "
                "les images SVG ne sont pas acceptées."
            )
        )


class AccessibilityStatus(models.TextChoices):
    NONE = "non", _("non conforme")
    PARTIAL = "partiel", _("partiellement conforme")
    FULL = "total", _("totalement conforme")


class Commune(models.Model):
    """The one commune this portal serves (a single row)."""

    name = models.CharField(_("nom de la commune"), max_length=120)
    logo = models.FileField(
        _("logo"),
        upload_to="commune/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), raster_logo],
        help_text=_("PNG ou JPEG, 1 Mo au plus, affiché en 48 × 48 pixels."),
    )
    primary_colour = models.CharField(
        _("couleur principale"),
        max_length=7,
        default="#1f4e79",
        validators=[hex_colour],
        help_text=_("Le texte blanc doit rester lisible dessus (contraste d'au moins 4,5:1)."),
    )
    address = models.TextField(_("adresse de la mairie"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel de contact"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    legal_notice = models.TextField(_("mentions légales"), blank=True)
    # Read from the latest audit grid (AccessibilityAudit), never typed: the statement
    # may not claim more than the audit found, and without an audit it is « non conforme ».
    accessibility_status = models.CharField(
        _("état de conformité RGAA"),
        max_length=10,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.NONE,
        editable=False,
    )
    accessibility_statement = models.TextField(
        _("déclaration d'accessibilité : informations complémentaires"), blank=True
    )
    accessibility_plan_url = models.URLField(
        _("schéma pluriannuel de mise en accessibilité (adresse)"), blank=True
    )
    accessibility_action_plan_url = models.URLField(
        _("plan d'action de l'année en cours (adresse)"), blank=True
    )
    privacy_notice = models.TextField(_("politique de confidentialité"), blank=True)
    school_zone = models.CharField(
        _("zone de vacances scolaires"),
        max_length=1,
        choices=[("A", "A"), ("B", "B"), ("C", "C")],
        default="B",
    )
    postal_codes = models.CharField(
        _("codes postaux de la commune"),
        max_length=100,
        blank=True,
        help_text=_("Séparés par des virgules : une famille qui y habite paie le tarif résident."),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("commune")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="commune_singleton")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        self.__dict__.pop("layout_version", None)
        cache.delete(COMMUNE_CACHE_KEY)  # every page shows the change at once

    def clean(self) -> None:
        if self.primary_colour and hex_colour.regex.match(self.primary_colour):
            if contrast_ratio(self.primary_colour, "#ffffff") < 4.5:
                raise ValidationError(
                    {
                        "primary_colour": _(
                            "Cette couleur est trop claire : le texte blanc n'y serait pas "
                            "lisible (contraste %(ratio).1f:1, il faut au moins 4,5:1)."
                        )
                        % {"ratio": contrast_ratio(self.primary_colour, "#ffffff")}
                    }
                )

    @property
    def theme_version(self) -> str:
        return self.updated_at.strftime("%Y%m%d%H%M%S") if self.updated_at else "0"

    @cached_property
    def layout_version(self) -> str:
        """A digest of everything the layout shows of the commune: the key of its header
        and footer kept ready in each process (templates/base.html), so that whatever
        way the commune is changed, a page never shows the former one."""
        shown = (
            self.name,
            self.logo.name if self.logo else "",
            self.address,
            self.phone,
            self.email,
            self.opening_hours,
            self.accessibility_status,
            self.theme_version,
        )
        return hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()


class Teleservice(models.Model):
    """An entry of the catalogue that the search at the top right finds."""

    title = models.CharField(_("titre"), max_length=120)
    slug = models.SlugField(_("identifiant"), unique=True)
    summary = models.TextField(_("résumé"))
    keywords = models.TextField(
        _("mots-clés"),
        blank=True,
        help_text=_(
            "Séparés par des virgules. La recherche ignore accents, majuscules et pluriels."
        ),
    )
    target = models.CharField(
        _("adresse du téléservice"),
        max_length=300,
        help_text=_("Chemin sur ce site (/carte-famille/) ou adresse complète (https://…)."),
    )
    audience = models.CharField(_("public"), max_length=120, blank=True)
    requires_login = models.BooleanField(_("connexion nécessaire"), default=True)
    published = models.BooleanField(_("publié"), default=True)
    position = models.PositiveIntegerField(_("ordre d'affichage"), default=100)

    class Meta:
        verbose_name = _("téléservice")
        verbose_name_plural = _("téléservices")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(CATALOGUE_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(CATALOGUE_CACHE_KEY)
        return result


class AccessibilityAudit(models.Model):
    """An RGAA 4.1 audit grid as published (docs/accessibility/audit.json), recorded by
    `manage.py accessibility_audit`; the statement shows the latest one."""

    audited_on = models.DateField(_("date de l'audit"))
    auditor = models.CharField(_("auditeur"), max_length=200)
    grid = models.JSONField(_("grille d'audit"))
    rate = models.DecimalField(
        _("taux de conformité (%)"), max_digits=4, decimal_places=1, null=True
    )
    status = models.CharField(
        _("état de conformité RGAA"), max_length=10, choices=AccessibilityStatus.choices
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit d'accessibilité")
        verbose_name_plural = _("audits d'accessibilité")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"RGAA {self.audited_on:%d/%m/%Y} ({self.get_status_display()})"
