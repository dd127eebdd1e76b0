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

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from espace_citoyen.activities.models import (
    Activity,
    Attendance,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.billing import rules
from espace_citoyen.billing.models import Invoice, InvoiceKind, InvoiceLine
from espace_citoyen.families.models import Child, Family, Guardian
from espace_citoyen.portal.selectors import commune_get
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing.models import FamilyQuotient, TariffBracket, TariffGrid

CHUNK = 2000


@dataclass(frozen=True)
class Anomaly:
    code: str  # no_qf, unbooked, no_enrolment, no_grid
    family_id: int
    text: str


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
        for grid in grids:
            self.grids[grid.activity_id].append((grid, grid.as_rule(brackets[grid.pk])))
        self.postal_codes = commune_get().postal_codes
        self._prices: dict[tuple, rules.LinePrice] = {}
        self._grid_days: dict[tuple, object] = {}
        self._breaks: dict[int, list[date]] = {}

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
        activity = self.activities[activity_id]
        place = activity.place
        return (
            f"{activity.name} — {place}" if place and place not in activity.name else activity.name
        )

    def site(self, activity_id: int) -> str:
        return self.activities[activity_id].place or _("Sans lieu")

    def price(self, grid, rule, qf, *, resident, pai, unbooked) -> rules.LinePrice:
        key = (grid.pk, qf, resident, pai, unbooked)
        price = self._prices.get(key)
        if price is None:
            computed = pricing_rules.unit_price(
                rule, qf, resident=resident, pai=pai, unbooked=unbooked
            )
            explanation = computed.explanation
            if pai and rule.pai_price is not None:
                explanation = rules.special_price_explanation(
                    base=pricing_rules.round_cents(rule.pai_price),
                    surcharge=pricing_rules.round_cents(rule.unbooked_surcharge)
                    if unbooked and rule.unbooked_surcharge
                    else None,
                    money=pricing_rules.money,
                )
            price = self._prices[key] = rules.LinePrice(computed.amount, explanation)
        return price


def families_to_bill(month: date) -> list[int]:
    """Ids of the families with a booking or an attendance in the month."""
    start, end = month, rules.month_end(month)
    booked = Booking.objects.filter(
        date__range=(start, end), status=BookingStatus.CONFIRMED
    ).values_list("family_id", flat=True)
    present = Attendance.objects.filter(date__range=(start, end), present=True).values_list(
        "child__family_id", flat=True
    )
    return sorted(set(booked.distinct()) | set(present.distinct()))


def billed_days(family_ids: Sequence[int], month: date) -> set[tuple[int, int, date]]:
    """(child, activity, day) already on an invoice of the month and not credited."""
    invoices = list(
        Invoice.objects.filter(family_id__in=family_ids, month=month).values_list("pk", "kind")
    )
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


def _payers(family_ids: Sequence[int]) -> dict[int, tuple[str, str, list[str]]]:
    by_family: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in Guardian.objects.filter(family_id__in=family_ids).only(
        "family_id", "civility", "first_name", "last_name", "email", "is_payer", "position"
    ):
        by_family[guardian.family_id].append(guardian)
    result = {}
    for family_id, guardians in by_family.items():
        guardians.sort(key=lambda g: (not g.is_payer, g.position, g.pk))
        payer = guardians[0]
        emails = sorted({g.email for g in guardians if g.email})
        result[family_id] = (payer.formal_name, payer, emails)
    return result


# The month's billable units of a chunk's children, grouped by the database: one row per
# family, child, activity and register state, with its days. Booked days come with their
# register line (or none); present days without a confirmed booking are the unbooked
# ones. Which rows bill what stays `rules.billable_kind`'s decision.
UNITS_SQL = """
SELECT b.family_id, b.child_id, b.activity_id, 1, a.present, a.justified, {days_b}
FROM activities_booking b
LEFT JOIN activities_attendance a
  ON a.activity_id = b.activity_id AND a.date = b.date AND a.child_id = b.child_id
  AND a.activity_id {activities} AND a.date BETWEEN %s AND %s
WHERE b.child_id {children} AND b.status = %s AND b.date BETWEEN %s AND %s
GROUP BY b.family_id, b.child_id, b.activity_id, a.present, a.justified
UNION ALL
SELECT c.family_id, a.child_id, a.activity_id, 0, a.present, a.justified, {days_a}
FROM activities_attendance a
JOIN families_child c ON c.id = a.child_id
WHERE a.activity_id {activities} AND a.date BETWEEN %s AND %s AND a.child_id {children}
  AND a.present
  AND NOT EXISTS (
    SELECT 1 FROM activities_booking x
    WHERE x.child_id = a.child_id AND x.activity_id = a.activity_id AND x.date = a.date
      AND x.status = %s
  )
GROUP BY c.family_id, a.child_id, a.activity_id, a.present, a.justified
"""


def _in(values: list[int]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [values]
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", values


def _unit_groups(
    child_ids: list[int], activity_ids: list[int], start: date, end: date
) -> list[tuple]:
    """(family, child, activity, booked, present, justified, days) of the chunk's
    children in the month, from one grouped statement. The register is read by activity
    and date (its unique index), like the bookings by child and date (theirs)."""
    if not child_ids or not activity_ids:
        return []
    children, child_params = _in(child_ids)
    activities, activity_params = _in(activity_ids)
    if connection.vendor == "postgresql":
        days_b, days_a = "array_agg(b.date)", "array_agg(a.date)"
    else:
        days_b, days_a = "group_concat(b.date)", "group_concat(a.date)"
    sql = UNITS_SQL.format(children=children, activities=activities, days_b=days_b, days_a=days_a)
    confirmed = BookingStatus.CONFIRMED.value
    params = [
        *activity_params,
        start,
        end,
        *child_params,
        confirmed,
        start,
        end,
        *activity_params,
        start,
        end,
        *child_params,
        confirmed,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _days(value) -> list[date]:
    if isinstance(value, str):  # SQLite's group_concat
        return [date.fromisoformat(day) for day in value.split(",")]
    return list(value)


def _pieces(days: list[date], breaks: list[date]) -> Iterator[list[date]]:
    """`days` (sorted) cut at each of `breaks` (sorted): the days of one piece share the
    grid and the QF, so one price."""
    piece: list[date] = []
    index = bisect_right(breaks, days[0]) if days else 0
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
    family_ids: Sequence[int], month: date, catalogue: Catalogue, anomalies: list[Anomaly]
) -> Iterator[FamilyDraft]:
    """The invoice drafts of `family_ids` for `month`, without what is already billed.
    Fixed number of queries whatever the number of families (one chunk).

    Set-based: the database groups the units (one row per child, activity and register
    state, with its days); each group is cut where the grid or the family's QF may
    change (the only dates where the price can) and each piece is priced once, with the
    grid and QF of its first day. `tests/reference.py` keeps the day-by-day rule this
    must equal; a property test compares them on random data."""
    start, end = month, rules.month_end(month)
    families = {
        f.pk: f
        for f in Family.objects.filter(pk__in=family_ids).only(
            "number",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "address_validated_on",
        )
    }
    children = {
        c.pk: c
        for c in Child.objects.filter(family_id__in=family_ids).only(
            "family_id", "first_name", "last_name", "has_pai", "birth_date"
        )
    }
    payers = _payers(family_ids)
    quotients: dict[int, list[FamilyQuotient]] = defaultdict(list)
    for record in (
        FamilyQuotient.objects.filter(family_id__in=family_ids, starts_on__lte=end)
        .filter(Q(ends_before__isnull=True) | Q(ends_before__gt=start))
        .only("family_id", "qf", "starts_on", "ends_before")
    ):
        quotients[record.family_id].append(record)
    enrolled = set(
        Enrolment.objects.filter(
            family_id__in=family_ids, status=EnrolmentStatus.ACCEPTED
        ).values_list("child_id", "activity_id")
    )
    already: dict[tuple[int, int], set[date]] = defaultdict(set)
    for child_id, activity_id, day in billed_days(family_ids, month):
        already[(child_id, activity_id)].add(day)

    # (child, activity, kind, days) by family, what is already billed taken out.
    units: dict[int, list[tuple[int, int, str, list[date]]]] = defaultdict(list)
    for family_id, child_id, activity_id, booked, present, justified, days in _unit_groups(
        list(children), sorted(catalogue.activities), start, end
    ):
        if not booked and child_id not in children:
            continue
        kind = rules.billable_kind(booked=bool(booked), present=present, justified=bool(justified))
        if kind is None:
            continue
        days = _days(days)
        done = already.get((child_id, activity_id))
        if done:
            days = [day for day in days if day not in done]
        if days:
            if not booked:
                family_id = children[child_id].family_id
            units[family_id].append((child_id, activity_id, kind, sorted(days)))

    for family_id in sorted(units):
        family = families[family_id]
        payer_name, _payer, emails = payers.get(family_id, (family.number, None, []))
        resident = pricing_rules.is_resident(
            postal_code=family.postal_code,
            address_validated=family.address_validated_on is not None,
            commune_codes=catalogue.postal_codes,
        )
        records = quotients.get(family_id, [])
        qf_breaks = [r.starts_on for r in records] + [r.ends_before for r in records]
        noted: set = set()
        priced: list[tuple[int, int, str, rules.LinePrice, list[date]]] = []
        for child_id, activity_id, kind, days in units[family_id]:
            child = children[child_id]
            breaks = _breaks([*qf_breaks, *catalogue.grid_breaks(activity_id)])
            for piece in _pieces(days, breaks):
                first = piece[0]
                found = catalogue.grid_on(activity_id, first)
                if found is None:
                    if ("no_grid", activity_id) not in noted:
                        noted.add(("no_grid", activity_id))
                        anomalies.append(
                            Anomaly(
                                "no_grid",
                                family_id,
                                _(
                                    "%(service)s : aucune grille tarifaire le %(day)s, "
                                    "jour non facturé."
                                )
                                % {
                                    "service": catalogue.service(activity_id),
                                    "day": f"{first:%d/%m/%Y}",
                                },
                            )
                        )
                    continue
                qf = _qf_on(records, first)
                if qf is None and resident and "no_qf" not in noted:
                    noted.add("no_qf")
                    anomalies.append(
                        Anomaly(
                            "no_qf",
                            family_id,
                            _("Famille %(family)s sans quotient familial : tarif le plus élevé.")
                            % {"family": family.number},
                        )
                    )
                if kind == rules.UNBOOKED:
                    anomalies.extend(
                        Anomaly(
                            "unbooked",
                            family_id,
                            _("%(child)s : présence sans réservation le %(day)s (%(service)s).")
                            % {
                                "child": child.full_name,
                                "day": f"{day:%d/%m/%Y}",
                                "service": catalogue.activities[activity_id].name,
                            },
                        )
                        for day in piece
                    )
                pair = (child_id, activity_id)
                if pair not in enrolled and pair not in noted:
                    noted.add(pair)
                    anomalies.append(
                        Anomaly(
                            "no_enrolment",
                            family_id,
                            _("%(child)s : facturé sans inscription acceptée à %(service)s.")
                            % {
                                "child": child.full_name,
                                "service": catalogue.activities[activity_id].name,
                            },
                        )
                    )
                grid, rule = found
                price = catalogue.price(
                    grid,
                    rule,
                    qf,
                    resident=resident,
                    pai=child.has_pai,
                    unbooked=kind == rules.UNBOOKED,
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
            payer_address="\n".join(family.address_lines),
            emails=emails,
            lines=lines,
            child_names={line.child_id: children[line.child_id].full_name for line in lines},
        )


def _breaks(dates) -> list[date]:
    return sorted({day for day in dates if day is not None})


def _qf_on(records: list[FamilyQuotient], day: date) -> int | None:
    for record in records:
        if record.starts_on <= day and (record.ends_before is None or day < record.ends_before):
            return record.qf
    return None


def child_names(child_ids) -> dict[int, str]:
    return {
        c.pk: c.full_name
        for c in Child.objects.filter(pk__in=set(child_ids)).only("first_name", "last_name")
    }


def invoices_of_month_exist(regie_id: int, month: date) -> bool:
    return Invoice.objects.filter(regie_id=regie_id, month=month, kind=InvoiceKind.INVOICE).exists()
