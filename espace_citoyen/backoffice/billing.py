"""The régie's billing screens: the monthly run (preview, issue, progress), invoices and
credit notes, desk payments, a family's account, the unpaid list and its reminders, the
accounting exports. Every write goes through billing's services, which record who and
when."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.accounts.roles import Role
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.billing import documents, exports, preview, rules, selectors, services
from espace_citoyen.billing.forms import (
    CreditNoteForm,
    DeskPaymentForm,
    ExportForm,
    MonthForm,
    PaymentReverseForm,
)
from espace_citoyen.billing.models import Payment, RunStatus
from espace_citoyen.billing.services.runs import month_label
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.core.pdf import pdf_response
from espace_citoyen.core.spreadsheets import spreadsheet_response
from espace_citoyen.families import selectors as family_selectors
from espace_citoyen.pricing.rules import money

# --- the monthly run ---------------------------------------------------------------------------


@require_safe
@agent_required(Role.REGIE)
def runs(request):
    """Pick a month; with one picked, its preview and the button to issue it."""
    form = MonthForm(request.GET or None)
    context = {
        "form": form,
        "runs": selectors.runs_recent(),
        "events": selectors.events_recent(limit=20),
    }
    if request.GET and form.is_valid():
        month = form.month()
        context["preview"] = preview.run_preview(month, regie=services.regie_default())
        context["month"] = month
        context["month_label"] = month_label(month)
    return render(
        request, "backoffice/billing/runs.html", context, status=400 if form.errors else 200
    )


@require_POST
@agent_required(Role.REGIE)
def run_start(request):
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un mois terminé dans la liste."))
        return redirect("backoffice:billing_runs")
    try:
        run = services.billing_run_start(month=form.month(), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("backoffice:billing_runs")
    return redirect("backoffice:billing_run", pk=run.pk)


@require_safe
@agent_required(Role.REGIE)
def run(request, pk: int):
    """A run's progress (the page refreshes itself while the task works)."""
    billing_run = selectors.run_get(pk)
    if billing_run is None:
        raise Http404
    live = billing_run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return render(
        request,
        "backoffice/billing/run.html",
        {"run": billing_run, "live": live, "month_label": month_label(billing_run.month)},
    )


# --- invoices ----------------------------------------------------------------------------------


def _month_param(value: str) -> date | None:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


@require_safe
@agent_required(Role.REGIE)
def invoices(request):
    query = request.GET.get("q", "").strip()[:100]
    month = _month_param(request.GET.get("mois", ""))
    page = Paginator(selectors.invoices_search(query=query, month=month), 50).get_page(
        request.GET.get("page")
    )
    params = []
    if query:
        params.append(f"q={query}")
    if month:
        params.append(f"mois={month:%Y-%m}")
    return render(
        request,
        "backoffice/billing/invoices.html",
        {"page": page, "query": query, "month": month, "query_string": "&".join(params)},
    )


def _invoice_page(request, invoice, *, payment_form=None, credit_form=None, status=200):
    context = documents.invoice_context(invoice)
    done = services.credited_line_ids(invoice)
    open_lines = [line for line in invoice.lines.all() if line.pk not in done]
    context.update(
        payment_form=payment_form
        or DeskPaymentForm(
            initial={
                "amount": invoice.amount_due if invoice.amount_due > 0 else None,
                "received_on": timezone.localdate(),
            }
        ),
        credit_form=credit_form or CreditNoteForm(line_choices=_line_choices(open_lines)),
        can_credit=not invoice.is_credit_note and bool(open_lines),
        balance=selectors.family_balance(invoice.family),
    )
    return render(request, "backoffice/billing/invoice.html", context, status=status)


def _line_choices(lines):
    return [
        (
            str(line.pk),
            f"{line.child_name} — {line.service} — {line.get_kind_display()} : "
            f"{line.quantity} × {money(line.unit_price)} = {money(line.amount)}",
        )
        for line in lines
    ]


@require_safe
@agent_required(Role.REGIE)
def invoice(request, pk: int):
    found = selectors.invoice_for_agent(pk)
    if found is None:
        raise Http404
    return _invoice_page(request, found)


@require_safe
@agent_required(Role.REGIE)
def invoice_pdf(request, pk: int):
    found = selectors.invoice_for_agent(pk)
    if found is None:
        raise Http404
    return pdf_response(documents.invoice_pdf(found), documents.invoice_filename(found))


