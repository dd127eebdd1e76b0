"""Demo data of schooling: two school years (the 2027-2028 enrolment campaign is open
from 2 November 2026 to 31 March 2027), five schools, a carte scolaire whose streets are
split by parity and ranges (demo_data/carte_scolaire.csv, also an example of the file
agents import), and a few enrolments and dérogations of the demo families so that the
commission and the lists have something to show. Safe to run again: it updates and never
duplicates."""

from datetime import date
from pathlib import Path

from espace_citoyen.accounts.models import User
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.families.models import Guardian
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import (
    DerogationMotive,
    Enrolment,
    School,
    SchoolYear,
    SectorRule,
)

SCHOOL_YEARS = [
    {
        "label": "2026-2027",
        "start_date": date(2026, 9, 1),
        "end_date": date(2027, 7, 3),
        "campaign_start": date(2026, 3, 2),
        "campaign_end": date(2026, 6, 30),
    },
    {
        "label": "2027-2028",
        "start_date": date(2027, 9, 1),
        "end_date": date(2028, 7, 8),
        "campaign_start": date(2026, 11, 2),
        "campaign_end": date(2027, 3, 31),
    },
]

SCHOOLS = [
    {
        "name": "École maternelle des Tilleuls",
        "kind": "maternelle",
        "address": "4 rue des Tilleuls, 99999 Saint-Exemple-sur-Marne",
        "levels": ["TPS", "PS", "MS", "GS"],
        "capacity": 120,
    },
    {
        "name": "École maternelle Les Coquelicots",
        "kind": "maternelle",
        "address": "15 chemin des Vignes, 99999 Saint-Exemple-sur-Marne",
        "levels": ["PS", "MS", "GS"],
        "capacity": 90,
    },
    {
        "name": "École élémentaire Jean-Jaurès",
        "kind": "elementaire",
        "address": "21 rue des Écoles, 99999 Saint-Exemple-sur-Marne",
        "levels": ["CP", "CE1", "CE2", "CM1", "CM2"],
        "capacity": 250,
    },
    {
        "name": "École élémentaire Marie-Curie",
        "kind": "elementaire",
        "address": "31 avenue de la République, 99999 Saint-Exemple-sur-Marne",
        "levels": ["CP", "CE1", "CE2", "CM1", "CM2"],
        "capacity": 200,
    },
    {
        "name": "École primaire du Centre",
        "kind": "primaire",
        "address": "2 place de la Mairie, 99999 Saint-Exemple-sur-Marne",
        "levels": ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"],
        "capacity": 180,
    },
]

MAP_FILE = Path(__file__).parent / "demo_data" / "carte_scolaire.csv"


def load() -> list[tuple[str, str]]:
    load_reference()
    _demo_requests()
    return []


def load_reference() -> None:
    """School years, schools and the carte scolaire (also used by tests)."""
    for values in SCHOOL_YEARS:
        SchoolYear.objects.update_or_create(label=values["label"], defaults=values)
    for values in SCHOOLS:
        School.objects.update_or_create(name=values["name"], defaults=values)
    # The map is loaded once; after that it belongs to the agents (import/export).
    if not SectorRule.objects.exists():
        services.sector_map_import(
            content=MAP_FILE.read_bytes(), filename=MAP_FILE.name, actor=None
        )


# (guardian's e-mail, child's first name, accepted?, dérogation: (school, motive position,
# explanation) or None). Camille Martin's Léa and Dominique Roux's Jules are left for the
# visitor to enrol.
REQUESTS = [
    ("camille.martin@example.org", "Hugo", True, None),
    (
        "lea.durand@example.org",
        "Inès",
        False,
        (
            "École maternelle des Tilleuls",
            20,
            "Inès est gardée par sa grand-mère, 6 rue des Tilleuls, à deux pas de l'école.",
        ),
    ),
    (
        "karim.bernard@example.org",
        "Adam",
        True,
        (
            "École élémentaire Jean-Jaurès",
            30,
            "Nous travaillons tous deux à la clinique de la rue des Écoles, en face de l'école.",
        ),
    ),
]


def _demo_requests() -> None:
    """File the demo families' requests through the services, while the 2027-2028
    campaign is open (afterwards the demo simply has none)."""
    year = SchoolYear.objects.get(label="2027-2028")
    agent = User.objects.filter(email="agent.scolaire@example.org").first()
    for email, first_name, accept, derogation in REQUESTS:
        guardian = Guardian.objects.filter(email=email).select_related("family").first()
        if guardian is None or agent is None:
            continue
        child = guardian.family.children.filter(first_name=first_name).first()
        if child is None or Enrolment.objects.filter(child=child, school_year=year).exists():
            continue
        actor = guardian.user or agent
        try:
            enrolment = services.enrolment_submit(
                family=guardian.family, child=child, school_year=year, actor=actor
            )
            if accept:
                demarches.demarche_accept(
                    demarche=enrolment.demarche,
                    agent=agent,
                    message="Inscription acceptée : le certificat est disponible en ligne.",
                )
            if derogation:
                school, motive, explanation = derogation
                services.derogation_submit(
                    family=guardian.family,
                    enrolment=enrolment,
                    requested_school=School.objects.get(name=school),
                    motive=DerogationMotive.objects.get(position=motive),
                    explanation=explanation,
                    actor=actor,
                )
        except ApplicationError:
            continue
