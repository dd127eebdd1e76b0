"""Fair allocation journey: an agent sets up the February holidays in this mode; three
families ask (one with two children kept together); after the close the agent fixes the
draw, previews, adjusts one request with a reason and publishes; each family sees its
outcome and receives its e-mail. axe-core on every page."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.factories import activity_create
from espace_citoyen.activities.models import ActivityKind
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune
from tests.e2e.conftest import axe_check, login

PARIS = ZoneInfo("Europe/Paris")
FAMILIES = ["camille.martin@example.org", "sam.leroy@example.org", "alex.morel@example.org"]


def _setup():
    Commune.objects.update_or_create(pk=1, defaults={"name": "Saint-Exemple-sur-Marne"})
    cache.clear()
    activity_create(kind=ActivityKind.HOLIDAYS, capacity=2, name="Centre de loisirs des Sources")
    agent = agent_create(Role.PERISCOLAIRE)
    families = []
    for index, email in enumerate(FAMILIES):
        first, last = email.split("@")[0].split(".")
        user = UserFactory(email=email, first_name=first.title(), last_name=last.title())
        extra = {"city": "Ailleurs"} if index == 2 else {}
        family = family_create(user=user, children=2 if index == 0 else 1, **extra)
        for number, child in enumerate(family.children.order_by("birth_date")):
            child.first_name = [["Léa", "Tom"], ["Noé"], ["Inès"]][index][number]
            child.last_name = last.title()
            child.birth_date = date(2017 + number, 5, 4)
            child.save()
        families.append(family)
    return agent, families


def _ask(pages, email, children, *, together=False):
    page = pages.new()
    login(page, email)
    page.goto("/carte-famille/")
    page.get_by_role("link", name="Demander une place pour les vacances").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demander une place")
    axe_check(page)
    page.get_by_role("link", name="Vacances d'hiver 2027").click()
    expect(page.get_by_text("L'heure de la demande ne compte pas.")).to_be_visible()
    axe_check(page)
    for name in children:
        page.get_by_label(re.compile(name)).check()
    if together:
        page.get_by_label("Garder mes enfants ensemble").check()
    page.get_by_label("1er choix").select_option(
        label="Centre de loisirs des Sources — semaine du lundi 22 février 2027 (5 jours)"
    )
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("Demande enregistrée")
    axe_check(page)
    return page


def test_agent_sets_up_families_ask_agent_adjusts_and_publishes(pages, smtp):
    with time_machine.travel(datetime(2027, 1, 3, 9, 0, tzinfo=PARIS)) as traveller:
        agent, families = _setup()

        # The agent sets up the February holidays.
        page = pages.new()
        login(page, agent.email)
        page.goto("/backoffice/")
        page.get_by_role("link", name="Attributions équitables").click()
        axe_check(page)
        page.get_by_role("link", name="Nouvelle attribution").click()
        axe_check(page)
        page.get_by_label("Intitulé").fill("Vacances d'hiver 2027")
        page.get_by_label("Centre de loisirs des Sources").check()
        page.get_by_label("Premier jour").fill("2027-02-22")
        page.get_by_label("Dernier jour").fill("2027-03-05")
        page.get_by_label("Ouverture des demandes").fill("2027-01-05T09:00")
        page.get_by_label("Clôture des demandes").fill("2027-01-15T18:00")
        page.get_by_label("Attribution annoncée le").fill("2027-01-20")
        page.get_by_label("Critère n° 1").select_option("commune")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("est enregistrée")
        axe_check(page)

        # The window is open: three families ask, the first for two children together.
        traveller.move_to(datetime(2027, 1, 10, 10, 0, tzinfo=PARIS))
        _ask(pages, FAMILIES[0], ["Léa", "Tom"], together=True)
        _ask(pages, FAMILIES[1], ["Noé"])
        _ask(pages, FAMILIES[2], ["Inès"])

        # After the close: the draw, the preview, an adjustment with its reason, publish.
        traveller.move_to(datetime(2027, 1, 16, 9, 0, tzinfo=PARIS))
        page = pages.new()
        login(page, agent.email)
        page.goto("/backoffice/attributions/")
        page.get_by_role("link", name="Vacances d'hiver 2027").click()
        axe_check(page)
        page.get_by_label("Valeur publique annoncée pour le tirage").fill("07 19 23 38 41")
        page.get_by_role("button", name="Fixer la graine et voir l'aperçu").click()
        expect(page.get_by_role("heading", name="Aperçu de l'attribution")).to_be_visible()
        expect(page.get_by_text("Familles à la limite")).to_be_visible()
        axe_check(page)
        row = page.get_by_role("row", name=re.compile("Inès"))
        reference = row.get_by_role("rowheader").inner_text()
        row.get_by_label(re.compile("Décision pour")).select_option("refuse")
        row.get_by_label("Motif (obligatoire)").fill("Demande en double avec une inscription")
        row.get_by_role("button", name="Ajuster").click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Ajustement enregistré pour {reference}"
        )
        axe_check(page)
        page.get_by_role("button", name="Publier l'attribution").click()
        expect(page.get_by_role("status")).to_contain_text("L'attribution est publiée")
        axe_check(page)
        page.get_by_role("link", name="Rapport public (sans nom)").click()
        expect(page.get_by_text("Demande en double avec une inscription")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Inès")
        axe_check(page)

        # Each family sees its outcome and has its e-mail.
        for email in FAMILIES:
            page = pages.new()
            login(page, email)
            page.goto("/carte-famille/attribution/")
            page.get_by_role("link", name="Vacances d'hiver 2027").click()
            expect(page.locator("main")).to_contain_text(
                re.compile("Place attribuée|rang \\d+ sur la liste d'attente|Non retenue")
            )
            axe_check(page)
            assert any(email in message["To"] for message in smtp.messages)
        outcome = smtp.body(smtp.last_to(FAMILIES[0]))
        assert re.search("Place attribuée|rang \\d+", outcome), outcome
