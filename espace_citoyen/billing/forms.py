"""Forms of the régie's billing screens."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from espace_citoyen.billing import rules
from espace_citoyen.billing.models import DESK_METHODS, PaymentMethod
from espace_citoyen.core.dates import month_name


def month_choices(today: date, count: int = 13) -> list[tuple[str, str]]:
    """The months already over, most recent first: (« 2026-11 », « novembre 2026 »)."""
    month = rules.month_start(today)
    choices = []
    for _index in range(count):
        month = rules.month_start(month - timedelta(days=1))
        choices.append((f"{month:%Y-%m}", f"{month_name(month.month)} {month.year}"))
    return choices


class MonthForm(forms.Form):
    mois = forms.ChoiceField(label="Mois à facturer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mois"].choices = month_choices(timezone.localdate())

    def month(self) -> date:
        year, month = self.cleaned_data["mois"].split("-")
        return date(int(year), int(month), 1)


class DeskPaymentForm(forms.Form):
    amount = forms.DecimalField(
        label="Montant reçu (€)",
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": "Indiquez un montant en euros, par exemple 12,50.",
            "min_value": "Le montant doit être supérieur à zéro.",
            "max_decimal_places": "Indiquez le montant au centime près (deux décimales).",
        },
    )
    method = forms.ChoiceField(
        label="Mode de paiement",
        choices=[(m.value, m.label) for m in DESK_METHODS],
        widget=forms.RadioSelect,
        initial=PaymentMethod.CASH,
    )
    reference = forms.CharField(
        label="Référence (numéro du chèque, du ticket de carte)", max_length=100, required=False
    )
    received_on = forms.DateField(label="Reçu le", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("method") == PaymentMethod.CHEQUE and not data.get("reference"):
            self.add_error("reference", "Indiquez le numéro du chèque.")
        received = data.get("received_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", "La date de réception ne peut pas être dans le futur.")
        return data


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'avoir",
        max_length=300,
        help_text="Il figure sur l'avoir que reçoit la famille.",
        error_messages={"required": "Indiquez le motif de l'avoir."},
    )
    lines = forms.MultipleChoiceField(
        label="Lignes à annuler (toutes si aucune n'est cochée)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, line_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = list(line_choices)


class PaymentReverseForm(forms.Form):
    reason = forms.CharField(
        label="Motif (chèque impayé, erreur de saisie…)",
        max_length=300,
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class ExportForm(forms.Form):
    start = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au (inclus)", widget=forms.DateInput(attrs={"type": "date"}))
    what = forms.ChoiceField(
        label="Contenu",
        choices=[("factures", "Factures et avoirs"), ("paiements", "Paiements")],
        widget=forms.RadioSelect,
        initial="factures",
    )
    fmt = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV (tableur)"), ("ods", "ODS (LibreOffice, Excel)")],
        widget=forms.RadioSelect,
        initial="csv",
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", "La fin de la période précède son début.")
            elif (data["end"] - data["start"]).days > 366:
                self.add_error("end", "Choisissez une période d'un an au plus.")
        return data
