"""The agents' preview of a fair allocation and the public report once published: each
request's outcome with its criteria, choices and adjustment, the counts per criterion
and per week, the families on the edge, and the draw's order (built on `selectors`)."""

from dataclasses import dataclass
from datetime import date

from espace_citoyen.allocation import criteria as criteria_registry
from espace_citoyen.allocation import rules
from espace_citoyen.allocation.models import (
    Adjustment,
    Allocation,
    AllocationRequest,
)
from espace_citoyen.allocation.selectors import (
    active_requests,
    choice_label,
    latest_adjustments,
    rules_input,
    run,
)
from espace_citoyen.core import dates


@dataclass
class Row:
    request: AllocationRequest
    reference: str
    outcome: rules.Outcome
    draw_key: str
    criteria: list[str]
    choices: list[str]
    granted_label: str
    adjustment: Adjustment | None = None


@dataclass
class Preview:
    allocation: Allocation
    rows: list[Row]  # in order of processing
    by_criterion: list[tuple[str, int, int]]
    by_week: list[tuple[str, int, int]]
    edge_granted: list[Row]
    edge_waiting: list[Row]
    waitlist: list[Row]
    adjustments: list[Adjustment]
    unfit: list[str]
    granted: int
    waiting: int


def preview(allocation: Allocation) -> Preview:
    """The allocation as it would be published now (after the seed is fixed)."""
    data = rules_input(allocation)
    result = run(allocation, data)
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    adjustments = latest_adjustments(allocation)
    labels = {c.key: c.label for c in criteria_registry.criteria_all()}
    rows_by_ref = {}
    for request in data.requests:
        model = data.by_ref[request.ref]
        outcome = result.outcomes[request.ref]
        rows_by_ref[request.ref] = Row(
            request=model,
            reference=request.ref,
            outcome=outcome,
            draw_key=rules.draw_key(allocation.seed, request.ref),
            criteria=[labels[k] for k in data.criteria if k in request.criteria],
            choices=[choice_label(allocation, c, sites) for c in model.choices],
            granted_label=choice_label(allocation, model.choices[outcome.granted], sites)
            if outcome.granted is not None
            else "",
            adjustment=adjustments.get(model.pk),
        )
    rows = sorted(rows_by_ref.values(), key=lambda row: (row.outcome.order, row.reference))
    edge_granted, edge_waiting = rules.edge(result)
    members = {}
    for row in rows:
        members.setdefault(row.outcome.order, []).append(row)
    unit_rows = {ref: members[result.outcomes[ref].order] for ref in result.order}
    by_criterion = [
        (labels[key], asked, given)
        for key, (asked, given) in rules.counts_by_criterion(
            data.requests, result, data.criteria
        ).items()
    ]
    by_week = [
        (f"semaine du {dates.day_label(monday)}", asked, given)
        for monday, (asked, given) in rules.counts_by_week(data.requests, result).items()
    ]
    return Preview(
        allocation=allocation,
        rows=rows,
        by_criterion=by_criterion,
        by_week=by_week,
        edge_granted=[row for ref in edge_granted for row in unit_rows[ref]],
        edge_waiting=[row for ref in edge_waiting for row in unit_rows[ref]],
        waitlist=[row for row in rows if row.outcome.rank is not None],
        adjustments=sorted(adjustments.values(), key=lambda a: a.at),
        unfit=result.unfit,
        granted=sum(1 for row in rows if row.outcome.granted is not None),
        waiting=sum(1 for row in rows if row.outcome.rank is not None),
    )


def published_report(allocation: Allocation) -> Preview:
    """The allocation as published, from the outcomes kept on each request (the places
    taken since then do not change it)."""
    requests = active_requests(allocation)
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    labels = {c.key: c.label for c in criteria_registry.criteria_all()}
    keys = [key for key in allocation.criteria if criteria_registry.criterion_get(key)]
    public_keys = [key for key in keys if not criteria_registry.criterion_get(key).reserved]
    adjustments = latest_adjustments(allocation)
    rows = []
    for request in requests:
        ref = request.demarche.reference
        outcome = rules.Outcome(
            ref=ref,
            granted=request.granted_choice,
            rank=request.rank,
            order=request.order or 0,
            adjusted=request.pk in adjustments,
        )
        rows.append(
            Row(
                request=request,
                reference=ref,
                outcome=outcome,
                draw_key=rules.draw_key(allocation.seed, ref),
                # Public: the health criterion (reserved places) is only counted, never
                # shown against a reference.
                criteria=[labels[k] for k in public_keys if k in request.criteria_met],
                choices=[choice_label(allocation, c, sites) for c in request.choices],
                granted_label=choice_label(
                    allocation, request.choices[request.granted_choice], sites
                )
                if request.granted_choice is not None
                else "",
                adjustment=adjustments.get(request.pk),
            )
        )
    rows.sort(key=lambda row: (row.outcome.order, row.reference))
    by_criterion = []
    for key in keys:
        meeting = [row for row in rows if key in row.request.criteria_met]
        by_criterion.append(
            (labels[key], len(meeting), sum(1 for r in meeting if r.outcome.granted is not None))
        )
    asked: dict[date, int] = {}
    given: dict[date, int] = {}
    for row in rows:
        choices = row.request.choices
        for monday in {rules.week_of(date.fromisoformat(d)) for d in choices[0]["days"]}:
            asked[monday] = asked.get(monday, 0) + 1
        if row.outcome.granted is not None:
            granted_days = choices[row.outcome.granted]["days"]
            for monday in {rules.week_of(date.fromisoformat(d)) for d in granted_days}:
                given[monday] = given.get(monday, 0) + 1
    by_week = [
        (f"semaine du {dates.day_label(monday)}", asked.get(monday, 0), given.get(monday, 0))
        for monday in sorted(set(asked) | set(given))
    ]
    return Preview(
        allocation=allocation,
        rows=rows,
        by_criterion=by_criterion,
        by_week=by_week,
        edge_granted=[],
        edge_waiting=[],
        waitlist=[row for row in rows if row.outcome.rank is not None],
        adjustments=sorted(adjustments.values(), key=lambda a: a.at),
        unfit=[],
        granted=sum(1 for row in rows if row.outcome.granted is not None),
        waiting=sum(1 for row in rows if row.outcome.rank is not None),
    )


def draw_order(allocation: Allocation, rows: list[Row]) -> list[str]:
    """The units' references in the order of the draw alone (smallest key first)."""
    units = {}
    for row in rows:
        key = (
            row.request.together
            if allocation.keep_siblings and row.request.together
            else row.reference
        )
        units[key] = min(units.get(key, row.reference), row.reference)
    return sorted(units.values(), key=lambda ref: rules.draw_key(allocation.seed, ref))
