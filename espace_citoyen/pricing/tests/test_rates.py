"""« Obtenir vos tarifs personnalisés », the public simulator and the public grids."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from espace_citoyen.activities.factories import activity_create, enrolment_make, school_get
from espace_citoyen.core.testing import visible_text
from espace_citoyen.demarches.services import demarche_submit
from espace_citoyen.families.factories import ChildFactory, family_create
from espace_citoyen.pricing import selectors, services
from espace_citoyen.pricing.tests.conftest import PARIS_BRACKETS, pdf_upload
from espace_citoyen.schooling.models import Enrolment as SchoolEnrolment

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=PARIS), tick=False)


def test_personal_rates_show_the_qf_each_price_and_its_explanation(
    citizen_client, family, regie, paris_grid, effort_grid
):
    """QF, since when, and for each activity the unit price with its calculation."""
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    with at(2026, 11, 20, 10, 0):
        page = visible_text(citizen_client.get(reverse("pricing:my_rates")))
    assert "Quotient familial : 812 € depuis le 1er septembre 2026" in page
    assert "Tarif résident" in page
    assert "2,28 € par séance QF 812 € → tranche 4 → 2,28 €" in page
    assert "2,92 € par séance 812 € × 0,36 % = 2,92 €, entre 2,60 € et 4,50 €" in page


def test_what_changes_at_the_next_grid_and_the_next_qf(
    citizen_client, family, citizen, regie, paris_grid_2027, effort_grid
):
    """The new grid of 1 January and a QF validated for next month are shown ahead."""
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    with at(2026, 11, 18, 9, 0):
        declaration = services.declaration_submit_caf(
            family=family, actor=citizen, qf=300, attestation=_pdf()
        )
    with at(2026, 11, 20, 10, 0):
        services.declaration_validate(demarche=declaration.demarche, agent=regie, qf=300)
        page = visible_text(citizen_client.get(reverse("pricing:my_rates")))
    assert "À partir du 1er décembre 2026 : quotient familial 300 €" in page
    assert (
        "À partir du 1er décembre 2026 (quotient familial de 300 €) : 0,85 € — "
        "QF 300 € → tranche 2 → 0,85 €" in page
    )
    assert (
        "À partir du 1er janvier 2027 (nouvelle grille tarifaire) : 0,90 € — "
        "QF 300 € → tranche 2 → 0,90 €" in page
    )
    # The taux d'effort grid has no new grid: only the new QF changes its price.
    assert "300 € × 0,36 % = 1,08 €, sous le plancher → 2,60 €" in page


def test_grids_switch_on_the_first_of_january(family, regie, paris_grid_2027):
    """31 December uses the 2026 grid, 1 January the 2027 one."""
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    with at(2026, 12, 31, 23, 0):
        december = selectors.personal_rates(family, today=date(2026, 12, 31))
    with at(2027, 1, 1, 0, 30):
        january = selectors.personal_rates(family, today=date(2027, 1, 1))
    assert str(december.lines[0].price.amount) == "2.28"
    assert str(january.lines[0].price.amount) == "2.33"
    assert selectors.grid_on(paris_grid_2027.activity_id, date(2026, 12, 31)).valid_from == date(
        2026, 9, 1
    )
    assert selectors.grid_on(paris_grid_2027.activity_id, date(2027, 1, 1)).valid_from == date(
        2027, 1, 1
    )


def test_without_declaration_the_highest_price(citizen_client, family, paris_grid, effort_grid):
    """No QF: the highest bracket and the ceiling, said in words."""
    with at(2026, 11, 20, 10, 0):
        page = visible_text(citizen_client.get(reverse("pricing:my_rates")))
    assert "Aucun quotient familial n'est enregistré" in page
    assert (
        "4,61 € par séance Pas de quotient familial déclaré → tranche la plus élevée (tranche 6) → 4,61 €"
        in page
    )
    assert "4,50 € par séance Pas de quotient familial déclaré → prix plafond → 4,50 €" in page


def test_a_family_outside_the_commune_pays_the_non_resident_price(
    client, citizen, commune, regie, paris_grid
):
    """Residency comes from the validated address: 51000 is not the commune's."""
    family = family_create(
        user=citizen, postal_code="51000", city="Châlons", address_validated_on=date(2026, 1, 1)
    )
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    client.force_login(citizen)
    with at(2026, 11, 20, 10, 0):
        page = visible_text(client.get(reverse("pricing:my_rates")))
    assert "Tarif non-résident : votre adresse, validée par le guichet, n'est pas dans la" in page
    assert "7,50 € par séance Famille non résidente → tarif non-résident → 7,50 €" in page


