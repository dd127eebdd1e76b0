"""Filters that write money, quotients and dates the French way in templates."""

from django import template

from espace_citoyen.pricing import rules

register = template.Library()


@register.filter
def money(value) -> str:
    """2.28 -> "2,28 €"."""
    return "" if value is None or value == "" else rules.money(value)


@register.filter
def euros(value) -> str:
    """812 -> "812 €"."""
    return "" if value is None or value == "" else rules.whole_euros(value)


@register.filter
def percent(value) -> str:
    return "" if value is None or value == "" else rules.percent(value)


@register.filter(name="french_date")
def french_date_filter(value) -> str:
    """date(2026, 12, 1) -> "1er décembre 2026"."""
    return rules.french_date(value) if value else ""
