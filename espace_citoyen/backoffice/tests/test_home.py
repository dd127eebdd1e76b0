"""The back-office home: agents land there after login; each role's screens with what
waits on them (démarches to handle, declarations to check, today's registers,
waitlists), in a constant number of queries; no role is offered a link that answers 403."""

import re
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_citoyen.accounts.factories import PASSWORD, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities import selectors as activities
from espace_citoyen.activities.models import ActivityKind, Booking, BookingStatus
from espace_citoyen.backoffice import registry
from espace_citoyen.backoffice.registry import Screen, screen_register, screens_for
from espace_citoyen.core.testing import visible_text
from espace_citoyen.demarches.selectors import open_count_for_role
from espace_citoyen.families.models import Child
from espace_citoyen.pricing.selectors import declarations_queue

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# The demo is loaded on Thursday 26 November 2026; on Monday 30 at 9:00 its registers of
# the day are to be kept.
LOADED = datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=PARIS)
LINK = re.compile(r'href="(/backoffice/[^"#]*)"')


def _login(client, email):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": PASSWORD}, follow=True
    )


def test_an_agent_lands_on_the_back_office_a_parent_on_mon_espace(client, citizen):
    agent = agent_create(Role.PERISCOLAIRE)
    response = _login(client, agent.email)
    assert response.redirect_chain[-1][0] == reverse("backoffice:home")
    assert "Back-office de la mairie" in visible_text(response)
    client.post(reverse("accounts:logout"))
    response = _login(client, citizen.email)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    # An address asked for before logging in still wins.
    client.post(reverse("accounts:logout"))
    response = client.post(
        reverse("accounts:login") + "?next=/carte-famille/",
        {"username": agent.email, "password": PASSWORD},
    )
    assert response["Location"] == "/carte-famille/"


@pytest.fixture
def demo(db):
    with time_machine.travel(LOADED, tick=False):
        call_command("demo", stdout=StringIO())
    with time_machine.travel(NOW, tick=False):
        yield


def _waitlist(*first_names: str) -> None:
    """Camille Martin's children waiting for a day of the demo's full holiday week."""
    full = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, activity__kind=ActivityKind.HOLIDAYS
    ).order_by("-date")
    booking = full.first()
    for index, child in enumerate(
        Child.objects.filter(last_name="Martin", first_name__in=first_names), start=1
    ):
        Booking.objects.create(
            activity=booking.activity,
            date=booking.date,
            child=child,
            family=child.family,
            status=BookingStatus.WAITLISTED,
            waitlist_position=100 + index,
        )


def _badge(text: str, title: str) -> int:
    return int(re.search(re.escape(title) + r" (\d+) en attente", text).group(1))


def test_the_home_counts_what_waits_for_each_role(client, demo):
    """The numbers beside the links are those of the queues behind them."""
    _waitlist("Léa")
    today = date(2026, 11, 30)
    expected = {
        Role.GUICHET: {"Démarches à traiter": open_count_for_role(Role.GUICHET)},
        Role.SCOLAIRE: {"Démarches à traiter": open_count_for_role(Role.SCOLAIRE)},
        Role.PERISCOLAIRE: {
            "Pointage des présences": activities.registers_count(today),
            "Listes d'attente": activities.waitlisted_count(since=today),
        },
        Role.REGIE: {"Déclarations de revenus à valider": declarations_queue().count()},
    }
    assert expected[Role.GUICHET]["Démarches à traiter"] >= 1
    assert expected[Role.SCOLAIRE]["Démarches à traiter"] >= 1
    assert expected[Role.PERISCOLAIRE]["Pointage des présences"] >= 1
    assert expected[Role.PERISCOLAIRE]["Listes d'attente"] >= 1
    assert expected[Role.REGIE]["Déclarations de revenus à valider"] == 1
    for role, counts in expected.items():
        client.force_login(agent_create(role))
        text = visible_text(client.get(reverse("backoffice:home")))
        for title, count in counts.items():
            assert _badge(text, title) == count, (role, title)


def test_the_home_runs_the_same_queries_however_much_waits(client, demo):
    """A périscolaire agent's home: as many queries with children waiting as without."""
    client.force_login(agent_create(Role.PERISCOLAIRE))
    url = reverse("backoffice:home")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        text = visible_text(client.get(url))
    waiting = _badge(text, "Listes d'attente")
    _waitlist("Léa", "Hugo")
    with CaptureQueriesContext(connection) as after:
        text = visible_text(client.get(url))
    assert _badge(text, "Listes d'attente") == waiting + 2
    assert len(after.captured_queries) == len(before.captured_queries)


def test_an_app_adds_its_count_to_the_home(client, db):
    """Billing or payments plug their own counts in through the registry."""
    screen = Screen(
        Role.REGIE, "Factures à émettre", "backoffice:pricing_grids", count=lambda agent: 7
    )
    screen_register(screen)
    try:
        client.force_login(agent_create(Role.REGIE))
        text = visible_text(client.get(reverse("backoffice:home")))
        assert "Factures à émettre 7 en attente" in text
    finally:
        assert screen in screens_for(Role.REGIE)
        registry._screens.remove(screen)


def test_no_role_is_offered_a_link_that_answers_403(client, demo):
    """From the home, every back-office page an agent reaches by following links (on the
    demo commune) opens for that agent: no link answers 403."""
    for role in Role:
        client.force_login(agent_create(role))
        seen, queue, refused = set(), [reverse("backoffice:home")], []
        while queue and len(seen) < 60:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code == 403:
                refused.append(url)
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen and "page=" not in link:
                    queue.append(link)
        assert not refused, (role, refused)
        assert len(seen) >= 2, role
