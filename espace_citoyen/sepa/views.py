"""The family's side: ask for direct debit, sign with the code e-mailed, see the mandate
(RUM, masked IBAN, date signed), download it, change the account, revoke it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.core.pdf import pdf_response
from espace_citoyen.families.access import family_for_request
from espace_citoyen.sepa import documents, selectors, services
from espace_citoyen.sepa.forms import MandateRequestForm, SignForm
from espace_citoyen.sepa.models import MandateStatus


def _family(request):
    family = family_for_request(request)
    return family, (redirect("families:card") if family is None else None)


@login_required
@require_safe
def mandate(request):
    family, response = _family(request)
    if response:
        return response
    context = selectors.mandates_of_family(family)
    context["creditor"] = services.creditor_get()
    return render(request, "sepa/mandate.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mandate_request(request):
    family, response = _family(request)
    if response:
        return response
    creditor = services.creditor_get()
    if creditor is None:
        return redirect("sepa:mandate")
    current = selectors.mandates_of_family(family)
    if current["pending"] and current["pending"].status == MandateStatus.PENDING:
        return redirect("sepa:mandate")
    form = MandateRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.mandate_request(
                family=family,
                holder=data["holder"],
                address=data["address"],
                iban=data["iban"],
                bic=data["bic"],
                rib=data["rib"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                f"Un code de signature vient de vous être envoyé à {request.user.email}.",
            )
            return redirect("sepa:sign", pk=new.pk)
    return render(
        request,
        "sepa/request.html",
        {"form": form, "creditor": creditor, "in_force": current["in_force"]},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mandate_sign(request, pk: int):
    family, response = _family(request)
    if response:
        return response
    mandate = selectors.mandate_for_family(family, pk)
    if mandate is None:
        raise Http404
    if mandate.status != MandateStatus.TO_SIGN:
        return redirect("sepa:mandate")
    form = SignForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            services.signature_code_send(mandate=mandate, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Un nouveau code vous a été envoyé à {request.user.email}.")
        return redirect("sepa:sign", pk=mandate.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_sign(
                mandate=mandate,
                code=form.cleaned_data["code"],
                consent=form.cleaned_data["consent"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                "Votre mandat est signé. La régie va le vérifier : vous serez prévenu par "
                "courriel.",
            )
            return redirect("sepa:mandate")
    return render(
        request,
        "sepa/sign.html",
        {"form": form, "mandate": mandate, "creditor": mandate.creditor},
    )


@login_required
@require_safe
def mandate_pdf(request, pk: int):
    family, response = _family(request)
    if response:
        return response
    mandate = selectors.mandate_for_family(family, pk)
    if mandate is None or mandate.signed_at is None:
        raise Http404
    return pdf_response(documents.mandate_pdf(mandate), documents.mandate_filename(mandate))


@login_required
@require_POST
def mandate_revoke(request, pk: int):
    family, response = _family(request)
    if response:
        return response
    mandate = selectors.mandate_for_family(family, pk)
    if mandate is None:
        raise Http404
    try:
        services.mandate_revoke(mandate=mandate, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Votre mandat est révoqué : les factures pas encore envoyées à la banque ne "
            "seront pas prélevées.",
        )
    return redirect("sepa:mandate")
