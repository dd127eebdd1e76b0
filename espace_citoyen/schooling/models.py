"""Schools and school years (reference data configured by administrators), the carte
scolaire (street ranges -> school), school enrolments and dérogations (each one-to-one
with its démarche)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from espace_citoyen.demarches.rules import Status
from espace_citoyen.schooling.rules import (
    LEVEL_ORDER,
    LEVELS_BY_KIND,
    STREET_MAX_LENGTH,
    Level,
    Parity,
    Range,
    SchoolKind,
    range_label,
    street_key,
)


class SchoolYear(models.Model):
    label = models.CharField(_("année scolaire"), max_length=9, unique=True)  # 2026-2027
    start_date = models.DateField(_("rentrée"))
    end_date = models.DateField(_("fin d'année"))
    campaign_start = models.DateField(
        _("début des inscriptions scolaires"),
        null=True,
        blank=True,
        help_text=_("Premier jour où les familles peuvent inscrire leur enfant en ligne."),
    )
    campaign_end = models.DateField(
        _("fin des inscriptions scolaires"),
        null=True,
        blank=True,
        help_text=_("Dernier jour inclus."),
    )

    class Meta:
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="school_year_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(campaign_start__isnull=True)
                | Q(campaign_end__isnull=True)
                | Q(campaign_end__gte=F("campaign_start")),
                name="school_year_campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if (self.campaign_start is None) != (self.campaign_end is None):
            raise ValidationError(
                _("Indiquez les deux dates de la campagne d'inscription, ou aucune.")
            )
        if self.campaign_start and self.campaign_end and self.campaign_end < self.campaign_start:
            raise ValidationError(
                {"campaign_end": _("La fin de la campagne doit suivre son début.")}
            )
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("La fin d'année doit suivre la rentrée.")})


class School(models.Model):
    name = models.CharField(_("nom"), max_length=150, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=SchoolKind.choices)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    levels = models.JSONField(
        _("niveaux proposés"), default=list, help_text=_('Par exemple ["PS", "MS", "GS"].')
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_(
            "Nombre d'élèves que l'école peut accueillir dans l'année ; la commission des "
            "dérogations voit les places restantes."
        ),
    )
    active = models.BooleanField(_("ouverte"), default=True)

    class Meta:
        verbose_name = _("école")
        verbose_name_plural = _("écoles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        levels = self.levels if isinstance(self.levels, list) else None
        if levels is None or not levels:
            raise ValidationError({"levels": _("Indiquez au moins un niveau proposé.")})
        allowed = LEVELS_BY_KIND.get(self.kind, [])
        wrong = [level for level in levels if level not in allowed]
        if wrong:
            raise ValidationError(
                {
                    "levels": _("Une %(kind)s ne propose pas : %(levels)s.")
                    % {
                        "kind": str(SchoolKind(self.kind).label).lower()
                        if self.kind
                        else _("école"),
                        "levels": ", ".join(map(str, wrong)),
                    }
                }
            )
        self.levels = [level for level in LEVEL_ORDER if level in levels]

    def offers(self, level: str) -> bool:
        return level in (self.levels or [])


class SectorRule(models.Model):
    """One line of the carte scolaire (code de l'éducation, L212-7): numbers of a street
    -> the school of that sector, for the cycles the school's kind serves."""

    street = models.CharField(_("voie"), max_length=STREET_MAX_LENGTH)
    street_key = models.CharField(max_length=STREET_MAX_LENGTH, db_index=True, editable=False)
    parity = models.CharField(
        _("numéros"), max_length=7, choices=Parity.choices, default=Parity.ALL
    )
    number_from = models.PositiveIntegerField(_("du numéro"), default=1)
    number_to = models.PositiveIntegerField(
        _("au numéro"), null=True, blank=True, help_text=_("Vide : jusqu'au bout de la voie.")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="sector_rules", verbose_name=_("école")
    )

    class Meta:
        verbose_name = _("règle de la carte scolaire")
        verbose_name_plural = _("carte scolaire")
        ordering = ["street_key", "number_from", "parity", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number_from__gte=1), name="sector_rule_from_positive"
            ),
            models.CheckConstraint(
                condition=Q(number_to__isnull=True) | Q(number_to__gte=F("number_from")),
                name="sector_rule_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street} ({self.get_parity_display()}) → {self.school_id}"

    def save(self, *args, **kwargs):
        self.street_key = street_key(self.street)
        super().save(*args, **kwargs)

    @property
    def range(self) -> Range:
        return Range(parity=self.parity, start=self.number_from, end=self.number_to)

    @property
    def range_label(self) -> str:
        return range_label(self.range)


class SectorImport(models.Model):
    """A record of each import of the carte scolaire: who replaced it, when, with what."""

    at = models.DateTimeField(_("date"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("par"),
    )
    filename = models.CharField(_("fichier"), max_length=255)
    rule_count = models.PositiveIntegerField(_("règles"))

    class Meta:
        verbose_name = _("import de la carte scolaire")
        verbose_name_plural = _("imports de la carte scolaire")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.rule_count})"


