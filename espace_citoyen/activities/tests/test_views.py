"""Citizen pages: enrolment form, month calendar, adding and cancelling days, weekly
template, iCal feed; another family's child is a 404; constant query counts."""

import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import (
    ActivityKind,
    Booking,
    BookingStatus,
    CalendarException,
    Unit,
)
from espace_citoyen.activities.tests.conftest import PARIS, other_child
from espace_citoyen.core.testing import page_text, visible_text

MONTH = "/carte-famille/activites/enfant/{}/"


def test_the_card_lists_both_services(citizen_client, family):
    """The family card's home offers the two services of the seed's wording."""
    text = page_text(citizen_client.get("/carte-famille/"))
    assert "Inscrire votre enfant aux services périscolaires et extrascolaires" in text
    assert "Modifier vos inscriptions périscolaires" in text


def test_enrolment_form_then_calendar(
    citizen_client, child, lunch, django_capture_on_commit_callbacks
):
    """A parent picks the child, the activity and the weekly template; accepted at once,
    the month calendar shows the days booked."""
    page = citizen_client.get(f"/carte-famille/activites/inscrire/?enfant={child.pk}")
    assert "Restauration scolaire Jean-Jaurès" in page_text(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(
            "/carte-famille/activites/inscrire/",
            {"child": child.pk, "activity": lunch.pk, "weekdays": ["0", "3"]},
            follow=True,
        )
    text = visible_text(response)
    assert "est acceptée" in text
    assert "lundi 30 novembre 2026 Réservé" in text
    december = visible_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12"))
    assert "mardi 1er décembre 2026 Libre" in december
    assert "jeudi 3 décembre 2026 Réservé" in december


def test_enrolment_in_a_level_not_eligible_shows_the_reason(citizen_client, child):
    """Posting an activity the child's level may not join shows why; nothing is lost."""
    cp_only = activity_create(name="Atelier lecture CP", eligible_levels=["CP"])
    response = citizen_client.post(
        "/carte-famille/activites/inscrire/",
        {"child": child.pk, "activity": cp_only.pk, "weekdays": ["0"]},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "réservée aux niveaux CP ; votre enfant sera en CE2" in text


def test_enrolment_without_a_choice_says_so(citizen_client, child, lunch):
    """An empty form gives a clear error, not a crash."""
    response = citizen_client.post("/carte-famille/activites/inscrire/", {"child": child.pk})
    assert response.status_code == 400
    assert "Choisissez une activité." in page_text(response)


def test_someone_elses_child_is_a_404(citizen_client, family, lunch):
    """Another family's child: calendar, booking, enrolment and feed pages are 404."""
    stranger = other_child(lunch)
    assert citizen_client.get(MONTH.format(stranger.pk)).status_code == 404
    for impossible in (2**63, 10**30):  # beyond any id column: no row, not a 500
        assert citizen_client.get(MONTH.format(impossible)).status_code == 404
    response = citizen_client.post(
        MONTH.format(stranger.pk) + "reserver/",
        {"activity": lunch.pk, "date": "2026-11-30", "action": "add"},
    )
    assert response.status_code == 404
    assert not Booking.objects.exists()
    assert (
        citizen_client.get(f"/carte-famille/activites/inscrire/?enfant={stranger.pk}").status_code
        == 404
    )
    assert citizen_client.get(MONTH.format(stranger.pk) + "agenda/").status_code == 404


def test_add_then_cancel_a_day(citizen_client, child, lunch, enrolled):
    """A free day is booked, then cancelled before the deadline; each time the page
    says so."""
    url = MONTH.format(child.pk) + "reserver/"
    response = citizen_client.post(
        url, {"activity": lunch.pk, "date": "2026-11-30", "action": "add"}, follow=True
    )
    assert (
        "La réservation du lundi 30 novembre 2026 est confirmée "
        "(« Restauration scolaire Jean-Jaurès »)." in page_text(response)
    )
    response = citizen_client.post(
        url, {"activity": lunch.pk, "date": "2026-11-30", "action": "cancel"}, follow=True
    )
    assert "La réservation du lundi 30 novembre 2026 est annulée" in page_text(response)
    assert Booking.objects.get(child=child).status == BookingStatus.CANCELLED


def test_after_a_change_the_page_comes_back_on_that_day(citizen_client, child, lunch, enrolled):
    """The redirection's fragment is the day's cell, which can take the focus: the browser
    puts it there, and the next Tab goes on from that day, not from the top of the page."""
    url = MONTH.format(child.pk) + "reserver/"
    for action in ["add", "cancel"]:
        response = citizen_client.post(
            url, {"activity": lunch.pk, "date": "2026-11-30", "action": action}
        )
        anchor = f"jour-{lunch.pk}-2026-11-30"
        assert response["Location"] == MONTH.format(child.pk) + f"?mois=2026-11#{anchor}"
        page = page_text(citizen_client.get(response["Location"]))
        assert f'id="{anchor}" tabindex="-1"' in page


def test_cancelling_after_the_deadline_shows_the_reason(citizen_client, child, lunch, enrolled):
    """After Thursday noon Monday is locked: the cell says until when it could change,
    and a forced POST is refused with the same reason."""
    services.booking_add(child=child, activity=lunch, day=date(2026, 11, 30), actor=None)
    with time_machine.travel(datetime(2026, 11, 26, 14, 0, tzinfo=PARIS), tick=False):
        page = visible_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-11"))
        assert (
            "lundi 30 novembre 2026 Réservé Délai dépassé : les modifications étaient "
            "possibles jusqu'au jeudi 26 novembre 2026 à 12 h 00." in page
        )
        response = citizen_client.post(
            MONTH.format(child.pk) + "reserver/",
            {"activity": lunch.pk, "date": "2026-11-30", "action": "cancel"},
        )
    assert response.status_code == 400
    assert "le délai était le jeudi 26 novembre 2026 à 12 h 00" in page_text(response)
    assert Booking.objects.get(child=child).status == BookingStatus.CONFIRMED


def test_booking_a_closed_day_by_hand_is_refused(citizen_client, child, lunch, enrolled):
    """A forged POST for a Wednesday or a holiday is refused with the reason."""
    response = citizen_client.post(
        MONTH.format(child.pk) + "reserver/",
        {"activity": lunch.pk, "date": "2026-12-23", "action": "add"},
    )
    assert response.status_code == 400
    assert "Vacances de Noël" in page_text(response)
    response = citizen_client.post(
        MONTH.format(child.pk) + "reserver/",
        {"activity": lunch.pk, "date": "n'importe", "action": "add"},
    )
    assert response.status_code == 400


def test_a_full_day_offers_the_waitlist_and_shows_the_rank(citizen_client, child, lunch, enrolled):
    """A full day offers the waitlist; joining it shows the rank, then the cell too."""
    lunch.capacity = 1
    lunch.save()
    services.booking_add(
        child=other_child(lunch), activity=lunch, day=date(2026, 12, 1), actor=None
    )
    page = visible_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12"))
    assert (
        "mardi 1er décembre 2026 Complet Toutes les places sont prises. S'inscrire sur la liste d'attente"
        in page
    )
    response = citizen_client.post(
        MONTH.format(child.pk) + "reserver/",
        {"activity": lunch.pk, "date": "2026-12-01", "action": "add"},
        follow=True,
    )
    text = visible_text(response)
    assert "Léa est sur la liste d'attente, au rang 1" in text
    assert "mardi 1er décembre 2026 Liste d'attente, rang 1" in text


def _book_days(child, activities, count):
    made = 0
    for activity in activities:
        for day in range(1, 19):
            current = date(2026, 12, day)
            if made == count:
                return
            if current.weekday() in (0, 1, 3, 4):
                services.booking_add(child=child, activity=activity, day=current, actor=None)
                made += 1


def test_month_calendar_runs_the_same_queries_for_1_and_30_days_booked(
    citizen_client, child, django_assert_max_num_queries, django_assert_num_queries
):
    """The month calendar costs the same number of queries with 1 or 30 days booked."""
    activities = [
        activity_create(kind=kind, name=f"{kind}", capacity=50)
        for kind in (ActivityKind.MORNING, ActivityKind.LUNCH, ActivityKind.EVENING)
    ]
    for activity in activities:
        enrolment_make(child, activity)
    _book_days(child, activities[:1], 1)

    with CaptureQueriesContext(connection) as small:
        assert citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12").status_code == 200
    Booking.objects.all().delete()
    _book_days(child, activities, 30)
    assert Booking.objects.count() == 30
    with django_assert_num_queries(len(small.captured_queries)):
        response = citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12")
    assert visible_text(response).count("Réservé") >= 30
    # Session, user, the child with its activities, the month's days, the allocations.
    assert len(small.captured_queries) <= 5


def test_changing_the_weekly_template_page(citizen_client, family, child, lunch, citizen):
    """The template page changes the days from a date and says how many changed; a
    date already locked shows the first day still open."""
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    url = f"/carte-famille/activites/inscription/{enrolment.pk}/semaine-type/"
    page = page_text(citizen_client.get(url))
    assert "lundi 30 novembre 2026" in page
    response = citizen_client.post(url, {"weekdays": ["0", "4"], "start": "2026-11-27"})
    assert response.status_code == 400
    assert "choisissez une date à partir de celle-ci" in page_text(response)
    assert 'value="4"' in page_text(response)  # nothing typed is lost
    response = citizen_client.post(
        url, {"weekdays": ["0", "4"], "start": "2026-11-30"}, follow=True
    )
    assert "La semaine type est modifiée à partir du lundi 30 novembre 2026" in page_text(response)


def test_ical_feed_is_private_and_revocable(client, citizen_client, child, lunch, enrolled):
    """The parent creates a private address; it lists the confirmed days as all-day
    events; a new address revokes the old one."""
    services.booking_add(child=child, activity=lunch, day=date(2026, 11, 30), actor=None)
    response = citizen_client.post(
        MONTH.format(child.pk) + "agenda/", {"action": "renew"}, follow=True
    )
    text = page_text(response)

    url = re.search(r'value="(http[^"]+\.ics)"', text).group(1)
    path = (
        url.split("testserver")[-1] if "testserver" in url else url[url.index("/carte-famille") :]
    )
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "DTSTART;VALUE=DATE:20261130" in body
    assert "SUMMARY:Léa — Restauration scolaire Jean-Jaurès" in body
    # Calendar apps check the address with HEAD first: same answer, no body.
    head = client.head(path)
    assert head.status_code == 200
    assert head["Content-Type"].startswith("text/calendar")
    assert head.content == b""
    citizen_client.post(MONTH.format(child.pk) + "agenda/", {"action": "renew"})
    assert client.get(path).status_code == 404


def test_home_lists_enrolments_and_links(citizen_client, family, child, lunch, citizen):
    """« Modifier vos inscriptions périscolaires » lists each child's enrolments."""
    services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0, 1], actor=citizen
    )
    text = visible_text(citizen_client.get("/carte-famille/activites/"))
    assert "Restauration scolaire Jean-Jaurès" in text
    assert "lundi, mardi" in text
    assert "Calendrier de Léa" in text


