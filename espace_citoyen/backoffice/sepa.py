"""The régie's screens of direct debit: the mandate requests (IBAN and RIB side by side,
accept or refuse with a reason), the mandates in force, the debit run (preview, file
generated, downloaded again) and the rejects. Only the régie sees full IBANs."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.accounts.roles import Role
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.sepa import reject_report, rules, selectors, services
from espace_citoyen.sepa.forms import DebitRunForm, RefuseForm
from espace_citoyen.sepa.models import Debit, MandateStatus


@require_safe
@agent_required(Role.REGIE)
def mandates(request):
    status = request.GET.get("statut", "")
    return render(
        request,
        "backoffice/sepa/mandates.html",
        {
            "requests": selectors.requests_for_regie(),
            "mandates": selectors.mandates_for_regie(status),
            "status": status,
            "statuses": MandateStatus.choices,
            "refuse_form": RefuseForm(),
            "events": selectors.events_recent(),
        },
    )


@require_POST
@agent_required(Role.REGIE)
def mandate_decide(request, pk: int):
    mandate = selectors.mandate_for_regie(pk)
    if mandate is None:
        raise Http404
    try:
        if request.POST.get("decision") == "accept":
            mandate = services.mandate_accept(mandate=mandate, actor=request.user)
            messages.success(
                request, f"Mandat {mandate.rum} actif pour la famille {mandate.family.number}."
            )
        else:
            form = RefuseForm(request.POST)
            services.mandate_refuse(
                mandate=mandate,
                actor=request.user,
                reason=form.data.get("reason", ""),
            )
            messages.success(request, f"Demande de la famille {mandate.family.number} refusée.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("backoffice:sepa_mandates")


@require_safe
@agent_required(Role.REGIE)
def rib(request, pk: int):
    """The RIB uploaded with a request (private storage), for the régie only."""
    mandate = selectors.mandate_for_regie(pk)
    if mandate is None or mandate.rib is None:
        raise Http404
    document = mandate.rib
    response = HttpResponse(document.file.open("rb").read(), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@agent_required(Role.REGIE)
def files(request):
    creditor = services.creditor_get()
    if creditor is None:
        return render(request, "backoffice/sepa/files.html", {"creditor": None})
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    default = rules.default_collection_date(today=today, debit_day=creditor.debit_day)
    form = DebitRunForm(
        data if "collection_date" in data else None, initial={"collection_date": default}
    )
    collection_date: date = default
    if form.is_bound and form.is_valid():
        collection_date = form.cleaned_data["collection_date"]
    if request.method == "POST" and form.is_valid():
        try:
            debit_file = services.debit_file_generate(
                creditor=creditor, collection_date=collection_date, actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Fichier généré : {debit_file.count} prélèvement(s), {debit_file.total} €.",
            )
            return redirect("backoffice:sepa_file", pk=debit_file.pk)
    preview = services.debit_preview(creditor=creditor, collection_date=collection_date)
    return render(
        request,
        "backoffice/sepa/files.html",
        {
            "creditor": creditor,
            "form": form,
            "preview": preview,
            "files": selectors.files_for_regie(),
        },
    )


@require_safe
@agent_required(Role.REGIE)
def file_detail(request, pk: int):
    debit_file = selectors.file_for_regie(pk)
    if debit_file is None:
        raise Http404
    return render(
        request,
        "backoffice/sepa/file.html",
        {
            "file": debit_file,
            "debits": selectors.debits_of_file(debit_file),
            "reject_codes": sorted(rules.REJECT_REASONS.items()),
        },
    )


@require_safe
@agent_required(Role.REGIE)
def file_download(request, pk: int):
    debit_file = selectors.file_for_regie(pk)
    if debit_file is None:
        raise Http404
    response = HttpResponse(bytes(debit_file.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{debit_file.filename}"'
    return response


@require_POST
@agent_required(Role.REGIE)
def debit_reject(request, pk: int):
    debit = Debit.objects.filter(pk=pk).first()
    if debit is None:
        raise Http404
    try:
        services.debit_reject(debit=debit, code=request.POST.get("code", ""), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Rejet enregistré : la facture est de nouveau à régler, la famille est prévenue.",
        )
    return redirect("backoffice:sepa_file", pk=debit.file_id)


@require_POST
@agent_required(Role.REGIE)
def rejects_import(request):
    """The bank's reject report (pain.002, camt.054 or CSV), each line a reject."""
    creditor = services.creditor_get()
    upload = request.FILES.get("report")
    if creditor is None or upload is None:
        messages.error(request, "Choisissez le fichier de rejets envoyé par la banque.")
        return redirect("backoffice:sepa_files")
    if upload.size > reject_report.MAX_BYTES:
        messages.error(request, "Ce fichier dépasse 5 Mo.")
        return redirect("backoffice:sepa_files")
    try:
        result = services.rejects_import(
            creditor=creditor, content=upload.read(), actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, f"{upload.name} : {error.message}")
        return redirect("backoffice:sepa_files")
    count = len(result.applied)
    messages.success(
        request,
        f"{count} rejet{'s' if count > 1 else ''} enregistré{'s' if count > 1 else ''} "
        f"depuis {upload.name} : les factures sont de nouveau à régler, les familles "
        "sont prévenues.",
    )
    for reference, why in result.skipped:
        messages.warning(request, f"Ligne {reference} ignorée : {why}.")
    return redirect("backoffice:sepa_files")
