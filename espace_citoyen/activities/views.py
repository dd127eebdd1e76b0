"""Citizen side of activities: enrol a child (« Inscrire votre enfant aux services
périscolaires et extrascolaires »), then change bookings all year long (« Modifier vos
inscriptions périscolaires »): the month calendar, the weekly template, holiday weeks,
and the private iCal feed."""

from datetime import UTC, date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from espace_citoyen.activities import forms, rules, selectors, services, views_queue
from espace_citoyen.activities.models import (
    Activity,
    BookingStatus,
    EnrolmentStatus,
)
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.forms import apply_error
from espace_citoyen.families.access import family_required
from espace_citoyen.families.models import Family
from espace_citoyen.families.selectors import child_of_user


def _child_of(request, pk: int):
    """One of the user's children (one query); another family's child is a 404."""
    child = child_of_user(request.user, pk)
    if child is None:
        raise Http404
    return child


def enrolment_detail_context(demarche, agent: bool) -> dict:
    """Extra context of the démarche page (citizen and agent): the enrolment's details."""
    return {"enrolment": selectors.enrolment_for_demarche(demarche)}


# --- home: « Modifier vos inscriptions périscolaires » ---------------------------------------


@login_required
@require_safe
@family_required
def home(request, *, family: Family):
    enrolments = selectors.enrolments_of_family(family)
    children = []
    for child in family.children.all():
        children.append(
            {
                "child": child,
                "enrolments": [e for e in enrolments if e.child_id == child.pk],
            }
        )
    return render(request, "activities/home.html", {"family": family, "children": children})


# --- enrolment -------------------------------------------------------------------------------


