"""The commission's view (query budget whatever the number of requests) and the lists
for school directors (CSV, ODS)."""

import csv
import io
from datetime import date

import pytest
import tablib
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.demarches import services as demarches
from espace_citoyen.families.factories import ChildFactory, GuardianFactory, family_create
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import DerogationMotive

COMMISSION = reverse("backoffice:school_commission")
LISTS = reverse("backoffice:school_lists")


def _requests(count: int, year, schools) -> list:
    """`count` dérogation requests of families of rue des Écoles, to two schools."""
    parent = UserFactory()
    family = family_create(user=parent, children=0)
    motives = list(DerogationMotive.objects.all())
    wanted = [schools["jaures"], schools["curie"]]
    created = []
    for index in range(count):
        child = ChildFactory(family=family, birth_date=date(2017 + index % 5, 3, 1))
        enrolment = services.enrolment_submit(
            family=family, child=child, school_year=year, actor=parent
        )
        created.append(
            services.derogation_submit(
                family=family,
                enrolment=enrolment,
                requested_school=wanted[index % 2],
                motive=motives[index % len(motives)],
                explanation=f"Demande numéro {index}.",
                actor=parent,
            )
        )
    return created


@pytest.mark.parametrize("count", [10, 200])
def test_commission_view_query_budget(
    count, client, agent, year, schools, django_assert_num_queries
):
    """The commission view runs the same 5 queries for 10 and 200 requests: session with
    its user, roles, school years, requests with all they show, accepted counts per
    school."""
    _requests(count, year, schools)
    client.force_login(agent(Role.SCOLAIRE))
    with django_assert_num_queries(5):
        response = client.get(COMMISSION, {"annee": year.pk})
    assert response.status_code == 200
    text = visible_text(response)
    assert f"{count} demandes en attente de décision." in text
    assert text.count("Demande numéro") == count


def test_commission_shows_places_left_per_requested_school(client, agent, citizen, year, schools):
    """Each requested school shows its places left: capacity minus accepted enrolments."""
    scolaire = agent(Role.SCOLAIRE)
    requests = _requests(3, year, schools)
    # One pupil accepted at Jean-Jaurès by dérogation: one place fewer.
    demarches.demarche_accept(demarche=requests[0].demarche, agent=scolaire)
    demarches.demarche_accept(demarche=requests[0].enrolment.demarche, agent=scolaire)
    client.force_login(scolaire)
    text = visible_text(client.get(COMMISSION))
    assert (
        "École élémentaire Jean-Jaurès Places restantes : 249 (1 inscrit pour 250 places). 1 demande en attente."
        in text
    )
    assert (
        "École élémentaire Marie-Curie Places restantes : 200 (0 inscrit pour 200 places). 1 demande en attente."
        in text
    )
    assert requests[0].demarche.reference not in text


def test_commission_is_for_the_school_service_only(client, agent, school_data):
    """The guichet gets 403 on the commission's view."""
    client.force_login(agent(Role.GUICHET))
    assert client.get(COMMISSION).status_code == 403


@pytest.fixture
def accepted(citizen, family, child, year, agent):
    """Léa, CP at the Centre (accepted), and a second family's Tom, CE2 at the Centre."""
    scolaire = agent(Role.SCOLAIRE)
    first = services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)
    parent = UserFactory()
    other = family_create(user=parent, children=0, address_line1="3 place de la Mairie")
    GuardianFactory(
        family=other, first_name="Jean", last_name="Durand", phone_mobile="06 00 00 00 02"
    )
    tom = ChildFactory(
        family=other, first_name="Tom", last_name="Durand", birth_date=date(2019, 2, 2), sex="M"
    )
    second = services.enrolment_submit(family=other, child=tom, school_year=year, actor=parent)
    pending = ChildFactory(
        family=other, first_name="Zoé", last_name="Durand", birth_date=date(2020, 2, 2)
    )
    services.enrolment_submit(family=other, child=pending, school_year=year, actor=parent)
    for enrolment in (first, second):
        demarches.demarche_accept(demarche=enrolment.demarche, agent=scolaire)
    return first, second


