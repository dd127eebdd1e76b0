from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from espace_citoyen.pricing import rules
from espace_citoyen.pricing.rules import Bracket, GridRule

D = Decimal

# domain.md: the Paris canteen brackets (with an open last bracket for the rule).
PARIS = GridRule(
    kind=rules.BRACKETS,
    non_resident_price=D("7.50"),
    brackets=(
        Bracket(0, 234, D("0.13")),
        Bracket(235, 384, D("0.85")),
        Bracket(385, 548, D("1.62")),
        Bracket(549, 959, D("2.28")),
        Bracket(960, 1370, D("3.62")),
        Bracket(1371, None, D("4.61")),
    ),
    pai_price=D("1.00"),
    unbooked_surcharge=D("1.50"),
)
# domain.md: taux d'effort 0.36 % of the QF, at least 2.60 €, at most 4.50 €.
EFFORT = GridRule(
    kind=rules.EFFORT_RATE,
    non_resident_price=D("5.20"),
    effort_rate=D("0.36"),
    floor_price=D("2.60"),
    ceiling_price=D("4.50"),
)

prices = st.decimals(min_value=0, max_value=50, places=2)
qfs = st.integers(min_value=0, max_value=100_000)


@st.composite
def bracket_grids(draw) -> GridRule:
    """Valid bracket grids: contiguous from 0, open last bracket, prices not decreasing."""
    count = draw(st.integers(min_value=1, max_value=10))
    widths = draw(
        st.lists(st.integers(min_value=1, max_value=2000), min_size=count - 1, max_size=count - 1)
    )
    steps = draw(st.lists(prices, min_size=count, max_size=count))
    brackets, start, price = [], 0, D(0)
    for index in range(count):
        price += steps[index]
        if index < count - 1:
            end = start + widths[index] - 1
            brackets.append(Bracket(start, end, price))
            start = end + 1
        else:
            brackets.append(Bracket(start, None, price))
    return GridRule(kind=rules.BRACKETS, non_resident_price=D("9.99"), brackets=tuple(brackets))


@st.composite
def effort_grids(draw) -> GridRule:
    floor = draw(prices)
    ceiling = floor + draw(prices)
    rate = draw(st.decimals(min_value=D("0.0001"), max_value=D("5"), places=4))
    return GridRule(
        kind=rules.EFFORT_RATE,
        non_resident_price=D("9.99"),
        effort_rate=rate,
        floor_price=floor,
        ceiling_price=ceiling,
    )


# --- properties ----------------------------------------------------------------------------------


@given(grid=st.one_of(bracket_grids(), effort_grids()), a=qfs, b=qfs)
def test_price_never_decreases_when_the_qf_grows(grid, a, b):
    """For both kinds of grid, a higher QF never pays less."""
    low, high = min(a, b), max(a, b)
    assert (
        rules.unit_price(grid, low, resident=True).amount
        <= rules.unit_price(grid, high, resident=True).amount
    )


@given(grid=effort_grids(), qf=qfs)
def test_taux_d_effort_stays_between_floor_and_ceiling(grid, qf):
    """A taux d'effort price is always within [floor, ceiling]."""
    price = rules.unit_price(grid, qf, resident=True).amount
    assert grid.floor_price <= price <= grid.ceiling_price


@given(grid=effort_grids(), qf=qfs)
def test_taux_d_effort_explanation_agrees_with_the_amount(grid, qf):
    """The product shown is the amount unless it is below the floor or above the ceiling,
    and the explanation says which."""
    price = rules.unit_price(grid, qf, resident=True)
    product = rules.round_cents(D(qf) * grid.effort_rate / 100)
    shown = f"= {rules.money(product)}, "
    assert shown in price.explanation
    if product < grid.floor_price:
        assert "sous le plancher" in price.explanation
        assert price.amount == grid.floor_price
    elif product > grid.ceiling_price:
        assert "au-dessus du plafond" in price.explanation
        assert price.amount == grid.ceiling_price
    else:
        assert "entre" in price.explanation
        assert price.amount == product


@given(grid=bracket_grids(), qf=qfs)
def test_every_qf_falls_in_exactly_one_bracket(grid, qf):
    """Valid brackets pass the checks, and any QF ≥ 0 is in exactly one of them."""
    assert rules.bracket_problems(grid.brackets) == []
    holding = [b for b in grid.brackets if b.qf_min <= qf and (b.qf_max is None or qf <= b.qf_max)]
    assert len(holding) == 1


