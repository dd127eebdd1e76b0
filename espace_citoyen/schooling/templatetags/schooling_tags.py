"""Filters of schooling's pages and certificate."""

from django import template

from espace_citoyen.core import dates

register = template.Library()


@register.filter(name="french_date")
def french_date_filter(value) -> str:
    """date(2027, 9, 1) -> "1er septembre 2027" (Django's "j F Y" writes "1 septembre")."""
    return dates.french_date(value) if value else ""
