"""Accounting exports of a period: invoices and credit notes, payments (CSV or ODS through
core.spreadsheets, with the same inert cells as every export)."""

import tablib

from espace_citoyen.billing import selectors


def _money(amount) -> str:
    return f"{amount:.2f}".replace(".", ",")


def invoices_dataset(start, end) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            "Numéro",
            "Type",
            "Famille",
            "Payeur",
            "Mois facturé",
            "Émise le",
            "Échéance",
            "Montant",
            "Avoirs",
            "Réglé",
            "Reste à régler",
            "Statut",
            "Facture corrigée",
            "Motif",
        ]
    )
    for invoice in selectors.invoices_between(start, end):
        data.append(
            [
                invoice.number,
                invoice.get_kind_display(),
                invoice.family.number,
                invoice.payer_name,
                f"{invoice.month:%m/%Y}",
                f"{invoice.issued_on:%d/%m/%Y}",
                f"{invoice.due_on:%d/%m/%Y}" if invoice.due_on else "",
                _money(invoice.total),
                _money(invoice.amount_credited),
                _money(invoice.amount_paid),
                _money(invoice.amount_due),
                invoice.get_status_display(),
                invoice.corrects.number if invoice.corrects_id else "",
                invoice.reason,
            ]
        )
    return data


def payments_dataset(start, end) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            "Reçu le",
            "Famille",
            "Mode",
            "Référence",
            "Montant",
            "Factures",
            "Annule le paiement du",
            "Observation",
            "Enregistré par",
            "Enregistré le",
        ]
    )
    for payment in selectors.payments_between(start, end):
        data.append(
            [
                f"{payment.received_on:%d/%m/%Y}",
                payment.family.number,
                payment.get_method_display(),
                payment.reference,
                _money(payment.amount),
                ", ".join(
                    f"{a.invoice.number} ({_money(a.amount)})" for a in payment.allocations.all()
                ),
                f"{payment.reverses.received_on:%d/%m/%Y}" if payment.reverses_id else "",
                payment.note,
                payment.recorded_by.get_full_name() if payment.recorded_by else "",
                f"{payment.recorded_at:%d/%m/%Y %H:%M}",
            ]
        )
    return data