def test_list_shows_accepted_enrolments_by_school_and_level(client, agent, accepted, year, schools):
    """The list shows accepted pupils only, by level; pending ones are not in it."""
    client.force_login(agent(Role.SCOLAIRE))
    text = visible_text(client.get(LISTS, {"annee": year.pk, "ecole": schools["centre"].pk}))
    assert "2 inscriptions acceptées" in text
    assert text.index("MARTIN Léa") < text.index("DURAND Tom")  # CP before CE2
    assert "Zoé" not in text


def test_list_csv_export(client, agent, accepted, year, schools):
    """The CSV opens in a spreadsheet: one row per pupil, guardians and phones included."""
    client.force_login(agent(Role.SCOLAIRE))
    response = client.get(LISTS, {"annee": year.pk, "ecole": schools["centre"].pk, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="inscrits-2027-2028-ecole-primaire-centre.csv"' in response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [(row["Niveau"], row["Nom"], row["Prénom"]) for row in rows] == [
        ("CP", "Martin", "Léa"),
        ("CE2", "Durand", "Tom"),
    ]
    assert rows[1]["Responsable légal 2"] == "Madame Jean Durand"
    assert rows[1]["Téléphone 2"] == "06 00 00 00 02"
    assert rows[0]["Dérogation"] == "non"
    assert "allerg" not in response.content.decode("utf-8-sig").lower()


def test_list_ods_export_by_level(client, agent, accepted, year):
    """The ODS export of one level holds only that level's pupils."""
    client.force_login(agent(Role.SCOLAIRE))
    response = client.get(LISTS, {"annee": year.pk, "niveau": "CE2", "format": "ods"})
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    book = tablib.Databook().load(response.content, format="ods")
    sheet = book.sheets()[0]
    assert sheet.headers[:4] == ["École", "Niveau", "Nom", "Prénom"]
    assert [row[2] for row in sheet] == ["Durand"]


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_budget(count, client, agent, year, schools, django_assert_num_queries):
    """The list page runs the same 6 queries for 1 and 30 pupils."""
    scolaire = agent(Role.SCOLAIRE)
    parent = UserFactory()
    family = family_create(user=parent, children=0)
    for index in range(count):
        child = ChildFactory(family=family, birth_date=date(2017 + index % 5, 3, 1))
        enrolment = services.enrolment_submit(
            family=family, child=child, school_year=year, actor=parent
        )
        demarches.demarche_accept(demarche=enrolment.demarche, agent=scolaire)
    client.force_login(scolaire)
    with django_assert_num_queries(6):
        response = client.get(LISTS, {"annee": year.pk})
    assert f"{count} inscription" in page_text(response)


def test_list_csv_never_holds_a_formula(client, agent, year, schools):
    """A name typed as a formula reaches the director's spreadsheet as plain text (a
    leading apostrophe), as does every cell starting with « + » or « - » (OWASP)."""
    scolaire = agent(Role.SCOLAIRE)
    parent = UserFactory()
    family = family_create(user=parent, children=0)
    GuardianFactory(family=family, first_name="Jean", phone_mobile="+33 6 00 00 00 02")
    child = ChildFactory(
        family=family,
        first_name='=HYPERLINK("http://example.com";"Voir")',
        last_name="@SUM(1+1)",
        birth_date=date(2021, 2, 2),
    )
    enrolment = services.enrolment_submit(
        family=family, child=child, school_year=year, actor=parent
    )
    demarches.demarche_accept(demarche=enrolment.demarche, agent=scolaire)
    client.force_login(scolaire)
    response = client.get(LISTS, {"annee": year.pk, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["Prénom"] == '\'=HYPERLINK("http://example.com";"Voir")'
    assert rows[0]["Nom"] == "'@SUM(1+1)"
    assert rows[0]["Téléphone 2"] == "'+33 6 00 00 00 02"
