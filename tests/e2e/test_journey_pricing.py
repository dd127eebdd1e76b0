"""Journey point 9, « je mets à jour mes tarifs »: a parent declares their income, the
régie validates it, the personalised rates show the new prices from the first day of
the next month, and the public simulator gives the same price for the same QF."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from espace_citoyen.accounts.factories import UserFactory, agent_create
from espace_citoyen.accounts.roles import Role
from espace_citoyen.activities.models import Activity, ActivityKind, Unit
from espace_citoyen.core.testing import image_upload
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.factories import family_create
from espace_citoyen.portal.models import Commune
from espace_citoyen.pricing import rules, services
from espace_citoyen.pricing.demo import demo_pdf
from espace_citoyen.pricing.tests.fake_api_particulier import TOKEN, FakeApiParticulier
from espace_citoyen.schooling.models import SchoolYear
from tests.e2e.conftest import axe_check, login


def _first_reference() -> str:
    """The test's first démarche: references come from a sequence, unique but not restarted
    for each test (on PostgreSQL a later test does not start at 000001)."""
    return Demarche.objects.order_by("pk").values_list("reference", flat=True).first()


PARIS = ZoneInfo("Europe/Paris")
CANTEEN = "Restauration scolaire — École Jean-Jaurès"
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
    commune.name = "Saint-Exemple-sur-Marne"
    commune.postal_codes = "99999"
    commune.save()
    year = SchoolYear.objects.create(
        label="2026-2027", start_date=date(2026, 9, 1), end_date=date(2027, 7, 3)
    )
    canteen = Activity.objects.create(
        name=CANTEEN, kind=ActivityKind.LUNCH, school_year=year, capacity=120, unit=Unit.SESSION
    )
    evening = Activity.objects.create(
        name="Accueil du soir — École Jean-Jaurès",
        kind=ActivityKind.EVENING,
        school_year=year,
        capacity=60,
        unit=Unit.SESSION,
    )
    for valid_from, valid_until, extra in [
        (date(2026, 9, 1), date(2026, 12, 31), Decimal(0)),
        (date(2027, 1, 1), None, Decimal("0.05")),
    ]:
        services.tariff_grid_create(
            activity=canteen,
            kind=rules.BRACKETS,
            valid_from=valid_from,
            valid_until=valid_until,
            brackets=[(a, b, Decimal(p) + extra) for a, b, p in BRACKETS],
            non_resident_price=Decimal("7.50"),
            pai_price=Decimal("1.00"),
        )
    services.tariff_grid_create(
        activity=evening,
        kind=rules.EFFORT_RATE,
        valid_from=date(2026, 9, 1),
        effort_rate=Decimal("0.36"),
        floor_price=Decimal("2.60"),
        ceiling_price=Decimal("4.50"),
        non_resident_price=Decimal("5.20"),
    )


def test_declaration_validation_personal_rates_and_simulator(pages):
    with time_machine.travel(datetime(2027, 3, 18, 9, 0, tzinfo=PARIS), tick=True) as clock:
        setup_commune()
        parent = UserFactory(
            email="sacha.bernard@example.org", first_name="Sacha", last_name="Bernard"
        )
        family_create(user=parent, children=2, address_validated_on=date(2026, 6, 1))
        regie = agent_create(Role.REGIE, first_name="Rémi", last_name="Régie")

        # The parent, from the card's home: « je mets à jour mes tarifs ».
        page = pages.new()
        login(page, "sacha.bernard@example.org")
        page.goto("/carte-famille/")
        # Point 9 comes first while the tariffs were never updated: a notice, then the service.
        expect(page.get_by_role("main")).to_contain_text("déclarez vos revenus ou votre quotient")
        page.get_by_role("link", name="je mets à jour mes tarifs").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mettre à jour mes tarifs")
        expect(page.get_by_role("main")).to_contain_text("Aucun quotient familial n'est enregistré")
        axe_check(page)

        # The avis d'imposition; first with zero parts: a clear message, values kept.
        page.get_by_role("link", name="Je déclare avec mon avis d'imposition").click()
        axe_check(page)
        page.get_by_label("Revenu fiscal de référence (en euros)").fill("29232")
        page.get_by_label("Nombre de parts").fill("0")
        page.get_by_label("Votre avis d'imposition").set_input_files(
            files=[
                {
                    "name": "avis-imposition.pdf",
                    "mimeType": "application/pdf",
                    "buffer": demo_pdf(["Revenu fiscal de reference : 29 232", "Parts : 3"]),
                }
            ]
        )
        page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("alert")).to_contain_text("Le nombre de parts ne peut pas être nul")
        expect(page.get_by_label("Revenu fiscal de référence (en euros)")).to_have_value("29232")
        axe_check(page)
        page.get_by_label("Nombre de parts").fill("3")
        page.get_by_label("Votre avis d'imposition").set_input_files(
            files=[
                {
                    "name": "avis-imposition.pdf",
                    "mimeType": "application/pdf",
                    "buffer": demo_pdf(["Revenu fiscal de reference : 29 232", "Parts : 3"]),
                }
            ]
        )
        page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Votre déclaration est transmise à la régie"
        )
        expect(page.get_by_role("main")).to_contain_text("quotient familial de 812 €")
        axe_check(page)

        # The régie: the queue, the documents beside the figures, validation.
        agent_page = pages.new()
        login(agent_page, regie.email)
        agent_page.goto("/backoffice/")
        agent_page.get_by_role("link", name="Déclarations de revenus à valider").click()
        axe_check(agent_page)
        agent_page.get_by_role("link", name=_first_reference()).click()
        expect(agent_page.get_by_role("main")).to_contain_text(
            "29 232 € / 12 mois / 3 parts = 812 €"
        )
        expect(
            agent_page.get_by_role(
                "link", name="Ouvrir le document « Avis d'imposition » (PDF, nouvel onglet)"
            )
        ).to_be_visible()
        expect(agent_page.get_by_label("Quotient familial retenu (en euros)")).to_have_value("812")
        axe_check(agent_page)
        agent_page.get_by_role("button", name="Valider le quotient familial").click()
        expect(agent_page.get_by_role("status").first).to_contain_text(
            "il s'applique à partir du 1er avril 2027"
        )
        expect(agent_page.get_by_role("main")).to_contain_text("Aucune déclaration à traiter")
        axe_check(agent_page)
        agent_page.goto("/backoffice/tarifs/grilles/")
        axe_check(agent_page)

        # The parent sees the new prices announced from 1 April.
        page.goto("/carte-famille/")
        page.get_by_role("link", name="Obtenir vos tarifs personnalisés").click()
        main = page.get_by_role("main")
        expect(main).to_contain_text("À partir du 1er avril 2027 : quotient familial 812 €")
        expect(main).to_contain_text(
            "À partir du 1er avril 2027 (quotient familial de 812 €) : 2,33 € — "
            "QF 812 € → tranche 4 → 2,33 €"
        )
        axe_check(page)

        # On 2 April the new QF is the family's: the price of today.
        clock.move_to(datetime(2027, 4, 2, 8, 0, tzinfo=PARIS))
        page = pages.new()
        login(page, "sacha.bernard@example.org")
        page.goto("/tarifs/mes-tarifs/")
        row = page.get_by_role("row", name=CANTEEN)
        expect(row).to_contain_text("2,33 € par séance")
        expect(row).to_contain_text("QF 812 € → tranche 4 → 2,33 €")
        expect(page.get_by_role("main")).to_contain_text(
            "Quotient familial : 812 € depuis le 1er avril 2027"
        )
        axe_check(page)

        # Anyone, without logging in: the simulator gives the same price for QF 812.
        visitor = pages.new(width=375, height=740)
        visitor.goto("/tarifs/")
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Simulateur de tarifs")
        axe_check(visitor)
        visitor.get_by_label("Activité").select_option(label=CANTEEN)
        visitor.get_by_label("Quotient familial (en euros)").fill("812")
        visitor.get_by_label("Oui").check()
        visitor.get_by_role("button", name="Calculer le prix").click()
        expect(
            visitor.get_by_role("heading", level=2, name="Prix unitaire : 2,33 €")
        ).to_be_visible()
        expect(visitor.get_by_role("main")).to_contain_text("QF 812 € → tranche 4 → 2,33 €")
        axe_check(visitor)
        visitor.get_by_role("link", name="Consulter toutes les grilles tarifaires").click()
        expect(visitor.get_by_role("main")).to_contain_text(
            "Tranche 4 : quotient familial de 549 € à 959 €"
        )
        axe_check(visitor)


def test_the_other_declaration_pages_and_regie_screens_are_accessible(pages, settings):
    """CAF attestation, consultation of the CAF with consent, no declaration; the
    démarche's page; the régie's QF search, history and a validation with an image."""
    with (
        time_machine.travel(datetime(2027, 3, 18, 9, 0, tzinfo=PARIS), tick=True),
        FakeApiParticulier() as api,
    ):
        settings.API_PARTICULIER_URL = api.url
        settings.API_PARTICULIER_TOKEN = TOKEN
        setup_commune()
        parent = UserFactory(email="alex.petit@example.org", first_name="Alex", last_name="Martin")
        family = family_create(user=parent, children=1, address_validated_on=date(2026, 6, 1))
        regie = agent_create(Role.REGIE, first_name="Rémi", last_name="Régie")
        services.quotient_record(family=family, qf=1450, starts_on=date(2026, 9, 1), actor=regie)

        page = pages.new()
        login(page, "alex.petit@example.org")
        page.goto("/tarifs/declaration/")
        page.get_by_role("link", name="Je ne déclare pas mes revenus").click()
        axe_check(page)
        page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "Cochez la case pour confirmer votre choix"
        )
        axe_check(page)

        page.goto("/tarifs/declaration/")
        page.get_by_role(
            "link", name="La mairie consulte mon quotient auprès de la CAF ou de la MSA"
        ).click()
        expect(page.get_by_label("Nom de naissance")).to_have_value("Martin")
        axe_check(page)
        page.get_by_label("Date de naissance").fill("1988-03-14")
        page.get_by_label("Code INSEE de votre commune de naissance (naissance en France)").fill(
            "51108"
        )
        page.get_by_label("J'autorise la mairie à consulter mon quotient familial").check()
        page.get_by_role("button", name="Envoyer").click()
        expect(page.get_by_role("status")).to_contain_text(
            "La CAF indique un quotient familial de 812 €"
        )
        axe_check(page)
        page.get_by_label("Document à ajouter").set_input_files(
            files=[
                {
                    "name": "attestation.png",
                    "mimeType": "image/png",
                    "buffer": image_upload().read(),
                }
            ]
        )
        page.get_by_role("button", name="Ajouter le document").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Le document est ajouté à votre déclaration"
        )
        page.get_by_role("link", name=_first_reference()).click()
        expect(page.get_by_role("main")).to_contain_text(
            "Quotient familial consulté auprès de la CAF"
        )
        axe_check(page)

        agent_page = pages.new()
        login(agent_page, regie.email)
        agent_page.goto("/backoffice/tarifs/quotients/?q=Martin")
        axe_check(agent_page)
        agent_page.get_by_role("link", name=family.number).click()
        expect(agent_page.get_by_role("main")).to_contain_text("1 450 €")
        axe_check(agent_page)
        agent_page.goto(f"/backoffice/tarifs/declarations/{_first_reference()}/")
        expect(
            agent_page.get_by_role(
                "img",
                name="Attestation de quotient familial (CAF ou MSA) : document déposé par la famille "
                "(ouvrir en grand)",
            )
        ).to_be_visible()
        axe_check(agent_page)
        agent_page.get_by_label("Quotient familial retenu (en euros)").fill("790")
        agent_page.get_by_role("button", name="Valider le quotient familial").click()
        expect(agent_page.get_by_role("alert")).to_contain_text(
            "indiquez le motif de la correction"
        )
        axe_check(agent_page)
        agent_page.goto(f"/backoffice/demarches/{_first_reference()}/")
        expect(
            agent_page.get_by_role("link", name="Vérifier les justificatifs et valider le quotient")
        ).to_be_visible()
        axe_check(agent_page)