def test_holiday_week_button(citizen_client, child):
    """In the holidays the calendar offers whole weeks; booking one books its days."""
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Vacances au centre", capacity=5)
    enrolment_make(child, centre)
    page = visible_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12"))
    assert "Vacances au centre, semaine du lundi 21 décembre 2026" in page
    response = citizen_client.post(
        MONTH.format(child.pk) + "semaine/",
        {"activity": centre.pk, "monday": "2026-12-21"},
        follow=True,
    )
    assert "La semaine du lundi 21 décembre 2026 est réservée (4 jours)." in page_text(response)


def test_odd_dates_and_ids_get_an_answer_never_an_error_page(
    citizen_client, child, lunch, enrolled
):
    """A month that does not exist shows the current one; a far-away or malformed date
    posted is refused with a message (400); an unknown activity is a 404."""
    page = citizen_client.get(MONTH.format(child.pk) + "?mois=2026-13")
    assert page.status_code == 200
    assert "novembre 2026" in page_text(page)
    book = MONTH.format(child.pk) + "reserver/"
    for day in ("0001-01-01", "9999-12-31", "2026-02-30"):
        response = citizen_client.post(book, {"activity": lunch.pk, "date": day, "action": "add"})
        assert response.status_code == 400, day
        assert "Ce jour est inconnu." in page_text(response)
    response = citizen_client.post(
        book, {"activity": "9" * 25, "date": "2026-12-01", "action": "add"}
    )
    assert response.status_code == 404
    for monday in ("0001-01-01", "9999-12-27"):
        response = citizen_client.post(
            MONTH.format(child.pk) + "semaine/", {"activity": lunch.pk, "monday": monday}
        )
        assert response.status_code == 400, monday
    response = citizen_client.post(
        MONTH.format(child.pk) + "reserver/",
        {"activity": lunch.pk, "date": "2030-01-07", "action": "add"},
    )
    assert response.status_code == 400
    assert "En dehors de l'année scolaire" in page_text(response)
    assert not Booking.objects.exists()


