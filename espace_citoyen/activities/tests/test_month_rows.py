"""The month table's rows written in Python give the markup of the reference template
(month_row.html, the former include), every value escaped the same way."""

import re
from datetime import date, datetime
from pathlib import Path

from django.template import Context, Template

from espace_citoyen.activities import rules
from espace_citoyen.activities.models import Activity
from espace_citoyen.activities.registry import DayNotice
from espace_citoyen.activities.selectors import CalendarCell, CalendarRow
from espace_citoyen.activities.templatetags.month_tags import month_rows, month_weeks

REFERENCE = Template((Path(__file__).parent / "month_row.html").read_text())
DAY = date(2026, 12, 1)


def _row(activity, *states, notice=None) -> CalendarRow:
    row = CalendarRow(day=DAY, label=rules.day_label(DAY))
    for state in states:
        row.cells.append(
            CalendarCell(activity=activity, day=DAY, state=state, week_start=DAY, notice=notice)
        )
    return row


def _squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_every_state_renders_as_the_reference_template():
    tricky = Activity(pk=7, name='Atelier <"Arts & Sciences">')
    now_states = [
        rules.day_state(
            closed=closed,
            booking_status=status,
            position=3,
            deadline=deadline,
            now=datetime(2026, 11, 26, 10),
            free_places=free,
            by_week=by_week,
        )
        for closed in (None, "Jour férié : Noël")
        for status in (None, "confirmed", "waitlisted")
        for deadline in (datetime(2026, 11, 27, 12), datetime(2026, 11, 20, 12))
        for free in (0, 1, 5)
        for by_week in (False, True)
    ]
    notice = DayNotice(
        label="Attribution équitable",
        reason="Demande jusqu'au 3 décembre <à midi>",
        url="/attribution/3/?a=1&b=2",
        link_label="Demander une place",
    )
    rows = [
        _row(tricky, *now_states),
        _row(tricky, rules.DayState(rules.ON_REQUEST, notice.label, notice.reason), notice=notice),
    ]
    book_url = "/carte-famille/activites/enfant/12/jour/?x=1&y=2"
    token = "abc<def>&"
    expected = "".join(
        REFERENCE.render(Context({"row": row, "book_url": book_url, "csrf_token": token}))
        for row in rows
    )
    assert expected.count("<form") > 10 and "button-secondary" in expected
    assert _squeeze(month_rows(rows, book_url, token)) == _squeeze(expected)
    assert "&lt;&quot;Arts &amp; Sciences&quot;&gt;" in month_rows(rows, book_url, token)


WEEK_REFERENCE = Template((Path(__file__).parent / "month_week.html").read_text())


def test_week_cards_render_as_the_reference_template():
    tricky = Activity(pk=9, name='Centre <"Arts & Loisirs">')
    weeks = [
        {"activity": tricky, "monday": DAY, "iso": "2026-12-21", "label": "lundi 21", "full": full}
        for full in (False, True)
    ]
    url = "/carte-famille/activites/enfant/12/semaine/?x=1&y=2"
    token = "abc<def>&"
    expected = "".join(
        WEEK_REFERENCE.render(Context({"week": week, "book_week_url": url, "csrf_token": token}))
        for week in weeks
    )
    assert expected.count("<form") == 2 and "ira sur la liste d'attente" in expected
    assert _squeeze(month_weeks(weeks, url, token)) == _squeeze(expected)