def test_an_address_not_yet_validated_gives_the_non_resident_price(
    client, citizen, commune, regie, paris_grid
):
    """An address in the commune that the guichet has not validated yet does not count."""
    family = family_create(user=citizen, postal_code="99999", address_validated_on=None)
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    client.force_login(citizen)
    with at(2026, 11, 20, 10, 0):
        page = visible_text(client.get(reverse("pricing:my_rates")))
    assert "Tarif non-résident : votre adresse n'a pas encore été validée par le guichet." in page
    assert "7,50 € par séance Famille non résidente → tarif non-résident → 7,50 €" in page


def test_a_child_with_a_pai_has_the_packed_lunch_price(citizen_client, family, paris_grid):
    """A child with a PAI: the grid's PAI price is shown for them."""
    family.children.update(has_pai=False)
    child = family.children.first()
    child.has_pai = True
    child.save()
    with at(2026, 11, 20, 10, 0):
        page = visible_text(citizen_client.get(reverse("pricing:my_rates")))
    assert f"Pour {child.first_name} (PAI, panier repas) : 1,00 €" in page


def test_personal_rates_query_count_does_not_grow(
    client, citizen, commune, regie, paris_grid, effort_grid, django_assert_max_num_queries
):
    """A family of 1 child or 6 children, 2 activities or 4: the same number of queries."""
    family = family_create(user=citizen, children=1, address_validated_on=date(2026, 1, 1))
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    client.force_login(citizen)
    url = reverse("pricing:my_rates")
    with at(2026, 11, 20, 10, 0):
        client.get(url)
        with django_assert_max_num_queries(20) as small:
            client.get(url)
        for _index in range(5):
            ChildFactory(family=family, has_pai=True)

        for name in ("Mercredi", "Vacances"):
            activity = paris_grid.activity.__class__.objects.create(
                name=name, kind="mercredi", school_year=paris_grid.activity.school_year, capacity=10
            )
            services.tariff_grid_create(
                activity=activity,
                kind="tranches",
                valid_from=date(2026, 9, 1),
                brackets=PARIS_BRACKETS,
                non_resident_price=paris_grid.non_resident_price,
            )
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(url)
    assert "Mercredi" in visible_text(response)


# --- public simulator and grids -------------------------------------------------------------------


def test_the_simulator_needs_no_login_and_explains_the_price(client, paris_grid, effort_grid):
    """Anyone: activity + QF + resident → the price and the same explanation."""
    with at(2026, 11, 20, 10, 0):
        page = visible_text(
            client.get(
                reverse("pricing:simulator"),
                {"activity": paris_grid.activity_id, "qf": "812", "resident": "oui"},
            )
        )
        assert "Prix unitaire : 2,28 €" in page
        assert "QF 812 € → tranche 4 → 2,28 €" in page
        page = visible_text(
            client.get(
                reverse("pricing:simulator"),
                {"activity": effort_grid.activity_id, "qf": "812", "resident": "oui"},
            )
        )
        assert "812 € × 0,36 % = 2,92 €, entre 2,60 € et 4,50 €" in page
        page = visible_text(
            client.get(
                reverse("pricing:simulator"),
                {"activity": paris_grid.activity_id, "qf": "", "resident": "non"},
            )
        )
        assert "Famille non résidente → tarif non-résident → 7,50 €" in page