@given(grid=st.one_of(bracket_grids(), effort_grids()), qf=qfs)
def test_no_declaration_pays_the_highest_price(grid, qf):
    """Without a declared QF a family pays the highest resident price of the grid."""
    none = rules.unit_price(grid, None, resident=True).amount
    assert none == rules.highest_price(grid)
    assert none >= rules.unit_price(grid, qf, resident=True).amount


@given(cents=st.integers(min_value=0, max_value=10**7), third=st.integers(min_value=0, max_value=9))
def test_rounding_is_half_up_to_the_cent(cents, third):
    """x.xx5 goes up, x.xx4 goes down: half-up, never the banker's rounding."""
    value = D(cents) / 100 + D(third) / 1000
    expected = D(cents) / 100 + (D("0.01") if third >= 5 else 0)
    assert rules.round_cents(value) == expected


@given(
    income=st.decimals(min_value=0, max_value=10_000_000, places=2),
    halves=st.integers(min_value=2, max_value=40),
)
def test_tax_qf_is_income_over_twelve_over_parts_rounded_down(income, halves):
    """QF = RFR / 12 / parts, rounded down to the euro (never more than the exact value)."""
    parts = D(halves) / 2
    qf = rules.qf_from_tax(income, parts).qf
    exact = income / 12 / parts
    assert qf <= exact < qf + 1


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_validated_qf_applies_from_the_first_of_next_month(day):
    """Never backdated: the start is a 1st, after the validation day, within 31 days."""
    start = rules.first_of_next_month(day)
    assert start.day == 1
    assert day < start <= day + timedelta(days=31)
    assert (start - timedelta(days=1)).month == day.month


@given(
    a=st.integers(0, 1000), la=st.integers(0, 100), b=st.integers(0, 1000), lb=st.integers(0, 100)
)
def test_periods_overlap_is_symmetric_and_day_exact(a, la, b, lb):
    """Two periods overlap exactly when they share a day."""
    base = date(2026, 1, 1)
    sa, ea, sb, eb = (base + timedelta(days=x) for x in (a, a + la, b, b + lb))
    shared = max(sa, sb) <= min(ea, eb)
    assert rules.periods_overlap(sa, ea, sb, eb) is shared
    assert rules.periods_overlap(sb, eb, sa, ea) is shared


# --- worked examples (domain.md) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("qf", "price", "bracket"),
    [
        (0, "0.13", 1),
        (234, "0.13", 1),
        (235, "0.85", 2),
        (384, "0.85", 2),
        (385, "1.62", 3),
        (548, "1.62", 3),
        (549, "2.28", 4),
        (812, "2.28", 4),
        (959, "2.28", 4),
        (960, "3.62", 5),
        (1370, "3.62", 5),
        (1371, "4.61", 6),
    ],
)
def test_paris_brackets_give_the_published_prices(qf, price, bracket):
    """The Paris canteen scale: 0–234 € → 0,13 €, 235–384 € → 0,85 €, … 960–1370 € → 3,62 €."""
    result = rules.unit_price(PARIS, qf, resident=True)
    assert result.amount == D(price)
    assert result.bracket == bracket


def test_bracket_explanation():
    """The explanation reads as the issue writes it."""
    assert (
        rules.unit_price(PARIS, 812, resident=True).explanation == "QF 812 € → tranche 4 → 2,28 €"
    )


@pytest.mark.parametrize(
    ("qf", "price", "explanation"),
    [
        (812, "2.92", "812 € × 0,36 % = 2,92 €, entre 2,60 € et 4,50 €"),
        (300, "2.60", "300 € × 0,36 % = 1,08 €, sous le plancher → 2,60 €"),
        (1500, "4.50", "1 500 € × 0,36 % = 5,40 €, au-dessus du plafond → 4,50 €"),
        (723, "2.60", "723 € × 0,36 % = 2,60 €, entre 2,60 € et 4,50 €"),
        (722, "2.60", "722 € × 0,36 % = 2,60 €, entre 2,60 € et 4,50 €"),  # 2,5992 €
        (721, "2.60", "721 € × 0,36 % = 2,60 €, entre 2,60 € et 4,50 €"),  # 2,5956 €
        (720, "2.60", "720 € × 0,36 % = 2,59 €, sous le plancher → 2,60 €"),
        (1250, "4.50", "1 250 € × 0,36 % = 4,50 €, entre 2,60 € et 4,50 €"),
        (1251, "4.50", "1 251 € × 0,36 % = 4,50 €, entre 2,60 € et 4,50 €"),  # 4,5036 €
        (1252, "4.50", "1 252 € × 0,36 % = 4,51 €, au-dessus du plafond → 4,50 €"),
        (1000, "3.60", "1 000 € × 0,36 % = 3,60 €, entre 2,60 € et 4,50 €"),
    ],
)
def test_taux_d_effort_worked_examples(qf, price, explanation):
    """0,36 % of the QF, at least 2,60 €, at most 4,50 €."""
    result = rules.unit_price(EFFORT, qf, resident=True)
    assert result.amount == D(price)
    assert result.explanation == explanation


