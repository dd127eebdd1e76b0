"""What the allocation services share: the démarche type, the audit area and the
configuration's fields."""

from django.utils import timezone

from espace_citoyen.allocation.models import (
    Allocation,
)
from espace_citoyen.audit.rules import snapshot
from espace_citoyen.core import dates

DEMARCHE_REQUEST = "activites_attribution"
AREA = "allocation"
# What the audit trail keeps of a configuration (the places per group are added).
CONFIG_FIELDS = [
    "label",
    "first_day",
    "last_day",
    "opens_at",
    "closes_at",
    "results_on",
    "criteria",
    "reserved_share",
    "keep_siblings",
]


def _config_snapshot(allocation: Allocation | None) -> dict:
    if allocation is None or allocation.pk is None:
        return {}
    values = snapshot(allocation, CONFIG_FIELDS)
    values["activities"] = sorted(a.name for a in allocation.activities.all())
    values["groups"] = [
        f"{g.label} ({g.min_age}-{g.max_age} ans) : {g.capacity}"
        for g in allocation.groups.order_by("min_age", "pk")
    ]
    return values


def moment_label(value) -> str:
    """« lundi 1er février 2027 à 8 h 30 »: a window's opening or closing, in Paris time."""
    local = timezone.localtime(value)
    return f"{dates.day_label(local.date())} à {local.hour} h {local.minute:02d}"
