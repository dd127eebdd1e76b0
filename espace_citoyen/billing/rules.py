"""Pure rules of billing (no ORM): what a day of activity bills, how units group into
lines, totals, numbers, due dates, reminders, and how a payment is allocated."""

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)

# Line kinds (the values of models.LineKind)
BOOKED_PRESENT = "present"
BOOKED_ABSENT = "absent"
UNBOOKED = "sans_resa"
KIND_ORDER = {BOOKED_PRESENT: 0, BOOKED_ABSENT: 1, UNBOOKED: 2}


def cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: date) -> date:
    return (month_end(month) + timedelta(days=1)).replace(day=1)


def billable_kind(*, booked: bool, present: bool | None, justified: bool) -> str | None:
    """What one child's day at one activity bills (domain: Billing and payment).

    booked and present, or booked and not (yet) recorded → billed as booked;
    booked and absent without justification → billed; justified absence → not billed;
    present without booking → billed with the surcharge; nothing else is billed (a
    cancelled booking, a day the commune closed, are not booked)."""
    if booked:
        if present is False:
            return None if justified else BOOKED_ABSENT
        return BOOKED_PRESENT
    if present:
        return UNBOOKED
    return None


@dataclass(frozen=True)
class Unit:
    """One billable day: a child at an activity, on a day, of a kind."""

    child_id: int
    activity_id: int
    day: date
    kind: str


@dataclass(frozen=True)
class LinePrice:
    amount: Decimal
    explanation: str


@dataclass
class LineDraft:
    child_id: int
    activity_id: int
    kind: str
    unit_price: Decimal
    explanation: str
    days: list[date] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return len(self.days)

    @property
    def amount(self) -> Decimal:
        return cents(self.unit_price * self.quantity)


def build_lines(
    units: Iterable[Unit],
    price_of: Callable[[Unit], LinePrice],
    *,
    child_order: Callable[[int], object] = lambda child_id: child_id,
    activity_order: Callable[[int], object] = lambda activity_id: activity_id,
) -> list[LineDraft]:
    """Group units into lines: one per child, activity, kind and unit price (a price
    that changes within the month, a new grid or QF, makes a second line). Lines are
    ordered by child, then service, then kind; days inside a line are sorted."""
    return group_lines(
        (
            (unit.child_id, unit.activity_id, unit.kind, price_of(unit), [unit.day])
            for unit in units
        ),
        child_order=child_order,
        activity_order=activity_order,
    )


def group_lines(
    pieces: Iterable[tuple[int, int, str, LinePrice, Sequence[date]]],
    *,
    child_order: Callable[[int], object] = lambda child_id: child_id,
    activity_order: Callable[[int], object] = lambda activity_id: activity_id,
) -> list[LineDraft]:
    """`build_lines` for days already priced together: (child, activity, kind, price,
    days) pieces merge into one line per child, activity, kind and unit price."""
    lines: dict[tuple, LineDraft] = {}
    for child_id, activity_id, kind, price, days in pieces:
        key = (child_id, activity_id, kind, price.amount, price.explanation)
        line = lines.get(key)
        if line is None:
            line = lines[key] = LineDraft(
                child_id, activity_id, kind, price.amount, price.explanation
            )
        line.days.extend(days)
    for line in lines.values():
        line.days.sort()
    return sorted(
        lines.values(),
        key=lambda line: (
            child_order(line.child_id),
            activity_order(line.activity_id),
            KIND_ORDER.get(line.kind, 9),
            line.days[0],
            line.unit_price,
        ),
    )


def special_price_explanation(
    *, base: Decimal, surcharge: Decimal | None, money: Callable[[Decimal], str]
) -> str:
    """The explanation printed on an invoice line for a child on a PAI (the grid's PAI
    price): neutral wording, since an invoice goes to the payer, the régie, the accounting
    exports and the treasury, none of whom may learn a child's health plan or diet."""
    text = f"Tarif particulier → {money(base)}"
    if surcharge:
        text += f" ; présence sans réservation : + {money(surcharge)} = {money(base + surcharge)}"
    return text


def total_of(amounts: Iterable[Decimal]) -> Decimal:
    return sum((cents(amount) for amount in amounts), ZERO)


def number_label(prefix: str, year: int, sequence: int) -> str:
    """« FAC-2026-000001 »."""
    return f"{prefix}-{year}-{sequence:06d}"


def due_date(issued_on: date, days: int) -> date:
    return issued_on + timedelta(days=days)


def reminder_due(*, due_on: date | None, delay_days: int, today: date) -> bool:
    """An unpaid invoice is reminded once `delay_days` after its due date."""
    return due_on is not None and today >= due_on + timedelta(days=delay_days)


def payable_status(*, total: Decimal, paid: Decimal, credited: Decimal, debited: bool) -> str:
    """The status of an invoice from its amounts (the values of models.InvoiceStatus)."""
    due = total - credited - paid
    if credited >= total and total > 0:
        return "annulee"
    if total == 0 and credited == 0:
        return "reglee"
    if due <= 0:
        return "prelevee" if debited else "reglee"
    if paid > 0:
        return "partielle"
    return "a_regler"


@dataclass(frozen=True)
class Due:
    invoice_id: int
    amount: Decimal  # left to pay, > 0


def allocate(amount: Decimal, dues: Sequence[Due]) -> tuple[list[tuple[int, Decimal]], Decimal]:
    """Spread `amount` over `dues` in their order (oldest first): each invoice gets what
    it still owes until the money runs out. Returns the allocations and what is left
    (the family's credit)."""
    left = cents(amount)
    allocations = []
    for due in dues:
        if left <= 0:
            break
        part = min(left, due.amount)
        if part > 0:
            allocations.append((due.invoice_id, part))
            left -= part
    return allocations, left


def days_label(days: Sequence[date], *, limit: int = 31) -> str:
    """« 2, 3, 5, 9 » (the days of one month), or the count past `limit`."""
    if len(days) > limit:
        return f"{len(days)} jours"
    return ", ".join(str(day.day) for day in days)
