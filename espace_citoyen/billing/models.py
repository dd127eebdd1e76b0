"""Billing: the régie, its billing runs, invoices and credit notes with their lines, the
payment ledger and how payments are allocated to invoices, and the régie's action log.

An issued invoice is never edited: its lines, total and number are fixed; only the
amounts paid and credited (and the status they give) move, through the services."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

money_field = {"max_digits": 12, "decimal_places": 2}


class Regie(models.Model):
    """A collection office (régie de recettes): issues the invoices and collects."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    address = models.TextField(_("adresse"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    desk_hours = models.CharField(_("horaires du guichet"), max_length=200, blank=True)
    cheque_payable_to = models.CharField(
        _("chèques à l'ordre de"), max_length=150, default="Régie de recettes"
    )
    due_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    reminder_days = models.PositiveSmallIntegerField(
        _("relance après l'échéance (jours)"), default=10
    )
    is_default = models.BooleanField(_("régie par défaut"), default=False)

    class Meta:
        verbose_name = _("régie")
        verbose_name_plural = _("régies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="billing_one_default_regie",
            )
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "en_attente", _("En attente")
    RUNNING = "en_cours", _("En cours")
    DONE = "terminee", _("Terminée")
    FAILED = "echec", _("Échec")


class BillingRun(models.Model):
    """One issue of a month's invoices (the first, or a supplementary one for what was
    recorded after). Its counters show the progress of the background task."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="runs")
    month = models.DateField(_("mois facturé"))  # the first day of the month
    status = models.CharField(
        _("état"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    families_total = models.PositiveIntegerField(_("familles à traiter"), default=0)
    families_done = models.PositiveIntegerField(_("familles traitées"), default=0)
    invoices_count = models.PositiveIntegerField(_("factures émises"), default=0)
    total_amount = models.DecimalField(_("montant facturé"), default=Decimal(0), **money_field)
    error = models.TextField(_("erreur"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("lancée le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("facturation mensuelle")
        verbose_name_plural = _("facturations mensuelles")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="billing_run_month_first_day"),
            # One run at a time per régie and month: a second one waits for the first.
            models.UniqueConstraint(
                fields=["regie", "month"],
                condition=Q(status__in=["en_attente", "en_cours"]),
                name="billing_run_one_live_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regie} {self.month:%m/%Y} {self.status}"

    @property
    def percent(self) -> int:
        if not self.families_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, self.families_done * 100 // self.families_total)


class InvoiceKind(models.TextChoices):
    INVOICE = "facture", _("Facture")
    CREDIT_NOTE = "avoir", _("Avoir")


class InvoiceStatus(models.TextChoices):
    UNPAID = "a_regler", _("À régler")
    PARTLY_PAID = "partielle", _("Partiellement réglée")
    PAID = "reglee", _("Réglée")
    DEBITED = "prelevee", _("Prélevée")  # paid by SEPA direct debit
    CANCELLED = "annulee", _("Annulée")  # fully offset by credit notes
    CREDIT_NOTE = "avoir", _("Avoir")  # the status of every credit note


PAYABLE_STATUSES = (InvoiceStatus.UNPAID, InvoiceStatus.PARTLY_PAID)


class Invoice(models.Model):
    """An invoice (one family, one month, all its children and services) or a credit
    note (avoir) correcting one. A credit note's lines and total are negative, so an
    invoice and the credit note cancelling it sum to zero."""

    # No index of their own for the régie and the family: the unique numbers (régie first)
    # and the indexes below (family, status) and (régie, month) serve their look-ups, and
    # each index less is less work for every invoice a billing run writes.
    regie = models.ForeignKey(
        Regie, on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    kind = models.CharField(_("type"), max_length=8, choices=InvoiceKind.choices)
    number = models.CharField(_("numéro"), max_length=20)
    year = models.PositiveSmallIntegerField(_("année de numérotation"))
    sequence = models.PositiveIntegerField(_("rang dans l'année"))
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    run = models.ForeignKey(
        BillingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    month = models.DateField(_("mois facturé"))
    issued_on = models.DateField(_("émise le"))
    due_on = models.DateField(_("à régler avant le"), null=True, blank=True)
    total = models.DecimalField(_("montant total"), **money_field)
    amount_paid = models.DecimalField(_("montant réglé"), default=Decimal(0), **money_field)
    amount_credited = models.DecimalField(
        _("montant des avoirs"), default=Decimal(0), **money_field
    )
    status = models.CharField(_("statut"), max_length=10, choices=InvoiceStatus.choices)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture corrigée"),
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    # What the invoice was addressed to when issued (the card may change later).
    payer_name = models.CharField(_("payeur"), max_length=200)
    payer_address = models.TextField(_("adresse du payeur"))
    # Set by direct debit (payments app): the PDF then pre-notifies the debit.
    debit_on = models.DateField(_("date de prélèvement"), null=True, blank=True)
    mandate_reference = models.CharField(_("référence du mandat (RUM)"), max_length=35, blank=True)
    mailed_at = models.DateTimeField(_("courriel envoyé le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "number"], name="billing_invoice_number"),
            models.UniqueConstraint(
                fields=["regie", "kind", "year", "sequence"], name="billing_invoice_sequence"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="billing_invoice_month_first"),
            models.CheckConstraint(
                condition=(Q(kind="facture", total__gte=0, corrects__isnull=True))
                | Q(kind="avoir", total__lte=0, corrects__isnull=False, status="avoir"),
                name="billing_invoice_kind_sign",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0)
                & Q(amount_credited__gte=0)
                & (Q(kind="avoir") | Q(amount_paid__lte=F("total") - F("amount_credited"))),
                name="billing_invoice_not_overpaid",
            ),
        ]
        indexes = [
            models.Index(fields=["family", "status"], name="billing_invoice_family_idx"),
            models.Index(fields=["regie", "month"], name="billing_invoice_month_idx"),
            models.Index(fields=["status", "due_on"], name="billing_invoice_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def amount_due(self) -> Decimal:
        """What is left to pay (0 for a credit note)."""
        if self.is_credit_note:
            return Decimal(0)
        return self.total - self.amount_credited - self.amount_paid


class LineKind(models.TextChoices):
    BOOKED_PRESENT = "present", _("Réservé, présent")
    BOOKED_ABSENT = "absent", _("Réservé, absent sans justificatif")
    UNBOOKED = "sans_resa", _("Présent sans réservation (majoré)")
    CORRECTION = "correction", _("Correction")


class InvoiceLine(models.Model):
    """Units of one service for one child at one unit price. The unit price and its
    explanation are a snapshot: a grid changed later never changes an issued line."""

    # Its look-ups by invoice use the unique (invoice, position) index: no second one.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    position = models.PositiveIntegerField(_("rang"))
    child = models.ForeignKey(
        "families.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child_name = models.CharField(_("enfant"), max_length=200)
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.CharField(_("prestation"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10, choices=LineKind.choices)
    days = models.JSONField(_("jours"), default=list)  # ISO dates, sorted
    quantity = models.IntegerField(_("quantité"))
    unit_price = models.DecimalField(_("prix unitaire"), **money_field)
    amount = models.DecimalField(_("montant"), **money_field)
    explanation = models.CharField(_("calcul du prix"), max_length=400, blank=True)
    corrects_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.service} × {self.quantity}"


class PaymentMethod(models.TextChoices):
    CASH = "especes", _("Espèces")
    CHEQUE = "cheque", _("Chèque")
    CARD_DESK = "carte_guichet", _("Carte bancaire au guichet")
    ONLINE = "en_ligne", _("Paiement en ligne")
    DIRECT_DEBIT = "prelevement", _("Prélèvement")


DESK_METHODS = (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.CARD_DESK)


class Payment(models.Model):
    """The ledger of money received (append-only: never edited nor deleted). A payment
    given back (cheque bounced, debit rejected) is a new negative entry that `reverses`
    the first. What a payment does not allocate to invoices is the family's credit."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="payments")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("montant"), **money_field)
    method = models.CharField(_("mode de paiement"), max_length=15, choices=PaymentMethod.choices)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    received_on = models.DateField(_("reçu le"))
    note = models.CharField(_("observation"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("paiement annulé"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True, amount__gt=0))
                | Q(reverses__isnull=False, amount__lt=0),
                name="billing_payment_sign",
            ),
            # An online or direct-debit transaction is recorded once, however often
            # its notification arrives.
            models.UniqueConstraint(
                fields=["regie", "method", "reference"],
                condition=Q(method__in=["en_ligne", "prelevement"], reverses__isnull=True)
                & ~Q(reference=""),
                name="billing_payment_transaction_once",
            ),
        ]
        indexes = [models.Index(fields=["family", "received_on"], name="billing_payment_family")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} ({self.family_id})"


class Allocation(models.Model):
    """Part of a payment applied to one invoice (negative when a reversal takes it back)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("montant"), **money_field)
    created_at = models.DateTimeField(_("imputé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("imputation")
        verbose_name_plural = _("imputations")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="billing_allocation_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class BillingEvent(models.Model):
    """The régie's actions, with who and when: runs, issues, credit notes, payments,
    reminders, exports."""

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    summary = models.CharField(_("résumé"), max_length=300)
    family = models.ForeignKey(
        "families.Family", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    run = models.ForeignKey(
        BillingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("action de la régie")
        verbose_name_plural = _("actions de la régie")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.summary}"
