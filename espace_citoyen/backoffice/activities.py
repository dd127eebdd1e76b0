"""Back-office of activities (role périscolaire): activities and their places, the
calendar's closures and openings, the attendance register (pointage) on a phone, the
absences to justify, forecast counts for the kitchen and the teams, the waitlists."""

from datetime import date, timedelta

import tablib
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import rules, selectors, services
from espace_citoyen.activities.forms import DayField
from espace_citoyen.activities.models import Activity, Attendance, CalendarException
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.core.spreadsheets import spreadsheet_response
from espace_citoyen.families.models import Child, Diet, Document

periscolaire = agent_required(Role.PERISCOLAIRE)


def _date_param(value: str | None, default: date) -> date:
    """A date from the address (?date=2026-11-30); malformed or far away: the default."""
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if rules.plausible(day) else default


def _posted_id(request, name: str) -> int | None:
    """A row id posted in a form (a select's value), or None if it is not one."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


# --- activities and places -------------------------------------------------------------------


@require_safe
@periscolaire
def activity_list(request):
    today = timezone.localdate()
    return render(
        request,
        "backoffice/activities/list.html",
        {"activities": selectors.activities_for_year(today)},
    )


class CapacityForm(forms.Form):
    date = DayField(label=gettext_lazy("Jour"), widget=forms.DateInput(attrs={"type": "date"}))
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=0, max_value=10000)


@require_http_methods(["GET", "HEAD", "POST"])
@periscolaire
def activity_detail(request, pk: int):
    activity = selectors.activity_get(pk)
    if activity is None:
        raise Http404
    start = _date_param(request.GET.get("depuis"), timezone.localdate())
    form = CapacityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counter = services.activity_day_capacity_set(
                activity=activity,
                day=form.cleaned_data["date"],
                capacity=form.cleaned_data["capacity"],
                agent=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("Le %(day)s : %(capacity)s places, dont %(booked)s réservées.")
                % {
                    "day": rules.day_label(counter.date),
                    "capacity": counter.capacity,
                    "booked": counter.booked,
                },
            )
            return redirect("backoffice:activity_detail", activity.pk)
    return render(
        request,
        "backoffice/activities/detail.html",
        {
            "activity": activity,
            "lines": selectors.activity_fill(activity, start=start, days=28),
            "form": form,
            "start": start,
        },
        status=400 if form.errors else 200,
    )


# --- calendar exceptions -----------------------------------------------------------------------


class ExceptionForm(forms.Form):
    date = DayField(label=gettext_lazy("Jour"), widget=forms.DateInput(attrs={"type": "date"}))
    activity = forms.ChoiceField(label=gettext_lazy("Activité"), required=False)
    opening = forms.ChoiceField(
        label=gettext_lazy("Nature"),
        choices=[
            ("fermeture", gettext_lazy("Fermeture (les réservations du jour sont annulées)")),
            ("ouverture", gettext_lazy("Ouverture exceptionnelle")),
        ],
        widget=forms.RadioSelect,
        initial="fermeture",
    )
    reason = forms.CharField(label=gettext_lazy("Motif"), max_length=200)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = {str(a.pk): a for a in activities}
        self.fields["activity"].choices = [("", _("Toutes les activités"))] + [
            (str(a.pk), f"{a.name} — {a.place}") for a in activities
        ]


@require_http_methods(["GET", "HEAD", "POST"])
@periscolaire
def activity_calendar(request):
    today = timezone.localdate()
    activities = selectors.activities_for_year(today)
    form = ExceptionForm(request.POST or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        activity = form.activities.get(form.cleaned_data["activity"] or "")
        try:
            services.calendar_exception_add(
                activity=activity,
                day=form.cleaned_data["date"],
                opening=form.cleaned_data["opening"] == "ouverture",
                reason=form.cleaned_data["reason"],
                agent=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("L'exception de calendrier est enregistrée."))
            return redirect("backoffice:activity_calendar")
    exceptions = selectors.calendar_exceptions(since=today - timedelta(days=31))
    return render(
        request,
        "backoffice/activities/calendar.html",
        {"form": form, "exceptions": exceptions},
        status=400 if form.errors else 200,
    )


@require_POST
@periscolaire
def activity_calendar_delete(request, pk: int):
    exception = CalendarException.objects.filter(pk=pk).first()
    if exception is None:
        raise Http404
    services.calendar_exception_remove(exception=exception, agent=request.user)
    messages.success(request, _("L'exception de calendrier est supprimée."))
    return redirect("backoffice:activity_calendar")


# --- attendance register -------------------------------------------------------------------------


@require_safe
@periscolaire
def register_index(request):
    day = _date_param(request.GET.get("date"), timezone.localdate())
    places = selectors.places()
    place = request.GET.get("lieu") or (places[0][0] if places else "")
    activities = selectors.activities_at(place, day) if place else []
    return render(
        request,
        "backoffice/activities/register_index.html",
        {
            "day": day,
            "day_label": rules.day_label(day),
            "places": places,
            "place": place,
            "activities": activities,
        },
    )


def _register_activity(pk: int) -> Activity:
    activity = selectors.activity_get(pk)
    if activity is None:
        raise Http404
    return activity


def _day_or_404(value: str) -> date:
    """The day in a register's address; anything but a plausible ISO date is a 404."""
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc
    if not rules.plausible(day):
        raise Http404
    return day


