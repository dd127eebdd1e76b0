"""Fixtures of the direct debit tests: billing's family and "now" (10 December 2026 in
Paris), the commune as creditor (debit day 15, 14 days' notice, 2 rejects), and helpers
to request, sign and accept a mandate as the family and the régie would."""

import re
from datetime import date

import pytest
from django.core import mail

from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing.models import Invoice
from espace_citoyen.billing.tests import conftest as billing_fixtures
from espace_citoyen.core import notifications
from espace_citoyen.payments.tests.conftest import NOVEMBER, OCTOBER, bill
from espace_citoyen.sepa import rules, services
from espace_citoyen.sepa.models import Creditor

_now = billing_fixtures._now
commune = billing_fixtures.commune
regie = billing_fixtures.regie
canteen = billing_fixtures.canteen
evening = billing_fixtures.evening
grids = billing_fixtures.grids
family = billing_fixtures.family
children = billing_fixtures.children

IBAN = "FR7630006000011234567890189"  # Crédit Agricole (AGRIFRPPXXX)
IBAN_OTHER_BANK = "FR1420041010050500013M02606"  # La Banque Postale
ICS = rules.ics_with_check_digits("FR", "ZZZ", "123456")
__all__ = ["NOVEMBER", "OCTOBER", "bill"]


@pytest.fixture
def creditor(regie):
    creditor = Creditor(
        regie=regie,
        name="Ville de Châlons-en-Champagne",
        ics=ICS,
        iban="FR7610011000201234567890188",
        bic="",
        debit_day=15,
        notice_days=14,
        reject_limit=2,
    )
    creditor.full_clean()
    creditor.save()
    return creditor


@pytest.fixture
def clerk(agent):
    return agent(Role.REGIE)


def code_from_mail() -> str:
    message = [m for m in mail.outbox if "code de signature" in m.subject][-1]
    return re.search(r"^(\d{6})$", message.body, re.M).group(1)


def mandate_active(family, user, clerk, *, iban=IBAN):
    """A mandate requested, signed with the e-mailed code and accepted by the régie."""
    mandate = services.mandate_request(
        family=family,
        holder="Camille Martin",
        address="1 rue de la Paix\n51000 Châlons",
        iban=iban,
        actor=user,
    )
    mandate = services.mandate_sign(
        mandate=mandate, code=code_from_mail(), consent=True, actor=user
    )
    return services.mandate_accept(mandate=mandate, actor=clerk)


@pytest.fixture
def mandate(family, citizen, clerk, creditor):
    return mandate_active(family, citizen, clerk)


@pytest.fixture
def december_invoice(mandate, children, canteen, regie, clerk):
    """November billed on 10 December with the mandate active: pre-notified for 15 January."""
    bill(children, canteen, regie, clerk, NOVEMBER, (2, 3, 5, 6, 9))
    return Invoice.objects.get(family=mandate.family, month=NOVEMBER)


JANUARY_15 = date(2027, 1, 15)


class _Immediately:
    """The mail queued on commit, sent at once: the tests run inside one transaction."""

    @staticmethod
    def on_commit(callback, robust=False):
        callback()


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch):
    monkeypatch.setattr(notifications, "transaction", _Immediately)
