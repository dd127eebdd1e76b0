"""Pure rules of the RGAA 4.1 audit grid (docs/accessibility/audit.json): which criteria
exist, what a grid must hold, the conformity rate and the status the statement may claim.

The rate is RGAA's global rate: conform criteria over applicable ones (conform + not
conform), rounded down to a tenth, so that the statement never says more than the audit.
Without an audit, or below 50 %, the status is « non conforme »; 100 % is « totalement
conforme »; anything between is « partiellement conforme »."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

# RGAA 4.1: 13 topics, 106 criteria.
TOPICS = {
    1: ("Images", 9),
    2: ("Cadres", 2),
    3: ("Couleurs", 3),
    4: ("Multimédia", 13),
    5: ("Tableaux", 8),
    6: ("Liens", 2),
    7: ("Scripts", 5),
    8: ("Éléments obligatoires", 10),
    9: ("Structuration de l'information", 4),
    10: ("Présentation de l'information", 14),
    11: ("Formulaires", 13),
    12: ("Navigation", 11),
    13: ("Consultation", 12),
}
CRITERIA = [
    f"{topic}.{number}" for topic, (_n, count) in TOPICS.items() for number in range(1, count + 1)
]
CONFORM, NOT_CONFORM, NOT_APPLICABLE = "C", "NC", "NA"
RESULTS = {CONFORM: "conforme", NOT_CONFORM: "non conforme", NOT_APPLICABLE: "non applicable"}
# The values of portal.models.AccessibilityStatus.
STATUS_NONE, STATUS_PARTIAL, STATUS_FULL = "non", "partiel", "total"
PARTIAL_FROM = Decimal(50)


@dataclass(frozen=True)
class Summary:
    conform: int
    not_conform: int
    not_applicable: int
    rate: Decimal | None  # percent, rounded down to a tenth; None when nothing applies

    @property
    def status(self) -> str:
        return status_for(self.rate)


def conformity_rate(conform: int, not_conform: int) -> Decimal | None:
    applicable = conform + not_conform
    if applicable == 0:
        return None
    return (Decimal(100 * conform) / applicable).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def status_for(rate: Decimal | None) -> str:
    if rate is None or rate < PARTIAL_FROM:
        return STATUS_NONE
    return STATUS_FULL if rate == 100 else STATUS_PARTIAL


def summarise(criteria: list[dict]) -> Summary:
    results = [criterion["result"] for criterion in criteria]
    conform, not_conform = results.count(CONFORM), results.count(NOT_CONFORM)
    return Summary(
        conform=conform,
        not_conform=not_conform,
        not_applicable=results.count(NOT_APPLICABLE),
        rate=conformity_rate(conform, not_conform),
    )


REQUIRED = ["audited_on", "auditor", "referential", "sample", "environment", "tools", "criteria"]


def grid_errors(grid: object) -> list[str]:
    """What stops `grid` from being published, in French; [] when it is complete."""
    if not isinstance(grid, dict):
        return ["La grille doit être un objet JSON."]
    errors = [f"Il manque « {key} »." for key in REQUIRED if not grid.get(key)]
    if errors:
        return errors
    try:
        date.fromisoformat(str(grid["audited_on"]))
    except ValueError:
        errors.append("« audited_on » doit être une date AAAA-MM-JJ.")
    pages = {page.get("id") for page in grid["sample"] if isinstance(page, dict)}
    if any(not (isinstance(p, dict) and p.get("id") and p.get("title")) for p in grid["sample"]):
        errors.append("Chaque page de l'échantillon a un « id » et un « title ».")
    ids = [c.get("id") for c in grid["criteria"] if isinstance(c, dict)]
    missing = [number for number in CRITERIA if number not in ids]
    extra = sorted({str(number) for number in ids} - set(CRITERIA))
    duplicated = sorted({number for number in ids if ids.count(number) > 1})
    if missing:
        errors.append(f"Critères manquants : {', '.join(missing)}.")
    if extra:
        errors.append(f"Critères inconnus du RGAA 4.1 : {', '.join(extra)}.")
    if duplicated:
        errors.append(f"Critères en double : {', '.join(duplicated)}.")
    for criterion in grid["criteria"]:
        if not isinstance(criterion, dict):
            errors.append("Chaque critère est un objet JSON.")
            continue
        number = criterion.get("id", "?")
        if criterion.get("result") not in RESULTS:
            errors.append(f"Critère {number} : le résultat doit être C, NC ou NA.")
        for key in ("reason", "test"):
            if not str(criterion.get(key, "")).strip():
                errors.append(f"Critère {number} : il manque « {key} ».")
        unknown = set(criterion.get("pages", [])) - pages
        if unknown:
            errors.append(f"Critère {number} : pages hors échantillon {sorted(unknown)}.")
    return errors
