"""The planner against a brute force over all course subsets, plus hand-written edge cases."""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import genai_kg
from genai_kg.errors import GenaiKgError, NoPlanError
from genai_kg.plan import pareto, planner
from genai_kg.plan.planner import greedy_plan, plan_path
from genai_kg.plan.problem import CourseOption, Measure, Plan

POOL = [f"s{k}" for k in range(8)]
ORDER = (Measure.COURSES, Measure.HOURS, Measure.COST)


def course(
    cid: str, teaches: str, requires: str = "", hours: float | None = 1.0, cost: float | None = 0.0
) -> CourseOption:
    return CourseOption(cid, frozenset(teaches.split()), frozenset(requires.split()), hours, cost)


# ---- the judge --------------------------------------------------------------------------------


def measure_of(c: CourseOption, m: Measure) -> float | None:
    return 1.0 if m is Measure.COURSES else (c.hours if m is Measure.HOURS else c.cost)


def full_key(
    catalog: list[CourseOption], by: Measure, chosen: tuple[CourseOption, ...]
) -> tuple[float, float, float, tuple[str, ...]]:
    """(primary, secondary, tertiary, sorted ids); an unknown counts 1 + the catalog's sum."""
    big = {
        m: 1 + math.fsum(v for c in catalog if (v := measure_of(c, m)) is not None) for m in ORDER
    }
    order = (by, *(m for m in ORDER if m is not by))

    def total(m: Measure) -> float:
        return math.fsum(v if (v := measure_of(c, m)) is not None else big[m] for c in chosen)

    return (total(order[0]), total(order[1]), total(order[2]), tuple(sorted(c.id for c in chosen)))


def valid(chosen: tuple[CourseOption, ...], start: set[str], goal: set[str]) -> bool:
    """Some order takes every course in turn and ends holding the goal."""
    held, left = set(start), list(chosen)
    while left:
        ready = [c for c in left if c.requires <= held]
        if not ready:
            return False
        for c in ready:
            held |= c.teaches
            left.remove(c)
    return goal <= held


def check_order(plan: Plan, start: set[str], goal: set[str]) -> None:
    """Each course takeable at its turn, smallest id first, fills right, goal held at the end."""
    held, left = set(start), {s.course for s in plan.steps}
    assert len(left) == plan.count, "courses are distinct"
    gap = goal - start
    for step in plan.steps:
        takeable = sorted(c.id for c in left if c.requires <= held)
        assert takeable and step.course.id == takeable[0]
        assert step.fills == (step.course.teaches & gap) - held
        held |= step.course.teaches
        left.remove(step.course)
    assert goal <= held


def closure(catalog: list[CourseOption], start: set[str]) -> set[str]:
    held, grew = set(start), True
    while grew:
        grew = False
        for c in catalog:
            if c.requires <= held and not c.teaches <= held:
                held |= c.teaches
                grew = True
    return held


def judge(catalog, start, goal, by, max_hours=None, max_cost=None, pace=10.0):
    """All valid course sets (over usable courses, within the budgets) sorted by the full key,
    the number left out, and the gap skills no usable course teaches.

    Subscriptions are priced here independently of the planner: the monthly amount times the
    months the course's hours take at the pace (52/12 weeks a month), at least one.
    """
    catalog = [price(c, pace) for c in catalog]
    usable = [
        c
        for c in catalog
        if measure_of(c, by) is not None
        and (max_hours is None or c.hours is not None)
        and (max_cost is None or c.cost is not None)
    ]
    gap = goal - start
    untaught = gap - closure(usable, start)
    target = start | (gap - untaught)
    plans = [
        s
        for k in range(len(usable) + 1)
        for s in itertools.combinations(usable, k)
        if valid(s, start, target)
        and (max_hours is None or math.fsum(c.hours for c in s) <= max_hours)
        and (max_cost is None or math.fsum(c.cost for c in s) <= max_cost)
    ]
    if untaught == gap and gap:
        plans = []
    return (
        sorted(plans, key=lambda s: full_key(catalog, by, s)),
        len(catalog) - len(usable),
        untaught,
    )