def test_half_up_on_an_exact_half_cent():
    """101 € × 0,5 % = 0,505 € → 0,51 € (half-up), not 0,50 €."""
    grid = GridRule(
        kind=rules.EFFORT_RATE,
        non_resident_price=D(9),
        effort_rate=D("0.5"),
        floor_price=D(0),
        ceiling_price=D(10),
    )
    assert rules.unit_price(grid, 101, resident=True).amount == D("0.51")


def test_no_declaration_explanations():
    """Without a QF: the highest bracket, or the ceiling, and it says so."""
    assert rules.unit_price(PARIS, None, resident=True).explanation == (
        "Pas de quotient familial déclaré → tranche la plus élevée (tranche 6) → 4,61 €"
    )
    assert rules.unit_price(EFFORT, None, resident=True).explanation == (
        "Pas de quotient familial déclaré → prix plafond → 4,50 €"
    )


def test_non_resident_pai_and_unbooked():
    """Non-residents pay the flat price; PAI the packed-lunch price; unbooked adds the surcharge."""
    assert rules.unit_price(PARIS, 100, resident=False).amount == D("7.50")
    assert rules.unit_price(PARIS, 100, resident=False).explanation == (
        "Famille non résidente → tarif non-résident → 7,50 €"
    )
    assert rules.unit_price(PARIS, 2000, resident=True, pai=True).amount == D("1.00")
    unbooked = rules.unit_price(PARIS, 812, resident=True, unbooked=True)
    assert unbooked.amount == D("3.78")
    assert unbooked.explanation == (
        "QF 812 € → tranche 4 → 2,28 € ; présence sans réservation : + 1,50 € = 3,78 €"
    )
    # A grid without PAI price: the child pays the usual price.
    assert rules.unit_price(EFFORT, 812, resident=True, pai=True).amount == D("2.92")


def test_tax_qf_worked_example():
    """29 232 € / 12 / 3 parts = 812 €."""
    result = rules.qf_from_tax(D("29232"), D("3"))
    assert result.qf == 812
    assert result.explanation == "29 232 € / 12 mois / 3 parts = 812 €"
    assert rules.qf_from_tax(D("30000"), D("2.5")).qf == 1000
    assert rules.qf_from_tax(D("10001"), D("1")).qf == 833  # 833.41… rounded down


def test_caf_reference_formula():
    """CAF parts: couple 2, +0.5 per first two children, +1 the third, +0.5 disabled."""
    assert rules.caf_parts(adults=2, children=0) == D(2)
    assert rules.caf_parts(adults=1, children=2) == D(3)
    assert rules.caf_parts(adults=2, children=3) == D(4)
    assert rules.caf_parts(adults=2, children=4) == D("4.5")
    assert rules.caf_parts(adults=2, children=1, disabled_children=1) == D(3)
    # (36 000 / 12 + 300) / 3 = 1 100
    assert rules.caf_qf(annual_income=D(36000), monthly_benefits=D(300), parts=D(3)) == 1100


# --- dates -----------------------------------------------------------------------------------------


def test_validated_on_the_20th_applies_from_the_first_of_next_month():
    """A validation on 20 November applies from 1 December; in December, from 1 January."""
    assert rules.first_of_next_month(date(2026, 11, 20)) == date(2026, 12, 1)
    assert rules.first_of_next_month(date(2026, 12, 20)) == date(2027, 1, 1)
    assert rules.first_of_next_month(date(2026, 11, 1)) == date(2026, 12, 1)
    assert rules.first_of_next_month(date(2026, 11, 30)) == date(2026, 12, 1)


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "parts", "message"),
    [
        ("-100", "2", "ne peut pas être négatif"),
        ("50000000", "2", "paraît erroné"),
        ("30000", "0", "ne peut pas être nul"),
        ("30000", "-1", "compris entre 1 et 20"),
        ("30000", "0.5", "compris entre 1 et 20"),
        ("30000", "25", "compris entre 1 et 20"),
        ("30000", "2.3", "demi ou quart de part"),
    ],
)
def test_bad_tax_figures_give_clear_messages(income, parts, message):
    """Negative or absurd income, zero or impossible parts: a French message."""
    with pytest.raises(rules.RuleError) as error:
        rules.qf_from_tax(D(income), D(parts))
    assert message in error.value.message


