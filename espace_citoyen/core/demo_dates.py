"""Dates of the demo commune, relative to today, so `manage.py demo` shows the same
situation on any day of any year: an open enrolment campaign, days still bookable, a
holiday week ahead.

The demo data are written for the school year 2026-2027 (REFERENCE) as if that year were
under way; `shifted()` moves such a date to the demo year, the one running today (from
August on, the one starting in September). Every demo loader (and the billing and
payment demos) writes its dates through these helpers:

    shifted(date(2026, 10, 5))   # a Monday of October of the demo year
    school_year()                # ("2026-2027", 1 September 2026, 3 July 2027) in 2026-2027
    school_year(1)               # the next one, whose enrolment campaign the demo opens
    days_from_today(-20)         # twenty days ago
"""

from datetime import date, timedelta

from django.utils import timezone

REFERENCE = 2026  # the demo data's school year starts on 1 September 2026
FIRST_MONTH = 8  # from August, the demo shows the school year that starts in September


def today() -> date:
    return timezone.localdate()


def demo_year(on: date | None = None) -> int:
    """The year in which the demo's school year starts."""
    day = on or today()
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def shifted(day: date, *, on: date | None = None) -> date:
    """`day`, written for the reference school year, moved by whole years to the demo
    year (29 February becomes the 28th in a common year)."""
    year = day.year + demo_year(on) - REFERENCE
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def school_year(offset: int = 0, *, on: date | None = None) -> tuple[str, date, date]:
    """(label, first day, last day of school) of the demo year, or `offset` years after."""
    start = demo_year(on) + offset
    return f"{start}-{start + 1}", date(start, 9, 1), _first_saturday_of_july(start + 1)


def days_from_today(days: int) -> date:
    return today() + timedelta(days=days)


def _first_saturday_of_july(year: int) -> date:
    first = date(year, 7, 1)
    return first + timedelta(days=(5 - first.weekday()) % 7)
