"""One pattern for every table on screen (RGAA 10.11, 12.13; WCAG 1.4.10, 2.1.1): each sits
in a scroll box that is a named region a keyboard can reach and scroll, so that a wide
table scrolls by itself and never the page, at 320 px wide."""

import re
from pathlib import Path

import pytest
from django.conf import settings

SCREEN_TEMPLATES = sorted(
    path
    for path in (Path(settings.BASE_DIR) / "espace_citoyen").rglob("templates/**/*.html")
    if "/pdf/" not in str(path) and "<table" in path.read_text()
)


def test_there_are_tables():
    assert len(SCREEN_TEMPLATES) > 20


@pytest.mark.parametrize(
    "path", SCREEN_TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR))
)
def test_every_table_is_in_a_named_focusable_scroll_region(path):
    source = path.read_text()
    boxes = re.findall(r'<div class="table-wrap"[^>]*>', source)
    assert len(boxes) == source.count("<table"), "un tableau hors de sa zone de défilement"
    for box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box, box
        assert re.search(r'aria-label(ledby)?="[^"]+"', box), box
