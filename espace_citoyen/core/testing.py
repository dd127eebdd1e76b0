"""Helpers for tests: read a page as a user would."""

import html
import re


def page_text(response) -> str:
    """The response's HTML with entities decoded (&#x27; -> '), for `in` assertions."""
    return html.unescape(response.content.decode())


def visible_text(response) -> str:
    """The words of a page without its tags, spaces folded: what a reader sees."""
    without_tags = re.sub(
        r"<(script|style)\b.*?</\1>|<[^>]+>", " ", response.content.decode(), flags=re.S
    )
    return " ".join(html.unescape(without_tags).split())
