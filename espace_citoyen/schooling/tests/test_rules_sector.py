"""Pure rules of the carte scolaire: addresses, street names, ranges, the CSV file."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.schooling import rules
from espace_citoyen.schooling.rules import Parity, Range, SectorLine

LIMIT = 60  # numbers checked one by one; every range starts at or before 50


ranges = st.builds(
    lambda parity, start, length: Range(
        parity=parity, start=start, end=None if length is None else start + length
    ),
    st.sampled_from(list(Parity)),
    st.integers(min_value=1, max_value=50),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
)
lines = st.lists(
    st.builds(
        SectorLine,
        street=st.sampled_from(["rue des Écoles", "r. des ecoles", "avenue Pasteur"]),
        range=ranges,
        school=st.sampled_from(["1", "2", "3"]),
        school_kind=st.sampled_from(list(rules.SchoolKind)),
    ),
    max_size=8,
)


def _covering(all_lines, key, number, cycle):
    return [
        line
        for line in all_lines
        if line.key == key and cycle in line.cycles and line.range.covers(number)
    ]


@given(lines)
def test_a_map_without_conflict_covers_each_number_at_most_once_per_type(all_lines):
    """When no two rules conflict, every number of a street has at most one school of
    each type; when some number has two, the conflict is reported."""
    found = rules.conflicts(all_lines)
    double = any(
        len(_covering(all_lines, line.key, number, cycle)) > 1
        for line in all_lines
        for number in range(1, LIMIT + 3)
        for cycle in rules.CYCLES
    )
    assert bool(found) == double


@given(ranges, st.integers(min_value=1, max_value=LIMIT + 10))
def test_parity_is_honoured(rng, number):
    """An even rule never covers an odd number, nor an odd rule an even one."""
    if rng.covers(number):
        if rng.parity == Parity.EVEN:
            assert number % 2 == 0
        if rng.parity == Parity.ODD:
            assert number % 2 == 1
        assert rng.start <= number and (rng.end is None or number <= rng.end)


@given(ranges, ranges)
def test_ranges_overlap_exactly_when_they_share_a_number(first, second):
    """Two ranges overlap if and only if some house number is in both."""
    shared = any(first.covers(n) and second.covers(n) for n in range(1, LIMIT + 3))
    assert rules.ranges_overlap(first, second) == shared


@given(lines, st.integers(min_value=1, max_value=LIMIT), st.sampled_from(rules.CYCLES))
def test_lookup_returns_only_rules_covering_the_number(all_lines, number, cycle):
    """The lookup gives the rules of that cycle covering the number, and only them."""
    matches = rules.sector_matches(all_lines, number=number, cycle=cycle)
    assert all(line.range.covers(number) and cycle in line.cycles for line in matches)
    assert len(matches) == sum(
        1 for line in all_lines if line.range.covers(number) and cycle in line.cycles
    )


@pytest.mark.parametrize(
    ("line", "number", "suffix", "street"),
    [
        ("12 rue des Écoles", 12, "", "rue des Écoles"),
        ("12 bis rue des Écoles", 12, "bis", "rue des Écoles"),
        ("12bis, r. des Écoles", 12, "bis", "r. des Écoles"),
        ("7 TER avenue de la République", 7, "ter", "avenue de la République"),
        ("3 B chemin des Vignes", 3, "b", "chemin des Vignes"),
        ("14-16 rue Victor Hugo", 14, "", "rue Victor Hugo"),
        ("2 avenue Pasteur", 2, "", "avenue Pasteur"),
        ("place de la Mairie", None, "", "place de la Mairie"),
        ("rue du 8 Mai 1945", None, "", "rue du 8 Mai 1945"),
        ("  5   allée   des Peupliers ", 5, "", "allée des Peupliers"),
    ],
)
def test_number_suffix_and_street_are_read_from_the_address(line, number, suffix, street):
    """The street number (with bis, ter…) is parsed from the first address line."""
    parsed = rules.parse_address_line(line)
    assert (parsed.number, parsed.suffix, parsed.street) == (number, suffix, street)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("rue des Écoles", "RUE DES ECOLES"),
        ("rue des Écoles", "r. des écoles"),
        ("avenue de la République", "av République"),
        ("rue Victor Hugo", "R. Victor-Hugo"),
        ("boulevard Gambetta", "bd Gambetta"),
        ("place Saint-Jean", "pl. St Jean"),
        ("allée des Peupliers", "all. des peupliers"),
    ],
)
def test_street_names_match_ignoring_case_accents_and_abbreviations(first, second):
    """Case, accents, hyphens, little words and usual abbreviations do not matter."""
    assert rules.street_key(first) == rules.street_key(second)


def test_different_streets_stay_different():
    """Rue and avenue of the same name are different streets."""
    assert rules.street_key("rue Pasteur") != rules.street_key("avenue Pasteur")


def test_address_outside_the_commune():
    """Another postal code or another city is outside the commune."""
    inside = {"commune_postal_codes": ["99999"], "commune_name": "Saint-Exemple-sur-Marne"}
    assert rules.address_in_commune(postal_code="99999", city="SAINT EXEMPLE SUR MARNE", **inside)
    assert rules.address_in_commune(postal_code="99999", city="St-Exemple-sur-Marne", **inside)
    assert not rules.address_in_commune(
        postal_code="75001", city="Saint-Exemple-sur-Marne", **inside
    )
    assert not rules.address_in_commune(postal_code="99999", city="Autreville", **inside)


SCHOOLS = {
    "ecole primaire du centre": ("1", "primaire"),
    "ecole maternelle des tilleuls": ("2", "maternelle"),
    "ecole elementaire jean-jaures": ("3", "elementaire"),
}


def test_csv_file_is_read_with_header_and_semicolons():
    """A good file gives one rule per line, the header skipped."""
    report = rules.parse_sector_csv(
        "voie;parité;du numéro;au numéro;école\n"
        "rue des Écoles;pairs;2;40;École primaire du Centre\n"
        "rue des Écoles;impairs;1;;école maternelle des tilleuls\n"
        "rue des Écoles;impairs;1;;Ecole elementaire Jean-Jaures\n",
        SCHOOLS,
    )
    assert report.ok, report.errors
    assert [(line.range, line.school) for line in report.lines] == [
        (Range(Parity.EVEN, 2, 40), "1"),
        (Range(Parity.ODD, 1, None), "2"),
        (Range(Parity.ODD, 1, None), "3"),
    ]


def test_csv_errors_are_reported_line_by_line():
    """Each wrong line is reported with its number and what is wrong."""
    report = rules.parse_sector_csv(
        "voie;parité;du numéro;au numéro;école\n"
        "rue des Écoles;pairs;2;40;École primaire du Centre\n"  # 2: good
        "rue des Écoles;quelques;1;;École primaire du Centre\n"  # 3: parity
        "rue Pasteur;tous;douze;;École primaire du Centre\n"  # 4: number
        "rue Pasteur;tous;20;10;École primaire du Centre\n"  # 5: end before start
        "rue Pasteur;tous;1;;École inconnue\n"  # 6: school
        ";tous;1;;École primaire du Centre\n"  # 7: street
        "rue Pasteur;tous;1\n"  # 8: columns
        "r. des ecoles;tous;30;50;École primaire du Centre\n",  # 9: overlaps line 2
        SCHOOLS,
    )
    assert not report.ok
    by_line = {}
    for line, message in report.errors:
        by_line.setdefault(line, []).append(message)
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9]
    assert "Parité « quelques » inconnue" in by_line[3][0]
    assert "« douze » n'est pas un numéro valable" in by_line[4][0]
    assert "plus petit que celui de début" in by_line[5][0]
    assert "École « École inconnue » inconnue" in by_line[6][0]
    assert "nom de la voie est vide" in by_line[7][0]
    assert "3 colonnes au lieu de 5" in by_line[8][0]
    assert "chevauche la ligne 2" in by_line[9][0]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("rue Pasteur;tous;²;;École primaire du Centre", "« ² » n'est pas un numéro valable"),
        ("rue Pasteur;tous;١٢;;École primaire du Centre", "« ١٢ » n'est pas un numéro valable"),
        ("rue Pasteur;tous;0;;École primaire du Centre", "« 0 » n'est pas un numéro valable"),
        (
            "rue Pasteur;tous;1;99999999999;École primaire du Centre",
            "« 99999999999 » n'est pas un numéro valable",
        ),
        ("rue " + "P" * 200 + ";tous;1;;École primaire du Centre", "voie est trop long"),
        ("r " * 90 + ";tous;1;;École primaire du Centre", "voie est trop long"),
        ("rue Pasteur;tous;1;;" + "x" * 200_000, "ne peut pas être lue"),
        ("rue Pasteur;tous", "La ligne compte 2 colonnes au lieu de 5"),
        ("rue Pasteur", "La ligne compte 1 colonne au lieu de 5"),
    ],
)
def test_odd_cells_are_reported_on_their_line(cells, message):
    """Numbers that are not 1 to 99999 in ASCII digits, a street name longer than the
    database keeps, a cell the csv module cannot read: an error on that line, never a
    crash when saving."""
    report = rules.parse_sector_csv(
        "voie;parité;du numéro;au numéro;école\n"
        "avenue Pasteur;tous;1;;École primaire du Centre\n" + cells + "\n",
        SCHOOLS,
    )
    assert [line for line, _message in report.errors] == [3]
    assert message in report.errors[0][1]


def test_primary_school_overlaps_maternelle_and_elementaire():
    """A primaire school serves both cycles: it conflicts with either on the same numbers."""
    report = rules.parse_sector_csv(
        "rue des Écoles;tous;1;;École primaire du Centre\n"
        "rue des Écoles;pairs;10;20;École maternelle des Tilleuls\n",
        SCHOOLS,
    )
    assert [line for line, _message in report.errors] == [2]


def test_export_rows_are_read_back_by_the_import():
    """The exported rows, written as CSV, import to the same rules."""
    original = rules.parse_sector_csv(
        "rue des Écoles;pairs;2;40;École primaire du Centre\n"
        "rue des Écoles;impairs;1;;École maternelle des Tilleuls\n",
        SCHOOLS,
    )
    names = {"1": "École primaire du Centre", "2": "École maternelle des Tilleuls"}
    text = "\n".join(
        ";".join(str(cell) for cell in row)
        for row in [rules.CSV_HEADER, *rules.sector_csv_rows(original.lines, names)]
    )
    again = rules.parse_sector_csv(text, SCHOOLS)
    assert again.ok
    assert [(line.street, line.range, line.school) for line in again.lines] == [
        (line.street, line.range, line.school) for line in original.lines
    ]


def test_windows_encoded_file_is_read():
    """A file saved by Excel in Windows-1252 keeps its accents."""
    assert rules.decode_csv("rue des Écoles".encode("cp1252")) == "rue des Écoles"
    assert rules.decode_csv("\ufeffrue des Écoles".encode()) == "rue des Écoles"


@pytest.mark.parametrize(
    ("rng", "label"),
    [
        (Range(Parity.ALL, 1, None), "tous les numéros"),
        (Range(Parity.EVEN, 2, None), "numéros pairs"),
        (Range(Parity.ODD, 1, 39), "numéros impairs jusqu'au 39"),
        (Range(Parity.ODD, 41, None), "numéros impairs à partir du 41"),
        (Range(Parity.ALL, 1, 58), "tous les numéros jusqu'au 58"),
        (Range(Parity.EVEN, 10, 20), "numéros pairs du 10 au 20"),
    ],
)
def test_range_labels_read_naturally(rng, label):
    """Agents read each rule's numbers in plain French."""
    assert rules.range_label(rng) == label
