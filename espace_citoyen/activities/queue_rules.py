"""The booking queue's rule, pure: who gets a holiday week's places when the worker
decides a batch of requests (activities.services.queue).

The same rule as one week booked at a time (services.capacity._book_week), applied to
the requests in arrival order: a request takes one place on each of its days if every
one of them has a place left, else it goes on the waitlist of each of its days with the
next rank. All or nothing, never past a day's capacity, one live booking per child and
day."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

BOOKED = "booked"
WAITLISTED = "waitlisted"
REFUSED = "refused"
# Refused because the same child already had one of the days in an earlier request of
# the same batch (a double submit decided together).
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Counter:
    """One activity day's counter as the worker locked it, with the number of families
    waiting on that day now (a new rank is that number plus one)."""

    day: date
    booked: int
    capacity: int
    waitlist_last: int = 0
    waiting: int = 0

    @property
    def full(self) -> bool:
        return self.booked >= self.capacity


@dataclass(frozen=True)
class Ask:
    """A request to decide: its arrival order (`key`), the child and the days it asks
    for; `refused` when a check before the allocation already refused it."""

    key: int
    child: int
    days: tuple[date, ...]
    refused: bool = False


@dataclass(frozen=True)
class Decision:
    key: int
    outcome: str  # BOOKED, WAITLISTED, REFUSED or DUPLICATE
    # Waitlisted: each day's waitlist position (the counter's next one).
    positions: Mapping[date, int] = field(default_factory=dict)
    # Waitlisted: the rank told to the family (the furthest of its days).
    rank: int | None = None


def allocate_week(
    counters: Iterable[Counter], asks: Sequence[Ask]
) -> tuple[list[Decision], dict[date, Counter]]:
    """Decide `asks` in arrival order against `counters` (one per day asked for).
    Returns a decision per ask, in arrival order, and the counters after them."""
    state = {counter.day: counter for counter in counters}
    taken: set[tuple[int, date]] = set()  # (child, day) given in this batch
    decisions = []
    for ask in sorted(asks, key=lambda a: a.key):
        if ask.refused or not ask.days:
            decisions.append(Decision(ask.key, REFUSED))
            continue
        if any((ask.child, day) in taken for day in ask.days):
            decisions.append(Decision(ask.key, DUPLICATE))
            continue
        taken.update((ask.child, day) for day in ask.days)
        if not any(state[day].full for day in ask.days):
            for day in ask.days:
                state[day] = replace(state[day], booked=state[day].booked + 1)
            decisions.append(Decision(ask.key, BOOKED))
            continue
        positions = {}
        for day in ask.days:
            counter = state[day]
            state[day] = replace(
                counter, waitlist_last=counter.waitlist_last + 1, waiting=counter.waiting + 1
            )
            positions[day] = state[day].waitlist_last
        rank = max(state[day].waiting for day in ask.days)
        decisions.append(Decision(ask.key, WAITLISTED, positions=positions, rank=rank))
    return decisions, state
