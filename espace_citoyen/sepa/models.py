"""SEPA direct debit: the commune's creditor settings, the families' mandates (IBANs
encrypted at rest), debit files and the debit of each invoice, and the action log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from espace_citoyen.sepa import crypto, rules

money_field = {"max_digits": 12, "decimal_places": 2}


class Creditor(models.Model):
    """The commune as SEPA creditor, for one régie (configured in the admin)."""

    regie = models.OneToOneField(
        "billing.Regie", on_delete=models.PROTECT, related_name="sepa_creditor"
    )
    name = models.CharField(_("nom du créancier"), max_length=70)
    ics = models.CharField(_("identifiant créancier SEPA (ICS)"), max_length=35)
    iban = models.CharField(_("IBAN du compte de la régie"), max_length=34)
    bic = models.CharField(
        _("BIC du compte de la régie"),
        max_length=11,
        blank=True,
        help_text=_("Trouvé à partir de l'IBAN quand c'est possible."),
    )
    rum_prefix = models.CharField(
        _("préfixe des RUM"), max_length=10, default="EC", help_text=_("Lettres et chiffres.")
    )
    debit_day = models.PositiveSmallIntegerField(
        _("jour de prélèvement"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    notice_days = models.PositiveSmallIntegerField(
        _("délai de pré-notification (jours)"),
        default=14,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
    )
    reject_limit = models.PositiveSmallIntegerField(
        _("rejets avant suspension du mandat"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    next_rum = models.PositiveIntegerField(_("prochain numéro de RUM"), default=1)

    class Meta:
        verbose_name = _("créancier SEPA")
        verbose_name_plural = _("créanciers SEPA")

    def __str__(self) -> str:
        return f"{self.name} ({self.ics})"

    def clean(self) -> None:
        errors = {}
        try:
            self.ics = rules.ics_check(self.ics)
        except ValueError as error:
            errors["ics"] = str(error)
        try:
            self.iban = rules.iban_clean(self.iban)
        except rules.IbanError as error:
            errors["iban"] = str(error)
        try:
            self.bic = rules.bic_clean(self.bic) or (
                rules.bic_for(self.iban) if "iban" not in errors else ""
            )
        except rules.IbanError as error:
            errors["bic"] = str(error)
        if not self.bic and "bic" not in errors:
            errors["bic"] = _("Indiquez le BIC du compte de la régie.")
        if not self.rum_prefix.isalnum():
            errors["rum_prefix"] = _("Le préfixe ne contient que des lettres et des chiffres.")
        if errors:
            raise ValidationError(errors)


class MandateStatus(models.TextChoices):
    TO_SIGN = "a_signer", _("À signer")
    PENDING = "en_attente", _("En attente de validation")
    ACTIVE = "actif", _("Actif")
    REFUSED = "refuse", _("Refusé")
    REPLACED = "remplace", _("Remplacé par un nouveau compte")
    REVOKED = "revoque", _("Révoqué")
    SUSPENDED = "suspendu", _("Suspendu après des rejets")
    LAPSED = "caduc", _("Caduc (36 mois sans prélèvement)")
    ABANDONED = "abandonne", _("Abandonné avant signature")


REQUEST_STATUSES = (MandateStatus.TO_SIGN, MandateStatus.PENDING)
IN_FORCE_STATUSES = (MandateStatus.ACTIVE, MandateStatus.SUSPENDED)


class Mandate(models.Model):
    """A family's mandate (or its request). A change of account is a new request that
    keeps the RUM; once accepted it replaces the former row and the next debit carries
    the amendment."""

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="mandates")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="sepa_mandates"
    )
    status = models.CharField(_("statut"), max_length=12, choices=MandateStatus.choices)
    rum = models.CharField(_("référence unique du mandat (RUM)"), max_length=35, blank=True)
    holder = models.CharField(_("titulaire du compte"), max_length=70)
    address = models.TextField(_("adresse du titulaire"))
    iban_encrypted = models.TextField(_("IBAN (chiffré)"))
    iban_masked = models.CharField(_("IBAN masqué"), max_length=20)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    rib = models.ForeignKey(
        "families.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    demarche = models.OneToOneField(
        "demarches.Demarche",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sepa_mandate",
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    # The electronic signature: a one-time code e-mailed, then the consent with its time.
    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField(_("date de signature du mandat"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.CharField(_("motif du refus"), max_length=500, blank=True)
    ended_at = models.DateTimeField(_("fin le"), null=True, blank=True)
    reject_count = models.PositiveSmallIntegerField(_("rejets"), default=0)
    last_debit_on = models.DateField(_("dernier prélèvement le"), null=True, blank=True)
    # An account change not yet told to the bank: the former IBAN (encrypted).
    amendment_iban_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mandat SEPA")
        verbose_name_plural = _("mandats SEPA")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One request at a time, and one mandate in force, per family and creditor.
            models.UniqueConstraint(
                fields=["creditor", "family"],
                condition=Q(status__in=["a_signer", "en_attente"]),
                name="sepa_one_request",
            ),
            models.UniqueConstraint(
                fields=["creditor", "family"],
                condition=Q(status__in=["actif", "suspendu"]),
                name="sepa_one_mandate",
            ),
            # A RUM designates one mandate in force for the commune.
            models.UniqueConstraint(
                fields=["creditor", "rum"],
                condition=Q(status__in=["actif", "suspendu"]) & ~Q(rum=""),
                name="sepa_rum_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.rum or f"demande {self.pk}"

    @property
    def iban(self) -> str:
        """The full IBAN: only for the family's guardians and the régie (selectors)."""
        return crypto.decrypt(self.iban_encrypted)

    @property
    def iban_display(self) -> str:
        return rules.iban_formatted(self.iban)

    @property
    def is_amendment(self) -> bool:
        return self.replaces_id is not None


