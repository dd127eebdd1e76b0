"""Benchmark of the fair allocation: 5,000 requests for 2,000 places (child-weeks) over 8
holiday weeks (4 sites × 2 age groups × 62 places a day), one to three ranked week choices each, a
fifth of them siblings kept together, three criteria and 5 % of places reserved.

Times the whole pure computation an agent's preview and the publication run: the
requests' hash and seed, the allocation itself, the counts per criterion and per week,
and the families on the edge. Usage: `make bench-allocation` (ALLOC_REQUESTS,
ALLOC_PLACES to change the sizes). Exits non-zero above ALLOC_LIMIT seconds (5)."""

import os
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from espace_citoyen.allocation import rules  # noqa: E402

REQUESTS = int(os.environ.get("ALLOC_REQUESTS", "5000"))
PLACES = int(os.environ.get("ALLOC_PLACES", "2000"))
LIMIT = float(os.environ.get("ALLOC_LIMIT", "5"))
SITES = (1, 2, 3, 4)
GROUPS = ("3-5 ans", "6-11 ans")
CRITERIA = ("commune", "travail", "non_obtenu")
FIRST_MONDAY = date(2027, 7, 5)
WEEKS = [tuple(FIRST_MONDAY + timedelta(days=7 * w + d) for d in range(5)) for w in range(8)]


def build(rng: random.Random):
    per_slot = PLACES // (len(SITES) * len(GROUPS) * len(WEEKS))
    capacity = {
        (site, day, group): per_slot
        for site in SITES
        for week in WEEKS
        for day in week
        for group in GROUPS
    }
    requests = []
    index = 0
    while index < REQUESTS:
        choices = tuple(
            rules.Choice(rng.choice(SITES), rng.choice(WEEKS)) for _ in range(rng.randint(1, 3))
        )
        criteria = frozenset(c for c in CRITERIA if rng.random() < 0.5)
        siblings = 2 if rng.random() < 0.2 and index + 1 < REQUESTS else 1
        together = f"famille-{index}" if siblings == 2 else ""
        for _ in range(siblings):
            requests.append(
                rules.Request(
                    ref=f"D-2027-{index:06d}",
                    choices=choices,
                    criteria=criteria,
                    group=rng.choice(GROUPS),
                    together=together,
                )
            )
            index += 1
    return requests, capacity


def main() -> int:
    requests, capacity = build(random.Random(2027))
    started = time.perf_counter()
    lines = [rules.request_line(r.ref, r.choices, r.together) for r in requests]
    seed = rules.seed_for("07 19 23 38 41 — étoiles 3 9", rules.requests_hash(lines))
    result = rules.allocate(
        requests,
        capacity=capacity,
        seed=seed,
        criteria=CRITERIA,
        reserved=("commune", 0.05),
    )
    rules.counts_by_criterion(requests, result, CRITERIA)
    rules.counts_by_week(requests, result)
    rules.edge(result)
    elapsed = time.perf_counter() - started

    granted = sum(1 for o in result.outcomes.values() if o.granted is not None)
    first = sum(1 for o in result.outcomes.values() if o.granted == 0)
    used = Counter()
    for request in requests:
        outcome = result.outcomes[request.ref]
        if outcome.granted is not None:
            choice = request.choices[outcome.granted]
            for day in choice.days:
                used[(choice.site, day, request.group)] += 1
    over = sum(1 for slot, n in used.items() if n > capacity[slot])
    print(f"requests: {len(requests)}, places (child-weeks): {PLACES}, weeks: {len(WEEKS)}")
    print(f"granted: {granted} ({first} on their first choice), waiting: {len(requests) - granted}")
    print(f"slots over capacity: {over}")
    print(f"allocation (hash, seed, allocation, counts, edge): {elapsed:.2f} s (limit {LIMIT} s)")
    return 1 if over or elapsed > LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
