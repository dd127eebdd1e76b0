"""Pure rules of the carte scolaire (no ORM): addresses and street names, the ranges of
house numbers a school serves, the rules of a street and the parsing of the carte's CSV
file.

The rules of an enrolment (levels, school kinds and cycles, the level a birth date
gives, places, the campaign window) are in enrolment_rules; they are re-exported here."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from espace_citoyen.core.text import fold, words
from espace_citoyen.schooling.enrolment_rules import (  # noqa: F401
    CYCLE_ELEMENTAIRE,
    CYCLE_LABELS,
    CYCLE_MATERNELLE,
    CYCLES,
    CYCLES_BY_KIND,
    ELEMENTAIRE_LEVELS,
    LEVEL_BY_AGE_IN_RENTREE_YEAR,
    LEVEL_ORDER,
    LEVELS_BY_KIND,
    MATERNELLE_LEVELS,
    TPS_AGE,
    Level,
    SchoolKind,
    allowed_levels,
    campaign_closed_message,
    campaign_is_open,
    cycle_of,
    cycles_of_kind,
    expected_level,
    level_for_birth_date,
    level_label,
    places_left,
)

# --- addresses and street names -----------------------------------------------------------

# Abbreviations of street types and common words (La Poste, norme AFNOR NF Z10-011),
# read as the full word so that "r. Victor Hugo" is "rue Victor Hugo".
ABBREVIATIONS = {
    "r": "rue",
    "ru": "rue",
    "av": "avenue",
    "ave": "avenue",
    "aven": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "bvd": "boulevard",
    "pl": "place",
    "ch": "chemin",
    "chem": "chemin",
    "che": "chemin",
    "imp": "impasse",
    "all": "allee",
    "rte": "route",
    "sq": "square",
    "crs": "cours",
    "fg": "faubourg",
    "fbg": "faubourg",
    "qu": "quai",
    "pass": "passage",
    "res": "residence",
    "lot": "lotissement",
    "sen": "sentier",
    "vla": "villa",
    "prom": "promenade",
    "rpt": "rond point",
    "st": "saint",
    "ste": "sainte",
    "gal": "general",
    "gen": "general",
    "mal": "marechal",
    "pdt": "president",
    "prof": "professeur",
    "dr": "docteur",
}
# Little words left out of the comparison: "av. République" is "avenue de la République".
STOP_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "au", "aux", "et"})

_NUMBER = re.compile(
    r"^\s*(?P<number>\d{1,5})\s*(?:-\s*\d{1,5}\s*)?"
    r"(?P<suffix>bis|ter|quater|quinquies|[a-d](?![a-z]))?\b[\s,.]*(?P<street>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StreetAddress:
    number: int | None
    suffix: str  # "bis", "ter", "a"… or ""
    street: str


def parse_address_line(line: str) -> StreetAddress:
    """Split "12 bis, rue des Écoles" into its number (12), suffix (bis) and street.

    A range "12-14 rue…" counts as its first number; a line without a number keeps the
    whole line as the street."""
    text = " ".join(line.split())
    match = _NUMBER.match(text)
    if not match or not match.group("street").strip():
        return StreetAddress(number=None, suffix="", street=text.strip(" ,"))
    return StreetAddress(
        number=int(match.group("number")),
        suffix=(match.group("suffix") or "").lower(),
        street=match.group("street").strip(" ,"),
    )


def street_key(street: str) -> str:
    """The comparable form of a street name: case, accents, punctuation, abbreviations
    ("r." for "rue", "av." for "avenue", "St" for "Saint") and little words ignored."""
    result = []
    for word in words(street):
        word = ABBREVIATIONS.get(word, word)
        result.extend(part for part in word.split() if part not in STOP_WORDS)
    return " ".join(result)


def same_name(first: str, second: str) -> bool:
    """Two names (cities, schools) that differ only by case, accents, hyphens or "St"."""
    return street_key(first) == street_key(second)


def address_in_commune(
    *, postal_code: str, city: str, commune_postal_codes: Iterable[str], commune_name: str
) -> bool:
    """Whether an address is in the commune: its postal code is one of the commune's (when
    the commune lists them) and its city is the commune's name (when it is known)."""
    codes = {code.strip() for code in commune_postal_codes if code.strip()}
    if codes and postal_code.strip() not in codes:
        return False
    return not commune_name or same_name(city, commune_name)


# --- the carte scolaire: ranges of numbers ------------------------------------------------


class Parity(models.TextChoices):
    ALL = "tous", gettext_lazy("tous les numéros")
    EVEN = "pairs", gettext_lazy("numéros pairs")
    ODD = "impairs", gettext_lazy("numéros impairs")