def test_the_simulator_matches_the_personal_rate(
    client, citizen, family, regie, paris_grid, effort_grid
):
    """For the same QF, the simulator gives the family's personalised price, to the cent."""
    services.quotient_record(family=family, qf=1100, starts_on=date(2026, 9, 1), actor=regie)
    with at(2026, 11, 20, 10, 0):
        rates = selectors.personal_rates(family, today=date(2026, 11, 20))
        assert [line.price.display for line in rates.lines] == ["3,62 €", "3,96 €"]
        for line in rates.lines:
            page = visible_text(
                client.get(
                    reverse("pricing:simulator"),
                    {"activity": line.activity.pk, "qf": "1100", "resident": "oui"},
                )
            )
            assert f"Prix unitaire : {line.price.display}" in page
            assert line.price.explanation in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"qf": "-3", "resident": "oui"}, "Le quotient familial ne peut pas être négatif"),
        ({"qf": "beaucoup", "resident": "oui"}, "Saisissez un nombre entier d'euros"),
        ({"qf": "12,5", "resident": "oui"}, "Saisissez un nombre entier d'euros"),
        ({"qf": "99999999999999999999", "resident": "oui"}, "paraît erroné"),
        (
            {"qf": "812", "resident": "oui", "day": "2030-01-01"},
            "Aucune grille tarifaire de cette activité ne s'applique le 1er janvier 2030",
        ),
        ({"qf": "812", "resident": "oui", "day": "31/02/2027"}, "Saisissez une date valide"),
        ({"qf": "812"}, "Ce champ est obligatoire"),
        ({"activity": "999999", "qf": "812", "resident": "oui"}, "Sélectionnez un choix valide"),
        ({"activity": "cantine", "qf": "812", "resident": "oui"}, "Sélectionnez un choix valide"),
    ],
)
def test_the_simulator_explains_bad_input(client, paris_grid, params, message):
    """Bad input, an unknown activity included: a clear message, never an error page."""
    with at(2026, 11, 20, 10, 0):
        response = client.get(
            reverse("pricing:simulator"), {"activity": paris_grid.activity_id, **params}
        )
    assert response.status_code == 400
    assert message in visible_text(response)


