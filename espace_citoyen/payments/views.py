"""Citizen side of online payment: « Payer en ligne » (one invoice or several), the way
to the payment service, the return from it (which never accepts a payment by itself),
and the bank's server-to-server notification (which is the only thing that does)."""

import eopayment
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.access import family_for_request
from espace_citoyen.payments import selectors, services
from espace_citoyen.payments.models import TransactionStatus

INVOICES_URL = "billing:invoices"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pay(request):
    """Start paying the invoices ticked (or the one invoice's button) online. A GET (the
    address opened again, or the way back from the login page) shows the invoices."""
    if request.method == "GET":
        return redirect(INVOICES_URL)
    family = family_for_request(request)
    if family is None:
        return redirect("families:card")
    try:
        tx, kind, answer = services.transaction_start(
            family=family, invoice_ids=request.POST.getlist("invoice"), actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(INVOICES_URL)
    if kind == eopayment.URL:
        return HttpResponseRedirect(answer)
    # A form to post to the bank (eopayment.FORM) or its own HTML (eopayment.HTML).
    return render(
        request,
        "payments/to_bank.html",
        {"transaction": tx, "form": answer if kind == eopayment.FORM else None, "html": answer},
    )


@csrf_exempt  # the payment service may send the browser back with a POST
@require_http_methods(["GET", "HEAD", "POST"])
def payment_return(request, reference: str):
    """Where the browser comes back from the payment service. It shows what the portal
    knows from the bank's verified notification, never what the return address says.
    A transaction still pending is checked with the bank where the backend allows it."""
    if request.method == "POST":
        # Back to a GET, so the session's cookie (SameSite=Lax) comes along.
        return HttpResponseRedirect(reverse("payments:return", args=[reference]), status=303)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    family = family_for_request(request)
    tx = selectors.transaction_for_family(family, reference)
    if tx is None:
        raise Http404
    if tx.status == TransactionStatus.PENDING:
        services.transaction_check(transaction_id=tx.pk)
        tx = selectors.transaction_for_family(family, reference)
    return render(
        request,
        "payments/return.html",
        {"transaction": tx, "covered": list(tx.covered.all()), "status": TransactionStatus},
    )


@csrf_exempt  # server to server: the bank's signature (or its web service) is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def notification(request, reference: str):
    """The bank's notification for the transaction `reference`: applied only verified."""
    query_string = request.META.get("QUERY_STRING", "")
    if request.method == "POST":
        try:
            body = request.body.decode("utf-8", errors="replace")
        except RawPostDataException:  # already parsed as multipart by a middleware
            body = request.POST.urlencode()
        query_string = body or query_string
    outcome = services.notification_apply(reference=reference, query_string=query_string)
    if not outcome.accepted:
        return HttpResponse("refused", status=400, content_type="text/plain")
    return HttpResponse(outcome.content or "OK", content_type="text/plain")