def test_the_weekly_template_refuses_a_date_after_the_school_year(
    citizen_client, family, child, lunch, citizen
):
    """A start date far away, or after the last day of the activity, is an error on the
    field, and the template is left as it was."""
    enrolment = services.enrolment_request(
        family=family, child=child, activity=lunch, weekdays=[0], actor=citizen
    )
    url = f"/carte-famille/activites/inscription/{enrolment.pk}/semaine-type/"
    response = citizen_client.post(url, {"weekdays": ["1"], "start": "9999-12-31"})
    assert response.status_code == 400
    assert "Saisissez une date entre 2000 et 2100." in page_text(response)
    response = citizen_client.post(url, {"weekdays": ["1"], "start": "2027-08-02"})
    assert response.status_code == 400
    assert "n'a plus de jour à réserver à partir du lundi 2 août 2027" in page_text(response)
    enrolment.refresh_from_db()
    assert enrolment.weekdays == [0]


def test_an_activity_booked_by_the_week_offers_no_single_day(citizen_client, child):
    """A « semaine » activity shows its days without a « Réserver » button (the week's
    button books them) and cancels the whole week from any of its days."""
    centre = activity_create(
        kind=ActivityKind.HOLIDAYS, name="Stage de la semaine", capacity=5, unit=Unit.WEEK
    )
    enrolment_make(child, centre)
    page = visible_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12"))
    assert "lundi 21 décembre 2026 Libre 5 places disponibles" in page
    assert "Réserver : Stage de la semaine" not in page
    assert "Réserver la semaine du lundi 21 décembre 2026, Stage de la semaine" in page
    citizen_client.post(
        MONTH.format(child.pk) + "semaine/", {"activity": centre.pk, "monday": "2026-12-21"}
    )
    page = visible_text(citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12"))
    assert "Annuler la semaine : Stage de la semaine, mardi 22 décembre 2026" in page
    response = citizen_client.post(
        MONTH.format(child.pk) + "reserver/",
        {"activity": centre.pk, "date": "2026-12-22", "action": "cancel"},
        follow=True,
    )
    assert "La semaine du lundi 21 décembre 2026 est annulée" in page_text(response)
    assert not Booking.objects.filter(child=child, status=BookingStatus.CONFIRMED).exists()


def test_a_week_unit_is_for_the_holiday_centre_only(db):
    """Only the holiday centre's calendar offers whole weeks: another kind of activity
    cannot be set to « semaine »."""
    with pytest.raises(ValidationError, match="se réserve à la semaine"):
        activity_create(kind=ActivityKind.LUNCH, unit=Unit.WEEK)


def test_the_calendar_opens_at_the_first_open_day_with_the_past_folded(
    citizen_client, child, lunch, enrolled, _now
):
    """On Thursday 26 November the calendar starts at Monday 30, the first day that can
    still be booked; the days before are folded. On Friday 27 afternoon nothing of
    November can change any more: the calendar opens on December."""
    text = visible_text(citizen_client.get(MONTH.format(child.pk)))
    assert "Calendrier de Léa" in text and "novembre 2026" in text
    folded, _sep, shown = text.partition("Réservations de Léa, novembre 2026")
    assert "Jours passés ou qui ne peuvent plus être modifiés (20)" in folded
    assert "lundi 2 novembre 2026" in folded
    assert "jeudi 26 novembre 2026" in folded
    assert "jeudi 26 novembre 2026" not in shown
    assert shown.index("lundi 30 novembre 2026") < shown.index("Réserver")
    # Another month asked for by its address is shown as it is.
    assert "Jours passés" not in visible_text(
        citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12")
    )
    _now.move_to(datetime(2026, 11, 27, 14, 0, tzinfo=PARIS))
    citizen_client.force_login(child.family.guardians.first().user)
    text = visible_text(citizen_client.get(MONTH.format(child.pk)))
    assert "Calendrier de Léa Martin — décembre 2026" in text
    assert "Réservations de Léa, décembre 2026 Jour Restauration scolaire Jean-Jaurès" in text


def test_names_and_reasons_with_markup_are_shown_as_text(citizen_client, child, lunch, enrolled):
    """The rows and week cards written in Python escape what agents and parents typed."""
    lunch.name = '<script>alert("repas")</script> & Cie'
    lunch.save()
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="<img src=x onerror=alert(1)>")
    enrolment_make(child, centre)
    CalendarException.objects.create(
        activity=lunch, date=date(2026, 12, 2), reason="<b>'Grève'</b>"
    )
    child.first_name = '<i>"Lou"</i>'
    child.save()
    response = citizen_client.get(MONTH.format(child.pk) + "?mois=2026-12")
    html = response.content.decode()
    for raw in ("<script>alert", "<img src=x", "<b>'Grève'", '<i>"Lou"'):
        assert raw not in html
    page = visible_text(response)
    assert '<script>alert("repas")</script> & Cie' in page
    assert "<img src=x onerror=alert(1)>, semaine du lundi 21 décembre 2026" in page
    assert "<b>'Grève'</b>" in page and 'Calendrier de <i>"Lou"</i>' in page
