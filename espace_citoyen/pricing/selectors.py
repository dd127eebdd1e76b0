"""Reads of pricing: the family's QF over time, the grids in force, the personalised
rates, the régie's queue. Each runs a fixed number of queries, whatever the number of
children, activities or brackets (prefetches, never a query per row)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from espace_citoyen.activities.models import Enrolment as ActivityEnrolment
from espace_citoyen.activities.models import EnrolmentStatus
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.selectors import audit_in
from espace_citoyen.core import rawsql
from espace_citoyen.demarches.rules import OPEN_STATUSES
from espace_citoyen.families.models import Document, Family
from espace_citoyen.portal.selectors import commune_get
from espace_citoyen.pricing import rules
from espace_citoyen.pricing.models import (
    AUDIT_AREA,
    GRID_AUDIT_ENTITY,
    FamilyQuotient,
    IncomeDeclaration,
    TariffBracket,
    TariffGrid,
)
from espace_citoyen.schooling.models import Enrolment as SchoolEnrolment

# --- the family's quotient --------------------------------------------------------------------


def quotient_history(family: Family) -> list[FamilyQuotient]:
    """Every QF period of the family, oldest first, with its declaration."""
    return list(
        FamilyQuotient.objects.filter(family=family)
        .select_related("declaration__demarche", "created_by")
        .order_by("starts_on", "id")
    )


def quotient_on(records: list[FamilyQuotient], day: date) -> FamilyQuotient | None:
    """The period in force on `day` among `records` (None: no declaration)."""
    for record in records:
        if record.applies_on(day):
            return record
    return None


def quotients_on_day(families: Sequence[Family], day: date) -> dict[int, FamilyQuotient]:
    """The QF period in force on `day` for each of `families`, by family id (one query;
    a family without one is absent: no declaration, the highest rates)."""
    if not families:
        return {}
    records = FamilyQuotient.objects.filter(
        family__in=[family.pk for family in families], starts_on__lte=day
    ).filter(Q(ends_before__isnull=True) | Q(ends_before__gt=day))
    return {record.family_id: record for record in records}


def quotients_upcoming(records: list[FamilyQuotient], day: date) -> list[FamilyQuotient]:
    return [r for r in records if r.starts_on > day and not r.never_applied]


def family_is_resident(family: Family) -> bool:
    """Resident rate when the guichet validated an address in the commune."""
    return rules.is_resident(
        postal_code=family.postal_code,
        address_validated=family.address_validated_on is not None,
        commune_codes=commune_get().postal_codes,
    )


def declaration_pending(family: Family) -> IncomeDeclaration | None:
    return (
        IncomeDeclaration.objects.filter(family=family, demarche__status__in=OPEN_STATUSES)
        .select_related("demarche")
        .first()
    )


def declaration_needed(family: Family) -> bool:
    """Journey point 9 (« je mets à jour mes tarifs ») is skipped when already done: True
    while the family has no QF period and no declaration waiting for the régie."""
    statuses = sorted(status.value for status in OPEN_STATUSES)
    found = rawsql.fetch(
        # One statement: the card's home asks on every visit (docs/benchmarks.md).
        "SELECT 1 FROM pricing_familyquotient WHERE family_id = %s UNION ALL "  # noqa: S608
        "SELECT 1 FROM pricing_incomedeclaration i JOIN demarches_demarche d "
        "ON d.id = i.demarche_id WHERE i.family_id = %s "
        f"AND d.status IN ({', '.join(['%s'] * len(statuses))}) LIMIT 1",
        [family.pk, family.pk, *statuses],
    )
    return not found


def declarations_of(family: Family) -> list[IncomeDeclaration]:
    return list(
        IncomeDeclaration.objects.filter(family=family)
        .select_related("demarche", "demarche__assigned_to")
        .order_by("-created_at", "-id")
    )


# --- grids ---------------------------------------------------------------------------------------


def _grids() -> QuerySet[TariffGrid]:
    return (
        TariffGrid.objects.filter(activity__active=True)
        .select_related("activity", "activity__school", "activity__school_year")
        .prefetch_related(Prefetch("brackets", queryset=TariffBracket.objects.order_by("qf_min")))
        .order_by("activity__kind", "activity__name", "activity_id", "valid_from")
    )


def grids_from(day: date) -> list[TariffGrid]:
    """Grids in force on `day` or later (the current one and the ones announced)."""
    return list(_grids().filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)))


@dataclass
class ActivityGrids:
    activity: object
    grids: list[TariffGrid] = field(default_factory=list)

    def on(self, day: date) -> TariffGrid | None:
        return next((grid for grid in self.grids if grid.applies_on(day)), None)

    def starting_after(self, day: date) -> list[TariffGrid]:
        return [grid for grid in self.grids if grid.valid_from > day]


def activities_with_grids(day: date) -> list[ActivityGrids]:
    """Activities that have a grid in force on `day` or announced, with those grids."""
    by_activity: dict[int, ActivityGrids] = {}
    for grid in grids_from(day):
        entry = by_activity.setdefault(grid.activity_id, ActivityGrids(grid.activity))
        entry.grids.append(grid)
    return list(by_activity.values())


def grid_on(activity_id: int, day: date) -> TariffGrid | None:
    return (
        _grids()
        .filter(activity_id=activity_id, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .first()
    )


def grids_with_changes(*, limit_changes: int = 200) -> tuple[list[TariffGrid], list[AuditEntry]]:
    """All grids (newest periods first within each activity) and the latest changes."""
    grids = list(
        TariffGrid.objects.select_related("activity", "activity__school_year")
        .prefetch_related(Prefetch("brackets", queryset=TariffBracket.objects.order_by("qf_min")))
        .order_by("activity__name", "activity_id", "-valid_from")
    )
    changes = list(audit_in(AUDIT_AREA, entities=[GRID_AUDIT_ENTITY])[:limit_changes])
    return grids, changes


# --- personalised rates ----------------------------------------------------------------------


@dataclass
class Change:
    day: date
    reasons: list[str]
    price: rules.Price


@dataclass
class RateLine:
    activity: object
    grid: TariffGrid | None
    price: rules.Price | None
    pai: list[tuple[object, rules.Price]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


@dataclass
class PersonalRates:
    current: FamilyQuotient | None
    upcoming: list[FamilyQuotient]
    resident: bool
    periscolaire: list[RateLine]
    extrascolaire: list[RateLine]

    @property
    def lines(self) -> list[RateLine]:
        return self.periscolaire + self.extrascolaire


def personal_rates(family: Family, *, today: date, max_changes: int = 3) -> PersonalRates:
    """For each activity with a grid, the family's unit price today with its
    explanation, and what changes later (a new grid, a new QF) with the new price.

    Reads the family's QF periods once and the grids with their brackets once."""
    records = quotient_history(family)
    resident = family_is_resident(family)
    pai_children = [child for child in family.children.all() if child.has_pai]
    attending = _children_attending(family)
    current = quotient_on(records, today)
    upcoming = quotients_upcoming(records, today)
    periscolaire, extrascolaire = [], []
    for entry in activities_with_grids(today):
        grid = entry.on(today)
        qf = current.qf if current else None
        line = RateLine(activity=entry.activity, grid=grid, price=None)
        if grid is not None:
            rule = grid.as_rule()
            line.price = rules.unit_price(rule, qf, resident=resident)
            if grid.pai_price is not None:
                line.pai = [
                    (child, rules.unit_price(rule, qf, resident=resident, pai=True))
                    for child in pai_children
                    if attending.may_attend(entry.activity, child.pk)
                ]
        change_days = sorted(
            {g.valid_from for g in entry.starting_after(today)}
            | {record.starts_on for record in upcoming}
        )
        for day in change_days[:max_changes]:
            grid_then = entry.on(day)
            if grid_then is None:
                continue
            record_then = quotient_on(records, day)
            reasons = []
            if grid_then.valid_from == day:
                reasons.append(_("nouvelle grille tarifaire"))
            if record_then is not None and record_then.starts_on == day:
                reasons.append(_new_qf_text(record_then))
            line.changes.append(
                Change(
                    day=day,
                    reasons=reasons,
                    price=rules.unit_price(
                        grid_then.as_rule(),
                        record_then.qf if record_then else None,
                        resident=resident,
                    ),
                )
            )
        (periscolaire if entry.activity.is_periscolaire else extrascolaire).append(line)
    return PersonalRates(
        current=current,
        upcoming=upcoming,
        resident=resident,
        periscolaire=periscolaire,
        extrascolaire=extrascolaire,
    )