def price(c: CourseOption, pace: float) -> CourseOption:
    if c.per != "month":
        return c
    if c.hours is None or c.cost is None:
        return CourseOption(c.id, c.teaches, c.requires, c.hours, None)
    weeks = c.hours / pace
    months = max(1, -(-round(weeks * 12 * 1000) // (52 * 1000)))  # ceil of weeks / (52/12)
    return CourseOption(c.id, c.teaches, c.requires, c.hours, c.cost * months)


# ---- property test ----------------------------------------------------------------------------


@st.composite
def instances(draw, pool=POOL, unknown=(None,)):
    """Catalogs of up to 12 courses; at 3 h a week a month is exactly 13 h, so hours of 13
    and 26 end on a month's last hour and 14 and 27 start another."""
    n = draw(st.integers(1, 12))
    skill_sets = st.frozensets(st.sampled_from(pool), min_size=1, max_size=3)
    catalog = []
    for i in range(n):
        teaches = draw(skill_sets)
        requires = draw(st.frozensets(st.sampled_from(pool), max_size=2))
        hours = draw(st.sampled_from([*unknown, 0.0, 1.0, 3.0, 8.0, 13.0, 14.0, 26.0, 27.0]))
        cost = draw(st.sampled_from([*unknown, 0.0, 0.0, 10.0, 20.0, 35.0]))
        per = draw(st.sampled_from(["course", "course", "month"]))
        catalog.append(CourseOption(f"c{i:02d}", teaches, requires, hours, cost, per))
    start = draw(st.sets(st.sampled_from(pool), max_size=3))
    goal = draw(st.sets(st.sampled_from(pool), min_size=1, max_size=4))
    limits = planner.Limits(
        max_hours=draw(st.sampled_from([None, None, 3.0, 9.0, 27.0, 40.0])),
        max_cost=draw(st.sampled_from([None, None, 0.0, 20.0, 50.0])),
        hours_per_week=draw(st.sampled_from([10.0, 3.0, 3.0, 6.5])),
    )
    return catalog, start, goal, limits


@settings(max_examples=250, deadline=None, derandomize=True)
@given(instances())
def test_matches_brute_force(instance):
    catalog, start, goal, limits = instance
    for by in Measure:
        plans, left_out, untaught = judge(
            catalog, start, goal, by, limits.max_hours, limits.max_cost, limits.hours_per_week
        )
        for method in ("search", "ilp"):
            if not plans:
                with pytest.raises(NoPlanError) as caught:
                    planner._solve(catalog, start, goal, by, 0, None, method, limits)
                if untaught == goal - start:
                    assert set(caught.value.unreachable) == untaught
                else:  # teachable, but no plan keeps within the budgets
                    assert caught.value.unreachable == ()
                    assert "no plan keeps within the budget" in str(caught.value)
                continue
            result = planner._solve(catalog, start, goal, by, 2, None, method, limits)
            assert result.optimal and result.left_out == left_out
            assert result.gap == frozenset(goal - start)
            assert result.untaught == untaught
            target = start | (goal - start - untaught)
            check_order(result.plan, start, target)
            priced = [price(c, limits.hours_per_week) for c in catalog]
            got = full_key(priced, by, tuple(s.course for s in result.plan.steps))
            best = full_key(priced, by, plans[0])
            # Both methods are exact on the whole key: the three measures, then the ids.
            assert got == best
            assert result.bound == best[0]
            check_alternatives(priced, start, target, by, result, plans)


@settings(max_examples=250, deadline=None, derandomize=True)
@given(instances())
def test_taking_the_free_courses_at_once_keeps_the_optimum(instance):
    """The integer program takes every course of no cost that is takeable from the start
    before its MIP (``ilp._free``), on windows of over 100 courses; here on every size."""
    from genai_kg.plan.ilp import IntegerProgram

    catalog, start, goal, limits = instance
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(IntegerProgram, "FREE_MIN_COLUMNS", 0)
        for by in Measure:
            plans, _, untaught = judge(
                catalog, start, goal, by, limits.max_hours, limits.max_cost, limits.hours_per_week
            )
            if not plans:
                continue
            result = planner._solve(catalog, start, goal, by, 0, 20.0, "ilp", limits)
            assert result.optimal
            check_order(result.plan, start, start | (goal - start - untaught))
            priced = [price(c, limits.hours_per_week) for c in catalog]
            got = full_key(priced, by, tuple(s.course for s in result.plan.steps))
            assert got == full_key(priced, by, plans[0])


@st.composite
def tied_catalogs(draw):
    """Catalogs of 20 to 40 courses in few sizes and prices, so that many plans tie on all
    three measures and only the ids tell them apart."""
    pool = [f"s{k}" for k in range(10)]
    n = draw(st.integers(20, 40))
    catalog = [
        CourseOption(
            f"c{i:02d}",
            draw(st.frozensets(st.sampled_from(pool), min_size=1, max_size=2)),
            draw(st.frozensets(st.sampled_from(pool), max_size=1)),
            draw(st.sampled_from([1.0, 2.0, None])),
            draw(st.sampled_from([0.0, 0.0, 10.0])),
        )
        for i in range(n)
    ]
    start = draw(st.sets(st.sampled_from(pool), max_size=2))
    goal = draw(st.sets(st.sampled_from(pool), min_size=3, max_size=6))
    return catalog, start, goal


@settings(max_examples=120, deadline=None, derandomize=True)
@given(tied_catalogs())
def test_ties_break_on_ids_in_both_methods(instance):
    """Among plans equal on the three measures, the ILP returns the one of the smallest ids,
    as the search does (exact on the whole key; catalogs too large for the brute force)."""
    catalog, start, goal = instance
    for by in Measure:
        try:
            search = planner._solve(catalog, start, goal, by, 0, 30.0, "search")
        except NoPlanError:
            continue
        ilp = planner._solve(catalog, start, goal, by, 0, 30.0, "ilp")
        assert search.optimal and ilp.optimal
        assert ilp.plan.course_ids == search.plan.course_ids


@settings(max_examples=150, deadline=None, derandomize=True)
@given(instances(pool=POOL[:4], unknown=()))
def test_pareto_is_the_brute_force_frontier(instance):
    catalog, start, goal, limits = instance
    known = [c for c in catalog if c.hours is not None and c.cost is not None]
    plans, _, untaught = judge(
        known, start, goal, Measure.HOURS, limits.max_hours, limits.max_cost, limits.hours_per_week
    )
    points = {(math.fsum(c.hours for c in s), math.fsum(c.cost for c in s)) for s in plans}
    points_wanted = sorted(
        (h, c)
        for h, c in points
        if not any(h2 <= h and c2 <= c and (h2, c2) != (h, c) for h2, c2 in points)
    )
    for method in ("search", "ilp"):
        if not plans:
            with pytest.raises(NoPlanError):
                pareto.pareto_plans(
                    catalog,
                    start,
                    goal,
                    time_limit=None,
                    method=method,
                    max_hours=limits.max_hours,
                    max_cost=limits.max_cost,
                    hours_per_week=limits.hours_per_week,
                )
            continue
        frontier = pareto.pareto_plans(
            catalog,
            start,
            goal,
            time_limit=None,
            method=method,
            max_hours=limits.max_hours,
            max_cost=limits.max_cost,
            hours_per_week=limits.hours_per_week,
        )
        assert frontier.complete
        results = frontier.plans
        assert [(r.plan.hours, r.plan.cost) for r in results] == points_wanted
        for r in results:
            assert r.optimal and r.untaught == untaught
            check_order(r.plan, start, start | (goal - start - untaught))


def check_alternatives(catalog, start, goal, by, result, plans) -> None:
    """Each alternative is the best set that is no superset of an earlier plan."""
    earlier = [frozenset(result.plan.course_ids)]
    for alt in result.alternatives:
        check_order(alt, start, goal)
        allowed = [p for p in plans if not any(e <= {c.id for c in p} for e in earlier)]
        assert allowed, "an alternative is returned only when one exists"
        got = full_key(catalog, by, tuple(s.course for s in alt.steps))
        assert got == full_key(catalog, by, allowed[0])
        assert frozenset(alt.course_ids) not in earlier
        earlier.append(frozenset(alt.course_ids))
    if len(result.alternatives) < 2:
        assert not [p for p in plans if not any(e <= {c.id for c in p} for e in earlier)]


# ---- hand-written cases -----------------------------------------------------------------------

CHAIN = [course("c", "c", "b"), course("a", "a"), course("b", "b", "a")]
CYCLE = [course("x", "x", "y"), course("y", "y", "x")]


@pytest.mark.parametrize("method", ["auto", "search", "ilp"])
@pytest.mark.parametrize(
    ("catalog", "start", "goal", "by", "ids", "left_out"),
    [
        pytest.param(CHAIN, {"a"}, {"a"}, "courses", (), 0, id="goal-held"),
        pytest.param(CHAIN, set(), {"c"}, "courses", ("a", "b", "c"), 0, id="prerequisite-chain"),
        pytest.param(CHAIN, {"b"}, {"c"}, "courses", ("c",), 0, id="start-skips-chain"),
        pytest.param(
            [course("b", "x"), course("a", "x")],
            set(),
            {"x"},
            "courses",
            ("a",),
            0,
            id="tie-break-on-id",
        ),
        pytest.param(
            [course("a", "x", hours=5), course("b", "x", hours=3)],
            set(),
            {"x"},
            "courses",
            ("b",),
            0,
            id="tie-break-on-hours",
        ),
        pytest.param(
            [course("a", "x y", hours=None), course("b", "x"), course("c", "y")],
            set(),
            {"x", "y"},
            "hours",
            ("b", "c"),
            1,
            id="unknown-hours-left-out",
        ),
        pytest.param(
            [course("a", "x y", hours=None), course("b", "x"), course("c", "y")],
            set(),
            {"x", "y"},
            "courses",
            ("a",),
            0,
            id="unknown-hours-kept-by-courses",
        ),
        pytest.param(
            [course("a", "x", cost=None), course("b", "x", cost=30.0)],
            set(),
            {"x"},
            "cost",
            ("b",),
            1,
            id="unknown-cost-left-out",
        ),
        pytest.param(
            [course("a", "x", cost=0.0), course("b", "x", cost=30.0, hours=0.5)],
            set(),
            {"x"},
            "cost",
            ("a",),
            0,
            id="free-wins-on-cost",
        ),
        # Without an order the ILP would pick the cheap cycle p<->q; it must pay for r instead.
        pytest.param(
            [
                course("p", "g x", "y", hours=1),
                course("q", "y", "x", hours=1),
                course("r", "y", hours=100),
            ],
            set(),
            {"g"},
            "hours",
            ("r", "p"),
            0,
            id="cycle-needs-outside-support",
        ),
    ],
)
def test_cases(catalog, start, goal, by, ids, left_out, method):
    result = planner._solve(catalog, start, goal, by, 0, 10.0, method)
    plan = result.plan
    if method == "ilp":  # exact on the measures; the id tie-break is the search's job
        expected = planner._solve(catalog, start, goal, by, 0, 10.0, "search").plan
        assert (plan.count, plan.hours, plan.cost) == (
            expected.count,
            expected.hours,
            expected.cost,
        )
    else:
        assert plan.course_ids == ids
    assert result.optimal and result.left_out == left_out
    check_order(result.plan, start, goal)


@pytest.mark.parametrize("method", ["search", "ilp"])
@pytest.mark.parametrize(
    ("catalog", "goal", "unreachable"),
    [
        pytest.param(CYCLE, {"x"}, ("x",), id="cycle-cannot-start"),
        pytest.param(CYCLE + [course("a", "x", hours=None)], {"x", "y"}, ("x", "y"), id="cyclic"),
        pytest.param([course("a", "x", hours=None)], {"x"}, ("x",), id="only-teacher-left-out"),
    ],
)
def test_no_plan(catalog, goal, unreachable, method):
    with pytest.raises(NoPlanError) as caught:
        planner._solve(catalog, set(), goal, "hours", 0, 10.0, method)
    assert caught.value.unreachable == unreachable
    assert str(caught.value) == f"no usable course teaches: {', '.join(unreachable)}"
    assert isinstance(caught.value, GenaiKgError)


@pytest.mark.parametrize("method", ["search", "ilp"])
def test_partial_plan_lists_untaught_skills(method):
    catalog = CYCLE + [course("a", "a")]
    result = planner._solve(catalog, set(), {"a", "y", "z"}, "courses", 0, 10.0, method)
    assert result.plan.course_ids == ("a",)
    assert result.untaught == {"y", "z"} and result.gap == {"a", "y", "z"}


@pytest.mark.parametrize("method", ["search", "ilp"])
@pytest.mark.parametrize(
    ("limits", "ids", "message"),
    [
        pytest.param(planner.Limits(max_hours=30), ("slow",), "", id="hours-limit-drops-unknown"),
        pytest.param(planner.Limits(max_cost=50), ("slow",), "", id="cost-limit"),
        pytest.param(
            planner.Limits(max_hours=5),
            (),
            "the limit of 5 hours is too small: the least any plan needs is 10 hours",
            id="hours-too-few",
        ),
        pytest.param(
            planner.Limits(max_hours=20, max_cost=40),
            (),
            # Under $40 no plan exists at all, so only the cost limit is named.
            "the limit of 40 dollars is too small: the least any plan needs under the other"
            " limits is 150 dollars",
            id="both-too-small",
        ),
        # At 2 h a week the 30 h subscription runs 15 weeks: four started months, $196.
        pytest.param(
            planner.Limits(max_cost=150, hours_per_week=2), ("fast",), "", id="slow-pace-prices"
        ),
    ],
)
def test_budgets(limits, ids, message, method):
    catalog = [
        course("fast", "x", hours=10, cost=150),
        CourseOption("slow", frozenset({"x"}), hours=30, cost=49, per="month"),
        course("vague", "x", hours=None, cost=0),
    ]
    if message:
        with pytest.raises(NoPlanError) as caught:
            planner._solve(catalog, set(), {"x"}, "courses", 0, 10.0, method, limits)
        assert str(caught.value) == "no plan keeps within the budget: " + message
        return
    by = "cost" if limits.max_cost is None else "hours"
    result = planner._solve(catalog, set(), {"x"}, by, 0, 10.0, method, limits)
    assert result.plan.course_ids == ids and result.optimal


def test_pareto_on_a_trade_off():
    catalog = [
        course("a", "x", hours=10, cost=99),
        course("b", "x", hours=40, cost=50),
        course("c", "x", hours=45, cost=50),
        course("d", "x", hours=70, cost=0),
        course("e", "x", hours=None, cost=0),
    ]
    results = pareto.pareto_plans(catalog, [], ["x"]).plans
    assert [r.plan.course_ids for r in results] == [("a",), ("b",), ("d",)]
    assert all(r.optimal and r.left_out == 1 for r in results)


@pytest.mark.parametrize("method", ["search", "ilp"])
def test_pareto_leaves_out_a_plan_of_the_same_hours_that_costs_more(method):
    """One course for $50 or two free ones, 10 hours either way: only the free pair is on the
    frontier, however few courses the other plan has."""
    catalog = [
        course("a", "x y", hours=10, cost=50),
        course("b", "x", hours=5, cost=0),
        course("c", "y", hours=5, cost=0),
    ]
    frontier = pareto.pareto_plans(catalog, [], ["x", "y"], method=method)
    assert [r.plan.course_ids for r in frontier.plans] == [("b", "c")]
    assert frontier.complete


@pytest.mark.parametrize("method", ["auto", "ilp"])
def test_alternatives_distinct_and_ordered(method):
    catalog = [
        course("a", "x y", hours=4),
        course("b", "x", hours=1),
        course("c", "y", hours=1),
        course("d", "x y", hours=3),
        course("e", "y", hours=2),
    ]
    result = planner._solve(catalog, set(), {"x", "y"}, "hours", 5, 10.0, method)
    plans = [result.plan, *result.alternatives]
    assert [p.course_ids for p in plans] == [("b", "c"), ("d",), ("b", "e"), ("a",)]
    assert [p.hours for p in plans] == sorted(p.hours for p in plans)


def big_catalog(seed: int, n: int = 3000, skills: int = 4000) -> list[CourseOption]:
    rng = random.Random(seed)
    pool = [f"k{i}" for i in range(skills)]
    return [
        CourseOption(
            f"c{i:05d}",
            frozenset(rng.sample(pool, rng.randint(3, 8))),
            frozenset(rng.sample(pool[:500], rng.randint(1, 3)))
            if rng.random() < 1 / 3
            else frozenset(),
            float(rng.randint(1, 80)),
            float(rng.randrange(0, 500, 5)),
        )
        for i in range(n)
    ]


def test_time_limit_returns_bound():
    catalog = big_catalog(7)
    start = set(sorted(set().union(*(c.teaches for c in catalog)))[:20])
    goal = set(sorted(closure(catalog, start) - start)[100:160])
    result = plan_path(catalog, start, goal, by="hours", time_limit=0.0)
    assert not result.optimal
    assert result.bound <= result.plan.hours
    check_order(result.plan, start, goal)
    exact = plan_path(catalog, start, goal, by="hours", time_limit=None)
    assert exact.optimal and exact.bound == exact.plan.hours <= result.plan.hours
    assert exact.plan.hours <= greedy_plan(catalog, start, goal, by="hours").hours


@pytest.mark.parametrize("by", ["courses", "hours", "cost"])
def test_the_lp_bound_shortcut_gives_the_plans_of_every_stage_solved(by, monkeypatch):
    """Where whole-number measures let the LP bound prove the incumbent, the MIP of that
    stage is skipped; the plans must be the ones solving each stage gives."""
    from genai_kg.plan import ilp

    catalog = big_catalog(11, n=1500, skills=900)
    start = set(sorted(set().union(*(c.teaches for c in catalog)))[:30])
    reachable = sorted(closure(catalog, start) - start)
    goals = [set(reachable[k : k + size]) for k in (0, 100) for size in (10, 25)]
    skipped = []
    meets = ilp.IntegerProgram._meets_bound

    def counted(self, *args):
        skipped.append(meets(self, *args))
        return skipped[-1]

    monkeypatch.setattr(ilp.IntegerProgram, "_meets_bound", counted)
    shortcut = [plan_path(catalog, start, goal, by=by, time_limit=None) for goal in goals]
    monkeypatch.setattr(ilp.IntegerProgram, "_meets_bound", lambda self, *args: False)
    every_stage = [plan_path(catalog, start, goal, by=by, time_limit=None) for goal in goals]
    for fast, full in zip(shortcut, every_stage, strict=True):
        assert fast.optimal and full.optimal
        assert (fast.plan.count, fast.plan.hours, fast.plan.cost) == (
            full.plan.count,
            full.plan.hours,
            full.plan.cost,
        )
        assert fast.bound == full.bound
    assert any(skipped)  # the shortcut was taken at least once


def test_plan_totals_and_unknowns():
    plan = plan_path(
        [course("a", "x", hours=None, cost=None), course("b", "y", hours=2)], set(), {"x", "y"}
    ).plan
    assert (plan.count, plan.hours, plan.cost, plan.unknown_hours, plan.unknown_cost) == (
        2,
        2.0,
        0.0,
        1,
        1,
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param(
            [course("a", "x"), course("b", "x"), course("b", "y")],
            "course id 'b' appears twice",
            id="duplicate-id",
        ),
        pytest.param(
            [course("a", "x", hours=2), course("b", "x", hours=-1)],
            "course 'b' has a negative or non-finite measure",
            id="negative-hours",
        ),
        pytest.param(
            [course("a", "x", cost=math.nan), course("b", "x", cost=3)],
            "course 'a' has a negative or non-finite measure",
            id="nan-cost",
        ),
        pytest.param(
            [course("a", "x"), course("b", "x", hours=math.inf)],
            "course 'b' has a negative or non-finite measure",
            id="infinite-hours",
        ),
    ],
)
def test_rejects_bad_catalog_naming_the_course(bad, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        plan_path(bad, set(), {"x"})


def test_import_is_cheap():
    """Importing the planner must not import HiGHS (the CLI's cold start)."""
    src = str(Path(genai_kg.__file__).resolve().parents[1])
    code = (
        "import sys, genai_kg.plan.planner; print('highspy' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    ).stdout
    assert out.split() == ["False", "False"]