PARITY_WORDS = {
    "tous": Parity.ALL,
    "toutes": Parity.ALL,
    "tout": Parity.ALL,
    "t": Parity.ALL,
    "all": Parity.ALL,
    "": Parity.ALL,
    "pairs": Parity.EVEN,
    "pair": Parity.EVEN,
    "p": Parity.EVEN,
    "even": Parity.EVEN,
    "impairs": Parity.ODD,
    "impair": Parity.ODD,
    "i": Parity.ODD,
    "odd": Parity.ODD,
}


@dataclass(frozen=True)
class Range:
    """Numbers of a street: `parity`, from `start` to `end` (None: to the end)."""

    parity: str = Parity.ALL
    start: int = 1
    end: int | None = None

    def covers(self, number: int) -> bool:
        if number < self.start or (self.end is not None and number > self.end):
            return False
        if self.parity == Parity.EVEN:
            return number % 2 == 0
        if self.parity == Parity.ODD:
            return number % 2 == 1
        return True

    @property
    def whole_street(self) -> bool:
        return self.parity == Parity.ALL and self.start <= 1 and self.end is None


def ranges_overlap(first: Range, second: Range) -> bool:
    """Whether some house number is covered by both ranges."""
    low = max(first.start, second.start)
    ends = [end for end in (first.end, second.end) if end is not None]
    high = min(ends) if ends else None
    if high is not None and low > high:
        return False
    parities = {first.parity, second.parity} - {Parity.ALL}
    if len(parities) == 2:  # one even, one odd
        return False
    if not parities:
        return True
    wanted = 0 if parities == {Parity.EVEN} else 1
    first_match = low if low % 2 == wanted else low + 1
    return high is None or first_match <= high


def range_label(rng: Range) -> str:
    """ "numéros pairs du 2 au 40", "tous les numéros à partir du 41"."""
    label = str(Parity(rng.parity).label)
    from_the_start = rng.start <= 1 or (rng.parity == Parity.EVEN and rng.start == 2)
    if from_the_start and rng.end is None:
        return label
    if rng.end is None:
        return _("%(parity)s à partir du %(start)d") % {"parity": label, "start": rng.start}
    if from_the_start:
        return _("%(parity)s jusqu'au %(end)d") % {"parity": label, "end": rng.end}
    return _("%(parity)s du %(start)d au %(end)d") % {
        "parity": label,
        "start": rng.start,
        "end": rng.end,
    }


@dataclass(frozen=True)
class SectorLine:
    """One rule of the carte scolaire: a range of a street -> a school (by key), whose
    kind says which cycles it serves."""

    street: str
    range: Range
    school: str  # any stable key of the school (its id, or its name while importing)
    school_kind: str
    line: int = 0  # line of the CSV file, for error reports

    @property
    def key(self) -> str:
        return street_key(self.street)

    @property
    def cycles(self) -> frozenset[str]:
        return cycles_of_kind(self.school_kind)


def lines_conflict(first: SectorLine, second: SectorLine) -> bool:
    """Two rules conflict when a number of the same street would get two schools of the
    same cycle."""
    return (
        first.key == second.key
        and bool(first.cycles & second.cycles)
        and ranges_overlap(first.range, second.range)
    )


def conflicts(lines: Sequence[SectorLine]) -> list[tuple[SectorLine, SectorLine]]:
    """Every pair of conflicting rules (first in file order), street by street."""
    by_street: dict[str, list[SectorLine]] = {}
    for line in lines:
        by_street.setdefault(line.key, []).append(line)
    found = []
    for group in by_street.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                if lines_conflict(first, second):
                    found.append((first, second))
    return found


def sector_matches(
    lines: Iterable[SectorLine], *, number: int | None, cycle: str
) -> list[SectorLine]:
    """The rules giving a school of `cycle` to a number of one street. Without a number,
    the rules of the whole street for that cycle."""
    candidates = [line for line in lines if cycle in line.cycles]
    if number is None:
        return candidates
    return [line for line in candidates if line.range.covers(number)]


# --- the carte scolaire's CSV file --------------------------------------------------------

CSV_HEADER = ["voie", "parité", "du numéro", "au numéro", "école"]
_HEADER_WORDS = {"voie", "rue", "street", "adresse"}


@dataclass
class CsvReport:
    lines: list[SectorLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)


