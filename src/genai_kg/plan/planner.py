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
  HiGHS (``ilp.py``): one binary per relevant course, a cover row per gap skill and
  support rows through a column per required skill (x_course <= y_skill <= sum of the
  teachers of the skill). Cyclic support (a needs what b teaches and b needs
  what a teaches) is forbidden lazily: each solution is checked by taking its courses in order;
  stuck courses give a cut ``sum(stuck) - sum(outside courses teaching a missing requirement) <=
  |stuck| - 1`` and the model is solved again. The key is minimised lexicographically, one measure
  per stage, each stage bounding the previous optimum. What makes 10,000-course catalogs fast is
  reduced-cost fixing: nearly every course is relevant there, but one LP over all of them
  (presolve off, ~10 ms) gives a bound L and reduced costs rc, a MIP on the zero-rc courses gives
  an incumbent U, and only courses with L + rc <= U can be in a plan that good, typically 40-150
  of 9,000. The last tie-break, on ids, is a check after the three stages (``_first_by_id``):
  an LP, or a MIP when the LP cannot rule out a tied plan of smaller ids. On the bundled data
  (264 courses) 76 of the 305 role-to-role questions with a gap have at most ``SEARCH_LIMIT``
  relevant courses; the rest (median 170) use the ILP.

A time limit stops either method; the best plan found so far (at worst the greedy baseline) is
returned with ``optimal=False`` and the proven lower bound on the primary measure.
Alternatives are the next-best plans by the same key that are not supersets of an earlier plan
(a superset is never a sensible alternative); they come from the ILP with one no-good row
``sum(plan) <= |plan| - 1`` per earlier plan.
"""

from __future__ import annotations

import functools
import gc
import heapq
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ParamSpec, TypeVar

from genai_kg.errors import NoPlanError
from genai_kg.plan.prepare import prepare_problem
from genai_kg.plan.problem import (
    CourseOption,
    Measure,
    Plan,
    PlanResult,
    Problem,
    make_plan,
    within,
)

P = ParamSpec("P")
R = TypeVar("R")
SEARCH_LIMIT = 40
STATE_LIMIT = 20_000
_INF = float("inf")
#: What the search returns when it proves no plan keeps within the budgets.
NO_PLAN: list[int] = []


def _greedy(p: Problem, weight: Sequence[float] | None = None) -> list[int]:
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
                    w = p.weights[i][0] if weight is None else weight[i]
                    cand = (-(gain / w if w > 0 else _INF), i)
                    if best is None or cand < best:
                        best = cand
            if best is not None:
                break
            targets |= {r for s in targets for i in teachers[s] for r in p.req[i]} - held
        chosen.append(best[1])
        held |= p.teach[best[1]]
    dear = [w[0] for w in p.weights] if weight is None else weight
    for i in sorted(chosen, key=lambda i: (-dear[i], i)):  # dearest first
        rest = [j for j in chosen if j != i]
        if p.covers(rest):
            chosen = rest
    return chosen


def _search(p: Problem, deadline: float) -> list[int] | None:
    """Uniform-cost search over held-skill states; None when it grows too big or too slow,
    ``NO_PLAN`` when it proves that every plan breaks a budget.

    A label is (key, budget use); under budgets a state keeps every label no other label there
    beats on the key and on each budget, since a dearer label with budget to spare may be the
    only one that can still be finished within the limits. Without budgets that is one label.
    """
    bit = {s: 1 << k for k, s in enumerate(sorted(set().union(*p.teach, p.gap)))}

    def mask(skills: Iterable[str]) -> int:
        return sum(bit[s] for s in skills)

    teach, req, goal = [mask(t) for t in p.teach], [mask(r) for r in p.req], mask(p.gap)
    limits = [limit for limit, _ in p.budgets]
    zero = tuple(0.0 for _ in limits)
    labels: dict[int, list[tuple[Any, tuple[float, ...]]]] = {0: [(p.key(()), zero)]}
    count = 1
    heap: list[tuple[Any, int, tuple[int, ...], tuple[float, ...]]] = [(p.key(()), 0, (), zero)]
    while heap:
        key, state, chosen, spent = heapq.heappop(heap)
        if (key, spent) not in labels[state]:
            continue  # beaten after it was pushed
        if state & goal == goal:
            return list(chosen)
        if count > STATE_LIMIT or time.monotonic() > deadline:
            return None
        for i in range(len(teach)):
            if req[i] & ~state or not teach[i] & ~state:
                continue
            grown = tuple(sorted((*chosen, i)))
            nspent = tuple(math.fsum(p.budgets[b][1][j] for j in grown) for b in range(len(limits)))
            if not all(within(v, limit) for v, limit in zip(nspent, limits, strict=True)):
                continue
            nxt, nkey = state | teach[i], p.key(grown)
            here = labels.setdefault(nxt, [])
            if any(k <= nkey and _le(s, nspent) for k, s in here):
                continue
            here[:] = [(k, s) for k, s in here if not (nkey <= k and _le(nspent, s))]
            here.append((nkey, nspent))
            count += 1
            heapq.heappush(heap, (nkey, nxt, grown, nspent))
    return NO_PLAN  # every plan breaks a budget


def _le(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True))


def _collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the cyclic garbage collector paused.

    Preparing a 100,000-course problem allocates a million small containers; each allocation
    burst set off a collection that walked the whole catalog again, which tripled the time of
    building the integer program. Planning makes no reference cycles worth collecting early.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@dataclass(frozen=True)
class Limits:
    """Hard limits on a plan and the pace that prices subscriptions."""

    max_hours: float | None = None
    max_cost: float | None = None
    hours_per_week: float = 10.0


@_collector_paused
def _solve(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    by: Measure | str,
    alternatives: int,
    time_limit: float | None,
    method: str,
    limits: Limits = Limits(),
    deadline: float | None = None,
    then: tuple[Measure, Measure] | None = None,
) -> PlanResult:
    from genai_kg.plan.ilp import IntegerProgram  # HiGHS and numpy: imported only when needed

    if deadline is None:  # the preparation counts against the time limit too
        deadline = _INF if time_limit is None else time.monotonic() + time_limit
    p = prepare_problem(
        courses,
        start,
        goal,
        by,
        max_hours=limits.max_hours,
        max_cost=limits.max_cost,
        hours_per_week=limits.hours_per_week,
        then=then,
    )
    full_gap = p.gap | p.untaught
    if not p.gap:
        return PlanResult(Plan(()), p.by, True, 0.0, full_gap, p.left_out, (), p.untaught)
    found = None
    if method == "search" or (method == "auto" and len(p.options) <= SEARCH_LIMIT):
        found = _search(p, deadline)
    ilp = None
    if found is NO_PLAN:
        raise _over_budget(courses, start, goal, limits, method, deadline)
    if found is not None:
        chosen, optimal, bound = found, True, p.key(found)[0]
    else:
        ilp = IntegerProgram(p, deadline)
        # Under budgets, the greedy plan by a budget's own measure is likelier to fit.
        tries = (_greedy(p), *(_greedy(p, values) for _, values in p.budgets))
        fitting = sorted((p.key(g), g) for g in tries if p.fits(g))
        best, optimal, bound = ilp.best(fitting[0][1] if fitting else None, [])
        if best is None and optimal:
            raise _over_budget(courses, start, goal, limits, method, deadline)
        if best is None:
            raise NoPlanError(
                "the time limit was reached before any plan within the budget was found", ()
            )
        chosen = best
    bound = proven_bound(p, chosen, optimal, bound)
    others: list[Plan] = []
    proofs: list[tuple[bool, float]] = []
    if alternatives > 0:
        ilp = ilp or IntegerProgram(p, deadline)
        nogoods: list[tuple[Any, ...]] = []
        last = chosen
        for _ in range(alternatives):
            nogoods.append((last, [], -_INF, len(last) - 1.0))  # no superset of an earlier plan
            alt, proved, least = ilp.best(None, nogoods, p.key(last)[0])
            if alt is None:
                break
            others.append(make_plan(p, alt))
            proofs.append((proved, proven_bound(p, alt, proved, least)))
            last = alt
    return PlanResult(
        make_plan(p, chosen),
        p.by,
        optimal,
        bound,
        full_gap,
        p.left_out,
        tuple(others),
        p.untaught,
        tuple(proofs),
    )


def proven_bound(p: Problem, chosen: list[int], proved: bool, lower: float) -> float:
    """The bound a result reports on its primary: the plan's own value when it is proven
    optimal, else the solver's lower bound (never below 0 nor above the plan); a count
    rounds up to a whole course."""
    value = p.key(chosen)[0]
    bound = value if proved else min(max(lower, 0.0), value)
    return float(math.ceil(bound - 1e-6)) if p.by is Measure.COURSES else bound


def _over_budget(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    limits: Limits,
    method: str,
    deadline: float,
) -> NoPlanError:
    """The error for budgets no plan keeps: the least each budget needs under the others."""
    parts = []
    for measure, limit, unit in (
        (Measure.HOURS, limits.max_hours, "hours"),
        (Measure.COST, limits.max_cost, "dollars"),
    ):
        if limit is None:
            continue
        if measure is Measure.HOURS:
            rest = replace(limits, max_hours=None)
        else:
            rest = replace(limits, max_cost=None)
        try:
            least = _solve(courses, start, goal, measure, 0, None, method, rest, deadline)
        except NoPlanError:
            continue  # the other limits alone allow no plan: their own part says so
        needed = least.plan.hours if measure is Measure.HOURS else least.plan.cost
        proof = "" if least.optimal else " (best found before the time limit)"
        others = " under the other limits" if rest.max_hours or rest.max_cost else ""
        parts.append(
            f"the limit of {limit:g} {unit} is too small: "
            f"the least any plan needs{others} is {needed:g} {unit}{proof}"
        )
    return NoPlanError("no plan keeps within the budget: " + "; ".join(parts), ())


def plan_path(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    *,
    by: Measure | str = Measure.COURSES,
    alternatives: int = 0,
    time_limit: float | None = 10.0,
    max_hours: float | None = None,
    max_cost: float | None = None,
    hours_per_week: float = 10.0,
) -> PlanResult:
    """Find the plan with the smallest (by, other measures, ids) key that reaches the goal.

    Args:
        courses: the catalog; ids must be unique, measures non-negative.
        start: skills held at the start.
        goal: skills to hold at the end; those no usable course teaches are ``untaught``.
        by: the measure to minimise; ties break on the other two, then on the sorted ids.
        alternatives: up to this many further plans, next-best, none a superset of an earlier.
        time_limit: seconds; when reached the best plan found is returned with optimal False.
        max_hours, max_cost: hard limits on the plan's totals (courses with the value unknown
            are left out under that limit).
        hours_per_week: the pace; subscriptions cost their monthly amount per started month.

    Raises:
        NoPlanError: no usable course teaches any missing goal skill (``unreachable`` names
            them), or no plan keeps within the budgets (the message says the least needed).

    >>> py = CourseOption("py", frozenset({"python"}), hours=10)
    >>> ml = CourseOption("ml", frozenset({"ml"}), frozenset({"python"}), hours=20)
    >>> result = plan_path([ml, py], start=[], goal=["ml"], by="hours")
    >>> result.plan.course_ids, result.plan.hours, result.optimal
    (('py', 'ml'), 30.0, True)
    """
    limits = Limits(max_hours, max_cost, hours_per_week)
    return _solve(courses, start, goal, by, alternatives, time_limit, "auto", limits)


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
