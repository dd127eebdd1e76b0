"""The carte scolaire in the back-office: lookup, CSV import (all or nothing), export."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text
from espace_citoyen.schooling import selectors, services
from espace_citoyen.schooling.models import SectorImport, SectorRule


def _lookup(line, postal_code="99999", city="Saint-Exemple-sur-Marne", level="CP"):
    return selectors.sector_school(
        address_line1=line, postal_code=postal_code, city=city, level=level
    )


def test_the_sector_school_follows_the_side_of_the_street(schools):
    """Even numbers of rue des Écoles go to the Centre, odd ones to Tilleuls/Jean-Jaurès."""
    assert _lookup("12 rue des Écoles") == schools["centre"]
    assert _lookup("13 rue des Écoles", level="PS") == schools["tilleuls"]
    assert _lookup("13 rue des Écoles", level="CP") == schools["jaures"]


def test_the_sector_school_follows_the_number_range(schools):
    """Avenue de la République changes sector after number 58."""
    assert _lookup("58 avenue de la République") == schools["curie"]
    assert _lookup("59 avenue de la République") == schools["jaures"]


def test_spelling_of_the_street_does_not_matter(schools):
    """Case, accents and abbreviations (« r. », « av. ») are ignored; bis counts as the number."""
    assert _lookup("12 bis R. DES ECOLES") == schools["centre"]
    assert _lookup("3 av. République", level="MS") == schools["coquelicots"]


def test_unknown_street_is_a_clear_message(school_data):
    """A street missing from the map gives a message naming it."""
    with pytest.raises(selectors.SectorNotFound) as error:
        _lookup("4 rue Imaginaire")
    assert "« rue Imaginaire » ne figure pas dans la carte scolaire" in error.value.message


def test_address_outside_the_commune_is_a_clear_message(school_data):
    """Another postal code is outside the commune: the message says so."""
    with pytest.raises(selectors.SectorNotFound) as error:
        _lookup("12 rue des Écoles", postal_code="75005", city="Paris")
    assert "n'est pas dans la commune de Saint-Exemple-sur-Marne" in error.value.message


def test_street_needing_a_number_asks_for_it(school_data):
    """Without a number, a street split by numbers cannot give a school."""
    with pytest.raises(selectors.SectorNotFound) as error:
        _lookup("rue des Écoles")
    assert "dépend du numéro" in error.value.message


GOOD_FILE = (
    "voie;parité;du numéro;au numéro;école\n"
    "rue des Écoles;tous;1;;École primaire du Centre\n"
    "chemin des Vignes;pairs;2;;École maternelle Les Coquelicots\n"
).encode()
BAD_FILE = (
    "voie;parité;du numéro;au numéro;école\n"
    "rue des Écoles;tous;1;;École primaire du Centre\n"
    "rue des Écoles;pairs;10;20;École élémentaire Jean-Jaurès\n"
    "rue Pasteur;pairs;deux;;École primaire du Centre\n"
).encode()


def test_a_cycle_missing_from_a_street_is_named(school_data, agent):
    """A street served only by a maternelle has no élémentaire school, with or without a
    number in the address: the message says so in plain French."""
    services.sector_map_import(content=GOOD_FILE, filename="carte.csv", actor=agent(Role.SCOLAIRE))
    with pytest.raises(selectors.SectorNotFound) as error:
        _lookup("chemin des Vignes")
    assert error.value.message == (
        "Aucune école élémentaire n'est prévue pour « chemin des Vignes » dans la carte "
        "scolaire : contactez le service scolaire."
    )
    with pytest.raises(selectors.SectorNotFound) as error:
        _lookup("4 chemin des Vignes")
    assert "Aucune école élémentaire n'est prévue pour le numéro 4 de « chemin des Vignes »" in (
        error.value.message
    )


def test_import_replaces_the_whole_map(school_data, agent):
    """A good file replaces the map, and the import is recorded."""
    services.sector_map_import(content=GOOD_FILE, filename="carte.csv", actor=agent(Role.SCOLAIRE))
    assert SectorRule.objects.count() == 2
    assert SectorImport.objects.first().rule_count == 2


def test_a_wrong_line_imports_nothing(school_data, agent):
    """One wrong line and nothing changes: the old map stays."""
    before = list(SectorRule.objects.values_list("street", "number_from", "school_id"))
    with pytest.raises(services.SectorImportRejected) as error:
        services.sector_map_import(
            content=BAD_FILE, filename="carte.csv", actor=agent(Role.SCOLAIRE)
        )
    assert [line for line, _m in error.value.report.errors] == [3, 4]
    assert list(SectorRule.objects.values_list("street", "number_from", "school_id")) == before


def test_import_page_reports_errors_per_line(school_data, agent_client):
    """The agent sees each wrong line and its reason; nothing is imported."""
    client = agent_client(Role.SCOLAIRE)
    count = SectorRule.objects.count()
    response = client.post(
        reverse("backoffice:school_sector_import"),
        {"file": SimpleUploadedFile("carte.csv", BAD_FILE, content_type="text/csv")},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Le fichier contient 2 erreurs : rien n'a été importé." in text
    assert "chevauche la ligne 2" in text
    assert "« deux » n'est pas un numéro valable" in text
    assert SectorRule.objects.count() == count


@pytest.mark.parametrize(
    "content",
    [
        "rue Pasteur;tous;1;99999999999;École primaire du Centre\n".encode(),
        "rue Pasteur;tous;²;;École primaire du Centre\n".encode(),
        b"rue Pasteur;tous;1;;" + b"x" * 200_000 + b"\n",
    ],
    ids=["beyond-the-database", "superscript-digit", "huge-cell"],
)
def test_import_page_reports_odd_files_instead_of_failing(school_data, agent_client, content):
    """A number beyond what the database keeps, a « ² », a cell of 200 kB: the page
    reports the line (400), the map is unchanged."""
    client = agent_client(Role.SCOLAIRE)
    count = SectorRule.objects.count()
    response = client.post(
        reverse("backoffice:school_sector_import"),
        {"file": SimpleUploadedFile("carte.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "Le fichier contient 1 erreur : rien n'a été importé." in page_text(response)
    assert SectorRule.objects.count() == count


def test_import_page_replaces_the_map(school_data, agent_client):
    """A good file is imported and the agent is told how many rules."""
    client = agent_client(Role.SCOLAIRE)
    response = client.post(
        reverse("backoffice:school_sector_import"),
        {"file": SimpleUploadedFile("carte.csv", GOOD_FILE, content_type="text/csv")},
        follow=True,
    )
    assert "La carte scolaire est remplacée : 2 règles importées." in page_text(response)
    assert SectorRule.objects.count() == 2


def test_export_gives_the_file_the_import_reads(school_data, agent_client):
    """The export lists every rule in the import's columns; importing it changes nothing."""
    client = agent_client(Role.SCOLAIRE)
    response = client.get(reverse("backoffice:school_sector_export"))
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["voie", "parité", "du numéro", "au numéro", "école"]
    assert ["rue des Écoles", "pairs", "2", "", "École primaire du Centre"] in rows
    assert len(rows) == 1 + SectorRule.objects.count()
    before = sorted(
        SectorRule.objects.values_list("street", "parity", "number_from", "number_to", "school_id")
    )
    client.post(
        reverse("backoffice:school_sector_import"),
        {"file": SimpleUploadedFile("export.csv", content, content_type="text/csv")},
    )
    after = sorted(
        SectorRule.objects.values_list("street", "parity", "number_from", "number_to", "school_id")
    )
    assert after == before


