"""Reference data: campaign windows set by the school service, schools configured by
administrators in the admin."""

from datetime import date

from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.demarches import services as demarches
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import School, SectorRule


def test_school_service_sets_the_campaign_window(client, agent, year):
    """The agent changes the campaign dates; the reference page shows them."""
    client.force_login(agent(Role.SCOLAIRE))
    url = reverse("backoffice:school_campaign_edit", args=[year.pk])
    response = client.post(
        url, {"campaign_start": "2026-12-01", "campaign_end": "2027-02-28"}, follow=True
    )
    assert "La campagne d'inscription 2027-2028 est enregistrée." in page_text(response)
    year.refresh_from_db()
    assert (year.campaign_start, year.campaign_end) == (date(2026, 12, 1), date(2027, 2, 28))
    assert "du 01/12/2026 au 28/02/2027" in page_text(response)


def test_campaign_ending_before_it_starts_is_refused(client, agent, year):
    """An end before the start is shown on the form; nothing changes."""
    client.force_login(agent(Role.SCOLAIRE))
    url = reverse("backoffice:school_campaign_edit", args=[year.pk])
    response = client.post(url, {"campaign_start": "2027-02-01", "campaign_end": "2027-01-01"})
    assert response.status_code == 400
    assert "La fin de la campagne doit être après son début." in page_text(response)
    year.refresh_from_db()
    assert year.campaign_start == date(2026, 11, 2)


def test_reference_page_lists_schools_and_places(client, agent, citizen, family, child, year):
    """The reference page lists schools with their levels, places, accepted pupils of the
    year and places left."""
    scolaire = agent(Role.SCOLAIRE)
    enrolment = services.enrolment_submit(
        family=family, child=child, school_year=year, actor=citizen
    )
    demarches.demarche_accept(demarche=enrolment.demarche, agent=scolaire)
    client.force_login(scolaire)
    text = visible_text(client.get(reverse("backoffice:school_reference")))
    assert "École maternelle des Tilleuls École maternelle" in text
    assert "TPS, PS, MS, GS 120 0 120 oui" in text
    assert "PS, MS, GS, CP, CE1, CE2, CM1, CM2 180 1 179 oui" in text  # Léa, at the Centre


def test_back_office_home_lists_the_school_screens(client, agent, school_data):
    """The school service's home links to its five screens."""
    client.force_login(agent(Role.SCOLAIRE))
    text = page_text(client.get(reverse("backoffice:home")))
    for title in [
        "Démarches à traiter",
        "Commission des dérogations",
        "Listes pour les écoles",
        "Carte scolaire",
        "Écoles et campagnes d'inscription",
    ]:
        assert title in text


def test_admin_refuses_levels_a_school_kind_does_not_teach(client, agent, school_data):
    """A maternelle cannot offer CP: the admin form says so."""
    client.force_login(agent(Role.ADMINISTRATEUR))
    response = client.post(
        reverse("admin:schooling_school_add"),
        {
            "name": "École maternelle du Parc",
            "kind": "maternelle",
            "levels": ["PS", "CP"],
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Une école maternelle ne propose pas : CP." in page_text(response)
    assert not School.objects.filter(name="École maternelle du Parc").exists()


def test_admin_refuses_an_overlapping_sector_rule(client, agent, schools):
    """A rule giving a second school of the same type to the same numbers is refused."""
    client.force_login(agent(Role.ADMINISTRATEUR))
    count = SectorRule.objects.count()
    response = client.post(
        reverse("admin:schooling_sectorrule_add"),
        {
            "street": "R. des Ecoles",
            "parity": "pairs",
            "number_from": "10",
            "number_to": "20",
            "school": schools["jaures"].pk,
        },
    )
    assert "Ces numéros ont déjà une école du même type" in page_text(response)
    assert SectorRule.objects.count() == count
