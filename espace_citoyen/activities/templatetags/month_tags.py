"""The month calendar's table rows, written in Python: a month shows up to 23 weekdays ×
the child's activities, and Django's template engine spent more time on those cells'
tags than the rest of the page took (docs/benchmarks.md). Each value is escaped as the
template's autoescaping would (`html.escape`, which Django's `escape` calls); the
markup is the one `activities/tests/month_row.html` keeps as the reference (a test
renders both and compares them)."""

from html import escape

from django import template
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


class _Escaper(dict):
    """Escapes each distinct value once per table (the same labels, reasons and names
    come back in most cells); values already marked safe are kept as they are."""

    def __missing__(self, value) -> str:
        text = str(value) if isinstance(value, SafeData) else escape(str(value))
        self[value] = text
        return text


def _cell(cell, row_label: str, book_url: str, csrf_token: str, e: _Escaper) -> str:
    state = cell.state
    name = e[cell.activity.name]
    parts = [
        # The anchor and the date are digits, dashes and the word « jour »: nothing to escape.
        f'    <td class="day-{e[state.code]}" id="{cell.anchor}" tabindex="-1">\n'
        f'      <span class="badge {e[cell.badge]}">{e[state.label]}</span>\n'
    ]
    if state.reason:
        parts.append(f'      <br><span class="muted">{e[state.reason]}</span>\n')
    if cell.notice:
        parts.append(
            f'      <br><a href="{e[cell.notice.url]}">{e[cell.notice.link_label]}'
            f'<span class="visually-hidden"> : {name}, {row_label}</span></a>\n'
        )
    if state.action:
        secondary = " button-secondary" if state.action == "cancel" else ""
        parts.append(
            f'      <form method="post" action="{book_url}">\n'
            f'        <input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">\n'
            f'        <input type="hidden" name="activity" value="{cell.activity.pk}">\n'
            f'        <input type="hidden" name="date" value="{cell.iso}">\n'
            f'        <input type="hidden" name="action" value="{e[state.action]}">\n'
            f'        <button type="submit" class="button-small{secondary}">'
            f"{e[state.action_label]}"
            f'<span class="visually-hidden"> : {name}, {row_label}</span></button>\n'
            "      </form>\n"
        )
    parts.append("    </td>\n")
    return "".join(parts)


@register.simple_tag
def month_rows(rows, book_url, csrf_token) -> str:
    """The `<tr>` of each row: the day, then one cell per activity (its state, the reason,
    the notice's link, the form that books or cancels it)."""
    e = _Escaper()
    book_url = e[book_url]
    csrf_token = e[str(csrf_token)]
    html = []
    for row in rows:
        label = e[row.label]
        html.append(f'  <tr>\n    <th scope="row">{label}</th>\n')
        html.extend(_cell(cell, label, book_url, csrf_token, e) for cell in row.cells)
        html.append("  </tr>\n")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


@register.simple_tag
def month_weeks(weeks, book_week_url, csrf_token) -> str:
    """The cards of the holiday weeks that can be booked whole, each with its form (the
    markup of `activities/tests/month_week.html`)."""
    e = _Escaper()
    action = e[book_week_url]
    token = e[str(csrf_token)]
    html = []
    for week in weeks:
        name, label = e[week["activity"].name], e[week["label"]]
        full = (
            "<p>Au moins un jour est complet : la semaine ira sur la liste d'attente.</p>"
            if week["full"]
            else ""
        )
        html.append(
            '  <li class="card">\n'
            f"    <h3>{name}, semaine du {label}</h3>\n"
            f"    {full}\n"
            f'    <form method="post" action="{action}">\n'
            f'      <input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
            f'      <input type="hidden" name="activity" value="{week["activity"].pk}">\n'
            f'      <input type="hidden" name="monday" value="{e[week["iso"]]}">\n'
            '      <button type="submit">Réserver la semaine'
            f'<span class="visually-hidden"> du {label}, {name}</span></button>\n'
            "    </form>\n"
            "  </li>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