@dataclass
class _Attending:
    """Which children of a family go to which activity or school."""

    activities: set[tuple[int, int]]  # (activity, child)
    schools: set[tuple[int, int, int]]  # (school year, school, child)

    def may_attend(self, activity, child_id: int) -> bool:
        """A school's activity (its canteen) is for the children enrolled in it or at
        the school that year; an activity without a school, for every child."""
        if not activity.school_id:
            return True
        return (activity.pk, child_id) in self.activities or (
            activity.school_year_id,
            activity.school_id,
            child_id,
        ) in self.schools


def _children_attending(family: Family) -> _Attending:
    """Two queries, whatever the number of children."""
    return _Attending(
        activities=set(
            ActivityEnrolment.objects.filter(
                family=family, status__in=[EnrolmentStatus.PENDING, EnrolmentStatus.ACCEPTED]
            ).values_list("activity_id", "child_id")
        ),
        schools=set(
            SchoolEnrolment.objects.filter(family=family, active=True).values_list(
                "school_year_id", "school_id", "child_id"
            )
        ),
    )


def _new_qf_text(record: FamilyQuotient) -> str:
    if record.qf is None:
        return _("sans quotient déclaré")
    return _("quotient familial de %(qf)s") % {"qf": rules.whole_euros(record.qf)}


# --- the régie -----------------------------------------------------------------------------------


def declarations_queue(*, only_open: bool = True) -> QuerySet[IncomeDeclaration]:
    """Declarations for the régie, oldest first; open ones unless told otherwise."""
    queryset = IncomeDeclaration.objects.select_related(
        "demarche", "demarche__assigned_to", "family"
    )
    if only_open:
        queryset = queryset.filter(demarche__status__in=OPEN_STATUSES)
        return queryset.order_by("demarche__created_at", "id")
    return queryset.order_by("-demarche__created_at", "-id")


def declaration_for_agent(reference: str) -> IncomeDeclaration | None:
    return (
        IncomeDeclaration.objects.filter(demarche__reference=reference)
        .select_related("demarche", "demarche__submitted_by", "demarche__assigned_to", "family")
        .prefetch_related("family__guardians", "family__children")
        .first()
    )


def declaration_documents(declaration: IncomeDeclaration) -> list[Document]:
    """The documents attached to the declaration's démarche (never health documents)."""
    return list(
        Document.objects.filter(demarche_id=declaration.demarche_id)
        .select_related("uploaded_by", "checked_by")
        .order_by("created_at", "id")
    )
