"""Demo data of schooling: two school years (the 2027-2028 enrolment campaign is open
from 2 November 2026 to 31 March 2027), five schools, and a carte scolaire whose streets
are split by parity and ranges (demo_data/carte_scolaire.csv, also an example of the
file agents import). Safe to run again: it updates and never duplicates."""

from datetime import date
from pathlib import Path

from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import School, SchoolYear, SectorRule

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
    for values in SCHOOL_YEARS:
        SchoolYear.objects.update_or_create(label=values["label"], defaults=values)
    for values in SCHOOLS:
        School.objects.update_or_create(name=values["name"], defaults=values)
    # The map is loaded once; after that it belongs to the agents (import/export).
    if not SectorRule.objects.exists():
        services.sector_map_import(
            content=MAP_FILE.read_bytes(), filename=MAP_FILE.name, actor=None
        )
    return []
