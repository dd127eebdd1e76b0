"""Pure rules of fair allocation (no ORM): the seed of the draw, each request's draw key,
the order of priority, and the allocation itself.

The allocation is greedy in order of priority, which makes it easy to explain and to
check by hand: requests (or siblings kept together, a « unit ») are sorted by the
commune's ordered criteria, ties broken by the draw; each unit in turn gets its first
choice that still has a place on every day for every child, else its next choice, else
it waits. Capacity only decreases as the list is read, so a unit refused a choice can
never see a later (worse placed) unit get that same choice with the same needs.

The draw key of a unit is SHA-256(seed « : » reference), read as a number: anyone who
knows the seed and their reference can recompute it, and a hash spreads the keys
uniformly, so every request of a tie has the same chance."""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import floor

GRANT = "grant"
REFUSE = "refuse"
ALL_GROUPS = ""  # the group of an allocation without age groups


@dataclass(frozen=True)
class Choice:
    """One choice of a request: a site (an activity) and the days wanted there."""

    site: int
    days: tuple[date, ...]


@dataclass(frozen=True)
class Request:
    ref: str
    choices: tuple[Choice, ...]
    criteria: frozenset[str] = frozenset()
    group: str = ALL_GROUPS  # the child's age group
    together: str = ""  # siblings kept together share this key (empty: alone)


@dataclass(frozen=True)
class Adjustment:
    """An agent's decision on one request (and its siblings kept together)."""

    action: str  # GRANT or REFUSE
    choice: int = 0  # for GRANT: the index of the choice granted


@dataclass(frozen=True)
class Outcome:
    ref: str
    granted: int | None  # index of the choice granted, None if not granted
    rank: int | None  # rank on the waitlist of its first choice's site, if waiting
    order: int  # position in the order of processing (1 = first)
    adjusted: bool = False
    reserved: bool = False  # granted on a reserved place


@dataclass
class Result:
    outcomes: dict[str, Outcome]
    order: list[str]  # unit references in order of processing (after priorities)
    draw: list[str]  # unit references in order of the draw alone
    unfit: list[str] = field(default_factory=list)  # forced grants that did not fit
    used: dict = field(default_factory=dict)  # (site, day, group) -> places given


# --- the seed and the draw -------------------------------------------------------------------


def request_line(ref: str, choices: Iterable[Choice], together: str = "") -> str:
    """The canonical line of one request in the hashed list: its reference, its choices
    (site and ISO days) and its siblings' key."""
    parts = [ref, together]
    for choice in choices:
        parts.append(f"{choice.site}:" + ",".join(day.isoformat() for day in choice.days))
    return ";".join(parts)


def requests_hash(lines: Iterable[str]) -> str:
    """SHA-256 of the sorted request lines, one per line: the fingerprint of the list of
    requests as it stood at the close."""
    text = "\n".join(sorted(lines))
    return hashlib.sha256(text.encode()).hexdigest()


def seed_for(public_value: str, list_hash: str) -> str:
    """The seed: SHA-256 of the value published at the close and the list's hash. Neither
    the town hall nor a family can know it while requests may still change."""
    return hashlib.sha256(f"{public_value.strip()}|{list_hash}".encode()).hexdigest()


def draw_key(seed: str, ref: str) -> str:
    """The draw key of a reference: SHA-256(seed:ref) in hexadecimal. Smaller draws first."""
    return hashlib.sha256(f"{seed}:{ref}".encode()).hexdigest()


# --- units and priorities --------------------------------------------------------------------


def units_of(requests: Iterable[Request]) -> dict[str, list[Request]]:
    """Requests grouped into units: siblings kept together share one unit, named by the
    smallest reference among them (so a family's draw does not depend on how many
    children it has); every other request is its own unit."""
    groups: dict[str, list[Request]] = defaultdict(list)
    alone = []
    for request in requests:
        if request.together:
            groups[request.together].append(request)
        else:
            alone.append(request)
    units = {request.ref: [request] for request in alone}
    for members in groups.values():
        members.sort(key=lambda r: r.ref)
        units[members[0].ref] = members
    return units


