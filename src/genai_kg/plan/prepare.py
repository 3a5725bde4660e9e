"""Preparing a planning question: the relevant courses, their weights and skill sets.

``prepare_problem`` prices the courses at the learner's pace, keeps only the relevant ones (see
``planner.py``) and indexes them. What a catalog gives every question (checked, priced,
filtered by measure, sorted, each skill's teachers) is made once by :func:`usable_courses`: a server
plans many questions over one catalog, and a 100,000-course catalog costs more to check and
index than to plan on. It is kept for the catalog seen last, recognised by the identity of its
course objects: a ``CourseOption`` is frozen, so the same objects in the same order are the
same catalog.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import attrgetter

from genai_kg.errors import NoPlanError
from genai_kg.plan.problem import ORDER, CourseOption, Measure, Problem, priced


@dataclass(frozen=True)
class Usable:
    """The courses one kind of question may use, sorted by id, and each skill's teachers."""

    courses: list[CourseOption]
    #: skill -> indices into ``courses`` of the courses that teach it
    teachers: dict[str, list[int]]
    #: a value above any plan's total hours (cost): what an unknown value weighs
    big_hours: float
    big_cost: float
    #: courses in the catalog, usable or not
    total: int
    #: the first level of every forward closure, made once: the courses without prerequisites
    #: (``opened``), what they teach, and the others (``gated``, also as a set)
    opened: tuple[int, ...]
    open_teaches: frozenset[str]
    gated: list[int]
    gated_set: frozenset[int]


@dataclass
class _Catalog:
    ids: list[int]  # id() of each course object, which ``courses`` (a copy) keeps alive
    courses: Sequence[CourseOption]
    #: whether a price depends on the pace (a subscription), so the pace is part of a kind
    subscriptions: bool
    kinds: dict[tuple[Measure, bool, bool, float | None], Usable] = field(default_factory=dict)


#: The catalog seen last; one assignment replaces it, so threads need no lock.
_last: _Catalog | None = None


def usable_courses(
    courses: Sequence[CourseOption],
    by: Measure,
    *,
    hours_known: bool,
    cost_known: bool,
    hours_per_week: float,
) -> Usable:
    """Return the courses a question may use: measured by ``by``, with hours (cost) known when
    a budget needs them, subscriptions priced at the pace.

    Raises:
        ValueError: duplicate ids, a negative or non-finite measure.
    """
    global _last
    ids = list(map(id, courses))
    catalog = _last
    if catalog is None or catalog.ids != ids:
        _check(courses)
        subscriptions = any(c.per == "month" for c in courses)
        catalog = _last = _Catalog(ids, tuple(courses), subscriptions)
    key = (by, hours_known, cost_known, hours_per_week if catalog.subscriptions else None)
    kind = catalog.kinds.get(key)
    if kind is None:
        kind = _usable(courses, by, hours_known, cost_known, hours_per_week)
        catalog.kinds[key] = kind
    return kind


def _check(courses: Sequence[CourseOption]) -> None:
    ids = [c.id for c in courses]
    if len(set(ids)) != len(ids):
        twice = next(i for i, n in Counter(ids).items() if n > 1)
        raise ValueError(f"course id {twice!r} appears twice")
    for name in ("hours", "cost"):
        known = [v for v in map(attrgetter(name), courses) if v is not None]
        if known and not (min(known) >= 0 and all(map(math.isfinite, known))):
            bad = next(c for c in courses if not _valid(getattr(c, name)))
            raise ValueError(f"course {bad.id!r} has a negative or non-finite measure")


def _valid(value: float | None) -> bool:
    return value is None or (value >= 0 and math.isfinite(value))


def _usable(
    courses: Sequence[CourseOption],
    by: Measure,
    hours_known: bool,
    cost_known: bool,
    hours_per_week: float,
) -> Usable:
    all_priced = [priced(c, hours_per_week) if c.per == "month" else c for c in courses]
    kept = all_priced
    if by is not Measure.COURSES:
        kept = [c for c in kept if getattr(c, by.value) is not None]
    if hours_known:
        kept = [c for c in kept if c.hours is not None]
    if cost_known:
        kept = [c for c in kept if c.cost is not None]
    kept = sorted(kept, key=attrgetter("id"))
    opened = tuple(i for i, c in enumerate(kept) if not c.requires)
    gated = [i for i, c in enumerate(kept) if c.requires]
    teachers: dict[str, list[int]] = {}
    for i, c in enumerate(kept):
        for s in c.teaches:
            teachers.setdefault(s, []).append(i)
    return Usable(
        courses=kept,
        teachers=teachers,
        big_hours=1.0 + math.fsum(c.hours for c in all_priced if c.hours is not None),
        big_cost=1.0 + math.fsum(c.cost for c in all_priced if c.cost is not None),
        total=len(courses),
        opened=opened,
        open_teaches=frozenset().union(*(kept[i].teaches for i in opened)),
        gated=gated,
        gated_set=frozenset(gated),
    )


