"""Back-office of activities: access, register (pointage) with constant queries,
presence without booking, absence justification, forecast counts and exports,
waitlists, calendar exceptions, capacity."""

import csv
import io
from datetime import date, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import ActivityKind, Attendance, Booking, BookingStatus
from espace_citoyen.activities.tests.conftest import PARIS, other_child
from espace_citoyen.core.testing import page_text, pdf_upload, visible_text
from espace_citoyen.families.models import DocumentKind
from espace_citoyen.families.services import document_upload

MONDAY = date(2026, 11, 30)
# Presence is recorded on the day: the register is kept on Monday evening.
MONDAY_EVENING = datetime(2026, 11, 30, 17, 0, tzinfo=PARIS)


def _register_url(activity, day=MONDAY):
    return f"/backoffice/activites/pointage/{activity.pk}/{day.isoformat()}/"


def test_only_the_periscolaire_role_opens_these_screens(agent_client, lunch):
    """A guichet agent gets 403 on the register, forecast and waitlists."""
    client = agent_client(Role.GUICHET)
    for url in (
        "/backoffice/activites/",
        _register_url(lunch),
        "/backoffice/activites/effectifs/",
        "/backoffice/activites/listes-attente/",
        "/backoffice/activites/calendrier/",
        "/backoffice/activites/absences/",
    ):
        assert client.get(url).status_code == 403, url


def test_backoffice_home_lists_the_periscolaire_screens(agent_client):
    """The back-office home shows the périscolaire screens."""
    text = page_text(agent_client(Role.PERISCOLAIRE).get("/backoffice/"))
    for title in (
        "Pointage des présences",
        "Effectifs prévisionnels",
        "Listes d'attente",
        "Démarches à traiter",
    ):
        assert title in text


def _children_booked(activity, count):
    kids = [other_child(activity) for _ in range(count)]
    for kid in kids:
        services.booking_add(child=kid, activity=activity, day=MONDAY, actor=None)
    return kids


def test_register_runs_the_same_queries_for_5_and_200_children(agent_client, db):
    """The register page costs the same queries for 5 and 200 children."""
    small = activity_create(name="Petit accueil", capacity=300)
    large = activity_create(name="Grand accueil", capacity=300)
    _children_booked(small, 5)
    _children_booked(large, 200)
    client = agent_client(Role.PERISCOLAIRE)
    client.get(_register_url(small))  # warm the session and role caches alike
    with CaptureQueriesContext(connection) as five:
        response = client.get(_register_url(small))
    assert visible_text(response).count("Présent") >= 5
    with CaptureQueriesContext(connection) as two_hundred:
        response = client.get(_register_url(large))
    assert "200 réservés" in visible_text(response)
    assert len(two_hundred.captured_queries) == len(five.captured_queries)


def test_marking_present_and_absent(agent_client, lunch, _now):
    """The agent marks each child present or absent; the page counts them."""
    kids = _children_booked(lunch, 3)
    _now.move_to(MONDAY_EVENING)
    client = agent_client(Role.PERISCOLAIRE)
    response = client.post(
        _register_url(lunch),
        {f"enfant-{kids[0].pk}": "present", f"enfant-{kids[1].pk}": "absent"},
        follow=True,
    )
    text = visible_text(response)
    assert "Pointage enregistré (2 enfants)." in text
    assert "présents : 1, absents : 1, non pointés : 1" in text
    # Changing one's mind updates the same line.
    client.post(_register_url(lunch), {f"enfant-{kids[1].pk}": "present"})
    assert Attendance.objects.get(child=kids[1]).present is True
    assert Attendance.objects.count() == 2


def test_a_child_not_on_the_list_cannot_be_marked(agent_client, lunch, _now):
    """Marking a child who is not booked that day is refused without a crash."""
    stranger = other_child()
    _now.move_to(MONDAY_EVENING)
    response = agent_client(Role.PERISCOLAIRE).post(
        _register_url(lunch), {f"enfant-{stranger.pk}": "present"}
    )
    assert response.status_code == 400
    assert "ne figure pas sur la liste" in page_text(response)


