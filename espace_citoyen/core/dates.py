"""Dates written as the product writes them in French (« lundi 30 novembre 2026 »,
« 1er décembre 2026 »), with Django's translated month and day names."""

from datetime import date
from functools import lru_cache

from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language


def weekday_name(weekday: int) -> str:
    """0 -> « lundi » … 6 -> « dimanche »."""
    return str(WEEKDAYS[weekday])


def month_name(month: int) -> str:
    """1 -> « janvier » … 12 -> « décembre »."""
    return str(MONTHS[month])


def french_date(day: date) -> str:
    """date(2026, 12, 1) -> « 1er décembre 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {month_name(day.month)} {day.year}"


def day_label(day: date, language: str | None = None) -> str:
    """« lundi 30 novembre 2026 », « mardi 1er décembre 2026 ». `language`: the active
    one, when the caller has already asked (a page writes dozens)."""
    return _day_label(day, language or get_language())


@lru_cache(maxsize=4096)
def _day_label(day: date, language: str | None) -> str:
    """Kept per language: the month page writes some forty of them on each visit."""
    return f"{weekday_name(day.weekday())} {french_date(day)}"
