"""Citizen side of the booking queue (opening days, settings.BOOKING_QUEUE): the page a
family lands on after asking for a holiday week (views.child_book_week records the
request), « Demande enregistrée » then the answer the worker gives within seconds."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from espace_citoyen.activities import rules, selectors
from espace_citoyen.activities.models import WeekRequestStatus
from espace_citoyen.activities.services.queue import Recorded


def _week_request_or_404(request, pk: int):
    week = selectors.week_request_of_user(request.user, pk)
    if week is None:
        raise Http404
    return week


def _week_request_context(week: selectors.WeekRequestView) -> dict:
    arrival = timezone.localtime(week.created_at)
    decided = timezone.localtime(week.decided_at) if week.decided_at else None
    status = week.status
    titles = {
        WeekRequestStatus.PENDING: _("Demande enregistrée"),
        WeekRequestStatus.BOOKED: _("Semaine réservée"),
        WeekRequestStatus.WAITLISTED: _("Liste d'attente"),
        WeekRequestStatus.REFUSED: _("Demande non acceptée"),
    }
    return {
        "week": week,
        "child_name": week.child_name,
        "activity_name": week.activity_name,
        "title": titles[status],
        "pending": status == WeekRequestStatus.PENDING,
        "booked": status == WeekRequestStatus.BOOKED,
        "waitlisted": status == WeekRequestStatus.WAITLISTED,
        "week_label": rules.day_label(week.monday),
        "first_label": rules.day_label(week.first_day) if week.first_day else "",
        "arrival": _moment_seconds(arrival),
        "decided": _moment_seconds(decided) if decided else "",
        "page_url": reverse("activities:week_request", args=[week.pk]),
        "month_url": reverse("activities:child_month", args=[week.child_id])
        + f"?mois={(week.first_day or week.monday):%Y-%m}",
    }


def _moment_seconds(moment) -> str:
    """« jeudi 26 novembre 2026 à 10 h 00 min 03 s »: the arrival order is to the second."""
    return (
        f"{rules.day_label(moment.date())} à {moment.hour} h {moment.minute:02d} min "
        f"{moment.second:02d} s"
    )


@login_required
@require_safe
def week_request(request, pk: int):
    """The page of a week request: « Demande enregistrée » with its arrival time, then
    the answer (shown there within seconds by a small script asking week_request_state;
    without it, the page says to reload)."""
    return _page(request, _week_request_or_404(request, pk))


def recorded_page(request, *, child: selectors.ChildRef, activity_name: str, recorded: Recorded):
    """The queued POST's answer: the page of the request it has just recorded, built from
    what the POST holds (no query, no redirect: one request instead of two on the opening
    morning). Its script puts the request's own address in the browser's history, so a
    reload shows the page again instead of posting the form twice."""
    week = selectors.WeekRequestView(
        pk=recorded.pk,
        status=WeekRequestStatus.PENDING,
        monday=recorded.monday,
        first_day=None,
        days=0,
        waitlist_rank=None,
        reason="",
        created_at=recorded.created_at,
        decided_at=None,
        child_id=child.pk,
        child_name=child.first_name,
        activity_name=activity_name,
    )
    return _page(request, week)


def _page(request, week: selectors.WeekRequestView):
    response = render(request, "activities/week_request.html", _week_request_context(week))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def week_request_state(request, pk: int):
    """The request's answer for the landing page's script: {"pending": true} while it
    waits, then the answer's HTML and the page's new title."""
    week = _week_request_or_404(request, pk)
    if week.status == WeekRequestStatus.PENDING:
        response = JsonResponse({"pending": True})
    else:
        context = _week_request_context(week)
        response = JsonResponse(
            {
                "pending": False,
                "html": render_to_string(
                    "activities/_week_request_state.html", context, request=request
                ),
                "title": f"{context['title']} — {week.activity_name}",
            }
        )
    response["Cache-Control"] = "private, no-store"
    return response
