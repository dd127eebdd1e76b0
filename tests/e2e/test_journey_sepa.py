"""Journey point 10, service 5, « demander la mise en place du prélèvement automatique »: the
parent asks for direct debit and signs with the code e-mailed (read in the real SMTP
server); the régie accepts the mandate; November's invoice, issued on 10 December, says
« Prélèvement le 15 janvier 2027 »; the régie generates the debit file (downloaded and
parsed: the family's debit, amount, RUM, FRST, IBAN); the régie records a reject; the
parent sees the invoice to pay again and pays it online through the simulated bank.
axe-core on every page."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from lxml import etree
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.billing.factories import booking_make, quotient_set
from espace_citoyen.billing.models import Invoice, InvoiceStatus
from espace_citoyen.billing.services import regie_default
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing import services as pricing_services
from espace_citoyen.sepa import rules as sepa_rules
from espace_citoyen.sepa.models import Creditor, Mandate, MandateStatus
from tests.e2e.conftest import axe_check, login

PARIS = ZoneInfo("Europe/Paris")
PARENT = "camille.martin@example.org"
IBAN = "FR7630006000011234567890189"


def setup_commune():
    commune = Commune.objects.get(pk=1)
    commune.postal_codes = "99999"
    commune.save()
    creditor = Creditor(
        regie=regie_default(),
        name="Ville de Châlons-en-Champagne",
        ics=sepa_rules.ics_with_check_digits("FR", "ZZZ", "123456"),
        iban="FR7610011000201234567890188",
        debit_day=15,
        notice_days=14,
        reject_limit=2,
    )
    creditor.full_clean()
    creditor.save()
    canteen = activity_create(name="Restauration scolaire Jean-Jaurès", capacity=200)
    pricing_services.tariff_grid_create(
        activity=canteen,
        kind=pricing_rules.BRACKETS,
        valid_from=date(2026, 9, 1),
        brackets=[(0, None, Decimal("2.28"))],
        non_resident_price=Decimal("7.50"),
        pai_price=Decimal("1.00"),
        unbooked_surcharge=Decimal("1.50"),
    )
    parent = UserFactory(email=PARENT, first_name="Camille", last_name="Martin")
    family = family_create(user=parent, children=1, address_validated_on=date(2026, 1, 5))
    quotient_set(family, 812, date(2026, 9, 1))
    child = family.children.get()
    enrolment_make(child, canteen, weekdays=[0, 1, 3, 4])
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5)):
        booking_make(child, canteen, day, present=True)
    return family


def test_direct_debit_from_request_to_reject_and_online_payment(pages, smtp):
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=PARIS), tick=True):
        family = setup_commune()
        clerk = agent_create(Role.REGIE)

        # The parent asks for direct debit from the card's service.
        parent = pages.new()
        login(parent, PARENT)
        parent.goto("/carte-famille/prelevement/")
        expect(
            parent.get_by_role("heading", name="Prélèvement automatique", level=1)
        ).to_be_visible()
        axe_check(parent)
        parent.get_by_role(
            "link", name="Demander la mise en place du prélèvement automatique"
        ).click()
        expect(parent.get_by_text("dans les 8 semaines suivant la date de débit")).to_be_visible()
        axe_check(parent)
        parent.get_by_label("Titulaire du compte").fill("Camille Martin")
        parent.get_by_label("Adresse du titulaire").fill("1 rue de la Paix\n99999 Ville")
        parent.get_by_label(re.compile(r"^IBAN")).fill("fr76 3000 6000 0112 3456 7890 189")
        parent.get_by_role("button", name="Continuer vers la signature").click()

        # The signature with the code read in the real mailbox.
        expect(
            parent.get_by_role("heading", name="Signer le mandat de prélèvement")
        ).to_be_visible()
        expect(parent.get_by_text("FR76 3000 6000 0112 3456 7890 189")).to_be_visible()
        axe_check(parent)
        mail = smtp.last_to(PARENT)
        body = smtp.body(mail)
        assert IBAN not in body.replace(" ", "")
        code = smtp.find(PARENT, r"(?m)^\s*(\d{6})\s*$")
        parent.get_by_label("Code reçu par courriel").fill(code)
        parent.get_by_label("J'ai lu le mandat ci-dessus", exact=False).check()
        parent.get_by_role("button", name="Signer le mandat").click()
        expect(parent.get_by_text("Votre mandat est signé.")).to_be_visible()
        expect(parent.get_by_text("attend la validation de la régie")).to_be_visible()
        axe_check(parent)

        # The régie sees the full IBAN and accepts.
        regie = pages.new()
        login(regie, clerk.email)
        regie.goto("/backoffice/prelevements/mandats/")
        expect(regie.get_by_text("FR76 3000 6000 0112 3456 7890 189")).to_be_visible()
        axe_check(regie)
        regie.get_by_role("button", name="Accepter le mandat").click()
        mandate = Mandate.objects.get(family=family, status=MandateStatus.ACTIVE)
        expect(regie.get_by_text(f"Mandat {mandate.rum} actif")).to_be_visible()
        axe_check(regie)

        # November is issued on 10 December: debited on 15 January (14 days' notice).
        regie.goto("/backoffice/facturation/")
        regie.get_by_label("Mois à facturer").select_option("2026-11")
        regie.get_by_role("button", name="Prévisualiser").click()
        regie.get_by_role("button", name="Émettre les 1 facture de novembre 2026").click()
        expect(regie.get_by_text("Terminée", exact=True)).to_be_visible()
        invoice = Invoice.objects.get(family=family)
        assert invoice.total == Decimal("6.84")
        parent.goto(f"/carte-famille/factures/{invoice.pk}/")
        expect(parent.get_by_text("Prélèvement le 15 janvier 2027")).to_be_visible()
        axe_check(parent)

        # The régie generates the file for 15 January and downloads it.
        regie.goto("/backoffice/prelevements/")
        axe_check(regie)
        regie.get_by_label("Date d'échéance (prélèvement)").fill("2027-01-15")
        regie.get_by_role("button", name="Prévisualiser").click()
        expect(regie.get_by_text("1 prélèvement")).to_be_visible()
        axe_check(regie)
        regie.get_by_role("button", name="Générer le fichier de prélèvement").click()
        expect(regie.get_by_role("heading", name="Fichier de prélèvement du")).to_be_visible()
        axe_check(regie)
        link = regie.get_by_role("link", name="Télécharger", exact=False)
        response = regie.request.get(link.get_attribute("href"))
        assert response.ok
        root = etree.fromstring(response.body())
        ns = {"p": root.nsmap[None]}
        (tx,) = root.findall(".//p:DrctDbtTxInf", ns)
        assert tx.findtext(".//p:InstdAmt", namespaces=ns) == "6.84"
        assert tx.findtext(".//p:MndtId", namespaces=ns) == mandate.rum
        assert tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == IBAN
        (info,) = root.findall(".//p:PmtInf", ns)
        assert info.findtext(".//p:SeqTp", namespaces=ns) == "FRST"
        assert info.findtext("p:ReqdColltnDt", namespaces=ns) == "2027-01-15"

        # The bank rejects it: the régie records AC04.
        regie.get_by_label("Code de rejet").select_option("AC04")
        regie.get_by_role("button", name="Enregistrer le rejet").click()
        expect(regie.get_by_text("Rejet enregistré")).to_be_visible()
        axe_check(regie)
        assert "rejet" in smtp.last_to(PARENT)["Subject"].lower()

        # The parent sees it to pay again and pays it online.
        parent.goto("/carte-famille/factures/")
        expect(parent.get_by_text("Reste à régler : 6,84 €")).to_be_visible()
        axe_check(parent)
        parent.get_by_role("button", name="Payer en ligne").click()
        expect(parent.get_by_role("heading", name="Paiement de 6,84 €")).to_be_visible()
        axe_check(parent)
        parent.get_by_role("button", name="Payer", exact=True).click()
        expect(parent.get_by_role("heading", name="Paiement confirmé")).to_be_visible()
        axe_check(parent)
        invoice.refresh_from_db()
        assert invoice.status == InvoiceStatus.PAID
