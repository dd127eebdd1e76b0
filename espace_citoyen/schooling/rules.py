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
