"""Spreadsheet exports for agents (school directors and teams live in spreadsheets):
CSV with semicolons and a BOM, which French spreadsheet software opens right, or ODS."""

import tablib
from django.http import HttpResponse

# Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection;
# CWE-1236): « = + - @ », tab, carriage return (and line feed), their full-width forms
# (« ＝ ＋ － ＠ », which some spreadsheets fold to ASCII) and their small forms.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
# Spaces a spreadsheet may skip before reading the first character.
_SKIPPED = " \u00a0\u3000"


def inert(value):
    """The cell as text a spreadsheet shows and never runs: a leading apostrophe before
    every text that starts (after spaces) with what could start a formula, as OWASP
    advises (families type the names and addresses agents export). Numbers, dates and
    other typed values are left as they are."""
    if isinstance(value, str):
        first = value.lstrip(_SKIPPED)[:1] or value[:1]
        if first in FORMULA_STARTS or value[:1] in FORMULA_STARTS:
            return "'" + value
    return value


def inert_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of `dataset` with every cell, headers included, made inert."""
    headers = [inert(header) for header in dataset.headers] if dataset.headers else None
    return tablib.Dataset(*[[inert(cell) for cell in row] for row in dataset], headers=headers)


def spreadsheet_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """`dataset` as a CSV (semicolons, UTF-8 with BOM) or ODS (typed cells) download
    named `filename`.<fmt>; in both, no cell can run as a formula."""
    safe = inert_dataset(dataset)
    if fmt == "ods":
        response = HttpResponse(
            safe.export("ods"), content_type="application/vnd.oasis.opendocument.spreadsheet"
        )
        extension = "ods"
    else:
        response = HttpResponse(
            "\ufeff" + safe.export("csv", delimiter=";"), content_type="text/csv; charset=utf-8"
        )
        extension = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
