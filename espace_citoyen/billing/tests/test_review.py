"""What the review of billing fixed: a PAI never shows on an invoice line, every régie
action is in the project's one audit trail, and the search boxes survive bad input."""

from datetime import date
from decimal import Decimal

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.billing import services
from espace_citoyen.billing.factories import booking_make, unbooked_presence_make
from espace_citoyen.billing.models import Invoice, PaymentMethod
from espace_citoyen.billing.tests.conftest import NOVEMBER
from espace_citoyen.core.testing import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(agent):
    return agent(Role.REGIE)


def _run(agent, month=NOVEMBER):
    run = services.billing_run_start(month=month, actor=agent)
    return services.billing_run_execute(run_id=run.pk)


def test_a_pai_child_line_says_nothing_of_health(children, canteen, clerk, regie_client):
    lea = children[0]
    lea.has_pai = True
    lea.save()
    booking_make(lea, canteen, date(2026, 11, 2), present=True)
    unbooked_presence_make(lea, canteen, date(2026, 11, 9))
    _run(clerk)
    invoice = Invoice.objects.get()
    lines = list(invoice.lines.order_by("position"))
    assert [(line.unit_price, line.explanation) for line in lines] == [
        (Decimal("1.00"), "Tarif particulier → 1,00 €"),
        (
            Decimal("2.50"),
            "Tarif particulier → 1,00 € ; présence sans réservation : + 1,50 € = 2,50 €",
        ),
    ]
    text = page_text(regie_client.get(f"/backoffice/factures/{invoice.pk}/"))
    assert "Tarif particulier" in text
    assert "PAI" not in text and "panier" not in text.lower()


def test_every_regie_action_is_in_the_audit_trail(children, canteen, clerk):
    lea = children[0]
    booking_make(lea, canteen, date(2026, 11, 2), present=True)
    booking_make(lea, canteen, date(2026, 11, 3), present=True)
    run = _run(clerk)
    invoice = Invoice.objects.get()
    services.payment_record(
        family=lea.family,
        invoices=[invoice],
        amount=Decimal("1.00"),
        method=PaymentMethod.CASH,
        actor=clerk,
    )
    services.credit_note_issue(invoice=invoice, reason="Erreur de pointage", actor=clerk)
    entries = list(AuditEntry.objects.filter(area="billing").order_by("at", "id"))
    assert [(e.action, e.entity, e.actor_id) for e in entries] == [
        ("facturation", "facturation mensuelle", clerk.pk),
        ("facturation_terminee", "facturation mensuelle", clerk.pk),
        ("paiement", "encaissement", clerk.pk),
        ("avoir", "avoir", clerk.pk),
    ]
    assert entries[0].subject_id == run.pk
    assert entries[2].scope_id == lea.family.pk
    assert "1,00 €" in entries[2].entity_label


@pytest.mark.parametrize("url", ["/backoffice/factures/", "/backoffice/impayes/"])
def test_search_with_a_nul_byte_answers(regie_client, regie, url):
    assert regie_client.get(url, {"q": "FAC\x00-2026"}).status_code == 400  # the project's guard
    response = regie_client.get(url, {"q": "FAC-2026", "mois": "99999-13"})
    assert response.status_code == 200


@pytest.fixture
def billed(children, canteen, clerk):
    for day in (2, 3, 5):
        booking_make(children[0], canteen, date(2026, 11, day), present=True)
    _run(clerk)
    return Invoice.objects.get()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-3", "Le montant doit être supérieur à zéro."),
        ("0", "Le montant doit être supérieur à zéro."),
        ("99999999999", "pas plus de 9 chiffres"),
        ("1e400", "pas plus de 9 chiffres"),
        ("NaN", "Indiquez un montant en euros"),
        ("12,505", "au centime près"),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_desk_payment_bad_amounts_are_polite(regie_client, billed, amount, message):
    url = f"/backoffice/factures/{billed.pk}/encaisser/"
    response = regie_client.post(
        url, {"amount": amount, "method": "especes", "received_on": "2026-12-10"}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    billed.refresh_from_db()
    assert billed.amount_paid == 0


def test_desk_payment_with_a_comma_is_exact(regie_client, billed):
    url = f"/backoffice/factures/{billed.pk}/encaisser/"
    regie_client.post(url, {"amount": "2,5", "method": "especes", "received_on": "2026-12-10"})
    billed.refresh_from_db()
    assert billed.amount_paid == Decimal("2.50")
    assert billed.amount_due == billed.total - Decimal("2.50")


def test_the_guichet_never_opens_the_regie_screens(agent_client, billed):
    guichet = agent_client(Role.GUICHET)
    for url in (
        "/backoffice/facturation/",
        "/backoffice/factures/",
        f"/backoffice/factures/{billed.pk}/",
        f"/backoffice/factures/{billed.pk}/pdf/",
        "/backoffice/impayes/",
        "/backoffice/exports-comptables/",
    ):
        assert guichet.get(url).status_code == 403, url