class RequestedDocument(models.TextChoices):
    """What the mayor's service may ask for an enrolment (code de l'éducation D131-3-1,
    décret 2020-811), each replaceable by a sworn statement; never blocking."""

    CHILD_IDENTITY = "enfant", _("Identité de l'enfant (livret de famille ou acte de naissance)")
    GUARDIANS_IDENTITY = "responsables", _("Identité des responsables légaux")
    PROOF_OF_ADDRESS = "domicile", _("Justificatif de domicile")


class Enrolment(models.Model):
    """A school enrolment (one-to-one with its démarche). `school` is where the child is
    enrolled: the sector school, or the school a dérogation granted."""

    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="school_enrolment"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="school_enrolments"
    )
    child = models.ForeignKey(
        "families.Child",
        on_delete=models.CASCADE,
        related_name="school_enrolments",
        verbose_name=_("enfant"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("année scolaire"),
    )
    level = models.CharField(_("niveau"), max_length=3, choices=Level.choices)
    expected_level = models.CharField(
        _("niveau attendu selon l'âge"), max_length=3, choices=Level.choices, blank=True
    )
    sector_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("école de secteur"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("école d'affectation"),
    )
    # The address the sector was computed from, as it was then.
    address = models.CharField(_("adresse de la famille"), max_length=300)
    sworn_statements = models.JSONField(
        _("attestations sur l'honneur"),
        default=list,
        blank=True,
        help_text=_("Pièces remplacées par une attestation sur l'honneur de la famille."),
    )
    # Submitted, being examined, or accepted; false once refused or cancelled.
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription scolaire")
        verbose_name_plural = _("inscriptions scolaires")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "school_year"],
                condition=Q(active=True),
                name="enrolment_one_active_per_child_and_year",
            )
        ]
        indexes = [models.Index(fields=["school_year", "school"], name="enrolment_year_school")]

    def __str__(self) -> str:
        return f"{self.child_id} {self.school_year_id} {self.level}"

    @property
    def by_derogation(self) -> bool:
        return self.school_id != self.sector_school_id

    @property
    def certificate_available(self) -> bool:
        """The certificat d'inscription exists once the enrolment is accepted, and as long
        as it counts (needs `demarche`)."""
        return self.active and self.demarche.status == Status.ACCEPTED


class DerogationMotive(models.Model):
    """A motive a family may give for a dérogation, configured by the commune."""

    label = models.CharField(_("motif"), max_length=200, unique=True)
    help_text = models.CharField(
        _("aide pour la famille"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple, les pièces utiles pour ce motif."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=10)
    active = models.BooleanField(_("proposé aux familles"), default=True)

    class Meta:
        verbose_name = _("motif de dérogation")
        verbose_name_plural = _("motifs de dérogation")
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class Derogation(models.Model):
    """A request to attend another school than the sector one (one-to-one with its
    démarche); accepted, it moves the enrolment to the requested school."""

    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="derogation"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="derogations")
    requested_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="derogation_requests",
        verbose_name=_("école demandée"),
    )
    motive = models.ForeignKey(
        DerogationMotive, on_delete=models.PROTECT, related_name="+", verbose_name=_("motif")
    )
    explanation = models.TextField(_("explications"))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("dérogation au périmètre scolaire")
        verbose_name_plural = _("dérogations au périmètre scolaire")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id} → {self.requested_school_id}"