def unit_criteria(members: Sequence[Request]) -> frozenset[str]:
    """A unit meets a criterion when one of its children does."""
    met: set[str] = set()
    for member in members:
        met |= member.criteria
    return frozenset(met)


def priority(criteria: Sequence[str], met: frozenset[str]) -> tuple[int, ...]:
    """The priority of a unit: for each criterion in the commune's order, 0 when met
    (sorts first), 1 when not. Compared as a tuple: the first criterion decides, the
    next one only among equals."""
    return tuple(0 if key in met else 1 for key in criteria)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- the allocation --------------------------------------------------------------------------


class _Places:
    """Remaining places per (site, day, group) and per (site, day)."""

    def __init__(self, slots: Mapping, days: Mapping):
        self.slots = dict(slots)
        self.days = dict(days)

    def needs(self, members: Sequence[Request], choice_index: int) -> Counter | None:
        need: Counter = Counter()
        for member in members:
            if choice_index >= len(member.choices):
                return None
            choice = member.choices[choice_index]
            for day in choice.days:
                need[(choice.site, day, member.group)] += 1
        return need

    def fits(self, need: Counter) -> bool:
        per_day: Counter = Counter()
        for (site, day, group), count in need.items():
            if self.slots.get((site, day, group), 0) < count:
                return False
            per_day[(site, day)] += count
        return all(self.days.get(key, count) >= count for key, count in per_day.items())

    def take(self, need: Counter) -> None:
        for (site, day, group), count in need.items():
            self.slots[(site, day, group)] -= count
            if (site, day) in self.days:
                self.days[(site, day)] -= count


def reserved_slots(capacity: Mapping, share: float) -> dict:
    """Places reserved per slot for a share (0.1 = 10 %), rounded down."""
    return {slot: floor(places * share + 1e-9) for slot, places in capacity.items()}


