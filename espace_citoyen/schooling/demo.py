"""Demo data of schooling: the school year under way and the next one, whose enrolment
campaign is open whatever the day (core.demo_dates: every date relative to today), five
schools, a carte scolaire whose streets are split by parity and ranges
(demo_data/carte_scolaire.csv, also an example of the file agents import), and a few
enrolments and dérogations of the demo families so that the commission and the lists
have something to show. Safe to run again: it updates and never duplicates."""

from datetime import date, timedelta
from pathlib import Path

from espace_citoyen.accounts.models import User
from espace_citoyen.core import demo_dates
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

# The next year's campaign runs from early November to the end of March; on other days
# the demo stretches it so that it is open: from a month ago to two months ahead.
CAMPAIGN_OPEN_BEFORE = timedelta(days=30)
CAMPAIGN_OPEN_AFTER = timedelta(days=60)


def school_years() -> list[dict]:
    """The demo year (its campaign closed in June) and the next one (campaign from
    November to March), dated from today (core.demo_dates)."""
    label, start, end = demo_dates.school_year()
    next_label, next_start, next_end = demo_dates.school_year(1)
    return [
        {
            "label": label,
            "start_date": start,
            "end_date": end,
            "campaign_start": demo_dates.shifted(date(2026, 3, 2)),
            "campaign_end": demo_dates.shifted(date(2026, 6, 30)),
        },
        {
            "label": next_label,
            "start_date": next_start,
            "end_date": next_end,
            "campaign_start": demo_dates.shifted(date(2026, 11, 2)),
            "campaign_end": demo_dates.shifted(date(2027, 3, 31)),
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
    _open_next_campaign()
    _demo_requests()
    return []


def _open_next_campaign() -> None:
    """Outside November to March, stretch the next year's campaign to today so the
    visitor can enrol a child."""
    year = SchoolYear.objects.get(label=demo_dates.school_year(1)[0])
    today = demo_dates.today()
    if year.campaign_start <= today <= year.campaign_end:
        return
    year.campaign_start = min(year.campaign_start, today - CAMPAIGN_OPEN_BEFORE)
    year.campaign_end = max(year.campaign_end, today + CAMPAIGN_OPEN_AFTER)
    year.save(update_fields=["campaign_start", "campaign_end"])


def load_reference() -> None:
    """School years, schools and the carte scolaire (also used by tests)."""
    for values in school_years():
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
    """File the demo families' requests for the next school year, whose campaign the
    demo keeps open."""
    year = SchoolYear.objects.get(label=demo_dates.school_year(1)[0])
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
