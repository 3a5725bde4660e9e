"""The hours/cost frontier (``path --pareto``): every plan no other beats on both, fewest hours
first.

The walk starts at the fastest plan and takes, each time, the fastest plan strictly cheaper
than the last, down to the cheapest plan. Each point is an exact plan by hours, then cost, then
course count: breaking ties on cost before count is what keeps a plan off the frontier that
another plan of the same hours undercuts.

Small problems walk with the planner's search, one question per point. Larger ones share one
integer program. No frontier plan has more hours than the cheapest plan C, nor more cost than
the fastest plan F (either would make it dominated), so reduced-cost fixing on two LPs over
every relevant course, one by hours bounded by C's hours and one by cost bounded by F's cost,
keeps only the courses a frontier plan can contain. Each point after F is then a MIP on that
core with one more row, cost at most the last cost less a cent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from genai_kg.errors import NoPlanError
from genai_kg.plan.planner import (
    SEARCH_LIMIT,
    Limits,
    _collector_paused,
    _solve,
    proven_bound,
)
from genai_kg.plan.prepare import prepare_problem
from genai_kg.plan.problem import CourseOption, Measure, PlanResult, Problem, make_plan

_INF = float("inf")
#: Ties on hours break on cost, then on course count; ties on cost on hours, then count.
HOURS_FIRST = (Measure.COST, Measure.COURSES)
COST_FIRST = (Measure.HOURS, Measure.COURSES)
#: A price's finest step: the next point must be cheaper by at least a cent.
CENT = 0.01


@dataclass(frozen=True)
class Frontier:
    """The plans on the hours/cost frontier, fewest hours first; ``complete`` is False when the
    time limit stopped the walk before the cheapest plan was reached."""

    plans: tuple[PlanResult, ...]
    complete: bool


@_collector_paused
def pareto_plans(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    *,
    time_limit: float | None = 10.0,
    max_hours: float | None = None,
    max_cost: float | None = None,
    hours_per_week: float = 10.0,
    method: str = "auto",
) -> Frontier:
    """Return every plan on the hours/cost frontier, fewest hours first.

    Only courses with both hours and cost known take part. Each plan has the fewest hours of
    any plan cheaper than the one before it (and the least cost for those hours), so no plan is
    at least as good on both and better on one; ``optimal`` says that was proven.

    Raises:
        NoPlanError: as :func:`planner.plan_path`, when not even one plan exists.

    >>> a = CourseOption("a", frozenset({"x"}), hours=10, cost=50)
    >>> b = CourseOption("b", frozenset({"x"}), hours=30, cost=0)
    >>> c = CourseOption("c", frozenset({"x"}), hours=40, cost=10)
    >>> [r.plan.course_ids for r in pareto_plans([a, b, c], [], ["x"]).plans]
    [('a',), ('b',)]
    """
    known = [c for c in courses if c.hours is not None and c.cost is not None]
    start, goal = list(start), list(goal)
    deadline = _INF if time_limit is None else time.monotonic() + time_limit
    limits = Limits(max_hours, max_cost, hours_per_week)
    unknown = len(courses) - len(known)
    question = _Question(known, start, goal, limits, method, deadline, unknown)
    fastest = question.solve(Measure.HOURS, limits, HOURS_FIRST)
    fastest = replace(fastest, left_out=unknown + fastest.left_out)
    if not fastest.optimal:
        return Frontier((fastest,), False)
    if fastest.plan.cost <= 0 or not fastest.plan.steps:
        return Frontier((fastest,), True)
    p = prepare_problem(
        known,
        start,
        goal,
        Measure.HOURS,
        max_hours=max_hours,
        max_cost=max_cost,
        hours_per_week=hours_per_week,
        then=HOURS_FIRST,
    )
    if method == "search" or (method == "auto" and len(p.options) <= SEARCH_LIMIT):
        return _walk_by_search(question, fastest)
    return _walk_on_core(p, question, fastest)


@dataclass(frozen=True)
class _Question:
    """What every point of one walk is asked under; ``unknown`` counts the courses left out
    for an unknown hours or cost."""

    known: list[CourseOption]
    start: list[str]
    goal: list[str]
    limits: Limits
    method: str
    deadline: float
    unknown: int

    def solve(self, by: Measure, limits: Limits, then: tuple[Measure, Measure]) -> PlanResult:
        return _solve(
            self.known, self.start, self.goal, by, 0, None, self.method, limits, self.deadline,
            then=then,
        )  # fmt: skip


def _walk_by_search(q: _Question, fastest: PlanResult) -> Frontier:
    """One planning question per point, each under a cost limit a cent below the last."""
    frontier = [fastest]
    while True:
        if time.monotonic() > q.deadline:
            return Frontier(tuple(frontier), False)
        cheaper = replace(q.limits, max_cost=frontier[-1].plan.cost - CENT / 2)
        try:
            result = q.solve(Measure.HOURS, cheaper, HOURS_FIRST)
        except NoPlanError:
            # No cheaper plan, unless the time ran out before that was proved.
            return Frontier(tuple(frontier), time.monotonic() <= q.deadline)
        frontier.append(replace(result, left_out=q.unknown + result.left_out))
        if not result.optimal:
            return Frontier(tuple(frontier), False)
        if result.plan.cost <= 0 or not result.plan.steps:
            return Frontier(tuple(frontier), True)


def _walk_on_core(p: Problem, q: _Question, fastest: PlanResult) -> Frontier:
    """The points after the fastest plan, each a MIP on the courses a frontier plan can hold."""
    from genai_kg.plan.ilp import IntegerProgram  # HiGHS and numpy: imported only when needed

    cheapest = q.solve(Measure.COST, q.limits, COST_FIRST)
    if not cheapest.optimal:  # its hours bound the core only once it is proven cheapest
        return Frontier((fastest,), False)
    # The points between keep HiGHS's choice among plans equal on all three measures: the
    # check by ids took each walk to its 30 s limit at 10,000 courses (bench_planner, 3 of 3).
    program = IntegerProgram(p, q.deadline, by_ids=False)
    by_hours, by_cost = program.relaxation(0), program.relaxation(1)
    if by_hours is None or by_cost is None:
        return Frontier((fastest,), False)
    core = [
        c
        for c in range(len(p.options))
        if _within(by_hours[0] + by_hours[1][c], cheapest.plan.hours)
        and _within(by_cost[0] + by_cost[1][c], fastest.plan.cost)
    ]
    costs = [p.weights[c][1] for c in core]
    frontier = [fastest]
    while frontier[-1].plan.cost > cheapest.plan.cost + CENT / 2:
        if time.monotonic() > q.deadline:
            return Frontier(tuple(frontier), False)
        limit = frontier[-1].plan.cost - CENT / 2
        high = limit + 1e-9 * max(1.0, limit)
        cheaper: list[tuple[Any, ...]] = [(core, [], -_INF, high, costs)]
        # Reduced-cost fixing by cost tightens as the walk gets cheaper.
        keep = [c for c in core if _within(by_cost[0] + by_cost[1][c], limit)]
        floor = frontier[-1].plan.hours  # a cheaper plan takes no fewer hours
        chosen, proved, bound = program.best_within(core, keep, cheaper, high, floor)
        if chosen is None:  # stopped (or proved that nothing is cheaper: the walk is done)
            return Frontier(tuple(frontier), proved)
        result = PlanResult(
            make_plan(p, chosen),
            Measure.HOURS,
            proved,
            proven_bound(p, chosen, proved, bound),
            p.gap | p.untaught,
            q.unknown + p.left_out,
            (),
            p.untaught,
        )
        frontier.append(result)
        if not proved:
            return Frontier(tuple(frontier), False)
    return Frontier(tuple(frontier), True)


def _within(value: float, limit: float) -> bool:
    """``value <= limit`` with the tolerance reduced-cost fixing uses in ``ilp``."""
    return value <= limit + 1e-7 * max(1.0, abs(limit))
