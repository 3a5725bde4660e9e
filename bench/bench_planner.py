"""Benchmark the exact planner on ESCO-sized generated catalogs, against the greedy baseline.

Run: ``.venv/bin/python bench/bench_planner.py`` (``--quick`` for a smoke run, ``--no-write`` to
leave bench/RESULTS.md alone, ``--size 100000`` for a catalog of that many courses, ``--mode
budget`` or ``pareto`` to time ``--max-hours`` plans or the hours/cost frontier on the same
instances as the plain plans). Prints a markdown table and appends it to bench/RESULTS.md under
"## Planner" with the date, the machine and the command.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

from genai_kg.plan.pareto import pareto_plans  # noqa: E402
from genai_kg.plan.planner import greedy_plan, plan_path  # noqa: E402
from genai_kg.plan.problem import CourseOption, Measure, Plan  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


def generate_catalog(
    seed: int, n_courses: int = 10_000, n_skills: int = 14_000
) -> list[CourseOption]:
    """Courses teaching 3-8 skills (popular skills more often, as in ESCO); a third require 1-3.

    Prerequisites are drawn from the 2,000 most popular skills: foundations, not niche topics.
    About 5% of courses have unknown hours and 5% unknown cost; 30% are free.
    """
    rng = random.Random(seed)
    skills = [f"s{k:05d}" for k in range(n_skills)]
    cum = list(itertools.accumulate(1.0 / (k + 20) ** 0.7 for k in range(n_skills)))
    basic = cum[1999]

    def pick(count: int, top: float) -> frozenset[str]:
        out: set[str] = set()
        while len(out) < count:
            out.add(skills[bisect.bisect_left(cum, rng.random() * top)])
        return frozenset(out)

    courses = []
    for i in range(n_courses):
        teaches = pick(rng.randint(3, 8), cum[-1])
        requires = pick(rng.randint(1, 3), basic) - teaches if rng.random() < 1 / 3 else frozenset()
        hours = None if rng.random() < 0.05 else round(rng.uniform(2, 80) * 2) / 2
        cost = (
            None
            if rng.random() < 0.05
            else (0.0 if rng.random() < 0.3 else float(rng.randrange(10, 500, 5)))
        )
        courses.append(CourseOption(f"c{i:05d}", teaches, requires, hours, cost))
    return courses


def generate_instance(
    courses: list[CourseOption], seed: int, by: Measure
) -> tuple[list[str], list[str]]:
    """Start of 10-30 skills; goal of 20-60 skills reachable from it with usable courses."""
    rng = random.Random(seed)
    all_skills = sorted(set().union(*(c.teaches for c in courses)))
    start = set(rng.sample(all_skills, rng.randint(10, 30)))
    usable = [c for c in courses if by is Measure.COURSES or getattr(c, by.value) is not None]
    held, grew = set(start), True
    while grew:
        grew = False
        for c in usable:
            if c.requires <= held and not c.teaches <= held:
                held |= c.teaches
                grew = True
    goal = rng.sample(sorted(held - start), rng.randint(20, 60))
    return sorted(start), goal


def value(plan: Plan, by: Measure) -> float:
    return {Measure.COURSES: plan.count, Measure.HOURS: plan.hours, Measure.COST: plan.cost}[by]


def percentile(data: list[float], q: float) -> float:
    ordered = sorted(data)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="3 instances per measure")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--size", type=int, default=10_000, help="courses in the catalog")
    parser.add_argument(
        "--mode",
        choices=["plain", "budget", "pareto"],
        default="plain",
        help="budget: --max-hours of 1.2x the plain plan's hours (by cost for courses/cost, "
        "by courses for hours); pareto: the whole hours/cost frontier (by hours only)",
    )
    args = parser.parse_args()
    count = 3 if args.quick else args.instances
    n_skills = args.size * 14 // 10

    t0 = time.perf_counter()
    courses = generate_catalog(args.seed, args.size, n_skills)
    print(
        f"catalog: {len(courses)} courses, generated in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    warm_start, warm_goal = generate_instance(courses, 0, Measure.COURSES)
    plan_path(courses, warm_start, warm_goal)  # warm-up: imports, caches

    rows = []
    measures = [Measure.HOURS] if args.mode == "pareto" else list(Measure)
    for by in measures:
        times, proved, gaps, sizes, plain_times = [], 0, [], [], []
        for k in range(count):
            start, goal = generate_instance(courses, args.seed * 100 + k, by)
            t = time.perf_counter()
            result = plan_path(courses, start, goal, by=by, time_limit=10.0)
            plain_times.append(time.perf_counter() - t)
            if args.mode == "budget":
                limit = 1.2 * result.plan.hours
                other = (
                    Measure.COURSES
                    if by is Measure.HOURS
                    else (Measure.COST if by is Measure.COURSES else Measure.COURSES)
                )
                t = time.perf_counter()
                result = plan_path(courses, start, goal, by=other, max_hours=limit, time_limit=10.0)
            elif args.mode == "pareto":
                t = time.perf_counter()
                frontier = pareto_plans(courses, start, goal, time_limit=30.0)
                times.append(time.perf_counter() - t)
                proved += frontier.complete and all(r.optimal for r in frontier.plans)
                sizes.append(len(frontier.plans))
                gaps.append(0.0)
                print(
                    f"pareto #{k}: {times[-1] * 1000:.0f} ms, {len(frontier.plans)} plans, "
                    f"complete={frontier.complete}, "
                    f"plain {plain_times[-1] * 1000:.0f} ms",
                    file=sys.stderr,
                )
                continue
            times.append(time.perf_counter() - t if args.mode == "budget" else plain_times[-1])
            proved += result.optimal
            best = value(result.plan, by)
            # The greedy baseline knows no budget: its gap is measured on plain plans only.
            greedy = (
                best
                if args.mode == "budget"
                else value(greedy_plan(courses, start, goal, by=by), by)
            )
            gaps.append(0.0 if greedy == best else 100.0 * (greedy - best) / max(best, 1e-9))
            sizes.append(result.plan.count)
            print(
                f"{by.value} #{k}: {times[-1] * 1000:.0f} ms optimal={result.optimal} "
                f"value={best:g} bound={result.bound:g} greedy={greedy:g}",
                file=sys.stderr,
            )
        ratio = statistics.median(t / p for t, p in zip(times, plain_times, strict=True))
        rows.append(
            f"| {by.value} | {args.mode} | {count} | {statistics.median(times) * 1000:.0f} | "
            f"{percentile(times, 0.9) * 1000:.0f} | {max(times) * 1000:.0f} | {proved}/{count} | "
            f"{statistics.mean(sizes):.1f} | {ratio:.2f} | {statistics.mean(gaps):.1f} | "
            f"{max(gaps):.1f} |"
        )

    table = "\n".join(
        [
            "| by | mode | instances | median ms | p90 ms | max ms | proven optimal "
            "| mean plan courses (pareto: plans) | median time / plain plan "
            "| greedy gap mean % | greedy gap max % |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    if args.no_write:
        return
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    append_section(
        "## Planner",
        f"### {stamp}\n\nMachine: {machine()}  \n"
        f"Command: `.venv/bin/python bench/bench_planner.py {' '.join(sys.argv[1:])}`  \n"
        f"Catalog: {len(courses)} courses, {n_skills} skills (seed {args.seed}); "
        f"wall time of `plan_path` in-process after a warm-up, time limit 10 s.\n\n"
        f"{table}",
    )


if __name__ == "__main__":
    main()
