"""Opening day with the booking queue on: a parent asks for a holiday week, lands on
« Demande enregistrée » at once, and sees the answer appear on that page (without
reloading it) when the worker has decided; a second week, full, gives the waitlist
rank. The worker's batch is run by the test between the steps."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.activities import selectors, services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.activities.models import ActivityKind
from espace_citoyen.families.factories import family_create
from tests.e2e.conftest import axe_check, login

PARIS = ZoneInfo("Europe/Paris")
EMAIL = "camille.martin@example.org"


def _setup():
    user = UserFactory(email=EMAIL, first_name="Camille", last_name="Martin")
    child = family_create(user=user, children=1).children.get()
    child.first_name, child.birth_date = "Léa", date(2018, 3, 14)
    child.save()
    centre = activity_create(kind=ActivityKind.HOLIDAYS, name="Vacances au centre", capacity=1)
    enrolment_make(child, centre)
    # Another family asked for the New Year week first and got its only place.
    other = family_create(children=1).children.get()
    enrolment_make(other, centre)
    services.week_request_submit(
        child=other,
        window=selectors.booking_window(centre.pk),
        monday=date(2026, 12, 28),
        actor=None,
    )
    services.queue_decide()
    return child, centre


def test_a_week_asked_on_opening_day_then_its_answer(pages, settings):
    settings.BOOKING_QUEUE = True
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)):
        child, _centre = _setup()
        page = pages.new()
        login(page, EMAIL)
        page.goto(f"/carte-famille/activites/enfant/{child.pk}/?mois=2026-12")
        page.get_by_role(
            "button", name=re.compile("Réserver la semaine du lundi 21 décembre 2026")
        ).click()

        # Answered at once: the request is recorded, the answer is on its way.
        state = page.get_by_role("status")
        expect(state).to_contain_text("Demande enregistrée")
        expect(state).to_contain_text("Votre demande est arrivée le jeudi 26 novembre 2026")
        expect(state).to_contain_text("la réponse s'affiche ici dans quelques secondes")
        expect(page).to_have_title(re.compile("^Demande enregistrée — Vacances au centre"))
        # The POST's answer puts the request's own address in the history (a reload does
        # not post the form again).
        expect(page).to_have_url(re.compile(r"/carte-famille/activites/demande/\d+/$"))
        axe_check(page)

        # The worker decides; the page shows the answer by itself.
        assert services.queue_decide() == 1
        expect(state).to_contain_text(
            "La semaine du lundi 21 décembre 2026 est réservée (4 jours).", timeout=15_000
        )
        expect(page).to_have_title(re.compile("^Semaine réservée — Vacances au centre"))
        axe_check(page)
        page.get_by_role("link", name="Voir le calendrier de Léa").click()
        expect(page.get_by_role("row", name=re.compile("lundi 21 décembre 2026"))).to_contain_text(
            "Réservé"
        )

        # The New Year week is full: the answer is the waitlist, with the rank.
        page.get_by_role(
            "button", name=re.compile("Réserver la semaine du lundi 28 décembre 2026")
        ).click()
        expect(page.get_by_role("status")).to_contain_text("Demande enregistrée")
        # The script has put the request's address in the history: a reload asks for the
        # request's page, it does not post the form again.
        expect(page).to_have_url(re.compile(r"/carte-famille/activites/demande/\d+/$"))
        assert services.queue_decide() == 1
        # Without waiting for the script's polling: a reload shows the answer too.
        page.reload()
        state = page.get_by_role("status")
        expect(state).to_contain_text("Liste d'attente, rang 1")
        expect(state).to_contain_text(
            "La semaine du lundi 28 décembre 2026 est complète : Léa est sur la liste "
            "d'attente, au rang 1."
        )
        axe_check(page)
