"""Pure rules of a school enrolment (no ORM): levels and school kinds with the cycles
they serve, the level a birth date gives, places left at a school and the enrolment
campaign window."""

from datetime import date

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from espace_citoyen.core.dates import french_date


class Level(models.TextChoices):
    TPS = "TPS", gettext_lazy("Toute petite section")
    PS = "PS", gettext_lazy("Petite section")
    MS = "MS", gettext_lazy("Moyenne section")
    GS = "GS", gettext_lazy("Grande section")
    CP = "CP", gettext_lazy("Cours préparatoire")
    CE1 = "CE1", gettext_lazy("Cours élémentaire 1")
    CE2 = "CE2", gettext_lazy("Cours élémentaire 2")
    CM1 = "CM1", gettext_lazy("Cours moyen 1")
    CM2 = "CM2", gettext_lazy("Cours moyen 2")


LEVEL_ORDER = [level.value for level in Level]
MATERNELLE_LEVELS = ["TPS", "PS", "MS", "GS"]
ELEMENTAIRE_LEVELS = ["CP", "CE1", "CE2", "CM1", "CM2"]


class SchoolKind(models.TextChoices):
    MATERNELLE = "maternelle", gettext_lazy("École maternelle")
    ELEMENTAIRE = "elementaire", gettext_lazy("École élémentaire")
    PRIMAIRE = "primaire", gettext_lazy("École primaire")


LEVELS_BY_KIND = {
    SchoolKind.MATERNELLE: MATERNELLE_LEVELS,
    SchoolKind.ELEMENTAIRE: ELEMENTAIRE_LEVELS,
    SchoolKind.PRIMAIRE: MATERNELLE_LEVELS + ELEMENTAIRE_LEVELS,
}

# The carte scolaire gives a school per cycle: a maternelle school for TPS-GS, an
# élémentaire school for CP-CM2; a primaire school serves both cycles.
CYCLE_MATERNELLE = "maternelle"
CYCLE_ELEMENTAIRE = "elementaire"
CYCLES = (CYCLE_MATERNELLE, CYCLE_ELEMENTAIRE)
CYCLE_LABELS = {
    CYCLE_MATERNELLE: gettext_lazy("maternelle"),
    CYCLE_ELEMENTAIRE: gettext_lazy("élémentaire"),
}
CYCLES_BY_KIND = {
    SchoolKind.MATERNELLE: frozenset({CYCLE_MATERNELLE}),
    SchoolKind.ELEMENTAIRE: frozenset({CYCLE_ELEMENTAIRE}),
    SchoolKind.PRIMAIRE: frozenset(CYCLES),
}


def cycle_of(level: str) -> str:
    """The cycle a level belongs to: TPS-GS maternelle, CP-CM2 élémentaire."""
    return CYCLE_MATERNELLE if level in MATERNELLE_LEVELS else CYCLE_ELEMENTAIRE


def cycles_of_kind(kind: str) -> frozenset[str]:
    return CYCLES_BY_KIND.get(kind, frozenset())


def level_label(level: str) -> str:
    return f"{Level(level).label} ({level})" if level in LEVEL_ORDER else level


# --- levels from the birth date -----------------------------------------------------------

# Age reached during the calendar year of the rentrée -> level (loi 2019-791: school
# from 3; PS is the year of the 3rd birthday, CP the 6th, CM2 the 10th).
LEVEL_BY_AGE_IN_RENTREE_YEAR = {
    3: "PS",
    4: "MS",
    5: "GS",
    6: "CP",
    7: "CE1",
    8: "CE2",
    9: "CM1",
    10: "CM2",
}
TPS_AGE = 2


def expected_level(birth_year: int, rentree_year: int) -> str | None:
    """The level a child is expected in for the school year starting in `rentree_year`
    (3 in the calendar year -> PS, …, 10 -> CM2); None outside maternelle/élémentaire.
    TPS (2 years old) is never proposed by default: it depends on places."""
    return LEVEL_BY_AGE_IN_RENTREE_YEAR.get(rentree_year - birth_year)


def level_for_birth_date(birth_date: date, rentree: date) -> str | None:
    """The level proposed for a child born on `birth_date` for the school year whose
    rentrée is `rentree`: only the calendar years count, not the day of birth."""
    return expected_level(birth_date.year, rentree.year)


def allowed_levels(birth_date: date, rentree: date) -> list[str]:
    """The levels a family may ask for: the expected one and its neighbours (a year
    repeated or skipped is the school's decision, agents see the difference), TPS for a
    child of 2 in the year of the rentrée. Empty when the child is too young or too old."""
    age = rentree.year - birth_date.year
    if age == TPS_AGE:
        return ["TPS"]
    expected = expected_level(birth_date.year, rentree.year)
    if expected is None:
        return []
    index = LEVEL_ORDER.index(expected)
    lowest = max(index - 1, LEVEL_ORDER.index("PS") if age == 3 else 0)
    return LEVEL_ORDER[lowest : index + 2]


# --- places -------------------------------------------------------------------------------


def places_left(capacity: int | None, accepted: int) -> int | None:
    """Places left at a school for a year: its capacity minus the accepted enrolments
    (negative when it is over capacity); None when the capacity is not set."""
    return None if capacity is None else capacity - accepted


# --- campaign window ----------------------------------------------------------------------


def campaign_is_open(today: date, start: date | None, end: date | None) -> bool:
    """Whether `today` lies in the enrolment campaign window (both days included)."""
    return start is not None and end is not None and start <= today <= end


def campaign_closed_message(label: str, today: date, start: date | None, end: date | None) -> str:
    """What a family reads when it tries to enrol outside the campaign window."""
    if start is None or end is None:
        return _(
            "Les inscriptions scolaires pour l'année %(year)s ne sont pas encore ouvertes : "
            "les dates seront annoncées par la mairie."
        ) % {"year": label}
    dates = {
        "year": label,
        "start": french_date(start),
        "end": french_date(end),
    }
    if today < start:
        return (
            _(
                "Les inscriptions scolaires pour l'année %(year)s ne sont pas encore "
                "ouvertes : elles auront lieu du %(start)s au %(end)s."
            )
            % dates
        )
    return (
        _(
            "Les inscriptions scolaires pour l'année %(year)s sont closes : elles avaient "
            "lieu du %(start)s au %(end)s. Pour une inscription en cours d'année, "
            "contactez le service scolaire de la mairie."
        )
        % dates
    )