def _activity_label(activity: Activity) -> str:
    kind = activity.get_kind_display()
    return f"{kind} — {activity.name}, {activity.place} ({activity.school_year.label})"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def enrol(request, *, family: Family):
    child_id = request.POST.get("child") or request.GET.get("enfant")
    children = list(family.children.all())
    child = next((c for c in children if str(c.pk) == str(child_id)), None)
    if child_id and child is None:
        raise Http404
    if child is None:
        return render(request, "activities/enrol_child.html", {"children": children})
    today = timezone.localdate()
    open_activities = selectors.open_activities(today)
    eligible, others = [], []
    for activity in open_activities:
        problem = services.eligibility_problem(child, activity)
        (others if problem else eligible).append((activity, problem))
    form = forms.EnrolmentForm(
        request.POST or None,
        choices=[(str(a.pk), _activity_label(a)) for a, _p in eligible],
        initial={"weekdays": ["0", "1", "3", "4"]},
    )
    if request.method == "POST" and form.is_valid():
        activity = next(
            (a for a in open_activities if str(a.pk) == form.cleaned_data["activity"]), None
        )
        if activity is None:
            form.add_error("activity", _("Cette activité n'est pas ouverte aux inscriptions."))
        else:
            try:
                enrolment = services.enrolment_request(
                    family=family,
                    child=child,
                    activity=activity,
                    weekdays=[int(d) for d in form.cleaned_data["weekdays"]],
                    actor=request.user,
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                if enrolment.status == EnrolmentStatus.ACCEPTED:
                    messages.success(
                        request,
                        _(
                            "L'inscription de %(child)s à « %(activity)s » est acceptée "
                            "(démarche %(ref)s)."
                        )
                        % {
                            "child": child.first_name,
                            "activity": activity.name,
                            "ref": enrolment.demarche.reference,
                        },
                    )
                    return redirect("activities:child_month", child.pk)
                messages.info(
                    request,
                    _("Votre demande %(ref)s est transmise. %(reason)s")
                    % {"ref": enrolment.demarche.reference, "reason": enrolment.waiting_reason},
                )
                return redirect("demarches:detail", enrolment.demarche.reference)
    return render(
        request,
        "activities/enrol.html",
        {"form": form, "child": child, "others": others, "has_choices": bool(eligible)},
        status=400 if form.errors else 200,
    )


# --- month calendar ----------------------------------------------------------------------------


def _month_param(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    if value:
        try:
            year, month = (int(part) for part in value.split("-", 1))
            if rules.FIRST_YEAR <= year <= rules.LAST_YEAR and 1 <= month <= 12:
                return year, month
        except ValueError:
            pass
    return today.year, today.month


def _month_page(
    request, child, year: int, month: int, *, error: str = "", status: int = 200, calendar=None
):
    calendar = calendar or selectors.child_month(child, year, month)
    return render(
        request,
        "activities/month.html",
        {
            "calendar": calendar,
            "child": child,
            "error": error,
            "feed": None,
        },
        status=status,
    )


@login_required
@require_safe
def child_month(request, child_id: int):
    # The child and its activities in one statement; another family's child is a 404.
    found = selectors.child_with_activities(request.user, child_id)
    if found is None:
        raise Http404
    child, activities = found
    if not request.GET.get("mois"):
        calendar = selectors.child_first_month(child, timezone.localdate(), activities)
    else:
        year, month = _month_param(request.GET.get("mois"))
        calendar = selectors.child_month(child, year, month, activities)
    return _month_page(request, child, calendar.year, calendar.month, calendar=calendar)


def _activity_or_404(pk: int) -> Activity:
    activity = selectors.activity_get(pk)
    if activity is None:
        raise Http404
    return activity


def _back_to_day(child, activity: Activity, day: date):
    """The month again, focus on the day just changed (its cell is the URL's fragment), so
    that a keyboard or screen reader user carries on from there, not from the top."""
    url = reverse("activities:child_month", args=[child.pk])
    return redirect(f"{url}?mois={day:%Y-%m}#jour-{activity.pk}-{day:%Y-%m-%d}")


@login_required
@require_POST
def child_book(request, child_id: int):
    """Add or cancel one day (a button of the month calendar)."""
    child = _child_of(request, child_id)
    form = forms.DayForm(request.POST)
    if not form.is_valid():
        year, month = _month_param(request.POST.get("mois"))
        return _month_page(request, child, year, month, error=_("Ce jour est inconnu."), status=400)
    activity = _activity_or_404(form.cleaned_data["activity"])
    day: date = form.cleaned_data["date"]
    try:
        if form.cleaned_data["action"] == "add":
            booking = services.booking_add(
                child=child, activity=activity, day=day, actor=request.user
            )
            cancelled = []
        else:
            cancelled = services.booking_cancel(
                child=child, activity=activity, day=day, actor=request.user
            )
            booking = None
    except ApplicationError as error:
        return _month_page(request, child, day.year, day.month, error=error.message, status=400)
    names = {"activity": activity.name, "day": rules.day_label(day), "child": child.first_name}
    if len(cancelled) > 1:
        names["day"] = rules.day_label(cancelled[0].date)
        messages.success(
            request, _("La semaine du %(day)s est annulée (« %(activity)s »).") % names
        )
    elif cancelled:
        messages.success(
            request, _("La réservation du %(day)s est annulée (« %(activity)s »).") % names
        )
    elif booking.status == BookingStatus.WAITLISTED:
        names["position"] = selectors.waitlist_rank(booking)
        messages.info(
            request,
            _(
                "Le %(day)s est complet pour « %(activity)s » : %(child)s est sur la liste "
                "d'attente, au rang %(position)s. Vous recevrez un courriel si une place se "
                "libère."
            )
            % names,
        )
    else:
        messages.success(
            request, _("La réservation du %(day)s est confirmée (« %(activity)s »).") % names
        )
    return _back_to_day(child, activity, day)


@login_required
@require_POST
def child_book_week(request, child_id: int):
    """Book a whole holiday week: at once, or, with the booking queue on (opening days,
    settings.BOOKING_QUEUE), record the request and show the page that follows it."""
    if settings.BOOKING_QUEUE:
        return _queue_week(request, child_id)
    child = _child_of(request, child_id)
    form = forms.WeekForm(request.POST)
    if not form.is_valid():
        year, month = _month_param(request.POST.get("mois"))
        return _month_page(
            request, child, year, month, error=_("Cette semaine est inconnue."), status=400
        )
    monday: date = form.cleaned_data["monday"]
    activity = _activity_or_404(form.cleaned_data["activity"])
    try:
        bookings = services.booking_add_week(
            child=child, activity=activity, monday=monday, actor=request.user
        )
    except ApplicationError as error:
        return _month_page(
            request, child, monday.year, monday.month, error=error.message, status=400
        )
    if bookings and bookings[0].status == BookingStatus.WAITLISTED:
        messages.info(
            request,
            _(
                "La semaine du %(day)s est complète : %(child)s est sur la liste d'attente. "
                "Vous recevrez un courriel si une place se libère."
            )
            % {"day": rules.day_label(bookings[0].date), "child": child.first_name},
        )
    else:
        messages.success(
            request,
            _("La semaine du %(day)s est réservée (%(count)s jours).")
            % {"day": rules.day_label(bookings[0].date), "count": len(bookings)},
        )
    return _back_to_day(child, activity, bookings[0].date)


def _queue_week(request, child_id: int):
    """The queued POST (BOOKING_QUEUE): the child of the user's family (one statement),
    the week's window from the cache, one INSERT, and the page of the request in the same
    answer (views_queue.recorded_page). A refusal shows the month with the reason, as
    without the queue."""
    child = selectors.child_ref_of_user(request.user, child_id)
    if child is None:
        raise Http404
    form = forms.WeekForm(request.POST)
    if not form.is_valid():
        year, month = _month_param(request.POST.get("mois"))
        error = _("Cette semaine est inconnue.")
    else:
        monday: date = form.cleaned_data["monday"]
        window = selectors.booking_window(form.cleaned_data["activity"])
        if window is None:
            raise Http404
        try:
            recorded = services.week_request_record(
                child=child, window=window, monday=monday, actor=request.user
            )
        except ApplicationError as failure:
            year, month, error = monday.year, monday.month, failure.message
        else:
            return views_queue.recorded_page(
                request, child=child, activity_name=window.activity.name, recorded=recorded
            )
    return _month_page(request, _child_of(request, child_id), year, month, error=error, status=400)


# --- weekly template ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@family_required
def template_change(request, pk: int, *, family: Family):
    enrolment = selectors.enrolment_get_for_family(family, pk)
    if enrolment is None or enrolment.status != EnrolmentStatus.ACCEPTED:
        raise Http404
    first = selectors.first_unlocked_day(enrolment.activity)
    form = forms.TemplateChangeForm(
        request.POST or None,
        initial={"weekdays": [str(d) for d in enrolment.weekdays], "start": first},
    )
    if request.method == "POST" and form.is_valid():
        try:
            added, cancelled = services.enrolment_template_change(
                enrolment=enrolment,
                weekdays=[int(d) for d in form.cleaned_data["weekdays"]],
                start=form.cleaned_data["start"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "La semaine type est modifiée à partir du %(day)s : %(added)s jour(s) "
                    "ajouté(s), %(cancelled)s annulé(s)."
                )
                % {
                    "day": rules.day_label(form.cleaned_data["start"]),
                    "added": added,
                    "cancelled": cancelled,
                },
            )
            start = form.cleaned_data["start"]
            return redirect(
                reverse("activities:child_month", args=[enrolment.child_id])
                + f"?mois={start:%Y-%m}"
            )
    return render(
        request,
        "activities/template_change.html",
        {
            "form": form,
            "enrolment": enrolment,
            "first": rules.day_label(first) if first else "",
        },
        status=400 if form.errors else 200,
    )


# --- iCal ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def child_feed(request, child_id: int):
    child = _child_of(request, child_id)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(child=child)
            messages.success(request, _("L'adresse de l'agenda est désactivée."))
        else:
            services.calendar_feed_renew(child=child)
            messages.success(
                request,
                _(
                    "Une nouvelle adresse a été créée ; l'ancienne, s'il y en avait une, "
                    "ne fonctionne plus."
                ),
            )
        return redirect("activities:child_feed", child.pk)
    feed = selectors.feed_for(child)
    url = settings.SITE_URL + reverse("activities:feed", args=[feed.token]) if feed else ""
    return render(request, "activities/feed.html", {"child": child, "feed": feed, "url": url})


@require_safe
def feed(request, token: str):
    """The iCal feed: no login (calendar apps cannot log in), the token is the secret."""
    child, bookings = selectors.feed_bookings(token)
    if child is None:
        raise Http404
    events = [
        rules.IcsEvent(
            uid=f"booking-{booking.pk}@espace-citoyen",
            day=booking.date,
            summary=f"{child.first_name} — {booking.activity.name}",
            location=booking.activity.place,
        )
        for booking in bookings
    ]
    text = rules.ics_calendar(
        name=_("Activités de %(child)s") % {"child": child.first_name},
        events=events,
        stamp=timezone.now().astimezone(UTC),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
