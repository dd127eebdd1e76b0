"""Périscolaire journey: a parent enrols a child with a weekly template, cancels a day
before the deadline, is refused after it with the reason shown, joins a waitlist and is
promoted (with the e-mail); an agent takes the register on a phone-sized screen."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.families.factories import family_create
from tests.e2e.conftest import axe_check, login

PARIS = ZoneInfo("Europe/Paris")
EMAIL = "camille.martin@example.org"
FULL_FRIDAY = date(2026, 12, 11)


def _setup():
    user = UserFactory(email=EMAIL, first_name="Camille", last_name="Martin")
    family = family_create(user=user, children=1)
    child = family.children.get()
    child.first_name, child.birth_date = "Léa", date(2018, 3, 14)
    child.save()
    lunch = activity_create(name="Restauration scolaire Jean-Jaurès", capacity=2)
    others = []
    for _index in range(2):
        other = family_create(children=1).children.get()
        enrolment_make(other, lunch)
        services.booking_add(child=other, activity=lunch, day=FULL_FRIDAY, actor=None)
        others.append(other)
    return child, lunch, others


def test_enrol_cancel_deadline_waitlist_and_promotion(pages, smtp):
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)) as traveller:
        child, lunch, others = _setup()
        page = pages.new()
        login(page, EMAIL)

        # The family card offers the service; the parent picks the child.
        page.goto("/carte-famille/")
        page.get_by_role(
            "link", name="Inscrire votre enfant aux services périscolaires et extrascolaires"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Inscrire votre enfant")
        axe_check(page)
        page.get_by_role("link", name="Inscrire Léa").click()
        axe_check(page)

        # Canteen on Mondays and Thursdays.
        page.get_by_label(
            re.compile("Restauration scolaire — Restauration scolaire Jean-Jaurès")
        ).check()
        page.get_by_label("Mardi").uncheck()
        page.get_by_label("Vendredi").uncheck()
        page.get_by_role("button", name="Envoyer l'inscription").click()
        expect(page.get_by_role("status")).to_contain_text("est acceptée")
        row = page.get_by_role("row", name=re.compile("lundi 30 novembre 2026"))
        expect(row).to_contain_text("Réservé")
        axe_check(page)

        # Cancel Monday before Thursday noon.
        row.get_by_role("button", name=re.compile("Annuler")).click()
        expect(page.get_by_role("status")).to_contain_text(
            "La réservation du lundi 30 novembre 2026 est annulée"
        )
        expect(page.get_by_role("row", name=re.compile("lundi 30 novembre 2026"))).to_contain_text(
            "Libre"
        )
        # Focus is back on that day, not at the top of the page (20 Tabs away).
        expect(page.locator(f"#jour-{lunch.pk}-2026-11-30")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name=re.compile("Réserver : .*lundi 30"))).to_be_focused()
        axe_check(page)

        # Book Monday again; the page stays open while Thursday noon passes.
        page.get_by_role("row", name=re.compile("lundi 30 novembre 2026")).get_by_role(
            "button", name=re.compile("Réserver")
        ).click()
        expect(page.get_by_role("status")).to_contain_text(
            "La réservation du lundi 30 novembre 2026 est confirmée"
        )
        traveller.move_to(datetime(2026, 11, 26, 12, 30, tzinfo=PARIS))
        page.get_by_role("row", name=re.compile("lundi 30 novembre 2026")).get_by_role(
            "button", name=re.compile("Annuler")
        ).click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Ce changement n'est pas possible")
        expect(alert).to_contain_text("le délai était le jeudi 26 novembre 2026 à 12 h 00")
        expect(page.get_by_role("row", name=re.compile("lundi 30 novembre 2026"))).to_contain_text(
            "Délai dépassé : les modifications étaient possibles jusqu'au jeudi 26 novembre 2026 à 12 h 00."
        )
        axe_check(page)

        page.get_by_role("link", name=re.compile("Mois suivant")).click()
        # Friday 11 December is full: join the waitlist, rank 1.
        friday = page.get_by_role("row", name=re.compile("vendredi 11 décembre 2026"))
        expect(friday).to_contain_text("Complet")
        friday.get_by_role("button", name=re.compile("S'inscrire sur la liste d'attente")).click()
        expect(page.get_by_role("status")).to_contain_text("au rang 1")
        expect(
            page.get_by_role("row", name=re.compile("vendredi 11 décembre 2026"))
        ).to_contain_text("Liste d'attente, rang 1")
        axe_check(page)

        # Another family cancels: Léa gets the place and the family an e-mail.
        services.booking_cancel(child=others[0], activity=lunch, day=FULL_FRIDAY, actor=None)
        mail = smtp.last_to(EMAIL)
        assert "Léa a une place" in mail["Subject"]
        assert "vendredi 11 décembre 2026" in smtp.body(mail)
        link = smtp.link_in_last(EMAIL, r"http://\S+/carte-famille/activites/enfant/\S+")
        page.goto(link)
        expect(
            page.get_by_role("row", name=re.compile("vendredi 11 décembre 2026"))
        ).to_contain_text("Réservé")
        axe_check(page)


def test_an_agent_takes_the_register_on_a_phone(pages):
    with time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=PARIS)):
        lunch = activity_create(name="Restauration scolaire Jean-Jaurès", capacity=20)
        kids = []
        with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)):
            for _index in range(3):
                kid = family_create(children=1).children.get()
                enrolment_make(kid, lunch)
                services.booking_add(child=kid, activity=lunch, day=date(2026, 11, 30), actor=None)
                kids.append(kid)
        agent = UserFactory(email="agent.periscolaire@example.org")
        from django.contrib.auth.models import Group

        agent.groups.add(Group.objects.get(name=Role.PERISCOLAIRE.value))
        page = pages.new(width=375, height=740)
        login(page, "agent.periscolaire@example.org")
        page.goto("/backoffice/")
        page.get_by_role("link", name="Pointage des présences").click()
        axe_check(page)
        page.get_by_role("link", name="Restauration scolaire Jean-Jaurès").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Restauration scolaire")
        axe_check(page)
        first = page.get_by_role("group", name=re.compile(kids[0].last_name)).first
        first.get_by_label("Présent").check()
        page.get_by_role("group", name=re.compile(kids[1].first_name)).get_by_label(
            "Absent"
        ).check()
        page.get_by_role("button", name="Enregistrer le pointage").click()
        expect(page.get_by_role("status")).to_contain_text("Pointage enregistré (2 enfants).")
        expect(page.get_by_role("main")).to_contain_text(
            "présents : 1, absents : 1, non pointés : 1"
        )
        axe_check(page)
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto("/backoffice/activites/effectifs/?date=2026-11-30")
        expect(page.get_by_role("main")).to_contain_text("Exporter en CSV")
        axe_check(page)