def test_presence_without_booking_is_recorded(agent_client, lunch, _now):
    """An enrolled child present without booking is added to the register as such."""
    kid = other_child(lunch)
    _now.move_to(MONDAY_EVENING)
    client = agent_client(Role.PERISCOLAIRE)
    response = client.post(
        _register_url(lunch) + "sans-reservation/", {"child": kid.pk}, follow=True
    )
    assert "présent(e) sans réservation" in page_text(response)
    assert "Sans réservation" in page_text(response)
    attendance = Attendance.objects.get(child=kid)
    assert attendance.present and attendance.unbooked and attendance.booking is None


def _certificate(child, agent_user):
    return document_upload(
        family=child.family,
        kind=DocumentKind.MEDICAL_CERTIFICATE,
        upload=pdf_upload("certificat.pdf", "Certificat médical"),
        uploaded_by=agent_user,
        child=child,
    )


def test_an_absence_is_justified_by_a_certificate_in_time(agent_client, agent, lunch, _now):
    """A certificate sent within 72 hours after the day of absence justifies it; one sent
    later is refused with the reason."""
    late_kid, kid = _children_booked(lunch, 2)
    _now.move_to(MONDAY_EVENING)
    staff = agent(Role.PERISCOLAIRE)
    services.attendance_record(
        activity=lunch, day=MONDAY, marks={kid.pk: False, late_kid.pk: False}, agent=staff
    )
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=PARIS), tick=False):
        certificate = _certificate(kid, staff)
    with time_machine.travel(datetime(2026, 12, 4, 9, 0, tzinfo=PARIS), tick=False):
        late = _certificate(late_kid, staff)
        client = agent_client(Role.PERISCOLAIRE)
        page = visible_text(client.get("/backoffice/activites/absences/"))
        assert kid.full_name in page and late_kid.full_name in page
        absence = Attendance.objects.get(child=kid)
        response = client.post(
            f"/backoffice/activites/absences/{absence.pk}/justifier/",
            {"document": certificate.pk},
            follow=True,
        )
        assert "est justifiée" in page_text(response)
        late_absence = Attendance.objects.get(child=late_kid)
        response = client.post(
            f"/backoffice/activites/absences/{late_absence.pk}/justifier/",
            {"document": late.pk},
            follow=True,
        )
        assert "après le délai de 72 heures" in page_text(response)
    assert Attendance.objects.get(child=kid).justified is True
    assert Attendance.objects.get(child=late_kid).justified is False


def test_forecast_counts_meals_with_diets_and_pai_and_exports(agent_client, db):
    """The kitchen's counts per school and day: meals by diet, PAI, morning and evening
    numbers; the CSV has the same rows and the ODS downloads."""
    lunch = activity_create(name="Cantine", capacity=50)
    morning = activity_create(kind=ActivityKind.MORNING, name="Matin", capacity=50)
    kids = [other_child(lunch) for _ in range(3)]
    kids[0].diet = "sans_porc"
    kids[0].save()
    kids[1].has_pai = True
    kids[1].save()
    for kid in kids:
        services.booking_add(child=kid, activity=lunch, day=MONDAY, actor=None)
    enrolment_make(kids[0], morning)
    services.booking_add(child=kids[0], activity=morning, day=MONDAY, actor=None)
    client = agent_client(Role.PERISCOLAIRE)
    page = visible_text(client.get("/backoffice/activites/effectifs/?date=2026-11-30&jours=3"))
    assert (
        "lundi 30 novembre 2026 École élémentaire Jean-Jaurès 3 Aucun régime particulier : 2 Sans porc : 1 1 1 0"
        in page
    )
    export = client.get("/backoffice/activites/effectifs/?date=2026-11-30&jours=3&format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Date", "Lieu", "Repas"]
    assert rows[1][:3] == ["2026-11-30", "École élémentaire Jean-Jaurès", "3"]
    header = dict(zip(rows[0], rows[1], strict=True))
    assert header["Repas sans régime particulier"] == "2"
    assert header["Repas sans porc"] == "1" and header["Dont PAI"] == "1"
    assert header["Accueil du matin"] == "1"
    ods = client.get("/backoffice/activites/effectifs/?date=2026-11-30&jours=3&format=ods")
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods.content[:2] == b"PK"


