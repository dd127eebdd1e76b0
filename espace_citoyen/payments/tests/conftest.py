"""Fixtures of the online payment tests: billing's family with two children (now is
10 December 2026 in Paris), billed for October and November through the real billing run,
and the simulated bank's notification delivered to the portal by a second client (the
bank's server) instead of the network."""

from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.factories import enrolment_make
from espace_citoyen.billing import selectors as billing_selectors
from espace_citoyen.billing import services as billing_services
from espace_citoyen.billing.factories import booking_make
from espace_citoyen.billing.tests import conftest as billing_fixtures
from espace_citoyen.families.factories import family_create
from espace_citoyen.payments import bank_views

# Billing's fixtures: its family, activities, grids and régie, and its "now".
_now = billing_fixtures._now
commune = billing_fixtures.commune
regie = billing_fixtures.regie
canteen = billing_fixtures.canteen
evening = billing_fixtures.evening
grids = billing_fixtures.grids
family = billing_fixtures.family
children = billing_fixtures.children

OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)


def bill(kids, activity, to_regie, clerk, month: date, days) -> None:
    """Bookings of the first child on `days` of `month`, present, then the month's run."""
    for day in days:
        booking_make(kids[0], activity, month.replace(day=day), present=True)
    run = billing_services.billing_run_start(month=month, actor=clerk, regie=to_regie)
    billing_services.billing_run_execute(run_id=run.pk)


@pytest.fixture
def clerk(agent):
    return agent(Role.REGIE)


@pytest.fixture
def invoices(children, canteen, regie, clerk):
    """The family's two unpaid invoices: October 9,12 € (4 meals), November 11,40 € (5)."""
    bill(children, canteen, regie, clerk, OCTOBER, (5, 6, 8, 9))
    bill(children, canteen, regie, clerk, NOVEMBER, (2, 3, 5, 6, 9))
    return billing_selectors.invoices_payable(children[0].family)


@pytest.fixture
def other_invoice(canteen, grids, regie, clerk, commune):
    """An unpaid invoice of another family."""
    other = family_create(children=1, address_validated_on=date(2026, 1, 5))
    kid = other.children.get()
    enrolment_make(kid, canteen, weekdays=[0, 1, 3, 4])
    bill([kid], canteen, regie, clerk, NOVEMBER, (2, 3))
    [invoice] = billing_selectors.invoices_payable(other)
    return invoice


@pytest.fixture
def bank_server(monkeypatch):
    """The simulated bank's notifications, posted by a client of their own (no session,
    no cookie: server to server). Returns the list of (status, answer) delivered."""
    delivered = []
    server = Client()

    def send(url, fields):
        response = server.post(
            urlsplit(url).path, urlencode(fields), content_type="application/x-www-form-urlencoded"
        )
        delivered.append((response.status_code, fields))
        return response.status_code

    monkeypatch.setattr(bank_views, "notification_send", send)
    return delivered


def query(url: str) -> dict[str, str]:
    return {
        name: values[-1]
        for name, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()
    }


def start(client, invoices) -> str:
    """« Payer en ligne » for `invoices`: the address of the bank's page."""
    response = client.post("/paiement-en-ligne/payer/", {"invoice": [i.pk for i in invoices]})
    assert response.status_code == 302, response.content
    return response["Location"]


def bank_answer(client, bank_url: str, action: str):
    """On the bank's page, press « Payer », « Refuser » or « Abandonner »."""
    page = client.get(bank_url)
    assert page.status_code == 200
    return client.post(urlsplit(bank_url).path, {**query(bank_url), "action": action})
