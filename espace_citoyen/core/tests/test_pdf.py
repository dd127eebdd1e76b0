"""Every document template makes a tagged PDF a screen reader can read (RGAA 13.3)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from espace_citoyen.core.pdf import render_pdf
from espace_citoyen.core.testing import pdf_structure

PDF_TEMPLATES = sorted(
    path
    for path in (Path(settings.BASE_DIR) / "espace_citoyen").glob("*/templates/*/pdf/*.html")
    if not path.name.startswith("_")
)


def test_there_are_document_templates():
    assert len(PDF_TEMPLATES) >= 2


@pytest.mark.parametrize("path", PDF_TEMPLATES, ids=lambda path: path.name)
def test_each_document_template_declares_its_language_and_title(path):
    """render_pdf takes the PDF's language and title from the template (PDF/UA)."""
    source = path.read_text()
    assert re.search(r'<html lang="fr">', source), path
    assert re.search(r"<title>[^<]*\S[^<]*</title>", source), path


@pytest.mark.django_db
def test_render_pdf_tags_the_document(tmp_path, settings):
    """A structure tree from the HTML, the language, and the title shown by readers."""
    (tmp_path / "doc.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Facture n° 12'
        "</title></head><body><h1>Facture</h1><p>Montant dû.</p>"
        "<table><tr><th>Jour</th><td>12,00 €</td></tr></table></body></html>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    structure = pdf_structure(render_pdf("doc.html", {}))
    assert structure["lang"] == "fr"
    assert structure["title"] == "Facture n° 12"
    assert structure["shows_title"] and structure["marked"]
    assert structure["tags"][:3] == ["Document", "H1", "Span"]
    assert {"P", "Table", "TR", "TH", "TD"} <= set(structure["tags"])
