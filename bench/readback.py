"""What the opening-day bench reads back from PostgreSQL after each rush: the capacity
and the arrival order (`check_rush`), the booking queue drained (`drained`), and each
family's wait for its decision (`check_decisions`). Used by bench/opening.py."""

import asyncio
import time

import psycopg


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def check_rush(dsn: str, capacity: int, activity: int, families: list, order: list[int]) -> dict:
    """Invariants read back from PostgreSQL: capacity, the places to the earliest
    arrivals, waitlist ranks following arrival order."""
    arrival_of = {families[i].child: position for position, i in enumerate(order)}
    with psycopg.connect(dsn) as connection:
        counters = connection.execute(
            "SELECT date, booked, capacity FROM activities_activityday "
            "WHERE activity_id = %s ORDER BY date",
            [activity],
        ).fetchall()
        rows = connection.execute(
            "SELECT child_id, min(status), min(waitlist_position) FROM activities_booking "
            "WHERE activity_id = %s GROUP BY child_id",
            [activity],
        ).fetchall()
        over = connection.execute(
            "SELECT count(*) FROM (SELECT date FROM activities_booking WHERE activity_id = %s "
            "AND status = 'reservee' GROUP BY date HAVING count(*) > %s) AS t",
            [activity, capacity],
        ).fetchone()[0]
    booked = sorted(arrival_of[c] for c, status, _r in rows if status == "reservee")
    waiting = sorted((rank, arrival_of[c]) for c, status, rank in rows if status == "attente")
    inversions = sum(
        1 for (_r1, a1), (_r2, a2) in zip(waiting, waiting[1:], strict=False) if a2 < a1
    )
    # How far back in arrival order a family was served after a later one (in arrivals).
    displacement, latest = 0, -1
    for _rank, position in waiting:
        latest = max(latest, position)
        displacement = max(displacement, latest - position)
    late_places = sum(1 for position in booked if position >= capacity)
    result = {
        "days": [f"{d}: {b}/{c}" for d, b, c in counters],
        "booked": len(booked),
        "waitlisted": len(waiting),
        "over_capacity_days": over,
        "places_to_later_arrivals": late_places,
        "waitlist_inversions": inversions,
        "max_displacement_arrivals": displacement,
        "ranks_distinct": len({r for r, _a in waiting}) == len(waiting),
    }
    print(
        f"    {', '.join(result['days'])}; week booked {len(booked)}, waitlisted "
        f"{len(waiting)}; days over capacity {over}; places given to a later arrival "
        f"than an unplaced one: {late_places}; waitlist pairs out of arrival order: "
        f"{inversions}/{max(len(waiting) - 1, 0)}, the furthest {displacement} arrivals back"
    )
    return result


async def drained(dsn: str, activity: int, timeout: float = 300.0) -> None:
    """Wait until the booking queue's worker has decided every request of the rush."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as connection:
        while time.monotonic() < deadline:
            pending = connection.execute(
                "SELECT count(*) FROM activities_weekrequest "
                "WHERE activity_id = %s AND status = 'en_attente'",
                [activity],
            ).fetchone()[0]
            if not pending:
                return
            await asyncio.sleep(0.05)
    print(f"    the worker left requests pending after {timeout:g} s")


def check_decisions(
    dsn: str, limit: float, activity: int, families: list, arrivals: list[float], origin: float
) -> dict:
    """The booking queue read back: one request per family, each decided (none refused),
    and how long each family waited for its decision: from its arrival (the client's
    clock) and from the request's record (created_at) to the worker's decided_at."""
    arrival_of = {family.child: origin + arrivals[i] for i, family in enumerate(families)}
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT child_id, status, extract(epoch FROM created_at), "
            "extract(epoch FROM decided_at) FROM activities_weekrequest WHERE activity_id = %s",
            [activity],
        ).fetchall()
    children = {child for child, *_rest in rows}
    decided = [row for row in rows if row[3] is not None]
    from_arrival = [float(done) - arrival_of[child] for child, _s, _c, done in decided]
    from_record = [float(done) - float(created) for _child, _s, created, done in decided]
    refused = sum(1 for _child, status, *_rest in rows if status == "refusee")
    result = {
        "requests": len(rows),
        "pending": len(rows) - len(decided),
        "refused": refused,
        "each_decided_once": len(rows) == len(children) == len(families) == len(decided)
        and not refused,
        "from_record_p50_ms": round(percentile(from_record, 0.5) * 1000),
        "from_record_p99_ms": round(percentile(from_record, 0.99) * 1000),
        "from_record_max_ms": round(max(from_record, default=0) * 1000),
        "from_arrival_p50_ms": round(percentile(from_arrival, 0.5) * 1000),
        "from_arrival_p99_ms": round(percentile(from_arrival, 0.99) * 1000),
        "from_arrival_max_ms": round(max(from_arrival, default=0) * 1000),
    }
    result["within_limit"] = result["from_arrival_max_ms"] <= limit * 1000
    print(
        f"    queue: {len(rows)} requests, {result['pending']} pending, {refused} refused; "
        f"decision after the record (created_at → decided_at) p50 "
        f"{result['from_record_p50_ms']} ms, p99 {result['from_record_p99_ms']} ms, max "
        f"{result['from_record_max_ms']} ms; after the arrival p50 "
        f"{result['from_arrival_p50_ms']} ms, p99 {result['from_arrival_p99_ms']} ms, max "
        f"{result['from_arrival_max_ms']} ms (limit {limit:g} s: "
        f"{'kept' if result['within_limit'] else 'NOT KEPT'})"
    )
    return result
