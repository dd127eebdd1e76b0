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


def day_notices_register(provider: DayNotices) -> None:
    if provider not in _notices:
        _notices.append(provider)


def day_notices(activities: Sequence[object], first: date, last: date) -> dict:
    """The days of `activities` between `first` and `last` that are not booked first
    come, first served, with what to show instead (the first provider wins)."""
    notices: dict[tuple[int, date], DayNotice] = {}
    if not activities:
        return notices
    for provider in _notices:
        for cell, notice in provider(activities, first, last).items():
            notices.setdefault(cell, notice)
    return notices