def allocate(
    requests: Sequence[Request],
    *,
    capacity: Mapping[tuple[int, date, str], int],
    seed: str,
    criteria: Sequence[str] = (),
    day_capacity: Mapping[tuple[int, date], int] | None = None,
    reserved: tuple[str, float] | None = None,
    adjustments: Mapping[str, Adjustment] | None = None,
) -> Result:
    """Allocate places to requests.

    `capacity` gives the places of each (site, day, age group); `day_capacity` optionally
    bounds all groups of a (site, day) together. `criteria` is the commune's ordered list
    of criterion keys. `reserved` = (criterion, share): that share of every slot is
    first offered to units meeting that criterion, in order of priority. `adjustments`
    are the agents' recorded decisions, keyed by request reference: applied first (a
    grant that does not fit is listed in `unfit` and not granted)."""
    adjustments = adjustments or {}
    units = units_of(requests)
    keys = {ref: draw_key(seed, ref) for ref in units}
    met = {ref: unit_criteria(members) for ref, members in units.items()}
    draw = sorted(units, key=lambda ref: keys[ref])
    order = sorted(draw, key=lambda ref: priority(criteria, met[ref]))
    places = _Places(capacity, day_capacity or {})
    granted: dict[str, int] = {}
    adjusted: set[str] = set()
    refused_by_agent: set[str] = set()
    on_reserved: set[str] = set()
    unfit: list[str] = []

    # The agents' recorded decisions apply to the whole unit of the request.
    unit_of = {member.ref: ref for ref, members in units.items() for member in members}
    decisions: dict[str, Adjustment] = {}
    for ref, adjustment in adjustments.items():
        if ref in unit_of:
            decisions[unit_of[ref]] = adjustment
    for ref in order:
        decision = decisions.get(ref)
        if decision is None:
            continue
        adjusted.add(ref)
        if decision.action == REFUSE:
            refused_by_agent.add(ref)
            continue
        need = places.needs(units[ref], decision.choice)
        if need is not None and places.fits(need):
            places.take(need)
            granted[ref] = decision.choice
        else:
            unfit.append(ref)
            refused_by_agent.add(ref)

    def offer(ref: str, pool: _Places, *also: _Places) -> bool:
        members = units[ref]
        for index in range(max(len(m.choices) for m in members)):
            need = pool.needs(members, index)
            if need is None:
                continue
            if pool.fits(need) and all(other.fits(need) for other in also):
                pool.take(need)
                for other in also:
                    other.take(need)
                granted[ref] = index
                return True
        return False

    pending = [ref for ref in order if ref not in adjusted]
    if reserved is not None and reserved[1] > 0:
        criterion, share = reserved
        pool = _Places(reserved_slots(capacity, share), {})
        for ref in pending:
            if criterion in met[ref] and offer(ref, pool, places):
                on_reserved.add(ref)
    for ref in pending:
        if ref not in granted:
            offer(ref, places)

    outcomes: dict[str, Outcome] = {}
    ranks: Counter = Counter()
    for position, ref in enumerate(order, start=1):
        rank = None
        if ref not in granted and ref not in refused_by_agent:
            site = units[ref][0].choices[0].site if units[ref][0].choices else 0
            ranks[site] += 1
            rank = ranks[site]
        for member in units[ref]:
            outcomes[member.ref] = Outcome(
                ref=member.ref,
                granted=granted.get(ref),
                rank=rank,
                order=position,
                adjusted=ref in adjusted,
                reserved=ref in on_reserved,
            )
    used = {
        slot: capacity[slot] - places.slots[slot]
        for slot in capacity
        if capacity[slot] != places.slots[slot]
    }
    return Result(outcomes=outcomes, order=order, draw=draw, unfit=unfit, used=used)


# --- what the preview and the report show ----------------------------------------------------


def counts_by_criterion(
    requests: Sequence[Request], result: Result, criteria: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """For each criterion: (requests meeting it, of which granted)."""
    counts = {}
    for key in criteria:
        meeting = [r for r in requests if key in r.criteria]
        granted = sum(1 for r in meeting if result.outcomes[r.ref].granted is not None)
        counts[key] = (len(meeting), granted)
    return counts


def counts_by_week(requests: Sequence[Request], result: Result) -> dict[date, tuple[int, int]]:
    """For each week (its Monday): (children asking for a day of it in their first
    choice, children granted a day of it)."""
    asked: Counter = Counter()
    given: Counter = Counter()
    for request in requests:
        outcome = result.outcomes[request.ref]
        if request.choices:
            for monday in {week_of(day) for day in request.choices[0].days}:
                asked[monday] += 1
        if outcome.granted is not None:
            for monday in {week_of(day) for day in request.choices[outcome.granted].days}:
                given[monday] += 1
    return {monday: (asked[monday], given[monday]) for monday in sorted(asked | given)}


def edge(result: Result, *, size: int = 5) -> tuple[list[str], list[str]]:
    """The units on the edge: the last `size` granted and the first `size` waiting, in
    order of processing."""
    granted = [ref for ref in result.order if result.outcomes[ref].granted is not None]
    waiting = [ref for ref in result.order if result.outcomes[ref].rank is not None]
    return granted[-size:], waiting[:size]


# --- the window ------------------------------------------------------------------------------

UPCOMING, OPEN, CLOSED, PUBLISHED = "a_venir", "ouverte", "close", "publiee"


def window_state(now, *, opens_at, closes_at, published: bool) -> str:
    """Where an allocation stands: requests not yet open, open (from the opening time
    included to the closing time excluded), closed awaiting publication, published."""
    if published:
        return PUBLISHED
    if now < opens_at:
        return UPCOMING
    if now < closes_at:
        return OPEN
    return CLOSED
