"""Pure rules of schooling: levels and school kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    TPS = "TPS", _("Toute petite section")
    PS = "PS", _("Petite section")
    MS = "MS", _("Moyenne section")
    GS = "GS", _("Grande section")
    CP = "CP", _("Cours préparatoire")
    CE1 = "CE1", _("Cours élémentaire 1")
    CE2 = "CE2", _("Cours élémentaire 2")
    CM1 = "CM1", _("Cours moyen 1")
    CM2 = "CM2", _("Cours moyen 2")


LEVEL_ORDER = [level.value for level in Level]
MATERNELLE_LEVELS = ["TPS", "PS", "MS", "GS"]
ELEMENTAIRE_LEVELS = ["CP", "CE1", "CE2", "CM1", "CM2"]


class SchoolKind(models.TextChoices):
    MATERNELLE = "maternelle", _("École maternelle")
    ELEMENTAIRE = "elementaire", _("École élémentaire")
    PRIMAIRE = "primaire", _("École primaire")


LEVELS_BY_KIND = {
    SchoolKind.MATERNELLE: MATERNELLE_LEVELS,
    SchoolKind.ELEMENTAIRE: ELEMENTAIRE_LEVELS,
    SchoolKind.PRIMAIRE: MATERNELLE_LEVELS + ELEMENTAIRE_LEVELS,
}


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


def expected_level(birth_year: int, rentree_year: int) -> str | None:
    """The level a child is expected in for the school year starting in `rentree_year`
    (3 in the calendar year -> PS, …, 10 -> CM2); None outside maternelle/élémentaire.
    TPS (2 years old) is never proposed by default: it depends on places."""
    return LEVEL_BY_AGE_IN_RENTREE_YEAR.get(rentree_year - birth_year)