def test_the_simulator_ignores_other_parameters(client, paris_grid):
    """A link with other parameters (a campaign's) shows the blank form, without errors."""
    with at(2026, 11, 20, 10, 0):
        response = client.get(reverse("pricing:simulator"), {"utm_source": "lettre"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" not in visible_text(response)


def test_the_simulator_knows_next_year_grid(client, paris_grid_2027):
    """With a date in January, the simulator uses the new grid."""
    with at(2026, 11, 20, 10, 0):
        page = visible_text(
            client.get(
                reverse("pricing:simulator"),
                {
                    "activity": paris_grid_2027.activity_id,
                    "qf": "812",
                    "resident": "oui",
                    "day": "2027-01-04",
                },
            )
        )
    assert "Prix unitaire : 2,33 €" in page


def test_the_grids_are_public_and_readable(client, paris_grid_2027, effort_grid):
    """Every bracket with its price, the taux d'effort in words, the other prices."""
    with at(2026, 11, 20, 10, 0):
        page = visible_text(client.get(reverse("pricing:grids")))
    assert "grille du 01/09/2026 au 31/12/2026 (en vigueur)" in page
    assert "grille à partir du 01/01/2027" in page
    assert "Tranche 1 : quotient familial de 0 € à 234 € 0,13 €" in page
    assert "Tranche 6 : quotient familial 1 371 € et plus 4,61 €" in page
    assert "0,36 % du quotient familial, au moins 2,60 € et au plus 4,50 €" in page
    assert "Famille non résidente 7,50 €" in page
    assert "Enfant avec PAI (panier repas fourni) 1,00 €" in page
    assert "Présence sans réservation + 1,50 €" in page


def test_the_grids_page_query_count_does_not_grow(
    client, paris_grid, django_assert_max_num_queries
):
    """Two activities or five, nine brackets or more: the same number of queries."""
    url = reverse("pricing:grids")
    with at(2026, 11, 20, 10, 0):
        client.get(url)
        with django_assert_max_num_queries(6) as few:
            client.get(url)
        for name in ("Mercredi", "Vacances", "Étude"):
            activity = paris_grid.activity.__class__.objects.create(
                name=name, kind="mercredi", school_year=paris_grid.activity.school_year, capacity=10
            )
            services.tariff_grid_create(
                activity=activity,
                kind="tranches",
                valid_from=date(2026, 9, 1),
                brackets=PARIS_BRACKETS,
                non_resident_price=paris_grid.non_resident_price,
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert "Étude" in visible_text(client.get(url))
        with django_assert_max_num_queries(4):  # the activities, then the grid asked for
            client.get(
                reverse("pricing:simulator"),
                {"activity": activity.pk, "qf": "812", "resident": "oui"},
            )


def test_declaration_needed_until_done(family, citizen, regie):
    """Point 9 is offered until the family has a QF or a declaration waiting."""
    assert selectors.declaration_needed(family)
    with at(2026, 11, 18, 9, 0):
        declaration = services.declaration_submit_caf(
            family=family, actor=citizen, qf=812, attestation=_pdf()
        )
    assert not selectors.declaration_needed(family)
    with at(2026, 11, 20, 9, 0):
        services.declaration_validate(demarche=declaration.demarche, agent=regie, qf=812)
    assert not selectors.declaration_needed(family)


def _pdf():
    return pdf_upload()


def test_a_pai_child_is_listed_only_under_the_canteen_of_her_school(
    citizen_client, family, school_year
):
    """Léa (PAI) is enrolled in the Tilleuls canteen, Hugo (PAI) goes to school at
    Jean-Jaurès: each one's packed-lunch price appears under their own canteen only."""
    lea, hugo = family.children.order_by("pk")[:2]
    family.children.filter(pk__in=[lea.pk, hugo.pk]).update(has_pai=True)
    lea.first_name, hugo.first_name = "Léa", "Hugo"
    lea.save(update_fields=["first_name"])
    hugo.save(update_fields=["first_name"])
    jaures = school_get()
    tilleuls = school_get("École maternelle des Tilleuls", "maternelle")
    canteens = {
        school: activity_create(
            name=f"Cantine {school.name}", school=school, school_year=school_year
        )
        for school in (jaures, tilleuls)
    }
    for canteen in canteens.values():
        services.tariff_grid_create(
            activity=canteen,
            kind="tranches",
            valid_from=date(2026, 9, 1),
            brackets=[(0, None, Decimal("3.00"))],
            non_resident_price=Decimal("7.50"),
            pai_price=Decimal("1.00"),
        )
    enrolment_make(lea, canteens[tilleuls])
    SchoolEnrolment.objects.create(
        demarche=demarche_submit(
            type_key="inscription_scolaire",
            owner=family,
            submitted_by=None,
            title="Inscription scolaire de Hugo",
        ),
        family=family,
        child=hugo,
        school_year=school_year,
        level="CE2",
        sector_school=jaures,
        school=jaures,
        address="12 rue des Écoles",
    )
    with at(2026, 11, 20, 10, 0):
        page = visible_text(citizen_client.get(reverse("pricing:my_rates")))
    starts = sorted((page.index(f"Cantine {school.name}"), school) for school in (jaures, tilleuls))
    rows = {
        school: page[start : (starts[1][0] if index == 0 else len(page))]
        for index, (start, school) in enumerate(starts)
    }
    jaures_row, tilleuls_row = rows[jaures], rows[tilleuls]
    assert "Pour Hugo (PAI, panier repas) : 1,00 €" in jaures_row
    assert "Léa" not in jaures_row
    assert "Pour Léa (PAI, panier repas) : 1,00 €" in tilleuls_row
    assert "Hugo" not in tilleuls_row
