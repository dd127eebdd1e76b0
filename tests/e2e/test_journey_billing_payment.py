"""Journey point 10, service 7, « consulter et régler vos factures »: the régie previews and
issues October and November; the parent gets the e-mail, opens « Consulter et régler vos
factures », pays both invoices at once through the simulated bank (the real redirect, the
bank's signed server-to-server notification, the return), sees them paid; the invoice's
PDF holds its number, lines and total. axe-core on every page."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.billing.factories import booking_make, quotient_set
from espace_citoyen.billing.models import Invoice, InvoiceStatus, Payment
from espace_citoyen.core.testing import pdf_text
from espace_citoyen.families.factories import family_create
from espace_citoyen.payments.models import PaymentTransaction, TransactionStatus
from espace_citoyen.portal.models import Commune
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing import services as pricing_services
from tests.e2e.conftest import axe_check, login

PARIS = ZoneInfo("Europe/Paris")
PARENT = "camille.martin@example.org"
BRACKETS = [
    (0, 234, "0.13"),
    (235, 384, "0.85"),
    (385, 548, "1.62"),
    (549, 959, "2.28"),
    (960, 1370, "3.62"),
    (1371, None, "4.61"),
]


def setup_commune():
    commune = Commune.objects.get(pk=1)
    commune.postal_codes = "99999"
    commune.save()
    canteen = activity_create(name="Restauration scolaire Jean-Jaurès", capacity=200)
    pricing_services.tariff_grid_create(
        activity=canteen,
        kind=pricing_rules.BRACKETS,
        valid_from=date(2026, 9, 1),
        brackets=[(low, high, Decimal(price)) for low, high, price in BRACKETS],
        non_resident_price=Decimal("7.50"),
        pai_price=Decimal("1.00"),
        unbooked_surcharge=Decimal("1.50"),
    )
    parent = UserFactory(email=PARENT, first_name="Camille", last_name="Martin")
    family = family_create(user=parent, children=1, address_validated_on=date(2026, 1, 5))
    quotient_set(family, 812, date(2026, 9, 1))
    child = family.children.get()
    child.first_name = "Léa"
    child.save()
    enrolment_make(child, canteen, weekdays=[0, 1, 3, 4])
    for day in (date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 8), date(2026, 10, 9)):
        booking_make(child, canteen, day, present=True)
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5)):
        booking_make(child, canteen, day, present=True)
    return family


def issue_month(page, value: str, label: str):
    page.goto("/backoffice/facturation/")
    axe_check(page)
    page.get_by_label("Mois à facturer").select_option(value)
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("heading", name=f"Aperçu de la facturation de {label}")).to_be_visible()
    expect(page.get_by_text("1 facture pour 1 famille")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name=f"Émettre les 1 facture de {label}").click()
    expect(page.get_by_role("heading", name=f"Facturation de {label}")).to_be_visible()
    expect(page.get_by_text("Terminée", exact=True)).to_be_visible()
    axe_check(page)


def test_the_regie_issues_and_the_parent_pays_two_invoices_online(pages, smtp):
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=PARIS), tick=True):
        setup_commune()
        clerk = agent_create(Role.REGIE)

        regie = pages.new()
        login(regie, clerk.email)
        issue_month(regie, "2026-10", "octobre 2026")
        issue_month(regie, "2026-11", "novembre 2026")
        october, november = Invoice.objects.order_by("month")
        assert (october.total, november.total) == (Decimal("9.12"), Decimal("6.84"))

        # The parent's e-mail, then « Consulter et régler vos factures ».
        mail = smtp.last_to(PARENT)
        assert "Votre facture de" in mail["Subject"]
        link = smtp.link_in_last(PARENT, r"http://\S+/carte-famille/factures/\S*")
        parent = pages.new()
        login(parent, PARENT)
        parent.goto(link)
        axe_check(parent)
        parent.goto("/carte-famille/factures/")
        expect(
            parent.get_by_role("heading", name="Consulter et régler vos factures")
        ).to_be_visible()
        expect(parent.get_by_text("Reste à régler : 15,96 €")).to_be_visible()
        axe_check(parent)
        expect(parent.get_by_label(f"Facture {october.number}", exact=False)).to_be_checked()
        expect(parent.get_by_label(f"Facture {november.number}", exact=False)).to_be_checked()
        parent.get_by_role("button", name="Payer en ligne").click()

        # The simulated bank's page.
        expect(parent.get_by_role("heading", name="Paiement de 15,96 €")).to_be_visible()
        assert "/paiement-en-ligne/banque-simulee/" in parent.url
        axe_check(parent)
        parent.get_by_role("button", name="Payer", exact=True).click()

        # Back on the portal, after the bank's notification.
        expect(parent.get_by_role("heading", name="Paiement confirmé")).to_be_visible()
        expect(parent.get_by_text("La banque a confirmé votre paiement de 15,96 €")).to_be_visible()
        axe_check(parent)
        tx = PaymentTransaction.objects.get()
        assert tx.status == TransactionStatus.PAID
        assert Payment.objects.get().amount == Decimal("15.96")
        assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.PAID}

        parent.get_by_role("link", name="Revenir à mes factures").click()
        expect(parent.get_by_text("Aucune facture à régler.")).to_be_visible()
        reglees = parent.get_by_role("table", name="Factures réglées")
        expect(reglees).to_contain_text(october.number)
        expect(reglees).to_contain_text(november.number)
        axe_check(parent)

        # The invoice's page and its PDF.
        parent.goto(f"/carte-famille/factures/{october.pk}/")
        axe_check(parent)
        response = parent.request.get(f"/carte-famille/factures/{october.pk}/pdf/")
        assert response.ok
        text = pdf_text(response.body())
        assert october.number in text
        assert "Restauration scolaire Jean-Jaurès" in text
        assert "9,12" in text

        # The régie sees the online payment.
        regie.goto("/backoffice/paiements-en-ligne/")
        expect(regie.get_by_role("link", name=tx.reference)).to_be_visible()
        axe_check(regie)
        regie.get_by_role("link", name=tx.reference).click()
        expect(regie.get_by_text("Notification de la banque")).to_be_visible()
        axe_check(regie)
