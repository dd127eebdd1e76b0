"""The agents' configuration of an allocation: window, sites, capacities, criteria."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.allocation import criteria as criteria_registry
from espace_citoyen.allocation.models import (
    AgeGroup,
    Allocation,
)
from espace_citoyen.allocation.services._common import (
    AREA,
    _config_snapshot,
)
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError

# --- configuration (agents) ------------------------------------------------------------------


@transaction.atomic
def allocation_save(
    *,
    agent,
    values: dict,
    activities: list,
    groups: list[tuple[str, int, int, int]],
    allocation: Allocation | None = None,
) -> Allocation:
    """Create or change an allocation. Its criteria, places and period are published
    with the window: they may change only until the window opens."""
    if allocation is not None:
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        before = _config_snapshot(allocation)
        if timezone.now() >= allocation.opens_at:
            raise ApplicationError(
                _(
                    "Les demandes sont ouvertes depuis le %(opened)s : les règles publiées ne "
                    "changent plus."
                )
                % {"opened": dates.french_date(timezone.localtime(allocation.opens_at).date())}
            )
    else:
        allocation = Allocation(created_by=agent)
        before = {}
    created = allocation.pk is None
    if not activities:
        raise ApplicationError(_("Choisissez au moins une activité."), field="activities")
    if values["last_day"] < values["first_day"]:
        raise ApplicationError(_("Le dernier jour doit suivre le premier jour."), field="last_day")
    if values["closes_at"] <= values["opens_at"]:
        raise ApplicationError(
            _("La clôture des demandes doit suivre leur ouverture."), field="closes_at"
        )
    if values["results_on"] < timezone.localtime(values["closes_at"]).date():
        raise ApplicationError(
            _("L'attribution ne peut pas être annoncée avant la clôture des demandes."),
            field="results_on",
        )
    if values["reserved_share"] and not any(
        (criterion := criteria_registry.criterion_get(key)) is not None and criterion.reserved
        for key in values["criteria"]
    ):
        raise ApplicationError(
            _(
                "Pour réserver une part des places, choisissez aussi le critère « Handicap ou "
                "PAI (places réservées) »."
            ),
            field="reserved_share",
        )
    unknown = [key for key in values["criteria"] if criteria_registry.criterion_get(key) is None]
    if unknown or len(set(values["criteria"])) != len(values["criteria"]):
        raise ApplicationError(
            _("Chaque critère ne peut être choisi qu'une fois."), field="criteria"
        )
    for field in (
        "label",
        "first_day",
        "last_day",
        "opens_at",
        "closes_at",
        "results_on",
        "criteria",
        "reserved_share",
        "keep_siblings",
    ):
        setattr(allocation, field, values[field])
    allocation.updated_by = agent
    allocation.full_clean()
    allocation.save()
    allocation.activities.set(activities)
    allocation.groups.all().delete()
    AgeGroup.objects.bulk_create(
        [
            AgeGroup(allocation=allocation, label=label, min_age=low, max_age=high, capacity=cap)
            for label, low, high, cap in groups
        ]
    )
    audit_record(
        actor=agent,
        area=AREA,
        entity="attribution équitable",
        label=allocation.label,
        before=before,
        after=_config_snapshot(allocation),
        action="création" if created else "modification",
        subject=allocation,
    )
    return allocation