def _register_page(request, activity, day, *, error: str = "", status: int = 200):
    data = selectors.register(activity, day)
    return render(
        request,
        "backoffice/activities/register.html",
        {
            "activity": activity,
            "day": day,
            "day_label": rules.day_label(day),
            "error": error,
            "ahead": rules.attendance_day_problem(day, timezone.localdate()),
            **data,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@periscolaire
def register(request, pk: int, day: str):
    activity = _register_activity(pk)
    the_day = _day_or_404(day)
    if request.method == "POST":
        marks = {}
        for key, value in request.POST.items():
            if key.startswith("enfant-") and key[7:].isdigit() and value in ("present", "absent"):
                marks[int(key[7:])] = value == "present"
        try:
            count = services.attendance_record(
                activity=activity, day=the_day, marks=marks, agent=request.user
            )
        except ApplicationError as error:
            return _register_page(request, activity, the_day, error=error.message, status=400)
        messages.success(
            request,
            ngettext(
                "Pointage enregistré (%(count)s enfant).",
                "Pointage enregistré (%(count)s enfants).",
                count,
            )
            % {"count": count},
        )
        return redirect("backoffice:register", activity.pk, the_day.isoformat())
    return _register_page(request, activity, the_day)


@require_POST
@periscolaire
def register_unbooked(request, pk: int, day: str):
    activity = _register_activity(pk)
    the_day = _day_or_404(day)
    child_id = _posted_id(request, "child")
    child = Child.objects.filter(pk=child_id).first() if child_id else None
    if child is None:
        return _register_page(
            request, activity, the_day, error=_("Choisissez un enfant."), status=400
        )
    try:
        services.attendance_add_unbooked(
            activity=activity, day=the_day, child=child, agent=request.user
        )
    except ApplicationError as error:
        return _register_page(request, activity, the_day, error=error.message, status=400)
    messages.success(
        request,
        _("%(child)s est noté(e) présent(e) sans réservation.") % {"child": child.full_name},
    )
    return redirect("backoffice:register", activity.pk, the_day.isoformat())


# --- absences ------------------------------------------------------------------------------------


@require_safe
@periscolaire
def absences(request):
    since = timezone.localdate() - timedelta(days=31)
    return render(
        request,
        "backoffice/activities/absences.html",
        {
            "items": selectors.absences_to_justify(since=since),
            "delay": services.CERTIFICATE_DELAY_HOURS,
        },
    )


@require_POST
@periscolaire
def absence_justify(request, pk: int):
    attendance = Attendance.objects.filter(pk=pk).select_related("child").first()
    document_id = _posted_id(request, "document")
    document = Document.objects.filter(pk=document_id).first() if document_id else None
    if attendance is None:
        raise Http404
    if document is None:
        messages.error(request, _("Choisissez un certificat médical."))
        return redirect("backoffice:absences")
    try:
        services.absence_justify(attendance=attendance, document=document, agent=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("L'absence de %(child)s du %(day)s est justifiée.")
            % {"child": attendance.child.full_name, "day": rules.day_label(attendance.date)},
        )
    return redirect("backoffice:absences")


# --- forecast counts -------------------------------------------------------------------------


DIET_LABELS = dict(Diet.choices)


def _diet_header(diet: str) -> str:
    """« Repas sans porc »; the standard meal is « Repas sans régime particulier »."""
    if diet == Diet.STANDARD:
        return "Repas sans régime particulier"
    return f"Repas {DIET_LABELS[diet].lower()}"


def _forecast_dataset(lines) -> tablib.Dataset:
    diets = [key for key, _label in Diet.choices]
    dataset = tablib.Dataset(
        headers=[
            "Date",
            "Lieu",
            "Repas",
            *[_diet_header(d) for d in diets],
            "Dont PAI",
            "Accueil du matin",
            "Accueil du soir",
            "Mercredi",
            "Vacances",
        ],
        title="Effectifs",
    )
    for line in lines:
        dataset.append(
            [
                line["day"].isoformat(),
                line["place"],
                line["meals"],
                *[line["diets"].get(d, 0) for d in diets],
                line["pai"],
                line["morning"],
                line["evening"],
                line["wednesday"],
                line["holidays"],
            ]
        )
    return dataset


@require_safe
@periscolaire
def forecast(request):
    start = _date_param(request.GET.get("date"), timezone.localdate())
    try:
        days = min(max(int(request.GET.get("jours") or 5), 1), 31)
    except ValueError:
        days = 5
    lines = selectors.forecast(start=start, days=days)
    export = request.GET.get("format")
    if export in ("csv", "ods"):
        return spreadsheet_response(
            _forecast_dataset(lines), export, f"effectifs-{start.isoformat()}-{days}j"
        )
    diets = [(key, label) for key, label in Diet.choices]
    for line in lines:
        line["diet_list"] = [(label, line["diets"].get(key, 0)) for key, label in diets]
    query = f"date={start.isoformat()}&jours={days}"
    return render(
        request,
        "backoffice/activities/forecast.html",
        {
            "lines": lines,
            "start": start,
            "days": days,
            "diets": diets,
            "csv_url": reverse("backoffice:forecast") + f"?{query}&format=csv",
            "ods_url": reverse("backoffice:forecast") + f"?{query}&format=ods",
        },
    )


# --- waitlists -----------------------------------------------------------------------------------


@require_safe
@periscolaire
def waitlists(request):
    return render(
        request,
        "backoffice/activities/waitlists.html",
        {"bookings": selectors.waitlists(since=timezone.localdate())},
    )
