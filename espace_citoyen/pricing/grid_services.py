"""Writes of the tariff grids administrators configure: creating a grid after checking it
whole (brackets, taux d'effort, no other grid of the activity on the same dates), and
the audit trail of who changed what on a grid. The checks themselves are pure rules in
rules.py; a rule broken raises ApplicationError with a French message."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.pricing import rules
from espace_citoyen.pricing.models import AUDIT_AREA, GRID_AUDIT_ENTITY, TariffBracket, TariffGrid


def grid_overlap(
    *, activity_id: int, valid_from: date, valid_until: date | None, exclude_pk: int | None = None
) -> TariffGrid | None:
    """Another grid of the same activity whose period shares a day with this one."""
    others = TariffGrid.objects.filter(activity_id=activity_id).exclude(pk=exclude_pk)
    for other in others:
        if rules.periods_overlap(valid_from, valid_until, other.valid_from, other.valid_until):
            return other
    return None


def overlap_message(other: TariffGrid) -> str:
    return _(
        "Cette période chevauche celle d'une autre grille de la même activité (%(period)s) : "
        "une date ne peut avoir qu'un prix. Terminez l'autre grille la veille, ou changez "
        "les dates."
    ) % {"period": other.period_label}


def grid_snapshot(grid: TariffGrid, brackets: Sequence[TariffBracket] | None = None) -> dict:
    """A readable picture of a grid for the audit trail (labels → values, in French)."""
    rows = list(grid.brackets.all()) if brackets is None else list(brackets)
    values = {
        "activité": str(grid.activity),
        "type": grid.get_kind_display(),
        "période": grid.period_label,
        "tarif non-résident": rules.money(grid.non_resident_price),
        "tarif PAI": rules.money(grid.pai_price) if grid.pai_price is not None else "",
        "majoration sans réservation": rules.money(grid.unbooked_surcharge or 0),
    }
    if grid.kind == rules.EFFORT_RATE:
        values.update(
            {
                "taux d'effort": rules.percent(grid.effort_rate) if grid.effort_rate else "",
                "prix plancher": rules.money(grid.floor_price)
                if grid.floor_price is not None
                else "",
                "prix plafond": rules.money(grid.ceiling_price)
                if grid.ceiling_price is not None
                else "",
            }
        )
    else:
        values["tranches"] = " ; ".join(
            f"{row} : {rules.money(row.price)}" for row in sorted(rows, key=lambda r: r.qf_min)
        )
    return {key: str(value) for key, value in values.items()}


def grid_change_record(
    *, grid: TariffGrid | None, label: str, actor: Actor, action: str, before: dict, after: dict
) -> AuditEntry | None:
    """Keep who changed what on a grid (before/after of every changed value, "" for a
    value that did not exist) in the audit trail."""
    keys = list(dict.fromkeys([*before, *after]))
    return audit_record(
        actor=actor,
        area=AUDIT_AREA,
        entity=GRID_AUDIT_ENTITY,
        label=label,
        before={key: before.get(key, "") for key in keys},
        after={key: after.get(key, "") for key in keys},
        action=action,
        subject=grid,
    )


@transaction.atomic
def tariff_grid_create(
    *,
    activity,
    kind: str,
    valid_from: date,
    non_resident_price: Decimal,
    actor: Actor = None,
    valid_until: date | None = None,
    brackets: Sequence[tuple[int, int | None, Decimal]] = (),
    effort_rate: Decimal | None = None,
    floor_price: Decimal | None = None,
    ceiling_price: Decimal | None = None,
    pai_price: Decimal | None = None,
    unbooked_surcharge: Decimal = Decimal(0),
) -> TariffGrid:
    """Create a grid after checking it whole: brackets contiguous from 0 € and
    non-overlapping, prices never decreasing, floor not above ceiling, and no other grid
    of the activity on the same dates. Nothing is saved when a check fails."""
    grid = TariffGrid(
        activity=activity,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        effort_rate=effort_rate,
        floor_price=floor_price,
        ceiling_price=ceiling_price,
        non_resident_price=non_resident_price,
        pai_price=pai_price,
        unbooked_surcharge=unbooked_surcharge,
    )
    rows = [
        TariffBracket(qf_min=qf_min, qf_max=qf_max, price=Decimal(price))
        for qf_min, qf_max, price in (brackets if kind == rules.BRACKETS else ())
    ]
    problems = [message for _field, message in rules.grid_problems(grid.as_rule(rows))]
    if valid_until is not None and valid_until < valid_from:
        problems.append(_("La fin de validité précède son début."))
    other = grid_overlap(activity_id=activity.pk, valid_from=valid_from, valid_until=valid_until)
    if other is not None:
        problems.append(overlap_message(other))
    if problems:
        raise ApplicationError(" ".join(problems))
    grid.full_clean()
    grid.save()
    for row in rows:
        row.grid = grid
        row.full_clean()
        row.save()
    grid_change_record(
        grid=grid,
        label=str(grid),
        actor=actor,
        action="création",
        before={},
        after=grid_snapshot(grid, rows),
    )
    return grid
