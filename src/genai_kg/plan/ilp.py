"""The planner's integer program on HiGHS, for catalogs too large for the search.

One binary per relevant course, a cover row per gap skill, and support through one continuous
column per required skill (a course needs it, a chosen course teaches it); cyclic support is
cut lazily, the key is minimised one measure per stage, and LP reduced costs fix most courses
out before each MIP. ``planner.py`` explains the method and picks it; this module only builds
and solves the model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from genai_kg.plan.highs import add_links, add_rows, new_highs
from genai_kg.plan.problem import Measure, Problem

_INF = float("inf")


class _Free:
    """Courses taken at no cost on the measure being minimised, and the skills they give."""

    def __init__(
        self, taken: frozenset[int], held: frozenset[str], first: dict[str, int], p: Problem
    ) -> None:
        self.taken, self.held, self.first, self.p = taken, held, first, p

    def support(self, chosen: list[int]) -> list[int]:
        """The taken courses that the goal and ``chosen`` need: each needed skill's first
        teacher, and theirs in turn (a valid plan, though not the one of fewest hours)."""
        p = self.p
        todo = [s for s in p.gap if s in self.held]
        todo += [s for c in chosen for s in p.req[c] if s in self.held]
        picked: set[int] = set()
        while todo:
            teacher = self.first[todo.pop()]
            if teacher not in picked:
                picked.add(teacher)
                todo += p.req[teacher]
        return sorted(picked)

    def given(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Rows over courses (plus, minus, lo, hi[, coefficients]) with the taken ones at 1."""
        shifted: list[tuple[Any, ...]] = []
        for plus, minus, low, high, *coef in rows:
            weights = coef[0] if coef else [1.0] * len(plus)
            fixed = math.fsum(w for c, w in zip(plus, weights, strict=True) if c in self.taken)
            fixed -= sum(1 for c in minus if c in self.taken)
            shifted.append((plus, minus, low - fixed, high - fixed, *coef))
        return shifted


