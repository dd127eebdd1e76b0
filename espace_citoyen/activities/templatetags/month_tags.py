"""The month calendar's table rows, written in Python: a month shows up to 23 weekdays ×
the child's activities, and Django's template engine spent more time on those cells'
tags than the rest of the page took (docs/benchmarks.md). Each value is escaped as the
template's autoescaping would; the markup is the one `activities/tests/month_row.html`
keeps as the reference (a test renders both and compares them)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def _cell(cell, row_label: str, book_url: str, csrf_token: str) -> str:
    state = cell.state
    name = conditional_escape(cell.activity.name)
    parts = [
        f'    <td class="day-{conditional_escape(state.code)}" '
        f'id="{conditional_escape(cell.anchor)}" tabindex="-1">\n'
        f'      <span class="badge {conditional_escape(cell.badge)}">'
        f"{conditional_escape(state.label)}</span>\n"
    ]
    if state.reason:
        parts.append(f'      <br><span class="muted">{conditional_escape(state.reason)}</span>\n')
    if cell.notice:
        parts.append(
            f'      <br><a href="{conditional_escape(cell.notice.url)}">'
            f"{conditional_escape(cell.notice.link_label)}"
            f'<span class="visually-hidden"> : {name}, {row_label}</span></a>\n'
        )
    if state.action:
        action = conditional_escape(state.action)
        secondary = " button-secondary" if state.action == "cancel" else ""
        parts.append(
            f'      <form method="post" action="{book_url}">\n'
            f'        <input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">\n'
            f'        <input type="hidden" name="activity" value="{cell.activity.pk}">\n'
            f'        <input type="hidden" name="date" value="{cell.iso}">\n'
            f'        <input type="hidden" name="action" value="{action}">\n'
            f'        <button type="submit" class="button-small{secondary}">'
            f"{conditional_escape(state.action_label)}"
            f'<span class="visually-hidden"> : {name}, {row_label}</span></button>\n'
            "      </form>\n"
        )
    parts.append("    </td>\n")
    return "".join(parts)


@register.simple_tag
def month_rows(rows, book_url, csrf_token) -> str:
    """The `<tr>` of each row: the day, then one cell per activity (its state, the reason,
    the notice's link, the form that books or cancels it)."""
    book_url = conditional_escape(book_url)
    csrf_token = conditional_escape(csrf_token)
    html = []
    for row in rows:
        label = conditional_escape(row.label)
        html.append(f'  <tr>\n    <th scope="row">{label}</th>\n')
        html.extend(_cell(cell, label, book_url, csrf_token) for cell in row.cells)
        html.append("  </tr>\n")
    return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
