"""Pure rules of pricing (no ORM): the quotient familial, the checks of a tariff grid,
the unit price with its explanation, and the dates from which they apply.

A quotient familial (QF) is a whole number of euros per month, as the CAF and the MSA
give it; the one computed from an avis d'imposition is rounded down to the euro.
Brackets are inclusive whole-euro ranges ("235–384 €"), so that every QF falls in
exactly one of them. Money is Decimal, rounded half-up to the cent once per unit price."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from espace_citoyen.core import dates

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Bounds beyond which a figure is a typing mistake, not an income.
QF_MAX = 20_000  # € per month on a CAF or MSA attestation
QF_AGENT_MAX = 1_000_000  # what the régie may record (a very high income, computed)
TAX_INCOME_MAX = Decimal("10000000")  # revenu fiscal de référence, € per year
PARTS_MIN = Decimal(1)
PARTS_MAX = Decimal(20)
PARTS_STEP = Decimal("0.25")  # parts come in halves, and quarters for shared custody


class RuleError(ValueError):
    """A rule broken by a figure; the message is for the user, in French."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- formatting --------------------------------------------------------------------------


def _group(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return " ".join(groups)


def money(amount: Decimal) -> str:
    """2.28 -> "2,28 €"; 1370 -> "1 370,00 €" (French writing, to the cent)."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    return f"{sign}{_group(units)},{cents} €"


def whole_euros(amount: int | Decimal) -> str:
    """812 -> "812 €"; 29232 -> "29 232 €"."""
    amount = Decimal(amount)
    if amount != amount.to_integral_value():
        return money(amount)
    return f"{_group(str(int(amount)))} €"


def percent(rate: Decimal) -> str:
    """Decimal("0.3600") -> "0,36 %"."""
    text = f"{Decimal(rate).normalize():f}"
    return f"{text.replace('.', ',')} %"


def number(value: Decimal) -> str:
    """Decimal("2.50") -> "2,5"."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent: 0.505 -> 0.51 (never the banker's 0.50)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


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


# --- quotient familial -------------------------------------------------------------------


def check_declared_qf(qf: int) -> int:
    """The QF printed on a CAF or MSA attestation: whole euros, 0 to 20 000."""
    if qf < 0:
        raise RuleError(
            _("Le quotient familial ne peut pas être négatif : recopiez-le de votre attestation."),
            field="qf",
        )
    if qf > QF_MAX:
        raise RuleError(
            _(
                "Un quotient familial de %(qf)s paraît erroné (il dépasse %(max)s) : "
                "vérifiez le chiffre sur votre attestation CAF ou MSA."
            )
            % {"qf": whole_euros(qf), "max": whole_euros(QF_MAX)},
            field="qf",
        )
    return int(qf)


def check_agent_qf(qf: int) -> int:
    if qf < 0:
        raise RuleError(_("Le quotient familial ne peut pas être négatif."), field="qf")
    if qf > QF_AGENT_MAX:
        raise RuleError(
            _("Un quotient familial de %(qf)s paraît erroné.") % {"qf": whole_euros(qf)},
            field="qf",
        )
    return int(qf)


def check_tax_income(income: Decimal) -> Decimal:
    if income < 0:
        raise RuleError(
            _(
                "Le revenu fiscal de référence ne peut pas être négatif : recopiez-le de "
                "votre avis d'imposition (0 € si vous n'avez pas de revenus)."
            ),
            field="income",
        )
    if income > TAX_INCOME_MAX:
        raise RuleError(
            _(
                "Un revenu fiscal de référence de %(income)s paraît erroné : vérifiez le "
                "chiffre sur votre avis d'imposition."
            )
            % {"income": whole_euros(income)},
            field="income",
        )
    if income != income.quantize(CENT):
        raise RuleError(
            _("Le revenu fiscal de référence s'écrit en euros, sans plus de deux décimales."),
            field="income",
        )
    return income


def check_parts(parts: Decimal) -> Decimal:
    if parts == 0:
        raise RuleError(
            _(
                "Le nombre de parts ne peut pas être nul : il figure sur votre avis "
                "d'imposition (1 part au moins)."
            ),
            field="parts",
        )
    if parts < PARTS_MIN or parts > PARTS_MAX:
        raise RuleError(
            _("Le nombre de parts est compris entre 1 et 20 : vérifiez votre avis d'imposition."),
            field="parts",
        )
    if parts % PARTS_STEP:
        raise RuleError(
            _(
                "Le nombre de parts se compte par demi ou quart de part (par exemple 2,5 "
                "ou 2,75) : vérifiez votre avis d'imposition."
            ),
            field="parts",
        )
    return parts


@dataclass(frozen=True)
class TaxQuotient:
    qf: int
    explanation: str


def qf_from_tax(income: Decimal, parts: Decimal) -> TaxQuotient:
    """QF = revenu fiscal de référence / 12 / parts, rounded down to the euro.

    Raises RuleError for a negative or absurd income, or zero or impossible parts."""
    income = check_tax_income(Decimal(income))
    parts = check_parts(Decimal(parts))
    exact = income / 12 / parts
    qf = int(exact.to_integral_value(rounding=ROUND_DOWN))
    return TaxQuotient(
        qf=qf,
        explanation=_("%(income)s / 12 mois / %(parts)s part%(s)s = %(qf)s")
        % {
            "income": whole_euros(income),
            "parts": number(parts),
            "s": "s" if parts >= 2 else "",
            "qf": whole_euros(qf),
        },
    )


def caf_parts(*, adults: int, children: int, disabled_children: int = 0) -> Decimal:
    """CAF parts, for reference: a couple or a single parent 2, first and second child
    +0.5 each, third +1, each next +0.5, each disabled child +0.5."""
    if adults not in (1, 2):
        raise RuleError(_("Un foyer compte un ou deux parents."), field="adults")
    if children < 0 or disabled_children < 0 or disabled_children > children:
        raise RuleError(_("Le nombre d'enfants est incorrect."), field="children")
    parts = Decimal(2)
    for rank in range(1, children + 1):
        parts += Decimal(1) if rank == 3 else Decimal("0.5")
    return parts + Decimal("0.5") * disabled_children


def caf_qf(*, annual_income: Decimal, monthly_benefits: Decimal, parts: Decimal) -> int:
    """CAF QF for reference: (annual taxable income / 12 + monthly benefits) / parts."""
    if annual_income < 0 or monthly_benefits < 0:
        raise RuleError(_("Les revenus et prestations ne peuvent pas être négatifs."))
    if parts <= 0:
        raise RuleError(_("Le nombre de parts ne peut pas être nul."), field="parts")
    exact = (Decimal(annual_income) / 12 + Decimal(monthly_benefits)) / Decimal(parts)
    return int(exact.to_integral_value(rounding=ROUND_DOWN))


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
