"""Pure rules of pricing (no ORM): the checks of a tariff grid, the unit price with its
explanation, residency, and the dates from which they apply.

Brackets are inclusive whole-euro ranges ("235–384 €"), so that every QF falls in
exactly one of them. Money is Decimal, rounded half-up to the cent once per unit price.

The quotient familial's own rules live in quotient_rules.py, the French writing of
money and figures in formatting.py, RuleError in errors.py; they are re-exported here
so that `rules.X` keeps working for every caller."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from espace_citoyen.core import dates
from espace_citoyen.pricing.errors import RuleError
from espace_citoyen.pricing.formatting import (  # noqa: F401
    CENT,
    HUNDRED,
    money,
    number,
    percent,
    round_cents,
    whole_euros,
)
from espace_citoyen.pricing.quotient_rules import (  # noqa: F401
    PARTS_MAX,
    PARTS_MIN,
    PARTS_STEP,
    QF_AGENT_MAX,
    QF_MAX,
    TAX_INCOME_MAX,
    TaxQuotient,
    caf_parts,
    caf_qf,
    check_agent_qf,
    check_declared_qf,
    check_parts,
    check_tax_income,
    qf_from_tax,
)

# --- dates -------------------------------------------------------------------------------


def first_of_next_month(day: date) -> date:
    """A validated quotient applies from the first day of the following month, never
    from an earlier day (a validation on 20 November applies from 1 December)."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


french_date = dates.french_date


def periods_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Whether two inclusive periods share a day (an end of None is open)."""
    a_before_b = end_a is not None and end_a < start_b
    b_before_a = end_b is not None and end_b < start_a
    return not (a_before_b or b_before_a)


# --- residency ---------------------------------------------------------------------------


def postal_codes(text: str) -> frozenset[str]:
    return frozenset(code.strip() for code in (text or "").split(",") if code.strip())


def is_resident(*, postal_code: str, address_validated: bool, commune_codes: str) -> bool:
    """Resident when the family's address, as validated by the guichet, is in one of the
    commune's postal codes. A commune that lists none treats every family as resident."""
    codes = postal_codes(commune_codes)
    if not codes:
        return True
    return address_validated and postal_code.strip() in codes


# --- tariff grids ------------------------------------------------------------------------

BRACKETS = "tranches"
EFFORT_RATE = "taux_effort"


@dataclass(frozen=True)
class Bracket:
    qf_min: int
    qf_max: int | None  # inclusive; None: "and above"
    price: Decimal


@dataclass(frozen=True)
class GridRule:
    """What the price rule needs of a grid: built from a TariffGrid by `as_rule()`."""

    kind: str
    non_resident_price: Decimal
    brackets: tuple[Bracket, ...] = ()
    effort_rate: Decimal | None = None  # in percent: Decimal("0.36") is 0.36 %
    floor_price: Decimal | None = None
    ceiling_price: Decimal | None = None
    pai_price: Decimal | None = None
    unbooked_surcharge: Decimal = Decimal(0)


def bracket_range(bracket: Bracket) -> str:
    if bracket.qf_max is None:
        return _("%(min)s et plus") % {"min": whole_euros(bracket.qf_min)}
    return _("de %(min)s à %(max)s") % {
        "min": whole_euros(bracket.qf_min),
        "max": whole_euros(bracket.qf_max),
    }


