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
  HiGHS: one binary per relevant course, a cover row per gap skill and a support row per
  (course, required skill). Cyclic support (a needs what b teaches and b needs what a teaches) is
  forbidden lazily: each solution is checked by taking its courses in order; stuck courses give
  a cut ``sum(stuck) - sum(outside courses teaching a missing requirement) <= |stuck| - 1`` and
  the model is solved again. The key is minimised lexicographically, one measure per stage, each
  stage bounding the previous optimum. What makes 10,000-course catalogs fast is reduced-cost
  fixing: nearly every course is relevant there, but one LP over all of them (presolve off,
  ~10 ms) gives a bound L and reduced costs rc, a MIP on the zero-rc courses gives an incumbent
  U, and only courses with L + rc <= U can be in a plan that good, typically 40-150 of 9,000.
  Among sets that tie on all three measures the ILP returns the one HiGHS finds, so the final
  id tie-break is exact on the search method only (the bundled ~40-course data uses the search).

A time limit stops either method; the best plan found so far (at worst the greedy baseline) is
returned with ``optimal=False`` and the proven lower bound on the primary measure.
Alternatives are the next-best plans by the same key that are not supersets of an earlier plan
(a superset is never a sensible alternative); they come from the ILP with one no-good row
``sum(plan) <= |plan| - 1`` per earlier plan.
"""

from __future__ import annotations

import enum
import heapq
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from genai_kg.errors import NoPlanError

SEARCH_LIMIT = 40
STATE_LIMIT = 20_000
_INF = float("inf")


class Measure(enum.StrEnum):
    """What a plan minimises."""

    COURSES = "courses"
    HOURS = "hours"
    COST = "cost"


_ORDER = (Measure.COURSES, Measure.HOURS, Measure.COST)


@dataclass(frozen=True)
class CourseOption:
    """A course as the planner sees it; ``cost`` 0 is free, ``None`` is unknown."""

    id: str
    teaches: frozenset[str]
    requires: frozenset[str] = frozenset()
    hours: float | None = None
    cost: float | None = None


@dataclass(frozen=True)
class Step:
    """One course of a plan and the gap skills it adds first."""

    course: CourseOption
    fills: frozenset[str]


@dataclass(frozen=True)
class Plan:
    """Courses in taking order; totals count known values only."""

    steps: tuple[Step, ...]

    @property
    def course_ids(self) -> tuple[str, ...]:
        return tuple(step.course.id for step in self.steps)

    @property
    def count(self) -> int:
        return len(self.steps)

    @property
    def hours(self) -> float:
        return math.fsum(s.course.hours for s in self.steps if s.course.hours is not None)

    @property
    def cost(self) -> float:
        return math.fsum(s.course.cost for s in self.steps if s.course.cost is not None)

    @property
    def unknown_hours(self) -> int:
        return sum(1 for s in self.steps if s.course.hours is None)

    @property
    def unknown_cost(self) -> int:
        return sum(1 for s in self.steps if s.course.cost is None)


@dataclass(frozen=True)
class PlanResult:
    """The best plan, whether it is proven optimal, and the bound proved on the primary."""

    plan: Plan
    by: Measure
    optimal: bool
    bound: float
    gap: frozenset[str]
    left_out: int
    alternatives: tuple[Plan, ...] = ()


@dataclass
class _Problem:
    """Relevant courses (sorted by id) with their weights and need-projected skill sets."""

    by: Measure
    start: frozenset[str]
    gap: frozenset[str]
    left_out: int
    options: list[CourseOption]
    weights: list[tuple[float, float, float]]  # (primary, secondary, tertiary) per option
    teach: list[frozenset[str]]  # taught skills that matter (gap or required), minus start
    req: list[frozenset[str]]  # required skills minus start
    _teachers: dict[str, list[int]] | None = None

    def key(self, chosen: Iterable[int]) -> tuple[float, float, float, tuple[str, ...]]:
        idx = sorted(chosen)  # options are sorted by id, so this sorts the ids too
        w = self.weights
        return (
            math.fsum(w[i][0] for i in idx),
            math.fsum(w[i][1] for i in idx),
            math.fsum(w[i][2] for i in idx),
            tuple(self.options[i].id for i in idx),
        )

    def stuck(self, chosen: Iterable[int]) -> tuple[set[str], list[int]]:
        """Take chosen courses while possible; return the held skills and the courses left."""
        held = set(self.start)
        left = sorted(chosen)
        moved = True
        while moved:
            moved = False
            for i in list(left):
                if self.req[i] <= held:
                    held |= self.teach[i]
                    left.remove(i)
                    moved = True
        return held, left

    def teachers(self) -> dict[str, list[int]]:
        if self._teachers is None:
            self._teachers = {}
            for i, t in enumerate(self.teach):
                for s in t:
                    self._teachers.setdefault(s, []).append(i)
        return self._teachers

    def covers(self, chosen: Iterable[int]) -> bool:
        held, left = self.stuck(chosen)
        return not left and self.gap <= held


def _measure(course: CourseOption, m: Measure) -> float | None:
    if m is Measure.COURSES:
        return 1.0
    return course.hours if m is Measure.HOURS else course.cost


def _prepare(
    courses: Sequence[CourseOption], start: Iterable[str], goal: Iterable[str], by: Measure | str
) -> _Problem:
    by = Measure(by)
    start_set, goal_set = frozenset(start), frozenset(goal)
    seen: set[str] = set()
    for c in courses:
        if c.id in seen:
            raise ValueError(f"course id {c.id!r} appears twice")
        seen.add(c.id)
        for value in (c.hours, c.cost):
            if value is not None and not (value >= 0 and math.isfinite(value)):
                raise ValueError(f"course {c.id!r} has a negative or non-finite measure")
    usable = sorted((c for c in courses if _measure(c, by) is not None), key=lambda c: c.id)
    left_out = len(courses) - len(usable)
    gap = goal_set - start_set

    # Forward closure: which usable courses can be taken at all, and what they can teach.
    missing = [len(c.requires - start_set) for c in usable]
    waiting: dict[str, list[int]] = {}
    for i, c in enumerate(usable):
        for s in c.requires - start_set:
            waiting.setdefault(s, []).append(i)
    ready = [i for i, n in enumerate(missing) if n == 0]
    held = set(start_set)
    reachable: list[int] = []
    while ready:
        i = ready.pop()
        reachable.append(i)
        for s in usable[i].teaches - held:
            held.add(s)
            for j in waiting.get(s, ()):
                missing[j] -= 1
                if missing[j] == 0:
                    ready.append(j)
    unreachable = sorted(gap - held)
    if unreachable:
        raise NoPlanError(f"no usable course teaches: {', '.join(unreachable)}", unreachable)

    # Backward closure: the skills that matter and the courses that teach them.
    teachers: dict[str, list[int]] = {}
    for i in reachable:
        for s in usable[i].teaches - start_set:
            teachers.setdefault(s, []).append(i)
    need, todo, relevant = set(gap), list(gap), set()
    while todo:
        for i in teachers.get(todo.pop(), ()):
            if i not in relevant:
                relevant.add(i)
                for r in usable[i].requires - start_set - need:
                    need.add(r)
                    todo.append(r)

    big_hours = 1.0 + math.fsum(c.hours for c in courses if c.hours is not None)
    big_cost = 1.0 + math.fsum(c.cost for c in courses if c.cost is not None)
    options = [usable[i] for i in sorted(relevant)]
    values = {
        Measure.COURSES: [1.0] * len(options),
        Measure.HOURS: [big_hours if c.hours is None else c.hours for c in options],
        Measure.COST: [big_cost if c.cost is None else c.cost for c in options],
    }
    first, second, third = (by, *(m for m in _ORDER if m is not by))
    return _Problem(
        by=by,
        start=start_set,
        gap=gap,
        left_out=left_out,
        options=options,
        weights=list(zip(values[first], values[second], values[third], strict=True)),
        # A course cannot teach what it requires: that skill is held before it is taken.
        teach=[frozenset((c.teaches & need) - c.requires - start_set) for c in options],
        req=[frozenset(c.requires - start_set) for c in options],
    )


def _make_plan(p: _Problem, chosen: Iterable[int]) -> Plan:
    """Order a course set: repeatedly take the takeable course with the smallest id."""
    held = set(p.start)
    left = [p.options[i] for i in sorted(chosen)]
    steps: list[Step] = []
    while left:
        course = next(c for c in left if c.requires <= held)
        left.remove(course)
        steps.append(Step(course, frozenset((course.teaches & p.gap) - held)))
        held |= course.teaches
    return Plan(tuple(steps))


def _greedy(p: _Problem) -> list[int]:
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


def _search(p: _Problem, deadline: float) -> list[int] | None:
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


class _Ilp:
    """The covering integer program on HiGHS, cut down by LP reduced costs.

    One LP over every relevant course gives a lower bound L and reduced costs rc; a course with
    L + rc > U cannot be in a plan whose primary is at most U (reduced-cost fixing), so each MIP
    is built on the few courses that survive. Cyclic support is cut lazily.
    """

    def __init__(self, p: _Problem, deadline: float) -> None:
        import highspy
        import numpy as np

        self.p, self.deadline, self.np, self.hs = p, deadline, np, highspy
        self.teachers = p.teachers()
        # Rows are (plus, minus, lo, hi[, coefficients of plus]); minus coefficients are -1.
        self.cover: list[tuple[Any, ...]] = [
            (self.teachers[s], [], 1.0, _INF) for s in sorted(p.gap)
        ]
        self.support = [
            [(self.teachers[s], [i], 0.0, _INF) for s in sorted(r)] for i, r in enumerate(p.req)
        ]
        self.cuts: list[tuple[Any, ...]] = []
        self.lp: tuple[float, list[float]] | None = None

    def _highs(
        self, cols: list[int], extra: list[tuple[Any, ...]], cost: list[float], integer: bool
    ) -> Any:
        """A fresh HiGHS model on these columns; entries of other columns are dropped (x = 0)."""
        np, hs = self.np, self.hs
        h = _new_highs(hs)
        for name, value in (
            ("output_flag", False),
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 1e-7),
            ("threads", 1),
        ):
            h.setOptionValue(name, value)
        n, pos = len(cols), {c: k for k, c in enumerate(cols)}
        h.addVars(n, np.zeros(n), np.ones(n))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost))
        if integer:
            h.changeColsIntegrality(
                n, np.arange(n, dtype=np.int32), np.full(n, hs.HighsVarType.kInteger)
            )
        rows = [*self.cover, *(r for c in cols for r in self.support[c]), *self.cuts, *extra]
        self._add(h, pos, rows, len(cols) == len(self.p.options))
        return h, pos

    def _add(
        self, h: Any, pos: dict[int, int], rows: Sequence[tuple[Any, ...]], full: bool = False
    ) -> None:
        np = self.np
        lo: list[float] = []
        hi: list[float] = []
        starts: list[int] = []
        idx: list[int] = []
        val: list[float] = []
        for plus, minus, low, high, *coef in rows:
            lo.append(low)
            hi.append(high)
            starts.append(len(idx))
            if full and not coef:  # every column is in the model and positions are indices
                idx += plus
                idx += minus
                val += [1.0] * len(plus)
                val += [-1.0] * len(minus)
                continue
            weights = coef[0] if coef else [1.0] * len(plus)
            entries = [(pos[c], w) for c, w in zip(plus, weights, strict=True) if c in pos] + [
                (pos[c], -1.0) for c in minus if c in pos
            ]
            idx += [e[0] for e in entries]
            val += [e[1] for e in entries]
        h.addRows(
            len(lo),
            np.array(lo),
            np.array(hi),
            len(idx),
            np.array(starts, dtype=np.int32),
            np.array(idx, dtype=np.int32),
            np.array(val, dtype=float),
        )

    def _cuts(self, held: set[str], stuck: list[int]) -> list[tuple[Any, ...]]:
        """Rows forbidding the stuck set, and each cycle inside it, without outside support."""
        p = self.p
        missing = {i: p.req[i] - held for i in stuck}
        edges = {
            i: {d for s in missing[i] for d in self.teachers[s] if d in missing} for i in stuck
        }

        def reach(i: int) -> set[int]:
            seen, todo = {i}, [i]
            while todo:
                for d in edges[todo.pop()] - seen:
                    seen.add(d)
                    todo.append(d)
            return seen

        reaches = {i: reach(i) for i in stuck}
        groups = {frozenset(stuck)}
        groups |= {frozenset(d for d in reaches[i] if i in reaches[d]) for i in stuck}
        rows: list[tuple[Any, ...]] = []
        for group in groups:
            if len(group) < 2 and group != frozenset(stuck):
                continue
            need = set().union(*(missing[i] for i in group))
            outside = sorted({d for s in need for d in self.teachers[s]} - group)
            rows.append((sorted(group), outside, -_INF, len(group) - 1.0))
        return rows

    def _mip(
        self, cols: list[int], stage: int, extra: list[tuple[Any, ...]], hint: list[int] | None
    ) -> tuple[bool, list[int] | None, float]:
        """Minimise one measure on these columns; return (proved, valid set or None, bound)."""
        p, np = self.p, self.np
        h, pos = self._highs(cols, extra, [p.weights[c][stage] for c in cols], True)
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                return False, None, -_INF
            h.setOptionValue("time_limit", max(left, 1e-3))
            if hint is not None and all(c in pos for c in hint):
                h.setSolution(
                    len(hint), np.array([pos[c] for c in hint], dtype=np.int32), np.ones(len(hint))
                )
            h.run()
            status, info = h.getModelStatus(), h.getInfo()
            if status == self.hs.HighsModelStatus.kInfeasible:
                return True, None, _INF
            found = None
            if info.primal_solution_status == 2:
                x = h.getSolution().col_value
                found = [c for c in cols if x[pos[c]] > 0.5]
            if status != self.hs.HighsModelStatus.kOptimal:
                dual = info.mip_dual_bound
                return (
                    False,
                    found if found and p.covers(found) else None,
                    (dual if math.isfinite(dual) else -_INF),
                )
            assert found is not None
            held, stuck = p.stuck(found)
            if not stuck:
                return True, found, info.mip_dual_bound
            cuts = self._cuts(held, stuck)
            self.cuts += cuts  # valid for every plan: keep them for later models
            self._add(h, pos, cuts)
            hint = None

    def _relax(
        self, cols: list[int], stage: int, extra: list[tuple[Any, ...]]
    ) -> tuple[float, list[float]] | None:
        """The LP bound on one measure over these courses, and their reduced costs."""
        p = self.p
        if time.monotonic() >= self.deadline:
            return None
        h, _ = self._highs(cols, extra, [p.weights[c][stage] for c in cols], False)
        h.setOptionValue("presolve", "off")  # ten times faster on these covering LPs
        h.setOptionValue("time_limit", max(self.deadline - time.monotonic(), 1e-3))
        h.run()
        if h.getModelStatus() != self.hs.HighsModelStatus.kOptimal:
            return None
        return h.getInfo().objective_function_value, list(h.getSolution().col_dual)

    def best(
        self, incumbent: list[int] | None, extra: list[tuple[Any, ...]], above: float = -_INF
    ) -> tuple[list[int] | None, bool, float]:
        """Solve the stages in order; return the best set, whether proved, the primary bound.

        Without an incumbent (alternatives), the window of reduced costs starts at ``above`` and
        widens until the plan found is proved to lie inside it.
        """
        p, everything = self.p, list(range(len(self.p.options)))
        if self.lp is None:
            self.lp = self._relax(everything, 0, [])
        if self.lp is None:
            return incumbent, False, -_INF
        low, rc = self.lp
        if incumbent is not None:
            return self._stages(list(range(len(rc))), incumbent, extra, self.lp)
        step, limit = 0.0, max(above, low)
        while True:
            tol = 1e-7 * max(1.0, abs(limit))
            cols = [c for c, r in enumerate(rc) if low + r <= limit + tol]
            chosen, proved, bound = self._stages(cols, None, extra, None)
            if not proved or len(cols) == len(rc):
                break
            if chosen is not None and math.fsum(p.weights[c][0] for c in chosen) <= limit + tol:
                break
            step = max(1.0, 2 * step, 0.05 * abs(limit))
            limit += step
        # Plans outside the window have a primary above the limit: the bound covers them too.
        return chosen, proved, max(low, min(bound, limit))

    def _stages(
        self,
        cols: list[int],
        best: list[int] | None,
        extra: list[tuple[Any, ...]],
        relax: tuple[float, list[float]] | None,
    ) -> tuple[list[int] | None, bool, float]:
        """Minimise the three measures in turn, each bounded by the earlier optima."""
        p, bound, extra = self.p, -_INF, list(extra)
        for stage in range(3):
            core_result = None
            if len(cols) > 100:
                # Reduced-cost fixing: a course with L + rc > U is in no plan of value <= U.
                relax = relax or self._relax(cols, stage, extra)
                if relax is not None:
                    core = [c for c, r in zip(cols, relax[1], strict=True) if r <= 1e-9]
                    core_result = (core, *self._mip(core, stage, extra, None))
                    found = core_result[2]
                    if found is not None and (best is None or p.key(found) < p.key(best)):
                        best = found
                if relax is not None and best is not None:
                    value = math.fsum(p.weights[c][stage] for c in best)
                    tol = 1e-7 * max(1.0, abs(value))
                    cols = [
                        c
                        for c, r in zip(cols, relax[1], strict=True)
                        if relax[0] + r <= value + tol
                    ]
            relax = None
            if core_result is not None and core_result[1] and core_result[0] == cols:
                proved, found, lower = core_result[1:]  # the window is the core: done already
            else:
                proved, found, lower = self._mip(cols, stage, extra, best)
            if found is not None and (best is None or p.key(found) < p.key(best)):
                best = found
            if stage == 0:
                bound = lower
            if not proved or found is None:  # stopped, or infeasible in this window
                return best, proved, bound
            value = math.fsum(p.weights[c][stage] for c in found)
            if stage == 0:
                bound = value
            weights = [p.weights[c][stage] for c in cols]
            extra.append((cols, [], -_INF, value + 1e-9 * max(1.0, value), weights))
        return best, True, bound


def _solve(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    by: Measure | str,
    alternatives: int,
    time_limit: float | None,
    method: str,
) -> PlanResult:
    p = _prepare(courses, start, goal, by)
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
        ilp = _Ilp(p, deadline)
        best, optimal, bound = ilp.best(_greedy(p), [])
        assert best is not None, "the greedy plan is always a valid incumbent"
        chosen = best
    value = p.key(chosen)[0]
    bound = value if optimal else min(max(bound, 0.0), value)
    if p.by is Measure.COURSES:
        bound = float(math.ceil(bound - 1e-6))
    others: list[Plan] = []
    if alternatives > 0:
        ilp = ilp or _Ilp(p, deadline)
        nogoods: list[tuple[Any, ...]] = []
        last = chosen
        for _ in range(alternatives):
            nogoods.append((last, [], -_INF, len(last) - 1.0))  # no superset of an earlier plan
            alt, _, _ = ilp.best(None, nogoods, p.key(last)[0])
            if alt is None:
                break
            others.append(_make_plan(p, alt))
            last = alt
    return PlanResult(_make_plan(p, chosen), p.by, optimal, bound, p.gap, p.left_out, tuple(others))


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
    p = _prepare(courses, start, goal, by)
    return _make_plan(p, _greedy(p))


def _new_highs(hs: Any) -> Any:
    """Return a silent HiGHS instance.

    highspy's public ``Highs()`` prints a banner on stdout as it is created, before any
    option can turn output off (ERGO-Code/HiGHS#1702, #2749), which would corrupt
    ``--format json``. The core class it wraps does not; where a release lacks it, the
    public class is created with file descriptor 1 pointed at /dev/null for that moment.
    """
    core = getattr(getattr(hs, "_core", None), "_Highs", None)
    if core is not None:
        return core()
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 1)
            return hs.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
