"""Online payment: a transaction per attempt to pay invoices through the payment service
(PayFiP, another eopayment backend, or the simulated bank), the invoices it covers, and
its timeline (who or what changed it, when, and why a notification was refused).

The money itself is billing's ledger (`billing.Payment`): a transaction becomes paid only
on a verified notification, and then holds the one ledger entry it recorded."""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

money_field = {"max_digits": 12, "decimal_places": 2}


class TransactionStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente de la banque")
    PAID = "payee", _("Payée")
    REFUSED = "refusee", _("Refusée par la banque")
    ABANDONED = "abandonnee", _("Abandonnée")
    ERROR = "anomalie", _("Anomalie")


FINAL_STATUSES = (
    TransactionStatus.PAID,
    TransactionStatus.REFUSED,
    TransactionStatus.ABANDONED,
    TransactionStatus.ERROR,
)


class PaymentTransaction(models.Model):
    """One attempt to pay invoices online. Its amount is computed on the server from the
    invoices' amounts due when it starts; the bank's verified notification must match it."""

    # PayFiP's refdet: 6 to 30 letters and digits, unique.
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    regie = models.ForeignKey(
        "billing.Regie", on_delete=models.PROTECT, related_name="online_transactions"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="payment_transactions"
    )
    invoices = models.ManyToManyField(
        "billing.Invoice", through="TransactionInvoice", related_name="online_transactions"
    )
    amount = models.DecimalField(_("montant"), **money_field)
    email = models.EmailField(_("adresse électronique du payeur"), blank=True)
    backend = models.CharField(_("service de paiement"), max_length=30)
    # The backend's own identifier (PayFiP's idop; our reference for the simulated bank).
    backend_id = models.CharField(_("identifiant chez la banque"), max_length=100, blank=True)
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=TransactionStatus.choices,
        default=TransactionStatus.PENDING,
    )
    bank_status = models.CharField(_("réponse de la banque"), max_length=300, blank=True)
    # The raw data of the verified notification (or status check) that settled it.
    bank_data = models.JSONField(
        _("notification vérifiée"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    payment = models.OneToOneField(
        "billing.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_transaction",
        verbose_name=_("paiement enregistré"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("commencée le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    checked_at = models.DateTimeField(_("dernière vérification"), null=True, blank=True)
    checks = models.PositiveSmallIntegerField(_("vérifications auprès de la banque"), default=0)

    class Meta:
        verbose_name = _("paiement en ligne")
        verbose_name_plural = _("paiements en ligne")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(reference__regex=r"^[A-Za-z0-9]{6,30}$"),
                name="payments_reference_refdet",
            ),
            # Paid exactly when it holds the ledger entry it recorded.
            models.CheckConstraint(
                condition=Q(status="payee", payment__isnull=False)
                | (~Q(status="payee") & Q(payment__isnull=True)),
                name="payments_paid_has_payment",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payments_status_idx"),
            models.Index(fields=["family", "created_at"], name="payments_family_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.status}"

    @property
    def badge(self) -> str:
        return {
            TransactionStatus.PAID: "badge-success",
            TransactionStatus.PENDING: "badge-info",
            TransactionStatus.ERROR: "badge-error",
        }.get(self.status, "badge-warning")


class TransactionInvoice(models.Model):
    """An invoice a transaction pays, with what was due on it when the payment started."""

    transaction = models.ForeignKey(
        PaymentTransaction, on_delete=models.CASCADE, related_name="covered"
    )
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="+")
    amount_due = models.DecimalField(_("restant dû au départ"), **money_field)

    class Meta:
        verbose_name = _("facture payée en ligne")
        verbose_name_plural = _("factures payées en ligne")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "invoice"], name="payments_transaction_invoice_once"
            ),
            models.CheckConstraint(
                condition=Q(amount_due__gt=Decimal(0)), name="payments_invoice_due_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} → {self.invoice_id}: {self.amount_due}"


class EventKind(models.TextChoices):
    STARTED = "debut", _("Paiement commencé")
    NOTIFIED = "notification", _("Notification de la banque")
    REJECTED = "rejetee", _("Notification refusée")
    CHECKED = "verification", _("Vérification auprès de la banque")
    EXPIRED = "expiree", _("Sans réponse de la banque")


class TransactionEvent(models.Model):
    """A line of a transaction's timeline: what happened, who or what did it, when."""

    transaction = models.ForeignKey(
        PaymentTransaction, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("date"), auto_now_add=True)
    kind = models.CharField(_("nature"), max_length=15, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_before = models.CharField(_("état avant"), max_length=12, blank=True)
    status_after = models.CharField(_("état après"), max_length=12, blank=True)
    detail = models.CharField(_("détail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("événement de paiement en ligne")
        verbose_name_plural = _("événements de paiement en ligne")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.kind} {self.status_after}"

    @property
    def change_label(self) -> str:
        """« En attente de la banque → Payée », or the one status when it did not change."""
        labels = dict(TransactionStatus.choices)
        after = str(labels.get(self.status_after, self.status_after))
        if self.status_before and self.status_before != self.status_after:
            return f"{labels.get(self.status_before, self.status_before)} → {after}"
        return after
