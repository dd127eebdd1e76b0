"""Citizen side of billing: « Consulter et régler vos factures », an invoice's page and
its PDF. Every read goes through the family's own selectors: another family's invoice is
a 404, never a 403 that would confirm it exists."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from espace_citoyen.billing import documents, selectors
from espace_citoyen.billing.registry import payment_options
from espace_citoyen.core.pdf import pdf_response
from espace_citoyen.families.access import family_for_request


@login_required
@require_safe
def invoices(request):
    family = family_for_request(request)
    if family is None:
        return redirect("families:card")
    return render(
        request,
        "billing/invoices.html",
        {
            "family": family,
            "sections": selectors.family_invoices(family),
            "balance": selectors.family_balance(family),
            "payment_options": payment_options(),
        },
    )


def _own_invoice(request, pk: int):
    family = family_for_request(request)
    if family is None:
        return None, redirect("families:card")
    invoice = selectors.invoice_for_family(family, pk)
    if invoice is None:
        raise Http404
    return invoice, None


@login_required
@require_safe
def invoice(request, pk: int):
    invoice, response = _own_invoice(request, pk)
    if response:
        return response
    context = documents.invoice_context(invoice)
    context.update(payable=[invoice], payment_options=payment_options())
    return render(request, "billing/invoice.html", context)


@login_required
@require_safe
def invoice_pdf(request, pk: int):
    invoice, response = _own_invoice(request, pk)
    if response:
        return response
    return pdf_response(documents.invoice_pdf(invoice), documents.invoice_filename(invoice))