def test_forecast_is_one_query_whatever_the_bookings(
    agent_client, db, django_assert_max_num_queries
):
    """Forecast counts do not grow with the number of bookings."""
    lunch = activity_create(name="Cantine", capacity=80)
    client = agent_client(Role.PERISCOLAIRE)
    client.get("/backoffice/activites/effectifs/")
    with CaptureQueriesContext(connection) as empty:
        client.get("/backoffice/activites/effectifs/?date=2026-11-30&jours=5")
    _children_booked(lunch, 40)
    with django_assert_max_num_queries(len(empty.captured_queries)):
        client.get("/backoffice/activites/effectifs/?date=2026-11-30&jours=5")


def test_waitlists_and_capacity_screen(agent_client, lunch):
    """The waitlists list who waits with their rank; adding places on the activity
    page promotes them."""
    lunch.capacity = 1
    lunch.save()
    kids = _children_booked(lunch, 3)
    client = agent_client(Role.PERISCOLAIRE)
    text = visible_text(client.get("/backoffice/activites/listes-attente/"))
    assert f"lundi 30 novembre 2026 {lunch.name} 1 {kids[1].full_name}" in text
    response = client.post(
        f"/backoffice/activites/{lunch.pk}/", {"date": "2026-11-30", "capacity": "3"}, follow=True
    )
    assert "Le lundi 30 novembre 2026 : 3 places, dont 3 réservées." in page_text(response)
    assert not Booking.objects.filter(status=BookingStatus.WAITLISTED).exists()
    response = client.post(
        f"/backoffice/activites/{lunch.pk}/", {"date": "2026-11-30", "capacity": "1"}
    )
    assert response.status_code == 400
    assert "3 places sont déjà réservées" in page_text(response)


def test_closing_a_day_from_the_calendar_screen(agent_client, child, lunch, enrolled):
    """An agent closes a day with a reason; the family's booking is cancelled and the
    day shows as closed in the family's calendar."""
    services.booking_add(child=child, activity=lunch, day=MONDAY, actor=None)
    client = agent_client(Role.PERISCOLAIRE)
    response = client.post(
        "/backoffice/activites/calendrier/",
        {"date": "2026-11-30", "activity": "", "opening": "fermeture", "reason": "Grève"},
        follow=True,
    )
    assert "L'exception de calendrier est enregistrée." in page_text(response)
    assert Booking.objects.get(child=child).status == BookingStatus.CANCELLED
    response = client.post(
        "/backoffice/activites/calendrier/",
        {"date": "2026-11-30", "activity": "", "opening": "fermeture", "reason": ""},
    )
    assert response.status_code == 400


def test_register_index_lists_the_places_activities(agent_client, lunch):
    """The register's index lists the activities of a place on a day."""
    text = visible_text(
        agent_client(Role.PERISCOLAIRE).get(
            f"/backoffice/activites/pointage/?lieu=ecole-{lunch.school_id}&date=2026-11-30"
        )
    )
    assert lunch.name in text


def test_register_fits_a_phone(agent_client, lunch):
    """The register is a list of fieldsets with large radio buttons, not a wide table."""
    _children_booked(lunch, 2)
    html = page_text(agent_client(Role.PERISCOLAIRE).get(_register_url(lunch)))
    assert "<table" not in html.split("<main")[1]
    assert html.count('type="radio"') == 4


def test_a_date_in_the_register_url_must_be_a_date(agent_client, lunch):
    """A malformed date gives 404, not 500."""
    assert (
        agent_client(Role.PERISCOLAIRE)
        .get(f"/backoffice/activites/pointage/{lunch.pk}/demain/")
        .status_code
        == 404
    )