def test_declared_qf_bounds():
    """A CAF QF is 0 to 20 000 €."""
    assert rules.check_declared_qf(0) == 0
    with pytest.raises(rules.RuleError, match="négatif"):
        rules.check_declared_qf(-1)
    with pytest.raises(rules.RuleError, match="paraît erroné"):
        rules.check_declared_qf(250_000)


def test_overlapping_brackets_are_named():
    """Overlaps, gaps, a closed last bracket, a first one not at 0 and a price going down."""
    overlap = rules.bracket_problems([Bracket(0, 300, D(1)), Bracket(235, None, D(2))])
    assert overlap == [
        "Les tranches 1 (de 0 € à 300 €) et 2 (235 € et plus) se chevauchent : un même "
        "quotient aurait deux prix."
    ]
    gap = rules.bracket_problems([Bracket(0, 234, D(1)), Bracket(240, None, D(2))])
    assert gap == [
        "Il manque les quotients de 235 € à 239 € entre les tranches 1 et 2 : la tranche 2 "
        "doit commencer à 235 €."
    ]
    closed = rules.bracket_problems([Bracket(0, 234, D(1))])
    assert "La dernière tranche doit rester ouverte" in closed[0]
    late = rules.bracket_problems([Bracket(10, None, D(1))])
    assert "La première tranche doit commencer à 0 €" in late[0]
    down = rules.bracket_problems([Bracket(0, 234, D(2)), Bracket(235, None, D(1))])
    assert "ne peut pas baisser" in down[0]
    upside_down = rules.bracket_problems([Bracket(0, 234, D(1)), Bracket(500, 300, D(2))])
    assert "la borne haute (300 €) est inférieure à la borne basse (500 €)" in upside_down[0]
    assert rules.bracket_problems([]) == ["Indiquez au moins une tranche de quotient familial."]


def test_floor_above_ceiling_is_refused():
    """A floor above the ceiling is named with both figures."""
    problems = rules.effort_problems(D("0.36"), D("4.50"), D("2.60"))
    assert problems == [
        (
            "floor_price",
            "Le prix plancher (4,50 €) est supérieur au prix plafond (2,60 €) : inversez-les "
            "ou corrigez l'un des deux.",
        )
    ]
    assert rules.effort_problems(D(0), D(1), D(2))[0][0] == "effort_rate"


@given(
    grid=bracket_grids(),
    index=st.integers(min_value=0, max_value=9),
    shift=st.integers(min_value=1, max_value=50),
)
def test_moving_a_bracket_start_breaks_contiguity(grid, index, shift):
    """Any bracket moved off its place is reported (a gap or an overlap)."""
    assume(0 < index < len(grid.brackets))
    brackets = list(grid.brackets)
    moved = brackets[index]
    brackets[index] = Bracket(
        moved.qf_min + shift,
        moved.qf_max if moved.qf_max is None else moved.qf_max + shift,
        moved.price,
    )
    assert rules.bracket_problems(brackets) != []


def test_residency():
    """Resident when the validated address is in one of the commune's postal codes."""
    assert rules.is_resident(
        postal_code="99999", address_validated=True, commune_codes="99999, 99998"
    )
    assert not rules.is_resident(postal_code="51000", address_validated=True, commune_codes="99999")
    assert not rules.is_resident(
        postal_code="99999", address_validated=False, commune_codes="99999"
    )
    assert rules.is_resident(postal_code="51000", address_validated=False, commune_codes="")


def test_money_formatting():
    """French writing: comma, spaces between thousands, euro sign after."""
    assert rules.money(D("2.28")) == "2,28 €"
    assert rules.money(D("1370")) == "1 370,00 €"
    assert rules.whole_euros(29232) == "29 232 €"
    assert rules.percent(D("0.3600")) == "0,36 %"