def decode_csv(content: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252 (Excel's)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


# A street number has at most five digits (as parse_address_line reads them); a name is
# at most as long as the database column that keeps it.
_HOUSE_NUMBER = re.compile(r"[0-9]{1,5}")
STREET_MAX_LENGTH = 200


def _number(value: str, *, line: int, label: str, errors: list) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not _HOUSE_NUMBER.fullmatch(value) or int(value) < 1:
        errors.append(
            (
                line,
                _(
                    "« %(value)s » n'est pas un numéro valable pour la colonne « %(column)s » "
                    "(un nombre entier de 1 à 99999)."
                )
                % {"value": value[:20], "column": label},
            )
        )
        return None
    return int(value)


def _csv_rows(text: str, delimiter: str):
    """(line number, cells) of each row; a row the csv module cannot read (a cell longer
    than its limit, a stray NUL) ends the file with an error row (number, None)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield number, None
            return
        yield number, row


def parse_sector_csv(text: str, schools: dict[str, tuple[str, str]]) -> CsvReport:
    """Read a carte scolaire file: one rule per line (voie; parité; du; au; école).

    `schools` maps a school's folded name to (its key, its kind). Every problem is
    reported with its line number; lines that conflict with an earlier one are reported
    too. The caller saves nothing unless the report has no error."""
    report = CsvReport()
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    for number, row in _csv_rows(text, delimiter):
        if row is None:
            report.errors.append(
                (
                    number,
                    _(
                        "Cette ligne ne peut pas être lue (une cellule est trop longue ou un "
                        "guillemet n'est pas fermé) : la suite du fichier n'a pas été lue."
                    ),
                )
            )
            break
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells and fold(cells[0]) in _HEADER_WORDS:
            continue
        if len(cells) != 5:
            report.errors.append(
                (
                    number,
                    ngettext(
                        "La ligne compte %(count)d colonne au lieu de 5 "
                        "(voie ; parité ; du numéro ; au numéro ; école).",
                        "La ligne compte %(count)d colonnes au lieu de 5 "
                        "(voie ; parité ; du numéro ; au numéro ; école).",
                        len(cells),
                    )
                    % {"count": len(cells)},
                )
            )
            continue
        street, parity_text, start_text, end_text, school_name = cells
        errors: list[tuple[int, str]] = []
        if not street_key(street):
            errors.append((number, _("Le nom de la voie est vide.")))
        elif max(len(" ".join(street.split())), len(street_key(street))) > STREET_MAX_LENGTH:
            errors.append(
                (
                    number,
                    _("Le nom de la voie est trop long (%(max)d caractères au plus).")
                    % {"max": STREET_MAX_LENGTH},
                )
            )
        parity = PARITY_WORDS.get(fold(parity_text))
        if parity is None:
            errors.append(
                (
                    number,
                    _("Parité « %(value)s » inconnue : écrivez « tous », « pairs » ou « impairs ».")
                    % {"value": parity_text},
                )
            )
        start = _number(start_text, line=number, label=_("du numéro"), errors=errors)
        end = _number(end_text, line=number, label=_("au numéro"), errors=errors)
        if start is not None and end is not None and end < start:
            errors.append(
                (
                    number,
                    _("Le numéro de fin (%(end)d) est plus petit que celui de début (%(start)d).")
                    % {"start": start, "end": end},
                )
            )
        school = schools.get(fold(" ".join(school_name.split())))
        if school is None:
            errors.append(
                (
                    number,
                    _("École « %(name)s » inconnue : écrivez son nom comme dans le référentiel.")
                    % {"name": school_name},
                )
            )
        if errors:
            report.errors.extend(errors)
            continue
        report.lines.append(
            SectorLine(
                street=" ".join(street.split()),
                range=Range(parity=parity, start=start or 1, end=end),
                school=school[0],
                school_kind=school[1],
                line=number,
            )
        )
    for first, second in conflicts(report.lines):
        report.errors.append(
            (
                second.line,
                _(
                    "Cette ligne chevauche la ligne %(other)d : un même numéro de « %(street)s » "
                    "aurait deux écoles du même type."
                )
                % {"other": first.line, "street": second.street},
            )
        )
    if not report.lines and not report.errors:
        report.errors.append((0, _("Le fichier ne contient aucune ligne.")))
    report.errors.sort(key=lambda error: error[0])
    return report


def sector_csv_rows(lines: Iterable[SectorLine], school_names: dict[str, str]) -> list[list]:
    """The rows of the exported file (the same columns the import reads)."""
    return [
        [
            line.street,
            line.range.parity,
            line.range.start,
            line.range.end if line.range.end is not None else "",
            school_names[line.school],
        ]
        for line in lines
    ]