class IntegerProgram:
    """The covering integer program on HiGHS, cut down by LP reduced costs.

    One LP over every relevant course gives a lower bound L and reduced costs rc; a course with
    L + rc > U cannot be in a plan whose primary is at most U (reduced-cost fixing), so each MIP
    is built on the few courses that survive. Cyclic support is cut lazily.
    """

    #: Windows of at most this many courses are solved as they are, without ``_free``.
    FREE_MIN_COLUMNS = 100

    def __init__(self, p: Problem, deadline: float, *, by_ids: bool = True) -> None:
        import highspy
        import numpy as np

        self.p, self.deadline, self.np, self.hs = p, deadline, np, highspy
        self.teachers = p.teachers()
        # Rows are (plus, minus, lo, hi[, coefficients of plus]); minus coefficients are -1.
        self.cover: list[tuple[Any, ...]] = [
            (self.teachers[s], [], 1.0, _INF) for s in sorted(p.gap)
        ]
        everything = list(range(len(p.options)))
        self.cover += [  # budget rows, with the tolerance of ``problem.within``
            (everything, [], -_INF, limit + 1e-9 * max(1.0, abs(limit)), values)
            for limit, values in p.budgets
        ]
        self.infeasible = False
        self.cuts: list[tuple[Any, ...]] = []
        self.lp: tuple[float, list[float]] | None = None
        #: LPs kept for ``best_within``: (model, the row of the changing limit, positions)
        self._warm: dict[tuple[Any, ...], tuple[Any, int, dict[int, int]]] = {}
        #: Break ties on all three measures by ids (``_first_by_id``), as the search does.
        self.by_ids = by_ids

    def _highs(
        self,
        cols: list[int],
        extra: list[tuple[Any, ...]],
        cost: list[float],
        integer: bool,
        free: _Free | None = None,
    ) -> Any:
        """A fresh HiGHS model on these columns; entries of other columns are dropped (x = 0),
        except the courses ``free`` takes (x = 1), whose skills are then held."""
        np, hs = self.np, self.hs
        h = new_highs(hs)
        for name, value in (
            ("output_flag", False),
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 1e-7),
            ("threads", 1),
            ("primal_feasibility_tolerance", 1e-10),
            ("mip_feasibility_tolerance", 1e-10),
            # Feasibility jump spends a fixed 5 to 14 ms on each of these small MIPs, most of
            # the solve, and finds nothing the root LP does not (bench_planner --size 40).
            # Releases before it reject the name with an error status, which is harmless.
            ("mip_heuristic_run_feasibility_jump", False),
        ):
            h.setOptionValue(name, value)
        # Support goes through one column per required skill, y_s in [0, 1] ("s is held"):
        # x_c <= y_s for each requirement and y_s <= sum of the chosen teachers of s. That is
        # the same relaxation as a row x_c <= sum(teachers of s) per requirement, with
        # entries linear in the catalog instead of requirements times teachers.
        p = self.p
        req: Sequence[frozenset[str]] | dict[int, frozenset[str]] = p.req
        if free is not None:
            req = {c: p.req[c] - free.held for c in cols}
        needed = sorted({s for c in cols for s in req[c]})
        n, m = len(cols), len(needed)
        pos = {c: k for k, c in enumerate(cols)}
        h.addVars(n + m, np.zeros(n + m), np.ones(n + m))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost))
        if integer:
            h.changeColsIntegrality(
                n, np.arange(n, dtype=np.int32), np.full(n, hs.HighsVarType.kInteger)
            )
        column = {s: n + k for k, s in enumerate(needed)}
        full = len(cols) == len(p.options)  # every course: positions are the indices
        required = [(c, sorted(req[c])) for c in cols if req[c]]
        add_links(
            h,
            np,
            [column[s] for _, skills in required for s in skills],
            [c if full else pos[c] for c, skills in required for _ in skills],
        )
        if full:
            held = [(self.teachers[s], [column[s]], 0.0, _INF) for s in needed]
            add_rows(h, np, [*held, *self.cover, *self.cuts, *extra])
            return h, pos
        held = [
            ([pos[j] for j in self.teachers[s] if j in pos], [column[s]], 0.0, _INF) for s in needed
        ]
        add_rows(h, np, held)
        if free is None:
            self._add(h, pos, [*self.cover, *self.cuts, *extra])
        else:  # no budget rows nor extra rows: ``_free`` is only asked without them
            cover: list[tuple[Any, ...]] = [
                (self.teachers[s], [], 1.0, _INF) for s in sorted(p.gap - free.held)
            ]
            self._add(h, pos, [*cover, *free.given(self.cuts)])
        return h, pos

    def _add(self, h: Any, pos: dict[int, int], rows: Sequence[tuple[Any, ...]]) -> None:
        """Add rows over courses (plus, minus, lo, hi[, coefficients of plus]); entries of
        courses outside the model are dropped (x = 0)."""
        mapped: list[tuple[Any, ...]] = []
        for plus, minus, low, high, *coef in rows:
            weights = coef[0] if coef else [1.0] * len(plus)
            kept = [(pos[c], w) for c, w in zip(plus, weights, strict=True) if c in pos]
            minus_kept = [pos[c] for c in minus if c in pos]
            mapped.append(([k for k, _ in kept], minus_kept, low, high, [w for _, w in kept]))
        add_rows(h, self.np, mapped)

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
        self, cols: list[int], stage: int, extra: list[tuple[Any, ...]]
    ) -> tuple[bool, list[int] | None, float]:
        """Minimise one measure on these columns; return (proved, valid set or None, bound)."""
        p = self.p
        free = self._free(cols, stage, extra)
        if free is not None:
            if not p.gap - free.held:  # the courses of no cost reach the goal on their own
                return True, free.support([]), 0.0
            cols = [c for c in cols if c not in free.taken]
        h, pos = self._highs(cols, extra, [p.weights[c][stage] for c in cols], True, free)
        if stage == 1 and p.by is Measure.COURSES:
            # The tie-break under the fewest courses (hours): HiGHS's presolve was two thirds of
            # each solve (3.7 of 5.7 ms on 25 bundled questions) and the MIP closes at its root
            # without it. Elsewhere it pays (by hours, or hours after cost then courses).
            h.setOptionValue("presolve", "off")
        return self._solve(h, pos, cols, free)

    def _solve(
        self, h: Any, pos: dict[int, int], cols: list[int], free: _Free | None = None
    ) -> tuple[bool, list[int] | None, float]:
        """Run a model built on ``cols``, cutting cyclic support until its plan can be taken
        in order; return as :meth:`_mip`."""
        p = self.p
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                return False, None, -_INF
            h.setOptionValue("time_limit", max(left, 1e-3))
            # No incumbent is passed to HiGHS (setSolution): with one, highspy 1.16 can stop
            # at "optimal" holding the incumbent while reporting a lower objective than any
            # plan has (seen on the bundled data: tie-break hours 2208.07 returned, 2205.65
            # exists). The incumbent still bounds each stage through ``best`` in _stages.
            h.run()
            status, info = h.getModelStatus(), h.getInfo()
            if status == self.hs.HighsModelStatus.kInfeasible:
                return True, None, _INF
            found = None
            if info.primal_solution_status == 2:
                x = h.getSolution().col_value
                found = [c for c in cols if x[pos[c]] > 0.5]
                if free is not None:
                    found = sorted(found + free.support(found))
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
            self._add(h, pos, cuts if free is None else free.given(cuts))

    def _free(self, cols: list[int], stage: int, extra: list[tuple[Any, ...]]) -> _Free | None:
        """The courses of these that cost nothing on this measure and can be taken from the
        start (or after one another), when taking them all is safe: no budget or extra row
        can be broken by more courses. Any plan may add them at no cost, and keeps every other
        course takeable, so the MIP need only choose among the rest, with their skills held.
        By cost at 100,000 courses, 21,000 free courses otherwise made a MIP of 21,000
        columns; only large windows are worth the closure."""
        p = self.p
        if extra or p.budgets or len(cols) <= self.FREE_MIN_COLUMNS:
            return None
        if not self._nonnegative(cols, stage):
            return None
        zero = [c for c in cols if p.weights[c][stage] == 0]
        missing = {c: len(p.req[c]) for c in zero}
        waiting: dict[str, list[int]] = {}
        for c in zero:
            for s in p.req[c]:
                waiting.setdefault(s, []).append(c)
        ready = [c for c in zero if not missing[c]]
        first: dict[str, int] = {}  # each held skill's first teacher, in the order taken
        while ready:
            c = ready.pop()
            for s in p.teach[c]:
                if s in first:
                    continue
                first[s] = c
                for d in waiting.get(s, ()):
                    missing[d] -= 1
                    if not missing[d]:
                        ready.append(d)
        if not first:
            return None
        taken = frozenset(c for c in zero if not missing[c])
        return _Free(taken, frozenset(first), first, p)

    def _relax(
        self, cols: list[int], stage: int, extra: list[tuple[Any, ...]]
    ) -> tuple[float, list[float]] | None:
        """The LP bound on one measure over these courses, and their reduced costs."""
        p = self.p
        if time.monotonic() >= self.deadline:
            return None
        h, pos = self._highs(cols, extra, [p.weights[c][stage] for c in cols], False)
        h.setOptionValue("presolve", "off")  # ten times faster on these covering LPs
        h.setOptionValue("time_limit", max(self.deadline - time.monotonic(), 1e-3))
        h.run()
        if h.getModelStatus() == self.hs.HighsModelStatus.kInfeasible:
            self.infeasible = True  # only budget rows can make the relaxation infeasible
        if h.getModelStatus() != self.hs.HighsModelStatus.kOptimal:
            return None
        # The first columns are the courses; the skill columns after them have no cost.
        return h.getInfo().objective_function_value, list(h.getSolution().col_dual)[: len(pos)]

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
            return (None, True, _INF) if self.infeasible else (incumbent, False, -_INF)
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

    def relaxation(self, stage: int) -> tuple[float, list[float]] | None:
        """The LP bound on one measure over every relevant course, and their reduced costs;
        None at the time limit or when only budget rows make the LP infeasible."""
        return self._relax(list(range(len(self.p.options))), stage, [])

    def best_within(
        self,
        cols: list[int],
        keep: list[int],
        extra: list[tuple[Any, ...]],
        limit: float,
        floor: float,
    ) -> tuple[list[int] | None, bool, float]:
        """Solve the stages over the courses ``keep`` (some of ``cols``) under extra rows, the
        last of which limits the second measure, now to ``limit``; ``floor`` is a known lower
        bound on the first measure. Return as :meth:`best`.

        Calls on the same ``cols`` share one LP for the first stage's reduced costs, solved
        again from its last basis (a few simplex iterations, not a fresh solve); its bound
        holds for any subset of ``cols``. Every plan of value at most ``v`` lies among the
        courses with L + rc <= v, so the courses within the floor are solved first: when
        their best plan is within the floor too, nothing outside can beat it; otherwise it is
        the incumbent that narrows the full solve.
        """
        relax = None
        if len(keep) > 100 and time.monotonic() < self.deadline:
            key = (tuple(cols), len(extra))
            if key not in self._warm:
                h, pos = self._highs(cols, extra, [self.p.weights[c][0] for c in cols], False)
                h.setOptionValue("presolve", "off")
                self._warm[key] = (h, h.getNumRow() - 1, pos)
            h, row, pos = self._warm[key]
            h.changeRowBounds(row, -_INF, limit)
            h.setOptionValue("time_limit", max(self.deadline - time.monotonic(), 1e-3))
            h.run()
            if h.getModelStatus() == self.hs.HighsModelStatus.kOptimal:
                reduced = h.getSolution().col_dual
                relax = (
                    h.getInfo().objective_function_value,
                    [reduced[pos[c]] for c in keep],
                )
        if relax is None:
            return self._stages(keep, None, extra, None)
        low, rc = relax
        reach = max(low, floor)
        reach += 1e-7 * max(1.0, abs(reach))
        near = [c for c, r in zip(keep, rc, strict=True) if low + r <= reach]
        if len(near) == len(keep):
            return self._stages(keep, None, extra, relax)
        chosen, proved, _ = self._stages(near, None, extra, None)
        if not proved or chosen is None:
            return self._stages(keep, None, extra, relax)
        value = math.fsum(self.p.weights[c][0] for c in chosen)
        if value <= reach:
            return chosen, True, value
        return self._stages(keep, chosen, extra, relax)

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
            settled = False
            if len(cols) > 100:
                # Reduced-cost fixing: a course with L + rc > U is in no plan of value <= U.
                relax = relax or self._relax(cols, stage, extra)
                # the LP's value, less its tolerance, is a bound no plan is below
                settled = relax is not None and self._meets_bound(
                    best, cols, stage, relax[0] - 1e-6
                )
                if relax is not None and not settled:
                    core = [c for c, r in zip(cols, relax[1], strict=True) if r <= 1e-9]
                    core_result = (core, *self._mip(core, stage, extra))
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
            # 0 bounds a measure no course makes negative (a free plan, among the tie-breaks)
            settled = settled or (
                self._meets_bound(best, cols, stage, 0.0) and self._nonnegative(cols, stage)
            )
            if settled:  # a bound proves the incumbent: no MIP for this measure
                assert best is not None
                proved, found = True, best
                lower = math.fsum(p.weights[c][stage] for c in best)
            elif core_result is not None and core_result[1] and core_result[0] == cols:
                proved, found, lower = core_result[1:]  # the window is the core: done already
            else:
                proved, found, lower = self._mip(cols, stage, extra)
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
        assert best is not None
        return (self._first_by_id(cols, best, extra) if self.by_ids else best), True, bound

    def _first_by_id(
        self, cols: list[int], best: list[int], extra: list[tuple[Any, ...]]
    ) -> list[int]:
        """The plan of the smallest sorted ids among those that tie with ``best`` on the
        three measures (``extra`` bounds each by its optimum), as the search returns it.

        Tied plans take as many courses, so a plan T comes before S when the first course
        (by id) in one of them and not in the other is T's: T takes a candidate, a course
        not in S below S's last. An LP that cannot take a sum of 1 over the candidates
        proves S first (55 of 63 checks on 60 bundled questions, about 1 ms). Otherwise a
        MIP asks for such a T, with a binary z_i for "candidate i is that first course":
        x_i = 1 and, below i, exactly the courses of S; infeasible, it proves S first.
        """
        np, p = self.np, self.p
        ranked = sorted(cols)
        while time.monotonic() < self.deadline:
            chosen = set(best)
            last = max(chosen)
            candidates = [i for i in ranked if i < last and i not in chosen]
            if not candidates:
                return best
            wanted = set(candidates)
            lp, _ = self._highs(cols, extra, [-1.0 if c in wanted else 0.0 for c in cols], False)
            lp.setOptionValue("presolve", "off")
            lp.run()
            reach = lp.getInfo().objective_function_value
            if lp.getModelStatus() == self.hs.HighsModelStatus.kOptimal and reach > -1 + 1e-6:
                return best
            h, pos = self._highs(cols, extra, [0.0] * len(cols), True)
            h.setOptionValue("presolve", "off")  # 5.7 ms median on the bundled data, 15.7 with
            first_z, k = h.getNumCol(), len(candidates)
            h.addVars(k, np.zeros(k), np.ones(k))
            z_columns = np.arange(first_z, first_z + k, dtype=np.int32)
            h.changeColsIntegrality(k, z_columns, np.full(k, self.hs.HighsVarType.kInteger))
            rows: list[tuple[Any, ...]] = [(list(range(first_z, first_z + k)), [], 1.0, _INF)]
            inside: list[int] = []  # the courses below the current one: those of S
            outside: list[int] = []  # and the others
            z = first_z
            for i in ranked:
                if i in wanted:
                    rows.append(([pos[i]], [z], 0.0, _INF))  # z_i <= x_i
                    if inside:  # z_i = 1: every course of S below i is taken
                        a = float(len(inside))
                        rows.append(([*inside, z], [], 0.0, _INF, [1.0] * len(inside) + [-a]))
                    if outside:  # and no other course below i
                        b = float(len(outside))
                        rows.append(([*outside, z], [], -_INF, b, [1.0] * len(outside) + [b]))
                    z += 1
                (inside if i in chosen else outside).append(pos[i])
            add_rows(h, np, rows)
            proved, found, _ = self._solve(h, pos, cols)
            if not proved or found is None or not p.key(found) < p.key(best):
                return best
            best = found
        return best

    def _nonnegative(self, cols: list[int], stage: int) -> bool:
        """Whether no course of these makes this measure negative: no plan is then below 0."""
        weights = self.p.weights
        return all(weights[c][stage] >= 0 for c in cols)

    def _meets_bound(self, best: list[int] | None, cols: list[int], stage: int, low: float) -> bool:
        """Whether ``low``, a value no plan is below on this measure, already proves ``best``
        optimal: ``best`` is at ``low``, or the measure is whole on every course (a course
        count, or whole hours or dollars), so no plan is below ``ceil(low)``, where ``best`` is.
        Each saves a stage's MIPs: by course count the greedy plan usually meets the LP bound
        (79 of 80 bundled questions), and after courses and hours the cheapest plan is usually
        free, at the bound 0 (71 of 80)."""
        if best is None:
            return False
        weights = self.p.weights
        value = math.fsum(weights[c][stage] for c in best)
        if value <= low:
            return True
        if value > math.ceil(low):
            return False
        return all(weights[c][stage].is_integer() for c in cols)