def test_agent_finds_the_sector_school_of_an_address(school_data, agent_client):
    """The carte scolaire page answers « which school for this address? »."""
    client = agent_client(Role.SCOLAIRE)
    response = client.get(
        reverse("backoffice:school_sector"),
        {
            "address_line1": "45 rue Victor Hugo",
            "postal_code": "99999",
            "city": "Saint-Exemple-sur-Marne",
        },
    )
    text = page_text(response)
    assert "École maternelle Les Coquelicots" in text
    assert "École élémentaire Jean-Jaurès" in text


def test_other_roles_cannot_open_the_map(school_data, agent_client):
    """Only the school service manages the carte scolaire."""
    client = agent_client(Role.REGIE)
    assert client.get(reverse("backoffice:school_sector")).status_code == 403
    assert client.get(reverse("backoffice:school_sector_export")).status_code == 403


def test_each_street_heads_its_own_group_of_rules(school_data, agent_client):
    """The map's table groups each street's rules in a row group headed by the street, so
    a screen reader announces « avenue de la République » with its own rules only."""
    client = agent_client(Role.SCOLAIRE)
    page = page_text(client.get(reverse("backoffice:school_sector")))
    streets = {rule.street_key for rule in SectorRule.objects.all()}
    assert page.count("<tbody>") == len(streets) > 1
    group = re.search(
        r"<tbody>\s*<tr>\s*<th[^>]*>avenue de la République</th>.*?</tbody>", page, re.S
    )
    assert group is not None
    assert (
        group.group(0).count("<tr>")
        == SectorRule.objects.filter(street="avenue de la République").count()
    )
