"""Spreadsheet exports never carry a formula (OWASP, CSV injection), in CSV and ODS."""

import csv
import io
from decimal import Decimal

import tablib
from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.core.spreadsheets import FORMULA_STARTS, inert, spreadsheet_response

starts = st.sampled_from(sorted(FORMULA_STARTS))
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


def _csv_cells(dataset: tablib.Dataset) -> list[list[str]]:
    response = spreadsheet_response(dataset, "csv", "liste")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:], newline=""), delimiter=";"))


def _ods_cells(dataset: tablib.Dataset) -> list[list]:
    response = spreadsheet_response(dataset, "ods", "liste")
    loaded = tablib.Dataset().load(response.content, format="ods", headers=False)
    return [list(row) for row in loaded]


@given(start=starts, rest=texts, padding=st.sampled_from(["", " ", "  ", "\u00a0"]))
def test_a_cell_starting_like_a_formula_is_text_in_csv_and_ods(start, rest, padding):
    """« =…, +…, -…, @…, tab, CR » (and full-width « ＝ ＋ － ＠ »), even after spaces and
    even « -2+3 » or « +33 6… »: the cell starts with an apostrophe, the text kept whole."""
    value = padding + start + rest
    dataset = tablib.Dataset([value, "Dupont"], headers=["Nom", "Ville"])
    csv_rows = _csv_cells(dataset)
    assert csv_rows[1][0] == "'" + value
    ods_rows = _ods_cells(dataset)
    assert str(ods_rows[1][0]).startswith("'")


@given(value=texts)
def test_inert_only_adds_an_apostrophe(value):
    """Nothing typed is lost: the cell is the text itself, or an apostrophe and the text;
    text that cannot start a formula is left as it is."""
    result = inert(value)
    assert result in (value, "'" + value)
    if result == value:
        assert value.lstrip(" \u00a0\u3000")[:1] not in FORMULA_STARTS
        assert value[:1] not in FORMULA_STARTS


def test_examples_from_the_attack_run():
    for value in ["-2+3", "+1+cmd|' /C calc'!A0", "-10+20,5", "@SUM(1;1)", "\t=1", "\r=1", "＝1+1"]:
        assert inert(value) == "'" + value
    assert inert("Jeanne") == "Jeanne"
    assert inert("12 rue des Lilas") == "12 rue des Lilas"


def test_numbers_and_headers():
    """Typed numbers stay numbers (a negative amount is not text); headers are cells too."""
    assert inert(Decimal("-12.50")) == Decimal("-12.50")
    assert inert(-3) == -3
    rows = _csv_cells(tablib.Dataset(["x"], headers=["=Nom"]))
    assert rows[0] == ["'=Nom"]
