"""The hours/cost frontier on catalogs too large for the brute force (``pareto.py``).

The walk on one shared integer program (a core of courses, a warm LP, the window within the
last point's hours) must give the frontier that walking with a fresh exact plan per point
gives. The brute-force comparison on small catalogs is in ``test_planner.py``.
"""

from __future__ import annotations

import random

import pytest

from genai_kg.plan import pareto
from genai_kg.plan.planner import Limits
from genai_kg.plan.problem import CourseOption


def catalog(seed: int, size: int = 400, skills: int = 60) -> list[CourseOption]:
    """Courses teaching 2-5 skills, a third with 1-2 prerequisites among the first 20 skills;
    hours in half hours, prices in $5 steps, a third free: many plans trade hours for cost."""
    rng = random.Random(seed)
    names = [f"s{k:02d}" for k in range(skills)]
    courses = []
    for i in range(size):
        teaches = frozenset(rng.sample(names, rng.randint(2, 5)))
        requires = frozenset()
        if rng.random() < 1 / 3:
            requires = frozenset(rng.sample(names[:20], rng.randint(1, 2))) - teaches
        hours = round(rng.uniform(1, 40) * 2) / 2
        cost = 0.0 if rng.random() < 1 / 3 else float(rng.randrange(5, 300, 5))
        courses.append(CourseOption(f"c{i:03d}", teaches, requires, hours, cost))
    return courses


def walked_one_plan_at_a_time(
    courses: list[CourseOption], start: list[str], goal: list[str]
) -> pareto.Frontier:
    fastest = pareto._solve(
        courses, start, goal, "hours", 0, None, "ilp", Limits(), None, then=pareto.HOURS_FIRST
    )
    question = pareto._Question(courses, start, goal, Limits(), "ilp", float("inf"), 0)
    return pareto._walk_by_search(question, fastest)


@pytest.mark.parametrize("seed", [2, 3])
def test_the_shared_program_walks_the_same_frontier(seed: int) -> None:
    courses = catalog(seed)
    rng = random.Random(seed)
    start = sorted(rng.sample([f"s{k:02d}" for k in range(20)], 8))
    goal = sorted(set(rng.sample([f"s{k:02d}" for k in range(20, 60)], 14)))
    prepared = pareto.prepare_problem(courses, start, goal, "hours", then=pareto.HOURS_FIRST)
    assert len(prepared.options) > 100  # large enough for the warm LP and the windows

    shared = pareto.pareto_plans(courses, start, goal, time_limit=None, method="ilp")
    expected = walked_one_plan_at_a_time(courses, start, goal)

    assert shared.complete and expected.complete
    assert len(shared.plans) >= 3  # a real trade-off, not one plan
    assert [(r.plan.hours, r.plan.cost) for r in shared.plans] == [
        (r.plan.hours, r.plan.cost) for r in expected.plans
    ]
    assert all(r.optimal for r in shared.plans)
    hours = [r.plan.hours for r in shared.plans]
    costs = [r.plan.cost for r in shared.plans]
    assert hours == sorted(hours) and costs == sorted(costs, reverse=True)
    assert len(set(hours)) == len(hours) and len(set(costs)) == len(costs)
