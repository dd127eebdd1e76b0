"""Hooks other apps give activities without activities importing them.

A booking guard is `fn(activity, days) -> str | None`: a French message when those days
may not be booked first come, first served (for example: their places are allocated on
request by the fair allocation), else None. The booking services ask every guard before
taking a place.

A day notice provider tells the month calendar which of those days to show as such (with
a link to where families ask instead), so the page never offers what the server refuses."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

BookingGuard = Callable[[object, Sequence[date]], str | None]

_guards: list[BookingGuard] = []


def booking_guard_register(guard: BookingGuard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def booking_refusal(activity, days: Sequence[date]) -> str | None:
    """The first guard's reason to refuse booking these days, or None."""
    for guard in _guards:
        message = guard(activity, days)
        if message:
            return message
    return None


@dataclass(frozen=True)
class DayNotice:
    """What the month calendar shows instead of « Réserver » on a day another app keeps
    from first-come booking: a label, a reason and where to go instead."""

    label: str
    reason: str
    url: str
    link_label: str


# fn(activities, first, last) -> {(activity_id, date): DayNotice}, in a constant number
# of queries whatever the number of activities and days.
DayNotices = Callable[[Sequence[object], date, date], dict[tuple[int, date], DayNotice]]

_notices: list[DayNotices] = []
# Per provider, an SQL condition on an activity (table alias `a`), true when the provider
# may have notices for it: the month page reads it with the child's activities and asks
# the providers only about those (no query in the usual case).
_pending: list[str] = []


def day_notices_register(provider: DayNotices, *, pending_sql: str = "1 = 1") -> None:
    """Register a provider; `pending_sql` (static SQL, no parameters) narrows which
    activities it is asked about (every one by default)."""
    if provider not in _notices:
        _notices.append(provider)
        _pending.append(f"({pending_sql})")


def notices_pending_sql() -> str:
    """The condition, on the activity `a`, that some provider may have notices for it."""
    return " OR ".join(_pending) or "1 = 0"


def day_notices(activities: Sequence[object], first: date, last: date) -> dict:
    """The days of `activities` between `first` and `last` that are not booked first
    come, first served, with what to show instead (the first provider wins). Activities
    read with `notices_pending` false (selectors.month) are known to have none."""
    notices: dict[tuple[int, date], DayNotice] = {}
    activities = [a for a in activities if getattr(a, "notices_pending", True)]
    if not activities:
        return notices
    for provider in _notices:
        for cell, notice in provider(activities, first, last).items():
            notices.setdefault(cell, notice)
    return notices
