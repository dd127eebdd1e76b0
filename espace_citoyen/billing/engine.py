"""What a month bills, family by family: reads bookings, attendance, enrolments (from
activities) and the QF and grids in force each day (from pricing), and turns them into
invoice drafts with the domain rules. Shared by the preview and the run; writes nothing.

Families are read in chunks with a fixed number of queries per chunk, so memory stays
flat in the number of families and the run's speed does not depend on their size."""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from typing import NamedTuple

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from espace_citoyen.activities.models import (
    Activity,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.billing import anomalies as anomalies_of
from espace_citoyen.billing import rules, units
from espace_citoyen.billing.anomalies import Anomaly
from espace_citoyen.billing.models import Invoice, InvoiceKind, InvoiceLine
from espace_citoyen.families.models import Child, Civility, Family, Guardian, address_lines
from espace_citoyen.portal.selectors import commune_get
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing.models import FamilyQuotient, TariffBracket, TariffGrid

CHUNK = 1000


@dataclass
class FamilyDraft:
    family_id: int
    family_number: str
    payer_name: str
    payer_address: str
    emails: list[str]
    lines: list[rules.LineDraft] = field(default_factory=list)
    child_names: dict[int, str] = field(default_factory=dict)

    @property
    def total(self):
        return rules.total_of(line.amount for line in self.lines)


class Catalogue:
    """Activities and their grids over the month (read once per run)."""

    def __init__(self, month: date):
        start, end = month, rules.month_end(month)
        self.activities = {a.pk: a for a in Activity.objects.select_related("school")}
        grids = (
            TariffGrid.objects.filter(valid_from__lte=end)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            .order_by("activity_id", "valid_from")
        )
        brackets = defaultdict(list)
        for bracket in TariffBracket.objects.filter(grid__in=grids).order_by("qf_min"):
            brackets[bracket.grid_id].append(bracket)
        self.grids: dict[int, list[tuple[TariffGrid, pricing_rules.GridRule]]] = defaultdict(list)
        self._rule_ids: dict[int, int] = {}
        for grid in grids:
            rule = grid.as_rule(brackets[grid.pk])
            self.grids[grid.activity_id].append((grid, rule))
            self._rule_ids[grid.pk] = _rule_id(rule)
        self.postal_codes = commune_get().postal_codes
        self._grid_days: dict[tuple, object] = {}
        self._breaks: dict[int, list[date]] = {}
        self._services: dict[int, str] = {}

    def grid_on(self, activity_id: int, day: date):
        key = (activity_id, day)
        try:
            return self._grid_days[key]
        except KeyError:
            found = next(
                (
                    (grid, rule)
                    for grid, rule in self.grids.get(activity_id, ())
                    if grid.applies_on(day)
                ),
                None,
            )
            self._grid_days[key] = found
            return found

    def grid_breaks(self, activity_id: int) -> list[date]:
        """The days where the activity's grid may change: a grid starts, or the day after
        one ends."""
        breaks = self._breaks.get(activity_id)
        if breaks is None:
            breaks = self._breaks[activity_id] = []
            for grid, _rule in self.grids.get(activity_id, ()):
                breaks.append(grid.valid_from)
                if grid.valid_until is not None:
                    breaks.append(grid.valid_until + timedelta(days=1))
        return breaks

    def activity_order(self, activity_id: int):
        activity = self.activities[activity_id]
        return (activity.kind, activity.name, activity_id)

    def service(self, activity_id: int) -> str:
        """The line's label, « Restauration scolaire — École Jean-Jaurès » (once per
        activity: a run labels hundreds of thousands of lines)."""
        label = self._services.get(activity_id)
        if label is None:
            activity = self.activities[activity_id]
            place = activity.place
            label = self._services[activity_id] = (
                f"{activity.name} — {place}"
                if place and place not in activity.name
                else activity.name
            )
        return label

    def site(self, activity_id: int) -> str:
        return self.activities[activity_id].place or _("Sans lieu")

    def price(
        self, grid, rule, qf, *, resident, pai, unbooked, language: str | None = None
    ) -> rules.LinePrice:
        language = language or translation.get_language()
        key = (self._rule_ids[grid.pk], qf, resident, pai, unbooked, language)
        price = _PRICES.get(key)
        if price is None:
            if len(_PRICES) >= PRICES_KEPT:
                _PRICES.clear()
            price = _PRICES[key] = line_price(rule, qf, resident, pai, unbooked, language)
        return price


# Prices remembered by the process (`line_price` is a pure function of the grid's rule,
# the QF, the family's situation and the language, and a commune's families keep their
# QF from one month to the next), by the rule's content: schools often share the same
# grid. The rule is known by a number given once per content and run (`_rule_id`), so a
# look-up hashes no rule; numbers are never reused, so a cleared cache is never wrong.
PRICES_KEPT = 100_000
_PRICES: dict[tuple, rules.LinePrice] = {}
_RULE_IDS: dict[pricing_rules.GridRule, int] = {}
_rule_numbers = count()


def _rule_id(rule: pricing_rules.GridRule) -> int:
    number = _RULE_IDS.get(rule)
    if number is None:
        if len(_RULE_IDS) >= PRICES_KEPT:
            _RULE_IDS.clear()
        number = _RULE_IDS[rule] = next(_rule_numbers)
    return number


def line_price(rule, qf, resident, pai, unbooked, language) -> rules.LinePrice:
    """The unit price and its explanation of the grid's rule for this QF and situation,
    in this language (remembered by `Catalogue.price`)."""
    computed = pricing_rules.unit_price(rule, qf, resident=resident, pai=pai, unbooked=unbooked)
    explanation = computed.explanation
    if pai and rule.pai_price is not None:
        explanation = rules.special_price_explanation(
            base=pricing_rules.round_cents(rule.pai_price),
            surcharge=pricing_rules.round_cents(rule.unbooked_surcharge)
            if unbooked and rule.unbooked_surcharge
            else None,
            money=pricing_rules.money,
        )
    return rules.LinePrice(computed.amount, explanation)


def family_span(family_ids: Sequence[int]) -> tuple[int, int]:
    """The range of ids holding `family_ids`: a chunk reads by range (one index range,
    no list of thousands of parameters to build and parse) and keeps its own families
    in Python. A run's chunk is a slice of the sorted families to bill, so the range
    holds few others."""
    return min(family_ids), max(family_ids)


def billed_days(family_ids: Sequence[int], month: date) -> set[tuple[int, int, date]]:
    """(child, activity, day) already on an invoice of the month and not credited."""
    if not family_ids:
        return set()
    wanted = set(family_ids)
    invoices = [
        (pk, kind)
        for pk, kind, family_id in Invoice.objects.filter(
            family__pk__range=family_span(family_ids), month=month
        ).values_list("pk", "kind", "family_id")
        if family_id in wanted
    ]
    if not invoices:
        return set()
    credited = set(
        InvoiceLine.objects.filter(
            invoice_id__in=[pk for pk, kind in invoices if kind == InvoiceKind.CREDIT_NOTE]
        ).values_list("corrects_line_id", flat=True)
    )
    lines = InvoiceLine.objects.filter(
        invoice_id__in=[pk for pk, kind in invoices if kind == InvoiceKind.INVOICE]
    ).values_list("id", "child_id", "activity_id", "days")
    return {
        (child_id, activity_id, date.fromisoformat(day))
        for line_id, child_id, activity_id, days in lines
        if line_id not in credited
        for day in days
    }


class _Family(NamedTuple):
    number: str
    address: str  # the payer's address lines, joined
    resident: bool


class _Child(NamedTuple):
    family_id: int
    full_name: str
    has_pai: bool
    birth_date: date


def _families(family_ids: Sequence[int], postal_codes) -> dict[int, _Family]:
    """What an invoice needs of each family: read as plain rows, not model instances
    (a run reads thousands)."""
    result = {}
    wanted = set(family_ids)
    for pk, number, line1, line2, postal_code, city, validated_on in Family.objects.filter(
        pk__range=family_span(family_ids)
    ).values_list(
        "pk",
        "number",
        "address_line1",
        "address_line2",
        "postal_code",
        "city",
        "address_validated_on",
    ):
        if pk not in wanted:
            continue
        result[pk] = _Family(
            number,
            "\n".join(address_lines(line1, line2, postal_code, city)),
            pricing_rules.is_resident(
                postal_code=postal_code,
                address_validated=validated_on is not None,
                commune_codes=postal_codes,
            ),
        )
    return result


def _children(family_ids: Sequence[int]) -> dict[int, _Child]:
    wanted = set(family_ids)
    return {
        pk: _Child(family_id, f"{first_name} {last_name}", has_pai, birth_date)
        for pk, family_id, first_name, last_name, has_pai, birth_date in Child.objects.filter(
            family__pk__range=family_span(family_ids)
        )
        .order_by()
        .values_list("pk", "family_id", "first_name", "last_name", "has_pai", "birth_date")
        if family_id in wanted
    }


def _payers(family_ids: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
    """(the payer's formal name, every guardian's e-mail) by family."""
    civilities = {value: str(label) for value, label in Civility.choices}
    by_family: dict[int, list[tuple]] = defaultdict(list)
    wanted = set(family_ids)
    for row in (
        Guardian.objects.filter(family__pk__range=family_span(family_ids))
        .order_by()
        .values_list(
            "family_id",
            "is_payer",
            "position",
            "pk",
            "civility",
            "first_name",
            "last_name",
            "email",
        )
    ):
        if row[0] in wanted:
            by_family[row[0]].append(row)
    result = {}
    for family_id, guardians in by_family.items():
        guardians.sort(key=lambda g: (not g[1], g[2], g[3]))
        _f, _p, _pos, _pk, civility, first_name, last_name, _e = guardians[0]
        emails = sorted({g[7] for g in guardians if g[7]})
        result[family_id] = (f"{civilities.get(civility, '')} {first_name} {last_name}", emails)
    return result


def _quotients(family_ids: Sequence[int], start: date, end: date) -> dict[int, list[tuple]]:
    """The QF periods over the month by family: (qf, starts_on, ends_before)."""
    quotients: dict[int, list[tuple]] = defaultdict(list)
    wanted = set(family_ids)
    for family_id, qf, starts_on, ends_before in (
        FamilyQuotient.objects.filter(family__pk__range=family_span(family_ids), starts_on__lte=end)
        .filter(Q(ends_before__isnull=True) | Q(ends_before__gt=start))
        .values_list("family_id", "qf", "starts_on", "ends_before")
    ):
        if family_id in wanted:
            quotients[family_id].append((qf, starts_on, ends_before))
    return quotients


def _pieces(days: list[date], breaks: list[date]) -> Iterator[list[date]]:
    """`days` (sorted) cut at each of `breaks` (sorted): the days of one piece share the
    grid and the QF, so one price."""
    if not days:
        return
    index = bisect_right(breaks, days[0])
    if index == bisect_right(breaks, days[-1], index):  # no break inside: the usual case
        yield days
        return
    piece: list[date] = []
    for day in days:
        at = bisect_right(breaks, day, index)
        if at != index and piece:
            yield piece
            piece = []
        index = at
        piece.append(day)
    if piece:
        yield piece


def drafts_for(
    family_ids: Sequence[int],
    month: date,
    catalogue: Catalogue,
    anomalies: list[Anomaly] | None,
    groups: Sequence[tuple] | None = None,
) -> Iterator[FamilyDraft]:
    """The invoice drafts of `family_ids` for `month`, without what is already billed.
    Fixed number of queries whatever the number of families (one chunk). `groups` are
    the chunk's rows of `units.MonthUnits` when the whole month was grouped at once;
    without them the chunk's children are grouped here. `anomalies` collects what the
    preview shows; None (a run) skips writing them.

    Set-based: the database groups the units (one row per child, activity and register
    state, with its days); each group is cut where the grid or the family's QF may
    change (the only dates where the price can) and each piece is priced once, with the
    grid and QF of its first day. `tests/reference.py` keeps the day-by-day rule this
    must equal; a property test compares them on random data."""
    if not family_ids:
        return
    start, end = month, rules.month_end(month)
    families = _families(family_ids, catalogue.postal_codes)
    children = _children(family_ids)
    payers = _payers(family_ids)
    quotients = _quotients(family_ids, start, end)
    enrolled = {
        (child_id, activity_id)
        for child_id, activity_id in Enrolment.objects.filter(
            family__pk__range=family_span(family_ids), status=EnrolmentStatus.ACCEPTED
        ).values_list("child_id", "activity_id")
        if child_id in children
    }
    already: dict[tuple[int, int], set[date]] = defaultdict(set)
    for child_id, activity_id, day in billed_days(family_ids, month):
        already[(child_id, activity_id)].add(day)
    if groups is None:
        groups = units.unit_groups(list(children), start, end)

    # (child, activity, kind, days) by family, what is already billed taken out.
    billable: dict[int, list[tuple[int, int, str, list[date]]]] = defaultdict(list)
    for family_id, child_id, activity_id, booked, present, justified, days in groups:
        child = children.get(child_id)
        if child is None or activity_id not in catalogue.activities:
            continue
        kind = rules.billable_kind(
            booked=bool(booked),
            present=None if present is None else bool(present),  # SQLite's temporary table: 0/1
            justified=bool(justified),
        )
        if kind is None:
            continue
        days = units.days_of(days)
        done = already.get((child_id, activity_id))
        if done:
            days = [day for day in days if day not in done]
        if days:
            billable[child.family_id if not booked else family_id].append(
                (child_id, activity_id, kind, days)
            )

    language = translation.get_language()
    note = anomalies is not None
    for family_id in sorted(billable):
        family = families[family_id]
        payer_name, emails = payers.get(family_id, (family.number, []))
        resident = family.resident
        records = quotients.get(family_id, [])
        qf_breaks = [r[1] for r in records] + [r[2] for r in records]
        family_breaks: dict[int, list[date]] = {}
        noted: set = set()
        priced: list[tuple[int, int, str, rules.LinePrice, list[date]]] = []
        for child_id, activity_id, kind, days in billable[family_id]:
            child = children[child_id]
            breaks = family_breaks.get(activity_id)
            if breaks is None:
                breaks = family_breaks[activity_id] = _breaks(
                    [*qf_breaks, *catalogue.grid_breaks(activity_id)]
                )
            for piece in _pieces(days, breaks):
                first = piece[0]
                found = catalogue.grid_on(activity_id, first)
                if found is None:
                    if note:
                        anomalies_of.no_grid(
                            anomalies,
                            noted,
                            family_id=family_id,
                            activity_id=activity_id,
                            service=catalogue.service(activity_id),
                            day=first,
                        )
                    continue
                qf = _qf_on(records, first) if records else None
                if note:
                    anomalies_of.piece_anomalies(
                        anomalies,
                        noted,
                        family_id=family_id,
                        family_number=family.number,
                        no_qf=qf is None and resident,
                        child_id=child_id,
                        child_name=child.full_name,
                        activity_id=activity_id,
                        activity_name=catalogue.activities[activity_id].name,
                        enrolled=(child_id, activity_id) in enrolled,
                        kind=kind,
                        days=piece,
                    )
                grid, rule = found
                price = catalogue.price(
                    grid,
                    rule,
                    qf,
                    resident=resident,
                    pai=child.has_pai,
                    unbooked=kind == rules.UNBOOKED,
                    language=language,
                )
                priced.append((child_id, activity_id, kind, price, piece))
        lines = rules.group_lines(
            priced,
            child_order=lambda child_id: (children[child_id].birth_date, child_id),
            activity_order=catalogue.activity_order,
        )
        if not lines:
            continue
        yield FamilyDraft(
            family_id=family_id,
            family_number=family.number,
            payer_name=payer_name,
            payer_address=family.address,
            emails=emails,
            lines=lines,
            child_names={line.child_id: children[line.child_id].full_name for line in lines},
        )


def _breaks(dates) -> list[date]:
    return sorted({day for day in dates if day is not None})


def _qf_on(records: list[tuple], day: date) -> int | None:
    for qf, starts_on, ends_before in records:
        if starts_on <= day and (ends_before is None or day < ends_before):
            return qf
    return None


def child_names(child_ids) -> dict[int, str]:
    return {
        c.pk: c.full_name
        for c in Child.objects.filter(pk__in=set(child_ids)).only("first_name", "last_name")
    }


def invoices_of_month_exist(regie_id: int, month: date) -> bool:
    return Invoice.objects.filter(regie_id=regie_id, month=month, kind=InvoiceKind.INVOICE).exists()
