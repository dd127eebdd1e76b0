"""Pricing: income declarations, the family's quotient familial over time, tariff grids
per activity and period, and the record of who changed a grid."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from espace_citoyen.pricing import rules

# How pricing's changes are named in the audit trail (espace_citoyen.audit).
AUDIT_AREA = "pricing"
GRID_AUDIT_ENTITY = "grille tarifaire"


class DeclarationMethod(models.TextChoices):
    CAF = "caf", _("Attestation de quotient familial CAF ou MSA")
    API = "api", _("Quotient familial consulté auprès de la CAF ou de la MSA")
    TAX = "impots", _("Avis d'imposition")
    NONE = "aucune", _("Pas de déclaration de revenus")


class IncomeDeclaration(models.Model):
    """The details of a « je mets à jour mes tarifs » démarche (one-to-one)."""

    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="income_declaration"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="income_declarations"
    )
    method = models.CharField(_("mode de déclaration"), max_length=10, choices=DeclarationMethod)
    declared_qf = models.PositiveIntegerField(_("quotient familial déclaré (€)"))
    tax_income = models.DecimalField(
        _("revenu fiscal de référence"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    tax_parts = models.DecimalField(
        _("nombre de parts"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    tax_year = models.PositiveSmallIntegerField(_("année des revenus"), null=True, blank=True)
    api_provider = models.CharField(_("organisme"), max_length=10, blank=True)
    api_year = models.PositiveSmallIntegerField(null=True, blank=True)
    api_month = models.PositiveSmallIntegerField(null=True, blank=True)
    consent_at = models.DateTimeField(_("accord de la famille le"), null=True, blank=True)
    validated_qf = models.PositiveIntegerField(
        _("quotient familial retenu (€)"), null=True, blank=True
    )
    correction_reason = models.TextField(_("motif de la correction"), blank=True)
    effective_from = models.DateField(_("applicable à partir du"), null=True, blank=True)
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration de revenus")
        verbose_name_plural = _("déclarations de revenus")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="impots")
                | Q(
                    tax_income__isnull=False,
                    tax_income__gte=0,
                    tax_parts__isnull=False,
                    tax_parts__gte=1,
                ),
                name="pricing_declaration_tax_figures",
                violation_error_message=_(
                    "Un avis d'imposition demande un revenu positif et au moins une part."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demarche_id} {self.method} {self.declared_qf}"

    @property
    def corrected(self) -> bool:
        return self.validated_qf is not None and self.validated_qf != self.declared_qf

    @property
    def tax_explanation(self) -> str:
        if self.method != DeclarationMethod.TAX or self.tax_income is None:
            return ""
        return rules.qf_from_tax(self.tax_income, self.tax_parts).explanation


class FamilyQuotient(models.Model):
    """The family's quotient familial over one period [starts_on, ends_before).

    A new record closes the previous one (its ends_before becomes the new start). A
    record replaced before it started has ends_before == starts_on: it never applied.
    `qf` None: no declaration, the highest rates."""

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="quotients"
    )
    qf = models.PositiveIntegerField(_("quotient familial (€)"), null=True, blank=True)
    method = models.CharField(_("origine"), max_length=10, choices=DeclarationMethod)
    starts_on = models.DateField(_("applicable à partir du"))
    ends_before = models.DateField(_("remplacé le"), null=True, blank=True)
    declaration = models.OneToOneField(
        IncomeDeclaration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotient",
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )

    class Meta:
        verbose_name = _("quotient familial d'une famille")
        verbose_name_plural = _("quotients familiaux des familles")
        ordering = ["family_id", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_before__isnull=True) | Q(ends_before__gte=F("starts_on")),
                name="pricing_quotient_period",
                violation_error_message=_("Une période ne peut pas finir avant de commencer."),
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(ends_before__isnull=True),
                name="pricing_quotient_one_open_per_family",
                violation_error_message=_("Une famille n'a qu'un quotient ouvert à la fois."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_id} QF {self.qf} {self.starts_on}"

    @property
    def never_applied(self) -> bool:
        return self.ends_before is not None and self.ends_before == self.starts_on

    @property
    def last_day(self):
        return self.ends_before - timedelta(days=1) if self.ends_before else None

    def applies_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_before is None or day < self.ends_before)

    @property
    def qf_display(self) -> str:
        if self.qf is None:
            return str(_("aucun (tarif le plus élevé)"))
        return rules.whole_euros(self.qf)


class GridKind(models.TextChoices):
    BRACKETS = rules.BRACKETS, _("Tranches de quotient familial")
    EFFORT_RATE = rules.EFFORT_RATE, _("Taux d'effort")


money_field = {"max_digits": 10, "decimal_places": 2}


class TariffGrid(models.Model):
    """The prices of one activity over one period (a new grid each 1 January is usual)."""

    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        related_name="tariff_grids",
        verbose_name=_("activité"),
    )
    kind = models.CharField(_("type de grille"), max_length=12, choices=GridKind)
    valid_from = models.DateField(_("en vigueur à partir du"))
    valid_until = models.DateField(
        _("jusqu'au (inclus)"),
        null=True,
        blank=True,
        help_text=_("Laissez vide tant que la grille suivante n'est pas connue."),
    )
    effort_rate = models.DecimalField(
        _("taux d'effort (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Pourcentage du quotient familial, par exemple 0,36 pour 0,36 %."),
    )
    floor_price = models.DecimalField(_("prix plancher"), null=True, blank=True, **money_field)
    ceiling_price = models.DecimalField(_("prix plafond"), null=True, blank=True, **money_field)
    non_resident_price = models.DecimalField(
        _("tarif non-résident"),
        help_text=_("Prix unique des familles qui n'habitent pas la commune."),
        **money_field,
    )
    pai_price = models.DecimalField(
        _("tarif PAI (panier repas)"),
        null=True,
        blank=True,
        help_text=_("Prix d'un enfant avec PAI qui apporte son repas ; vide si sans objet."),
        **money_field,
    )
    unbooked_surcharge = models.DecimalField(
        _("majoration d'une présence sans réservation"), default=Decimal(0), **money_field
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("grille tarifaire")
        verbose_name_plural = _("grilles tarifaires")
        ordering = ["activity_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="pricing_grid_period",
                violation_error_message=_("La fin de validité précède son début."),
            ),
            models.CheckConstraint(
                condition=Q(floor_price__isnull=True)
                | Q(ceiling_price__isnull=True)
                | Q(floor_price__lte=F("ceiling_price")),
                name="pricing_grid_floor_below_ceiling",
                violation_error_message=_("Le prix plancher est supérieur au prix plafond."),
            ),
            models.CheckConstraint(
                # NULL compares as unknown, which a check accepts: say "not null" too.
                condition=~Q(kind=rules.EFFORT_RATE)
                | Q(
                    effort_rate__isnull=False,
                    effort_rate__gt=0,
                    floor_price__isnull=False,
                    floor_price__gte=0,
                    ceiling_price__isnull=False,
                ),
                name="pricing_grid_effort_figures",
                violation_error_message=_(
                    "Une grille à taux d'effort demande un taux, un plancher et un plafond."
                ),
            ),
            models.CheckConstraint(
                condition=Q(non_resident_price__gte=0) & Q(unbooked_surcharge__gte=0),
                name="pricing_grid_prices_positive",
                violation_error_message=_("Un prix ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.valid_until:
            return _("du %(start)s au %(end)s") % {
                "start": self.valid_from.strftime("%d/%m/%Y"),
                "end": self.valid_until.strftime("%d/%m/%Y"),
            }
        return _("à partir du %(start)s") % {"start": self.valid_from.strftime("%d/%m/%Y")}

    def applies_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def as_rule(self, brackets=None) -> rules.GridRule:
        """The pure view of this grid; `brackets` (TariffBracket rows) default to the
        prefetched ones."""
        rows = self.brackets.all() if brackets is None else brackets
        return rules.GridRule(
            kind=self.kind,
            non_resident_price=self.non_resident_price,
            brackets=tuple(
                rules.Bracket(qf_min=row.qf_min, qf_max=row.qf_max, price=row.price) for row in rows
            ),
            effort_rate=self.effort_rate,
            floor_price=self.floor_price,
            ceiling_price=self.ceiling_price,
            pai_price=self.pai_price,
            unbooked_surcharge=self.unbooked_surcharge or Decimal(0),
        )

    @property
    def highest_price(self) -> Decimal | None:
        """The price without a declared QF (the highest resident price)."""
        rule = self.as_rule()
        if self.kind == rules.BRACKETS and not rule.brackets:
            return None
        if self.kind == rules.EFFORT_RATE and self.ceiling_price is None:
            return None
        return rules.highest_price(rule)

    @property
    def effort_summary(self) -> str:
        if self.kind != rules.EFFORT_RATE or self.effort_rate is None:
            return ""
        return _("%(rate)s du quotient familial, au moins %(floor)s et au plus %(ceiling)s") % {
            "rate": rules.percent(self.effort_rate),
            "floor": rules.money(self.floor_price),
            "ceiling": rules.money(self.ceiling_price),
        }


class TariffBracket(models.Model):
    """One bracket of a grid: QF from qf_min to qf_max (inclusive, whole euros) → price."""

    grid = models.ForeignKey(TariffGrid, on_delete=models.CASCADE, related_name="brackets")
    qf_min = models.PositiveIntegerField(_("QF à partir de (€)"))
    qf_max = models.PositiveIntegerField(
        _("QF jusqu'à (€, inclus)"),
        null=True,
        blank=True,
        help_text=_("Vide pour la dernière tranche (« et plus »)."),
    )
    price = models.DecimalField(_("prix unitaire"), **money_field)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grid_id", "qf_min"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qf_max__isnull=True) | Q(qf_max__gte=F("qf_min")),
                name="pricing_bracket_bounds",
                violation_error_message=_(
                    "La borne haute d'une tranche est inférieure à sa borne basse."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="pricing_bracket_price",
                violation_error_message=_("Un prix ne peut pas être négatif."),
            ),
            models.UniqueConstraint(
                fields=["grid", "qf_min"],
                name="pricing_bracket_unique_min",
                violation_error_message=_("Deux tranches commencent au même quotient."),
            ),
        ]

    def __str__(self) -> str:
        return rules.bracket_range(rules.Bracket(self.qf_min, self.qf_max, self.price))
