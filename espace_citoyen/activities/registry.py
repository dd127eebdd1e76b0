"""Hooks other apps give activities without activities importing them.

A booking guard is `fn(activity, days) -> str | None`: a French message when those days
may not be booked first come, first served (for example: their places are allocated on
request by the fair allocation), else None. The booking services ask every guard before
taking a place."""

from collections.abc import Callable, Sequence
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
