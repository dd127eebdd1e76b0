"""Billing journey: the régie previews November and issues it; the parent gets « Votre
facture de novembre 2026 est disponible », opens « Consulter et régler vos factures »
from the card's home, the invoice's page and its PDF (number, lines, total); axe-core on
every page. (Online payment is the payments app's journey.)"""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.factories import activity_create, enrolment_make
from espace_citoyen.billing.factories import booking_make, quotient_set
from espace_citoyen.billing.tests.conftest import PARIS_BRACKETS
from espace_citoyen.core.testing import pdf_text
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune
from espace_citoyen.pricing import rules, services
from tests.e2e.conftest import axe_check, login

PARIS = ZoneInfo("Europe/Paris")


def setup_family():
    commune = Commune.objects.get(pk=1)
    commune.name = "Saint-Exemple-sur-Marne"
    commune.postal_codes = "99999"
    commune.save()
    canteen = activity_create(name="Restauration scolaire Jean-Jaurès", capacity=100)
    services.tariff_grid_create(
        activity=canteen,
        kind=rules.BRACKETS,
        valid_from=date(2026, 9, 1),
        brackets=PARIS_BRACKETS,
        non_resident_price=Decimal("7.50"),
    )
    parent = UserFactory(
        email="camille.martin@example.org", first_name="Camille", last_name="Martin"
    )
    family = family_create(user=parent, children=1, address_validated_on=date(2026, 1, 5))
    quotient_set(family, 812, date(2026, 9, 1))
    child = family.children.get()
    child.first_name = "Léa"
    child.save()
    enrolment_make(child, canteen, weekdays=[0, 1, 3, 4])
    for day in (2, 3, 5, 6, 9, 10):
        booking_make(child, canteen, date(2026, 11, day), present=True)
    booking_make(child, canteen, date(2026, 11, 12), present=False)
    return parent


def test_regie_issues_november_and_the_parent_reads_the_invoice(pages, smtp, tmp_path):
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=PARIS), tick=True):
        parent = setup_family()
        regie = agent_create(Role.REGIE, first_name="Rémi", last_name="Régie")

        agent_page = pages.new()
        login(agent_page, regie.email)
        agent_page.goto("/backoffice/")
        agent_page.get_by_role("link", name="Facturation mensuelle").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Facturation mensuelle")
        axe_check(agent_page)
        agent_page.get_by_label("Mois à facturer").select_option(label="novembre 2026")
        agent_page.get_by_role("button", name="Prévisualiser").click()
        main = agent_page.get_by_role("main")
        expect(main).to_contain_text("Aperçu de la facturation de novembre 2026")
        expect(main).to_contain_text("1 facture pour 1 famille, total 15,96 €")
        axe_check(agent_page)
        agent_page.get_by_role("button", name="Émettre les 1 facture de novembre 2026").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text(
            "Facturation de novembre 2026"
        )
        agent_page.reload()
        expect(agent_page.get_by_role("status")).to_contain_text("Terminée")
        expect(agent_page.get_by_role("main")).to_contain_text("1 sur 1")
        axe_check(agent_page)

        message = smtp.last_to(parent.email)
        assert message["Subject"] == "Votre facture de novembre 2026 est disponible"
        link = smtp.link_in_last(parent.email)

        page = pages.new()
        login(page, parent.email)
        page.goto("/carte-famille/")
        page.get_by_role("link", name="Consulter et régler vos factures").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Consulter et régler vos factures"
        )
        main = page.get_by_role("main")
        expect(main).to_contain_text("FAC-2026-000001")
        expect(main).to_contain_text("Reste à régler : 15,96 €")
        axe_check(page)
        page.get_by_role("link", name="Facture FAC-2026-000001").click()
        assert page.url.rstrip("/").endswith(link.rstrip("/").split("/", 3)[-1].rstrip("/"))
        main = page.get_by_role("main")
        expect(main).to_contain_text("6 × 2,28 €")
        expect(main).to_contain_text("QF 812 € → tranche 4 → 2,28 €")
        expect(main).to_contain_text("Réservé, absent sans justificatif")
        axe_check(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger la facture FAC-2026-000001 (PDF)").click()
        path = Path(tmp_path) / "facture.pdf"
        download.value.save_as(path)
        text = " ".join(pdf_text(path.read_bytes()).split())
        assert "FAC-2026-000001" in text
        assert "6 × 2,28 €" in text and "1 × 2,28 €" in text
        assert "15,96 €" in text
        assert "L1617-5" in text