class DebitFile(models.Model):
    """One pain.008 file: the debits of one collection date, kept to download again."""

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="files")
    collection_date = models.DateField(_("date d'échéance"))
    version = models.CharField(_("version"), max_length=20)
    message_id = models.CharField(_("identifiant du message"), max_length=35, unique=True)
    xml = models.BinaryField(_("fichier"))
    count = models.PositiveIntegerField(_("nombre de prélèvements"))
    total = models.DecimalField(_("montant total"), **money_field)
    created_at = models.DateTimeField(_("généré le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fichier de prélèvement")
        verbose_name_plural = _("fichiers de prélèvement")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message_id

    @property
    def filename(self) -> str:
        return f"prelevements-{self.collection_date:%Y-%m-%d}-{self.pk}.xml"


class DebitStatus(models.TextChoices):
    SENT = "transmis", _("Transmis à la banque")
    REJECTED = "rejete", _("Rejeté")


class Debit(models.Model):
    """The debit of one invoice (an invoice is in one file at most: unique)."""

    file = models.ForeignKey(DebitFile, on_delete=models.PROTECT, related_name="debits")
    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, related_name="sepa_debit"
    )
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="debits")
    payment = models.OneToOneField(
        "billing.Payment", on_delete=models.PROTECT, related_name="sepa_debit"
    )
    rum = models.CharField(max_length=35)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    amount = models.DecimalField(_("montant"), **money_field)
    sequence = models.CharField(_("séquence"), max_length=4)
    amendment = models.BooleanField(_("modification du mandat"), default=False)
    former_iban_encrypted = models.TextField(blank=True)  # told with this debit
    status = models.CharField(
        _("statut"), max_length=10, choices=DebitStatus.choices, default=DebitStatus.SENT
    )
    reject_code = models.CharField(_("code de rejet"), max_length=4, blank=True)
    rejected_at = models.DateTimeField(_("rejeté le"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("prélèvement")
        verbose_name_plural = _("prélèvements")
        ordering = ["id"]
        indexes = [models.Index(fields=["rum", "status"], name="sepa_debit_rum_idx")]

    def __str__(self) -> str:
        return self.end_to_end_id


class SepaEvent(models.Model):
    """Who did what, when: every mandate and debit action."""

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="events")
    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    file = models.ForeignKey(
        DebitFile, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40)
    summary = models.CharField(_("résumé"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("action SEPA")
        verbose_name_plural = _("actions SEPA")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.summary}"
