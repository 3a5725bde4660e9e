"""The learning-path problem as the planner's two methods see it, and the plans they return.

``prepare.prepare_problem`` makes a :class:`Problem` for one question; ``make_plan`` turns a
chosen set of course indices back into an ordered, explained plan, and ``schedule`` gives its
courses their weeks.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace


class Measure(enum.StrEnum):
    """What a plan minimises."""

    COURSES = "courses"
    HOURS = "hours"
    COST = "cost"


ORDER = (Measure.COURSES, Measure.HOURS, Measure.COST)


#: Weeks in a month, for subscriptions: 52 weeks over 12 months.
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class CourseOption:
    """A course as the planner sees it; ``cost`` 0 is free, ``None`` is unknown.

    ``per`` is ``"course"`` (cost paid once) or ``"month"`` (a subscription: ``cost`` is paid
    for each started month of study, see :func:`priced`).
    """

    id: str
    teaches: frozenset[str]
    requires: frozenset[str] = frozenset()
    hours: float | None = None
    cost: float | None = None
    per: str = "course"


def months(hours: float, hours_per_week: float) -> int:
    """Return the months a course of ``hours`` starts at this pace (at least one).

    >>> months(40, 10), months(44, 10), months(0, 10)
    (1, 2, 1)
    """
    # Whole hours and paces make hours * 12 / (pace * 52) exact enough that a course ending on
    # a month's last hour does not start the next one; the epsilon absorbs float rounding.
    return max(1, math.ceil(hours * 12 / (hours_per_week * 52) - 1e-9))


def priced(course: CourseOption, hours_per_week: float) -> CourseOption:
    """Return the course with ``cost`` the total it costs at this pace, paid once.

    A subscription costs its monthly amount for each started month; its cost is unknown when
    its hours are.

    >>> sub = CourseOption("s", frozenset({"x"}), hours=50, cost=39, per="month")
    >>> priced(sub, 10).cost, priced(sub, 5).cost
    (78.0, 117.0)
    """
    if course.per != "month":
        return course
    if course.cost is None or course.hours is None:
        return replace(course, cost=None, per="course")
    return replace(
        course, cost=float(course.cost * months(course.hours, hours_per_week)), per="course"
    )


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
    #: Gap skills no usable course can teach; the plan covers the rest.
    untaught: frozenset[str] = frozenset()
    #: Per alternative: (proven the best plan outside the earlier ones, bound on its primary).
    alternative_proofs: tuple[tuple[bool, float], ...] = ()


@dataclass
class Problem:
    """The prepared problem both methods solve: relevant courses (sorted by id), their
    weights and need-projected skill sets."""

    by: Measure
    start: frozenset[str]
    gap: frozenset[str]  # the gap skills the plan covers: the teachable ones
    left_out: int
    options: list[CourseOption]
    weights: list[tuple[float, float, float]]  # (primary, secondary, tertiary) per option
    #: Budget rows: (limit, value per option) for --max-hours and --max-cost that are set.
    budgets: list[tuple[float, list[float]]]
    untaught: frozenset[str]
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

    def fits(self, chosen: Iterable[int]) -> bool:
        """Whether the course set keeps within every budget."""
        idx = list(chosen)
        return all(within(math.fsum(v[i] for i in idx), limit) for limit, v in self.budgets)


def within(total: float, limit: float) -> bool:
    """``total <= limit`` up to float rounding in sums of course values."""
    return total <= limit + 1e-9 * max(1.0, abs(limit))


def make_plan(p: Problem, chosen: Iterable[int]) -> Plan:
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


def schedule(plan: Plan, hours_per_week: float) -> tuple[list[tuple[int, int, bool] | None], int]:
    """Give each course its weeks at this pace, one after another; return them and the total.

    Week numbers start at 1; a course ending mid-week shares that week with the next. A course
    whose hours are unknown has no weeks and counts as none, so the weeks after it (flagged
    True) and the total are only the least they can be.

    >>> a = CourseOption("a", frozenset({"x"}), hours=10)
    >>> b = CourseOption("b", frozenset({"y"}), hours=15)
    >>> schedule(Plan((Step(a, frozenset()), Step(b, frozenset()))), 10)
    ([(1, 1, False), (2, 3, False)], 3)
    """
    weeks: list[tuple[int, int, bool] | None] = []
    done, unsure = 0.0, False
    for step in plan.steps:
        hours = step.course.hours
        if hours is None:
            unsure = True
            weeks.append(None)
            continue
        first = math.floor(done / hours_per_week + 1e-9) + 1
        done += hours
        weeks.append((first, max(first, math.ceil(done / hours_per_week - 1e-9)), unsure))
    return weeks, math.ceil(done / hours_per_week - 1e-9)
