"""Exact learning-path planner: the cheapest order of courses that takes a learner to a goal.

Two exact methods share one preparation step, and :func:`plan_path` picks between them:

* Preparation keeps only *relevant* courses: usable for the measure (known hours or cost),
  takeable at all from the start (forward closure), and teaching a gap skill or a skill that a
  relevant course requires (backward closure). A course outside this set is never part of an
  optimal plan, because removing a course that adds nothing strictly lowers the key.
* Small problems (at most ``SEARCH_LIMIT`` relevant courses) use uniform-cost search over the
  held relevant skills, labelled with the full key ``(primary, secondary, tertiary, sorted ids)``.
  Two course sets that hold the same skills are extended by the same courses, so the one with
  the smaller key dominates: the first goal state popped is optimal *including* the id
  tie-break. This needs no solver and no import of HiGHS.
* Larger problems (or a search that grows past ``STATE_LIMIT`` states) use an integer program on
  HiGHS (``ilp.py``): one binary per relevant course, a cover row per gap skill and a
  support row per (course, required skill). Cyclic support (a needs what b teaches and b needs
  what a teaches) is forbidden lazily: each solution is checked by taking its courses in order;
  stuck courses give a cut ``sum(stuck) - sum(outside courses teaching a missing requirement) <=
  |stuck| - 1`` and the model is solved again. The key is minimised lexicographically, one measure
  per stage, each stage bounding the previous optimum. What makes 10,000-course catalogs fast is
  reduced-cost fixing: nearly every course is relevant there, but one LP over all of them
  (presolve off, ~10 ms) gives a bound L and reduced costs rc, a MIP on the zero-rc courses gives
  an incumbent U, and only courses with L + rc <= U can be in a plan that good, typically 40-150
  of 9,000. Among sets that tie on all three measures the ILP returns the one HiGHS finds, so the
  final id tie-break is exact on the search method only (the bundled ~40-course data uses the
  search).

A time limit stops either method; the best plan found so far (at worst the greedy baseline) is
returned with ``optimal=False`` and the proven lower bound on the primary measure.
Alternatives are the next-best plans by the same key that are not supersets of an earlier plan
(a superset is never a sensible alternative); they come from the ILP with one no-good row
``sum(plan) <= |plan| - 1`` per earlier plan.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Iterable, Sequence
from typing import Any

from genai_kg.plan.problem import (
    CourseOption,
    Measure,
    Plan,
    PlanResult,
    Problem,
    make_plan,
    prepare_problem,
)

SEARCH_LIMIT = 40
STATE_LIMIT = 20_000
_INF = float("inf")


def _greedy(p: Problem) -> list[int]:
    """Greedy cover: most new target skills per unit of the primary, among takeable courses.

    Targets are the missing gap skills; when no takeable course teaches one, the targets widen
    to the prerequisites of their teachers (and so on). Redundant courses are dropped at the end.
    """
    teachers = p.teachers()
    held, chosen = set(p.start), []
    while not p.gap <= held:
        targets = set(p.gap - held)
        while True:
            best: tuple[float, int] | None = None
            for i in sorted({i for s in targets for i in teachers[s]}):
                gain = len(p.teach[i] & targets)
                if p.req[i] <= held:
                    w = p.weights[i][0]
                    cand = (-(gain / w if w > 0 else _INF), i)
                    if best is None or cand < best:
                        best = cand
            if best is not None:
                break
            targets |= {r for s in targets for i in teachers[s] for r in p.req[i]} - held
        chosen.append(best[1])
        held |= p.teach[best[1]]
    for i in sorted(chosen, key=lambda i: (-p.weights[i][0], i)):  # dearest first
        rest = [j for j in chosen if j != i]
        if p.covers(rest):
            chosen = rest
    return chosen


def _search(p: Problem, deadline: float) -> list[int] | None:
    """Uniform-cost search over held-skill states; None when it grows too big or too slow."""
    bit = {s: 1 << k for k, s in enumerate(sorted(set().union(*p.teach, p.gap)))}

    def mask(skills: Iterable[str]) -> int:
        return sum(bit[s] for s in skills)

    teach, req, goal = [mask(t) for t in p.teach], [mask(r) for r in p.req], mask(p.gap)
    best = {0: p.key(())}
    heap: list[tuple[Any, int, tuple[int, ...]]] = [(best[0], 0, ())]
    while heap:
        key, state, chosen = heapq.heappop(heap)
        if best[state] != key:
            continue
        if state & goal == goal:
            return list(chosen)
        if len(best) > STATE_LIMIT or time.monotonic() > deadline:
            return None
        for i in range(len(teach)):
            if req[i] & ~state or not teach[i] & ~state:
                continue
            nxt, grown = state | teach[i], tuple(sorted((*chosen, i)))
            nkey = p.key(grown)
            if nxt not in best or nkey < best[nxt]:
                best[nxt] = nkey
                heapq.heappush(heap, (nkey, nxt, grown))
    return None  # unreachable for a prepared problem


def _solve(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    by: Measure | str,
    alternatives: int,
    time_limit: float | None,
    method: str,
) -> PlanResult:
    from genai_kg.plan.ilp import IntegerProgram  # HiGHS and numpy: imported only when needed

    p = prepare_problem(courses, start, goal, by)
    deadline = _INF if time_limit is None else time.monotonic() + time_limit
    if not p.gap:
        return PlanResult(Plan(()), p.by, True, 0.0, p.gap, p.left_out)
    found = None
    if method == "search" or (method == "auto" and len(p.options) <= SEARCH_LIMIT):
        found = _search(p, deadline)
    ilp = None
    if found is not None:
        chosen, optimal, bound = found, True, p.key(found)[0]
    else:
        ilp = IntegerProgram(p, deadline)
        best, optimal, bound = ilp.best(_greedy(p), [])
        assert best is not None, "the greedy plan is always a valid incumbent"
        chosen = best
    value = p.key(chosen)[0]
    bound = value if optimal else min(max(bound, 0.0), value)
    if p.by is Measure.COURSES:
        bound = float(math.ceil(bound - 1e-6))
    others: list[Plan] = []
    if alternatives > 0:
        ilp = ilp or IntegerProgram(p, deadline)
        nogoods: list[tuple[Any, ...]] = []
        last = chosen
        for _ in range(alternatives):
            nogoods.append((last, [], -_INF, len(last) - 1.0))  # no superset of an earlier plan
            alt, _, _ = ilp.best(None, nogoods, p.key(last)[0])
            if alt is None:
                break
            others.append(make_plan(p, alt))
            last = alt
    return PlanResult(make_plan(p, chosen), p.by, optimal, bound, p.gap, p.left_out, tuple(others))


def plan_path(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    *,
    by: Measure | str = Measure.COURSES,
    alternatives: int = 0,
    time_limit: float | None = 10.0,
) -> PlanResult:
    """Find the plan with the smallest (by, other measures, ids) key that reaches the goal.

    Args:
        courses: the catalog; ids must be unique, measures non-negative.
        start: skills held at the start.
        goal: skills to hold at the end.
        by: the measure to minimise; ties break on the other two, then on the sorted ids.
        alternatives: up to this many further plans, next-best, none a superset of an earlier.
        time_limit: seconds; when reached the best plan found is returned with optimal False.

    Raises:
        NoPlanError: some goal skills are taught by no course that can be taken.

    >>> py = CourseOption("py", frozenset({"python"}), hours=10)
    >>> ml = CourseOption("ml", frozenset({"ml"}), frozenset({"python"}), hours=20)
    >>> result = plan_path([ml, py], start=[], goal=["ml"], by="hours")
    >>> result.plan.course_ids, result.plan.hours, result.optimal
    (('py', 'ml'), 30.0, True)
    """
    return _solve(courses, start, goal, by, alternatives, time_limit, "auto")


def greedy_plan(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    *,
    by: Measure | str = Measure.COURSES,
) -> Plan:
    """Return the classic greedy set-cover plan (respecting prerequisites), the baseline.

    >>> a = CourseOption("a", frozenset({"x", "y"}))
    >>> b = CourseOption("b", frozenset({"x"}))
    >>> greedy_plan([a, b], start=[], goal=["x", "y"]).course_ids
    ('a',)
    """
    p = prepare_problem(courses, start, goal, by)
    return make_plan(p, _greedy(p))
