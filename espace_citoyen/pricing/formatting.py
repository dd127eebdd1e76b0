"""French writing of money and figures for pricing and billing, and the one rounding of
money: half-up to the cent (never the banker's rounding). Pure functions, no ORM."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


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