def _measure(course: CourseOption, m: Measure) -> float | None:
    if m is Measure.COURSES:
        return 1.0
    return course.hours if m is Measure.HOURS else course.cost


def prepare_problem(
    courses: Sequence[CourseOption],
    start: Iterable[str],
    goal: Iterable[str],
    by: Measure | str,
    *,
    max_hours: float | None = None,
    max_cost: float | None = None,
    hours_per_week: float = 10.0,
    then: tuple[Measure, Measure] | None = None,
) -> Problem:
    """Price, filter and index the courses for one planning question.

    Ties on ``by`` break on the other two measures in ``ORDER`` unless ``then`` orders them
    (the hours/cost frontier breaks ties on cost before course count).

    Raises:
        ValueError: duplicate ids, a negative or non-finite measure, a pace not above zero.
        NoPlanError: the learner lacks goal skills and no usable course teaches any of them.
    """
    by = Measure(by)
    if not (hours_per_week > 0 and math.isfinite(hours_per_week)):
        raise ValueError(f"hours per week must be above zero, not {hours_per_week!r}")
    start_set, goal_set = frozenset(start), frozenset(goal)
    kind = usable_courses(
        courses,
        by,
        hours_known=max_hours is not None,
        cost_known=max_cost is not None,
        hours_per_week=hours_per_week,
    )
    usable = kind.courses
    left_out = kind.total - len(usable)
    gap = goal_set - start_set

    # Forward closure: which usable courses can be taken at all, and what they can teach;
    # one pass per level of prerequisites.
    held = set(kind.open_teaches)
    held |= start_set
    reachable = list(kind.opened)
    waiting = kind.gated
    while waiting:
        takeable = [usable[i].requires <= held for i in waiting]
        ready = list(compress(waiting, takeable))
        if not ready:
            break
        reachable += ready
        held.update(*(usable[i].teaches for i in ready))
        waiting = list(compress(waiting, map(operator.not_, takeable)))
    untaught = gap - held
    if untaught and not gap & held:
        unreachable = sorted(untaught)
        raise NoPlanError(f"no usable course teaches: {', '.join(unreachable)}", unreachable)
    gap -= untaught

    # Backward closure: the skills that matter and the reachable courses that teach them, a
    # level of prerequisites at a time in set operations (a loop over every teacher of every
    # needed skill took 300 ms at 100,000 courses).
    can_take = set(reachable)
    need, new_skills = set(gap), set(gap)
    relevant: set[int] = set()
    teachers = kind.teachers
    while new_skills:
        found = set(chain.from_iterable(teachers.get(s, ()) for s in new_skills))
        found &= can_take
        found -= relevant
        relevant |= found
        new_skills = set().union(*(usable[i].requires for i in found & kind.gated_set))
        new_skills -= start_set
        new_skills -= need
        need |= new_skills

    big_hours, big_cost = kind.big_hours, kind.big_cost
    options = [usable[i] for i in sorted(relevant)]
    values = {
        Measure.COURSES: [1.0] * len(options),
        Measure.HOURS: [big_hours if c.hours is None else c.hours for c in options],
        Measure.COST: [big_cost if c.cost is None else c.cost for c in options],
    }
    second, third = then or tuple(m for m in ORDER if m is not by)
    if {by, second, third} != set(Measure):
        raise ValueError(f"ties must break on the two measures other than {by.value}")
    return Problem(
        by=by,
        start=start_set,
        gap=gap,
        left_out=left_out,
        options=options,
        weights=list(zip(values[by], values[second], values[third], strict=True)),
        budgets=[
            (limit, [_measure(c, m) or 0.0 for c in options])
            for limit, m in ((max_hours, Measure.HOURS), (max_cost, Measure.COST))
            if limit is not None
        ],
        untaught=untaught,
        # A course cannot teach what it requires: that skill is held before it is taken
        # (``need`` holds no start skill).
        teach=[
            (c.teaches & need) - c.requires if c.requires else c.teaches & need for c in options
        ],
        req=[c.requires - start_set if c.requires else c.requires for c in options],
    )
