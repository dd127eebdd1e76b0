"""Spreadsheet exports for agents (school directors and teams live in spreadsheets):
CSV with semicolons and a BOM, which French spreadsheet software opens right, or ODS."""

import re

import tablib
from django.http import HttpResponse

# A text cell that a spreadsheet opening a CSV file would run as a formula (CWE-1236):
# « =HYPERLINK(…) », « @SUM(…) », « -2+3 »… but not a phone number « +33 6… ».
_FORMULA_START = re.compile(r"[=@\t\r]|[+-](?![\d\s])")


def inert(value):
    """The cell as text a spreadsheet shows and never runs: a leading apostrophe before
    what would start a formula (families type the names and addresses agents export)."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def spreadsheet_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """`dataset` as a CSV (semicolons, UTF-8 with BOM, formulas made inert) or ODS (typed
    cells: text stays text) download named `filename`.<fmt>."""
    if fmt == "ods":
        response = HttpResponse(
            dataset.export("ods"), content_type="application/vnd.oasis.opendocument.spreadsheet"
        )
        extension = "ods"
    else:
        safe = tablib.Dataset(
            *[[inert(cell) for cell in row] for row in dataset], headers=dataset.headers
        )
        response = HttpResponse(
            "\ufeff" + safe.export("csv", delimiter=";"), content_type="text/csv; charset=utf-8"
        )
        extension = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
