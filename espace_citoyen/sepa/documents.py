"""The signed mandate as a PDF (core.pdf.render_pdf), the text the family signs."""

from espace_citoyen.core.pdf import render_pdf
from espace_citoyen.portal.selectors import commune_get


def mandate_context(mandate) -> dict:
    return {"mandate": mandate, "creditor": mandate.creditor, "commune": commune_get()}


def mandate_pdf(mandate) -> bytes:
    return render_pdf("sepa/mandate_pdf.html", mandate_context(mandate))


def mandate_filename(mandate) -> str:
    return f"mandat-prelevement-{mandate.rum or mandate.pk}.pdf"
