"""Citizen side of fair allocation: the window and its published criteria, a family's
requests (placed, changed, withdrawn until the close) and outcomes, and the public
anonymised report of a published allocation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.allocation import forms, reports, rules, selectors, services
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.families.access import family_for_request


def request_detail_context(demarche, agent: bool) -> dict:
    request = selectors.request_for_demarche(demarche)
    if request is None:
        return {}
    sites = {a.pk: a for a in request.allocation.activities.all()}
    return {
        "allocation_request": request,
        "choice_labels": [
            selectors.choice_label(request.allocation, c, sites) for c in request.choices
        ],
    }


def _allocation_for_family(family, pk: int):
    allocation = next((a for a in selectors.allocations_for_family(family) if a.pk == pk), None)
    if allocation is None:
        raise Http404
    return allocation


def _outcomes(allocation, requests):
    sites = {a.pk: a for a in allocation.activities.all()}
    labels = {c.key: c.label for c in selectors.criteria_explained(allocation)}
    rows = []
    for item in requests:
        rows.append(
            {
                "request": item,
                "choices": [selectors.choice_label(allocation, c, sites) for c in item.choices],
                "granted": selectors.choice_label(
                    allocation, item.choices[item.granted_choice], sites
                )
                if item.granted_choice is not None
                else "",
                "criteria": [labels[k] for k in allocation.criteria if k in item.criteria_met],
            }
        )
    return rows


@login_required
@require_safe
def home(request):
    family = family_for_request(request)
    if family is None:
        return redirect("families:card")
    allocations = selectors.allocations_for_family(family)
    now = timezone.now()
    return render(
        request,
        "allocation/home.html",
        {
            "items": [(a, selectors.state_of(a, now)) for a in allocations],
            "states": rules,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, pk: int):
    family = family_for_request(request)
    if family is None:
        return redirect("families:card")
    allocation = _allocation_for_family(family, pk)
    state = selectors.state_of(allocation)
    children = list(family.children.all())
    options = selectors.options(allocation) if state == rules.OPEN else []
    form = None
    if state == rules.OPEN or request.method == "POST":
        form = forms.RequestForm(
            request.POST or None,
            children=children,
            options=options or selectors.options(allocation),
            keep_siblings=allocation.keep_siblings,
        )
    if request.method == "POST" and form.is_valid():
        chosen = [c for c in children if str(c.pk) in form.cleaned_data["children"]]
        try:
            made = services.request_submit(
                allocation=allocation,
                family=family,
                children=chosen,
                choices=form.choice_keys(),
                together=form.cleaned_data.get("together", False),
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Demande enregistrée (%(refs)s) — attribution le %(day)s.")
                % {
                    "refs": ", ".join(r.demarche.reference for r in made),
                    "day": allocation.results_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect("allocation:detail", pk=allocation.pk)
    requests = selectors.requests_of_family(family, allocation)
    return render(
        request,
        "allocation/detail.html",
        {
            "allocation": allocation,
            "state": state,
            "states": rules,
            "criteria": selectors.criteria_explained(allocation),
            "form": form,
            "rows": _outcomes(allocation, requests),
            "closes": services.moment_label(allocation.closes_at),
            "opens": services.moment_label(allocation.opens_at),
        },
    )


def _own_request(family, pk: int):
    item = next((r for r in selectors.requests_of_family(family) if r.pk == pk), None)
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change(request, pk: int):
    family = family_for_request(request)
    if family is None:
        return redirect("families:card")
    item = _own_request(family, pk)
    allocation = selectors.allocation_get(item.allocation_id)
    options = selectors.options(allocation)
    initial = {}
    by_days = {(o.site.pk, tuple(d.isoformat() for d in o.days)): o.key for o in options}
    for n, choice in enumerate(item.choices, start=1):
        initial[f"choice{n}"] = by_days.get((choice["activity"], tuple(choice["days"])), "")
    form = forms.ChangeForm(request.POST or None, options=options, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_change(request=item, choices=form.choice_keys(), actor=request.user)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Votre demande est modifiée."))
            return redirect("allocation:detail", pk=allocation.pk)
    return render(
        request,
        "allocation/change.html",
        {"allocation": allocation, "item": item, "form": form},
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    family = family_for_request(request)
    if family is None:
        return redirect("families:card")
    item = _own_request(family, pk)
    try:
        services.request_withdraw(request=item, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("La demande pour %(child)s est retirée.") % {"child": item.child.first_name}
        )
    return redirect("allocation:detail", pk=item.allocation_id)


@require_safe
def report(request, pk: int):
    """The public report of a published allocation: no names, only references."""
    allocation = selectors.published_allocation(pk)
    if allocation is None:
        raise Http404
    preview = reports.published_report(allocation)
    return render(
        request,
        "allocation/report.html",
        {
            "allocation": allocation,
            "preview": preview,
            "criteria": selectors.criteria_explained(allocation),
        },
    )