def bracket_problems(brackets: Sequence[Bracket]) -> list[str]:
    """What is wrong with a list of brackets, in French; empty when they are right.

    Right means: the first starts at 0 €, each starts the euro after the previous one
    ends (contiguous, no overlap), only the last is open-ended, and no price goes down
    when the QF goes up."""
    if not brackets:
        return [_("Indiquez au moins une tranche de quotient familial.")]
    problems = []
    ordered = sorted(brackets, key=lambda b: (b.qf_min, b.qf_max is None, b.qf_max or 0))
    for number_, bracket in enumerate(ordered, start=1):
        if bracket.qf_min < 0 or (bracket.qf_max is not None and bracket.qf_max < 0):
            problems.append(
                _("Tranche %(n)d : un quotient familial ne peut pas être négatif.") % {"n": number_}
            )
        if bracket.qf_max is not None and bracket.qf_max < bracket.qf_min:
            problems.append(
                _(
                    "Tranche %(n)d : la borne haute (%(max)s) est inférieure à la borne "
                    "basse (%(min)s)."
                )
                % {
                    "n": number_,
                    "max": whole_euros(bracket.qf_max),
                    "min": whole_euros(bracket.qf_min),
                }
            )
        if bracket.price < 0:
            problems.append(_("Tranche %(n)d : le prix ne peut pas être négatif.") % {"n": number_})
    if problems:
        return problems
    if ordered[0].qf_min != 0:
        problems.append(
            _(
                "La première tranche doit commencer à 0 € (elle commence à %(min)s) : "
                "sinon les quotients plus bas n'auraient pas de prix."
            )
            % {"min": whole_euros(ordered[0].qf_min)}
        )
    for index in range(1, len(ordered)):
        previous, current = ordered[index - 1], ordered[index]
        n_prev, n_cur = index, index + 1
        if previous.qf_max is None or current.qf_min <= previous.qf_max:
            problems.append(
                _(
                    "Les tranches %(a)d (%(range_a)s) et %(b)d (%(range_b)s) se chevauchent : "
                    "un même quotient aurait deux prix."
                )
                % {
                    "a": n_prev,
                    "range_a": bracket_range(previous),
                    "b": n_cur,
                    "range_b": bracket_range(current),
                }
            )
        elif current.qf_min > previous.qf_max + 1:
            problems.append(
                _(
                    "Il manque les quotients de %(from)s à %(to)s entre les tranches %(a)d et "
                    "%(b)d : la tranche %(b)d doit commencer à %(expected)s."
                )
                % {
                    "from": whole_euros(previous.qf_max + 1),
                    "to": whole_euros(current.qf_min - 1),
                    "a": n_prev,
                    "b": n_cur,
                    "expected": whole_euros(previous.qf_max + 1),
                }
            )
        if current.price < previous.price:
            problems.append(
                _(
                    "Le prix de la tranche %(b)d (%(price_b)s) est inférieur à celui de la "
                    "tranche %(a)d (%(price_a)s) : le tarif ne peut pas baisser quand le "
                    "quotient augmente."
                )
                % {
                    "a": n_prev,
                    "b": n_cur,
                    "price_a": money(previous.price),
                    "price_b": money(current.price),
                }
            )
    if ordered[-1].qf_max is not None:
        problems.append(
            _(
                "La dernière tranche doit rester ouverte (laissez sa borne haute vide : "
                "« %(min)s et plus »), pour que tout quotient ait un prix."
            )
            % {"min": whole_euros(ordered[-1].qf_min)}
        )
    return problems


def effort_problems(
    rate: Decimal | None, floor: Decimal | None, ceiling: Decimal | None
) -> list[tuple[str | None, str]]:
    """What is wrong with a taux d'effort (field, message); empty when it is right."""
    problems: list[tuple[str | None, str]] = []
    if rate is None:
        problems.append(("effort_rate", _("Indiquez le taux d'effort (en %).")))
    elif rate <= 0 or rate > 100:
        problems.append(
            (
                "effort_rate",
                _("Le taux d'effort est un pourcentage supérieur à 0 et au plus 100 %."),
            )
        )
    if floor is None:
        problems.append(("floor_price", _("Indiquez le prix plancher.")))
    elif floor < 0:
        problems.append(("floor_price", _("Le prix plancher ne peut pas être négatif.")))
    if ceiling is None:
        problems.append(("ceiling_price", _("Indiquez le prix plafond.")))
    elif ceiling < 0:
        problems.append(("ceiling_price", _("Le prix plafond ne peut pas être négatif.")))
    if floor is not None and ceiling is not None and floor > ceiling:
        problems.append(
            (
                "floor_price",
                _(
                    "Le prix plancher (%(floor)s) est supérieur au prix plafond (%(ceiling)s) : "
                    "inversez-les ou corrigez l'un des deux."
                )
                % {"floor": money(floor), "ceiling": money(ceiling)},
            )
        )
    return problems


def grid_problems(grid: GridRule) -> list[tuple[str | None, str]]:
    """Every problem of a whole grid (field, message)."""
    problems: list[tuple[str | None, str]] = []
    if grid.kind == BRACKETS:
        problems += [(None, message) for message in bracket_problems(grid.brackets)]
    elif grid.kind == EFFORT_RATE:
        problems += effort_problems(grid.effort_rate, grid.floor_price, grid.ceiling_price)
    else:
        problems.append(("kind", _("Choisissez le type de grille.")))
    for field, value, label in [
        ("non_resident_price", grid.non_resident_price, _("Le tarif non-résident")),
        ("pai_price", grid.pai_price, _("Le tarif PAI")),
        ("unbooked_surcharge", grid.unbooked_surcharge, _("La majoration")),
    ]:
        if value is not None and value < 0:
            problems.append((field, _("%(label)s ne peut pas être négatif.") % {"label": label}))
    return problems


