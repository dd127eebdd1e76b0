"""The booking queue's rule (pure): a batch of week requests decided in arrival order."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.activities.queue_rules import (
    BOOKED,
    DUPLICATE,
    REFUSED,
    WAITLISTED,
    Ask,
    Counter,
    allocate_week,
)

MONDAY = date(2026, 12, 21)
WEEK = tuple(MONDAY + timedelta(days=i) for i in range(4))


def test_the_first_arrivals_take_the_places_the_next_ones_wait_in_order():
    counters = [Counter(day, booked=0, capacity=2, waitlist_last=3, waiting=1) for day in WEEK]
    asks = [Ask(key, child=key, days=WEEK) for key in (12, 10, 11, 13)]
    decisions, after = allocate_week(counters, asks)
    assert [(d.key, d.outcome) for d in decisions] == [
        (10, BOOKED),
        (11, BOOKED),
        (12, WAITLISTED),
        (13, WAITLISTED),
    ]
    # Positions continue the counter's; ranks count the family already waiting.
    assert decisions[2].positions == dict.fromkeys(WEEK, 4) and decisions[2].rank == 2
    assert decisions[3].positions == dict.fromkeys(WEEK, 5) and decisions[3].rank == 3
    assert all(c.booked == 2 and c.waitlist_last == 5 and c.waiting == 3 for c in after.values())


def test_one_full_day_sends_the_whole_week_to_the_waitlist():
    counters = [Counter(day, booked=0, capacity=1) for day in WEEK]
    counters[2] = Counter(WEEK[2], booked=1, capacity=1)
    decisions, after = allocate_week(counters, [Ask(1, child=7, days=WEEK)])
    assert decisions[0].outcome == WAITLISTED
    assert [after[day].booked for day in WEEK] == [0, 0, 1, 0]


def test_refused_and_double_requests_take_nothing():
    counters = [Counter(day, booked=0, capacity=5) for day in WEEK]
    asks = [
        Ask(1, child=7, days=WEEK, refused=True),
        Ask(2, child=8, days=WEEK),
        Ask(3, child=8, days=WEEK[1:]),  # the same child again: one live booking per day
        Ask(4, child=9, days=()),  # no day left open
    ]
    decisions, after = allocate_week(counters, asks)
    assert [d.outcome for d in decisions] == [REFUSED, BOOKED, DUPLICATE, REFUSED]
    assert all(c.booked == 1 for c in after.values())


@st.composite
def batches(draw):
    capacity = draw(st.integers(min_value=0, max_value=6))
    counters = [
        Counter(
            day,
            booked=draw(st.integers(min_value=0, max_value=capacity)),
            capacity=capacity,
            waitlist_last=draw(st.integers(min_value=0, max_value=5)),
            waiting=draw(st.integers(min_value=0, max_value=3)),
        )
        for day in WEEK
    ]
    keys = draw(st.lists(st.integers(min_value=1, max_value=10_000), unique=True, max_size=40))
    asks = [
        Ask(
            key,
            child=draw(st.integers(min_value=1, max_value=15)),
            days=tuple(sorted(draw(st.sets(st.sampled_from(WEEK), min_size=1)))),
            refused=draw(st.integers(min_value=0, max_value=9)) == 0,
        )
        for key in keys
    ]
    return counters, asks


@given(batches())
def test_allocation_properties(batch):
    """Never over capacity; the places to the earliest arrivals; waitlist positions in
    arrival order, new and distinct on each day; one live request per child and day; and
    every counter moved by exactly what was given on it."""
    counters, asks = batch
    decisions, after = allocate_week(counters, asks)
    before = {c.day: c for c in counters}
    asked = {ask.key: ask for ask in asks}
    assert [d.key for d in decisions] == sorted(asked)
    live = [d for d in decisions if d.outcome in (BOOKED, WAITLISTED)]
    for day in WEEK:
        given_places = sum(1 for d in live if d.outcome == BOOKED and day in asked[d.key].days)
        assert after[day].booked == before[day].booked + given_places <= before[day].capacity
        positions = [
            d.positions[day] for d in live if d.outcome == WAITLISTED and day in asked[d.key].days
        ]
        # In arrival order (decisions are), strictly increasing, after the last one given.
        assert positions == sorted(set(positions))
        assert all(p > before[day].waitlist_last for p in positions)
        assert after[day].waitlist_last == before[day].waitlist_last + len(positions)
    # First come, first served: a later request is never booked on days that include
    # every day of an earlier one that had to wait.
    for i, earlier in enumerate(live):
        for later in live[i + 1 :]:
            if earlier.outcome == WAITLISTED and later.outcome == BOOKED:
                assert not set(asked[earlier.key].days) <= set(asked[later.key].days)
    # Ranks count those already waiting and follow arrival order (same days, later
    # arrival: a higher rank).
    waiting = [d for d in live if d.outcome == WAITLISTED]
    for i, d in enumerate(waiting):
        assert d.rank >= 1 + min(before[day].waiting for day in asked[d.key].days)
        for later in waiting[i + 1 :]:
            if asked[later.key].days == asked[d.key].days:
                assert later.rank > d.rank
    # One live request per child and day.
    cells = [(asked[d.key].child, day) for d in live for day in asked[d.key].days]
    assert len(cells) == len(set(cells))
    # Refused asks are refused; a double request is one that overlaps an earlier live one.
    for d in decisions:
        if asked[d.key].refused:
            assert d.outcome == REFUSED
        if d.outcome == DUPLICATE:
            ask = asked[d.key]
            assert any(
                asked[e.key].child == ask.child
                and set(asked[e.key].days) & set(ask.days)
                and e.key < d.key
                for e in live
            )
