"""Pure rules of the quotient familial (no ORM): the checks of a declared or recorded QF,
of an avis d'imposition's income and parts, the QF computed from them, and the CAF's
own computation for reference.

A quotient familial (QF) is a whole number of euros per month, as the CAF and the MSA
give it; the one computed from an avis d'imposition is rounded down to the euro."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from espace_citoyen.pricing.errors import RuleError
from espace_citoyen.pricing.formatting import CENT, number, whole_euros

# Bounds beyond which a figure is a typing mistake, not an income.
QF_MAX = 20_000  # € per month on a CAF or MSA attestation
QF_AGENT_MAX = 1_000_000  # what the régie may record (a very high income, computed)
TAX_INCOME_MAX = Decimal("10000000")  # revenu fiscal de référence, € per year
PARTS_MIN = Decimal(1)
PARTS_MAX = Decimal(20)
PARTS_STEP = Decimal("0.25")  # parts come in halves, and quarters for shared custody


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