# --- the price ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    amount: Decimal
    explanation: str
    bracket: int | None = None  # 1-based number of the bracket used, if any

    @property
    def display(self) -> str:
        return money(self.amount)


def find_bracket(brackets: Sequence[Bracket], qf: int) -> tuple[int, Bracket]:
    """The (1-based number, bracket) holding `qf`."""
    ordered = sorted(brackets, key=lambda b: b.qf_min)
    for number_, bracket in enumerate(ordered, start=1):
        if bracket.qf_min <= qf and (bracket.qf_max is None or qf <= bracket.qf_max):
            return number_, bracket
    raise RuleError(
        _("Aucune tranche de la grille ne contient le quotient %(qf)s.") % {"qf": whole_euros(qf)}
    )


def highest_price(grid: GridRule) -> Decimal:
    if grid.kind == EFFORT_RATE:
        return round_cents(grid.ceiling_price)
    return max(bracket.price for bracket in grid.brackets)


def _resident_price(grid: GridRule, qf: int | None) -> Price:
    if grid.kind == BRACKETS:
        ordered = sorted(grid.brackets, key=lambda b: b.qf_min)
        if qf is None:
            top = max(range(len(ordered)), key=lambda i: (ordered[i].price, i))
            amount = round_cents(ordered[top].price)
            return Price(
                amount,
                _(
                    "Pas de quotient familial déclaré → tranche la plus élevée "
                    "(tranche %(n)d) → %(price)s"
                )
                % {"n": top + 1, "price": money(amount)},
                bracket=top + 1,
            )
        number_, bracket = find_bracket(ordered, qf)
        amount = round_cents(bracket.price)
        return Price(
            amount,
            _("QF %(qf)s → tranche %(n)d → %(price)s")
            % {"qf": whole_euros(qf), "n": number_, "price": money(amount)},
            bracket=number_,
        )
    floor, ceiling = grid.floor_price, grid.ceiling_price
    if qf is None:
        amount = round_cents(ceiling)
        return Price(
            amount,
            _("Pas de quotient familial déclaré → prix plafond → %(price)s")
            % {"price": money(amount)},
        )
    # The product is rounded once, then kept between the floor and the ceiling (both in
    # cents): the same amount as clamping first, and the explanation never reads
    # « = 2,60 €, sous le plancher » for a product that rounds to the floor itself.
    product_cents = round_cents(Decimal(qf) * grid.effort_rate / HUNDRED)
    floor, ceiling = round_cents(floor), round_cents(ceiling)
    product = _("%(qf)s × %(rate)s = %(raw)s") % {
        "qf": whole_euros(qf),
        "rate": percent(grid.effort_rate),
        "raw": money(product_cents),
    }
    if product_cents < floor:
        amount = floor
        text = _("%(product)s, sous le plancher → %(price)s") % {
            "product": product,
            "price": money(amount),
        }
    elif product_cents > ceiling:
        amount = ceiling
        text = _("%(product)s, au-dessus du plafond → %(price)s") % {
            "product": product,
            "price": money(amount),
        }
    else:
        amount = product_cents
        text = _("%(product)s, entre %(floor)s et %(ceiling)s") % {
            "product": product,
            "floor": money(floor),
            "ceiling": money(ceiling),
        }
    return Price(amount, text)


def unit_price(
    grid: GridRule,
    qf: int | None,
    *,
    resident: bool,
    pai: bool = False,
    unbooked: bool = False,
) -> Price:
    """The unit price of one activity for a family, and how it is computed.

    `qf` None means no declaration: the highest price. A child with a PAI (packed
    lunch brought by the family) pays the grid's PAI price when it has one; a family
    that is not resident pays the flat non-resident price. An attendance that was not
    booked adds the grid's surcharge. Rounded half-up to the cent, once."""
    if pai and grid.pai_price is not None:
        amount = round_cents(grid.pai_price)
        price = Price(
            amount, _("PAI, panier repas fourni → tarif PAI → %(price)s") % {"price": money(amount)}
        )
    elif not resident:
        amount = round_cents(grid.non_resident_price)
        price = Price(
            amount,
            _("Famille non résidente → tarif non-résident → %(price)s") % {"price": money(amount)},
        )
    else:
        price = _resident_price(grid, qf)
    if unbooked and grid.unbooked_surcharge:
        surcharge = round_cents(grid.unbooked_surcharge)
        total = price.amount + surcharge
        price = Price(
            total,
            _("%(explanation)s ; présence sans réservation : + %(surcharge)s = %(total)s")
            % {
                "explanation": price.explanation,
                "surcharge": money(surcharge),
                "total": money(total),
            },
            bracket=price.bracket,
        )
    return price
