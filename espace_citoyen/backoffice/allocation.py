"""Back-office of fair allocation (role périscolaire): configure the window, places and
ordered criteria; after the close fix the draw's seed, preview with counts per criterion
and week, the families on the edge and the waitlist; adjust with a reason; publish."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.models import Activity, ActivityKind
from espace_citoyen.allocation import criteria as criteria_registry
from espace_citoyen.allocation import reports, rules, selectors, services
from espace_citoyen.allocation.models import AdjustmentAction, AllocationRequest
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import IdsChoiceField, apply_error

periscolaire = agent_required(Role.PERISCOLAIRE)
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AllocationForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Intitulé"), max_length=150)
    activities = IdsChoiceField(
        label=gettext_lazy("Activités (sites)"),
        queryset=Activity.objects.filter(
            kind__in=[ActivityKind.HOLIDAYS, ActivityKind.WEDNESDAY], active=True
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    first_day = forms.DateField(label=gettext_lazy("Premier jour"), widget=DATE)
    last_day = forms.DateField(label=gettext_lazy("Dernier jour"), widget=DATE)
    opens_at = forms.DateTimeField(label=gettext_lazy("Ouverture des demandes"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=gettext_lazy("Clôture des demandes"), widget=DATETIME)
    results_on = forms.DateField(label=gettext_lazy("Attribution annoncée le"), widget=DATE)
    reserved_share = forms.IntegerField(
        label=gettext_lazy("Part des places réservées (handicap, PAI), en %"),
        min_value=0,
        max_value=50,
        initial=0,
    )
    keep_siblings = forms.BooleanField(
        label=gettext_lazy("Garder les frères et sœurs ensemble"), required=False, initial=True
    )
    groups = forms.CharField(
        label=gettext_lazy("Groupes d'âge (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Une ligne par groupe : « libellé ; âge minimum ; âge maximum ; places par jour "
            "et par site », par exemple « 3-5 ans ; 3 ; 5 ; 12 ». Vide : les places de chaque "
            "site."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("— aucun —"))] + [
            (c.key, c.label) for c in criteria_registry.criteria_all()
        ]
        for n in range(1, len(criteria_registry.criteria_all()) + 1):
            self.fields[f"criterion{n}"] = forms.ChoiceField(
                label=_("Critère n° %(n)s") % {"n": n}, choices=options, required=False
            )

    def clean_groups(self):
        parsed = []
        for number, line in enumerate(self.cleaned_data["groups"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            try:
                label, low, high, places = parts[0], int(parts[1]), int(parts[2]), int(parts[3])
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("Ligne %(n)s : écrivez « libellé ; âge min ; âge max ; places ».")
                    % {"n": number}
                ) from None
            if not label or low < 0 or high < low or places < 0 or high > 25:
                raise forms.ValidationError(
                    _("Ligne %(n)s : âges ou places incohérents.") % {"n": number}
                )
            parsed.append((label[:50], low, high, places))
        return parsed

    def criteria(self) -> list[str]:
        keys = []
        for n in range(1, len(criteria_registry.criteria_all()) + 1):
            key = self.cleaned_data.get(f"criterion{n}")
            if key:
                keys.append(key)
        return keys


def _get(pk: int):
    allocation = selectors.allocation_get(pk)
    if allocation is None:
        raise Http404
    return allocation


@require_safe
@periscolaire
def allocation_list(request):
    now = timezone.now()
    return render(
        request,
        "backoffice/allocation/list.html",
        {
            "items": [(a, selectors.state_of(a, now)) for a in selectors.allocations_for_agent()],
            "states": rules,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@periscolaire
def allocation_edit(request, pk: int | None = None):
    allocation = _get(pk) if pk else None
    initial = {}
    if allocation is not None:
        initial = {
            field: getattr(allocation, field)
            for field in (
                "label",
                "first_day",
                "last_day",
                "results_on",
                "reserved_share",
                "keep_siblings",
            )
        }
        initial["opens_at"] = timezone.localtime(allocation.opens_at)
        initial["closes_at"] = timezone.localtime(allocation.closes_at)
        initial["activities"] = list(allocation.activities.all())
        initial["groups"] = "\n".join(
            f"{g.label} ; {g.min_age} ; {g.max_age} ; {g.capacity}" for g in allocation.groups.all()
        )
        for n, key in enumerate(allocation.criteria, start=1):
            initial[f"criterion{n}"] = key
    form = AllocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["criteria"] = form.criteria()
        try:
            allocation = services.allocation_save(
                agent=request.user,
                values=values,
                activities=list(form.cleaned_data["activities"]),
                groups=form.cleaned_data["groups"],
                allocation=allocation,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("L'attribution « %(label)s » est enregistrée.") % {"label": allocation.label},
            )
            return redirect("backoffice:allocation_detail", allocation.pk)
    return render(
        request,
        "backoffice/allocation/edit.html",
        {"allocation": allocation, "form": form},
        status=400 if form.errors else 200,
    )


class DrawForm(forms.Form):
    public_value = forms.CharField(
        label=gettext_lazy("Valeur publique annoncée pour le tirage"),
        max_length=200,
        help_text=gettext_lazy(
            "Une valeur que personne ne connaissait avant la clôture et que chacun peut "
            "retrouver, annoncée à l'avance : par exemple les numéros d'un tirage national "
            "du jour de la clôture."
        ),
    )


class AdjustForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(label=gettext_lazy("Décision"), choices=AdjustmentAction.choices)
    choice = forms.IntegerField(
        label=gettext_lazy("Choix attribué (n°)"), min_value=1, max_value=3, initial=1
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif (obligatoire, publié sans nom)"), max_length=300
    )


@require_safe
@periscolaire
def allocation_detail(request, pk: int):
    allocation = _get(pk)
    state = selectors.state_of(allocation)
    context = {
        "allocation": allocation,
        "state": state,
        "states": rules,
        "criteria": selectors.criteria_explained(allocation),
        "count": AllocationRequest.objects.filter(allocation=allocation, status="active").count(),
    }
    if state == rules.CLOSED and not allocation.seed:
        context["draw_form"] = DrawForm()
    if allocation.seed:
        preview = (
            reports.published_report(allocation)
            if allocation.published_at
            else reports.preview(allocation)
        )
        context["preview"] = preview
        context["draw"] = reports.draw_order(allocation, preview.rows)
        if not allocation.published_at:
            context["adjust_form"] = AdjustForm()
    return render(request, "backoffice/allocation/detail.html", context)


@require_POST
@periscolaire
def allocation_draw(request, pk: int):
    allocation = _get(pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la valeur publique annoncée pour le tirage."))
        return redirect("backoffice:allocation_detail", allocation.pk)
    try:
        services.draw_fix(
            allocation=allocation,
            public_value=form.cleaned_data["public_value"],
            agent=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La graine du tirage est fixée : voici l'aperçu."))
    return redirect("backoffice:allocation_detail", allocation.pk)


@require_POST
@periscolaire
def allocation_adjust(request, pk: int):
    allocation = _get(pk)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _(
                "L'ajustement n'est pas enregistré : le motif est obligatoire, "
                "le choix entre 1 et 3."
            ),
        )
        return redirect("backoffice:allocation_detail", allocation.pk)
    item = (
        AllocationRequest.objects.filter(allocation=allocation, pk=form.cleaned_data["request"])
        .select_related("demarche")
        .first()
    )
    if item is None:
        raise Http404
    try:
        services.adjustment_add(
            allocation=allocation,
            request=item,
            action=form.cleaned_data["action"],
            choice=form.cleaned_data["choice"] - 1,
            reason=form.cleaned_data["reason"],
            agent=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Ajustement enregistré pour %(ref)s.") % {"ref": item.demarche.reference},
        )
    return redirect("backoffice:allocation_detail", allocation.pk)


@require_POST
@periscolaire
def allocation_publish(request, pk: int):
    allocation = _get(pk)
    try:
        done = services.allocation_publish(allocation=allocation, agent=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("L'attribution est publiée : réservations, liste d'attente et courriels sont faits.")
            if done
            else _("L'attribution était déjà publiée : rien n'a changé."),
        )
    return redirect("backoffice:allocation_detail", allocation.pk)