@require_http_methods(["POST"])
@agent_required(Role.REGIE)
def invoice_pay(request, pk: int):
    """Record a payment at the desk (cash, cheque, card) on this invoice."""
    found = selectors.invoice_for_agent(pk)
    if found is None:
        raise Http404
    form = DeskPaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.payment_record(
                family=found.family,
                invoices=[found],
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
                received_on=form.cleaned_data["received_on"],
                actor=request.user,
                regie=found.regie,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            found.refresh_from_db()
            balance = selectors.family_balance(found.family)
            text = _("Paiement de %(amount)s enregistré (%(method)s).") % {
                "amount": money(payment.amount),
                "method": payment.get_method_display(),
            }
            if balance.credit > 0:
                text += " " + _(
                    "Le trop-perçu de %(credit)s est gardé en avoir pour la prochaine facture."
                ) % {"credit": money(balance.credit)}
            messages.success(request, text)
            return redirect("backoffice:billing_invoice", pk=found.pk)
    found = selectors.invoice_for_agent(pk)
    return _invoice_page(request, found, payment_form=form, status=400)


@require_http_methods(["POST"])
@agent_required(Role.REGIE)
def invoice_credit(request, pk: int):
    """Issue a credit note on the whole invoice or on the lines ticked."""
    found = selectors.invoice_for_agent(pk)
    if found is None:
        raise Http404
    done = services.credited_line_ids(found)
    open_lines = [line for line in found.lines.all() if line.pk not in done]
    form = CreditNoteForm(request.POST, line_choices=_line_choices(open_lines))
    if form.is_valid():
        try:
            note = services.credit_note_issue(
                invoice=found,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                line_ids=form.cleaned_data["lines"] or None,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Avoir %(number)s de %(amount)s émis sur la facture %(invoice)s.")
                % {"number": note.number, "amount": money(-note.total), "invoice": found.number},
            )
            return redirect("backoffice:billing_invoice", pk=found.pk)
    return _invoice_page(request, found, credit_form=form, status=400)


# --- a family's account ------------------------------------------------------------------------


@require_safe
@agent_required(Role.REGIE)
def family_account(request, pk: int):
    family = family_selectors.family_get(pk)
    if family is None:
        raise Http404
    return render(
        request,
        "backoffice/billing/family.html",
        {
            "family": family,
            "sections": selectors.family_invoices(family),
            "balance": selectors.family_balance(family),
            "payments": selectors.family_payments(family),
            "reverse_form": PaymentReverseForm(),
        },
    )


@require_POST
@agent_required(Role.REGIE)
def payment_reverse(request, pk: int):
    payment = Payment.objects.select_related("family").filter(pk=pk).first()
    if payment is None:
        raise Http404
    form = PaymentReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de l'annulation du paiement."))
    else:
        try:
            services.payment_reverse(
                payment=payment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "Le paiement de %(amount)s est annulé ; les factures qu'il réglait sont "
                    "à nouveau à régler."
                )
                % {"amount": money(payment.amount)},
            )
    return redirect("backoffice:billing_family", pk=payment.family_id)


# --- unpaid and reminders ----------------------------------------------------------------------


@require_safe
@agent_required(Role.REGIE)
def unpaid(request):
    today = timezone.localdate()
    overdue = request.GET.get("echues") == "1"
    query = request.GET.get("q", "").strip()[:100]
    queryset = selectors.unpaid(today=today, overdue_only=overdue, query=query)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    params = [p for p in (overdue and "echues=1", query and f"q={query}") if p]
    return render(
        request,
        "backoffice/billing/unpaid.html",
        {
            "page": page,
            "overdue": overdue,
            "query": query,
            "today": today,
            "total_due": selectors.unpaid_totals(queryset),
            "query_string": "&".join(params),
            "regie": services.regie_default(),
        },
    )


@require_POST
@agent_required(Role.REGIE)
def reminders(request):
    count = services.reminders_send()
    regie = services.regie_default()
    services.event_record(
        regie=regie,
        action="relances",
        summary=_("%(count)d relance(s) envoyée(s)") % {"count": count},
        actor=request.user,
    )
    if count:
        messages.success(
            request,
            _("%(count)d famille(s) relancée(s) par courriel.") % {"count": count},
        )
    else:
        messages.info(request, _("Aucune facture n'est à relancer aujourd'hui."))
    return redirect("backoffice:billing_unpaid")


# --- exports ---------------------------------------------------------------------------------


@require_safe
@agent_required(Role.REGIE)
def exports_page(request):
    today = timezone.localdate()
    if "start" not in request.GET:
        previous = rules.month_start(rules.month_start(today) - timedelta(days=1))
        form = ExportForm(initial={"start": previous, "end": today})
        return render(request, "backoffice/billing/exports.html", {"form": form})
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "backoffice/billing/exports.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    what, fmt = form.cleaned_data["what"], form.cleaned_data["fmt"]
    dataset = (
        exports.invoices_dataset(start, end)
        if what == "factures"
        else exports.payments_dataset(start, end)
    )
    services.event_record(
        regie=services.regie_default(),
        action="export",
        summary=_("Export des %(what)s du %(start)s au %(end)s")
        % {"what": what, "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
        actor=request.user,
    )
    return spreadsheet_response(dataset, fmt, f"{what}-{start:%Y%m%d}-{end:%Y%m%d}")