def test_activity_page_shows_the_fill(agent_client, lunch):
    """The activity's page shows the places taken per day."""
    _children_booked(lunch, 2)
    text = visible_text(
        agent_client(Role.PERISCOLAIRE).get(f"/backoffice/activites/{lunch.pk}/?depuis=2026-11-30")
    )
    assert "lundi 30 novembre 2026 2 10 8 0" in text


def test_odd_dates_and_ids_get_an_answer_never_an_error_page(agent_client, lunch, _now):
    """Far-away dates in addresses fall back to today; far-away dates in forms, and
    posted ids that are not numbers, are refused with a message."""
    client = agent_client(Role.PERISCOLAIRE)
    for url in (
        "/backoffice/activites/pointage/?date=0001-01-01",
        f"/backoffice/activites/pointage/?lieu=ecole-{'9' * 25}&date=2026-11-30",
        "/backoffice/activites/effectifs/?date=9999-12-31&jours=31",
        f"/backoffice/activites/{lunch.pk}/?depuis=9999-12-31",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(_register_url(lunch, date(9999, 12, 31))).status_code == 404
    response = client.post(_register_url(lunch) + "sans-reservation/", {"child": "abc"})
    assert response.status_code == 400
    assert "Choisissez un enfant." in page_text(response)
    (kid,) = _children_booked(lunch, 1)
    _now.move_to(MONDAY_EVENING)
    client = agent_client(Role.PERISCOLAIRE)  # the session of Thursday has expired
    client.post(_register_url(lunch), {f"enfant-{kid.pk}": "absent"})
    absence = Attendance.objects.get(child=kid)
    response = client.post(
        f"/backoffice/activites/absences/{absence.pk}/justifier/", {"document": "abc"}, follow=True
    )
    assert "Choisissez un certificat médical." in page_text(response)
    for day in ("0001-01-01", "2030-01-07"):
        response = client.post(f"/backoffice/activites/{lunch.pk}/", {"date": day, "capacity": "5"})
        assert response.status_code == 400, day
    assert "Choisissez un jour de l'année de l'activité" in page_text(response)


def test_presence_without_booking_is_for_children_enrolled_in_the_activity(
    agent_client, lunch, _now
):
    """A forged id of a child not enrolled in the activity is refused: no surcharge is
    recorded against an unrelated family."""
    stranger = other_child()
    _now.move_to(MONDAY_EVENING)
    response = agent_client(Role.PERISCOLAIRE).post(
        _register_url(lunch) + "sans-reservation/", {"child": stranger.pk}
    )
    assert response.status_code == 400
    assert "n'est pas inscrit(e) à « Restauration scolaire Jean-Jaurès »" in page_text(response)
    assert not Attendance.objects.exists()


def test_presence_is_not_recorded_for_a_day_to_come(agent_client, lunch, _now):
    """On Thursday, Monday's register lists the children booked but cannot be kept yet:
    neither marks nor presence without booking are recorded (billing would read them)."""
    (kid,) = _children_booked(lunch, 1)
    walk_in = other_child(lunch)
    client = agent_client(Role.PERISCOLAIRE)
    page = visible_text(client.get(_register_url(lunch)))
    assert kid.full_name.split()[0] in page
    assert "Le pointage du lundi 30 novembre 2026 se fera ce jour-là" in page
    assert "Enregistrer le pointage" not in page
    for url, data in (
        (_register_url(lunch), {f"enfant-{kid.pk}": "present"}),
        (_register_url(lunch) + "sans-reservation/", {"child": walk_in.pk}),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "on ne peut pas noter la présence d'un jour à venir" in page_text(response)
    assert not Attendance.objects.exists()
    # On the day itself, the register is kept.
    _now.move_to(MONDAY_EVENING)
    client = agent_client(Role.PERISCOLAIRE)
    response = client.post(_register_url(lunch), {f"enfant-{kid.pk}": "present"}, follow=True)
    assert "Pointage enregistré (1 enfant)." in visible_text(response)
