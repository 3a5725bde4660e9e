"""``path``/``gap``/``next`` options of issue 13 through CliRunner, on the tiny dataset.

Hand-derived from tests/data/tiny (see tests/test_cli_plan.py): analyst -> ml-ops needs
python, machine-learning, docker, model-deployment; {py-basics 10 h $0, mlops-all 40 h $100}
by courses and cost; {docker-course 5 h ?, deploy-course 8 h $20, py-basics, ml-intro 20 h
$49} by hours (43 h). prompt-course has neither hours nor cost.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import BAD_PROFILE, BAD_PROFILE_PROBLEMS
from genai_kg.cli import app
from genai_kg.plan.catalog import open_catalog
from genai_kg.plan.profile import STARTER
from genai_kg.plan.text import plan_table

TINY = Path(__file__).parent / "data" / "tiny"


def run(runner: CliRunner, tmp_path: Path, *args: str, data: Path = TINY) -> Any:
    return runner.invoke(app, [*args, "--data", str(data), "--store", str(tmp_path / "store")])


def as_json(runner: CliRunner, tmp_path: Path, *args: str, data: Path = TINY) -> Any:
    result = run(runner, tmp_path, *args, "--format", "json", data=data)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(plan: dict[str, Any]) -> list[str]:
    return [course["id"] for course in plan["courses"]]


def edit(root: Path, old: str, new: str) -> None:
    courses = root / "courses.yaml"
    text = courses.read_text()
    assert old in text
    courses.write_text(text.replace(old, new, 1))


# ---- why each course ---------------------------------------------------------------------


def test_enables_names_the_later_course_whose_prerequisite_it_meets(
    runner: CliRunner, tmp_path: Path
) -> None:
    answer = as_json(runner, tmp_path, "path", "analyst", "ml-ops")
    assert [(c["id"], c["fills"], c["enables"]) for c in answer["courses"]] == [
        ("py-basics", ["python"], ["mlops-all"]),
        ("mlops-all", ["docker", "machine-learning", "model-deployment"], []),
    ]
    by_hours = as_json(runner, tmp_path, "path", "analyst", "ml-ops", "--by", "hours")
    enables = {c["id"]: c["enables"] for c in by_hours["courses"]}
    assert enables["docker-course"] == ["deploy-course"]
    assert enables["py-basics"] == ["ml-intro"]
    table = run(runner, tmp_path, "path", "analyst", "ml-ops").stdout
    assert "Python; needed for MLOps All-in-One" in table
    assert "prerequisite:" not in table


# ---- budgets -----------------------------------------------------------------------------


def test_max_hours_is_a_hard_limit_whatever_by(runner: CliRunner, tmp_path: Path) -> None:
    answer = as_json(runner, tmp_path, "path", "analyst", "ml-ops", "--max-hours", "45")
    assert sorted(ids(answer)) == ["deploy-course", "docker-course", "ml-intro", "py-basics"]
    assert answer["totals"]["hours"] == 43
    result = run(runner, tmp_path, "path", "analyst", "ml-ops", "--max-hours", "20")
    assert result.exit_code == 1
    assert "the least any plan needs is 43 hours" in result.stderr
    assert result.stderr.startswith("Error: no plan from 'analyst' to 'ml-ops' with --max-hours 20")


def test_max_cost_leaves_out_unknown_costs(runner: CliRunner, tmp_path: Path) -> None:
    # docker-course's cost is unknown: under --max-cost the hours-optimal set is out of reach.
    answer = as_json(
        runner, tmp_path, "path", "analyst", "ml-ops", "--by", "hours", "--max-cost", "100"
    )
    assert ids(answer) == ["py-basics", "mlops-all"]
    assert "docker-course" in answer["left_out_ids"]
    result = run(runner, tmp_path, "path", "analyst", "ml-ops", "--max-cost", "99.5")
    assert result.exit_code == 1
    assert "the limit of 99.5 dollars is too small: the least any plan needs is 100 dollars" in (
        result.stderr
    )


# ---- pace --------------------------------------------------------------------------------


def test_weeks_follow_the_pace(runner: CliRunner, tmp_path: Path) -> None:
    answer = as_json(runner, tmp_path, "path", "analyst", "ml-ops", "--hours-per-week", "8")
    assert answer["hours_per_week"] == 8
    # 10 h then 40 h at 8 h a week: weeks 1-2, then 2-7 (50 / 8 = 6.25, so week 7).
    assert [(c["weeks"]["start"], c["weeks"]["end"]) for c in answer["courses"]] == [(1, 2), (2, 7)]
    assert answer["totals"]["weeks"] == 7
    table = run(runner, tmp_path, "path", "analyst", "ml-ops").stdout
    assert "at 10 h/week" in table and "5 weeks" in table


def test_subscription_costs_each_started_month(
    runner: CliRunner, tmp_path: Path, tiny_copy: Path
) -> None:
    edit(
        tiny_copy,
        "cost: {amount: 49, currency: USD, note: per month}",
        "cost: {amount: 49, currency: USD, per: month}",
    )
    by_hours = ("path", "analyst", "ml-ops", "--by", "hours")
    # ml-intro is 20 h: at 10 h a week one month ($49); at 1 h a week 20 weeks, five months.
    fast = as_json(runner, tmp_path, *by_hours, data=tiny_copy)
    slow = as_json(runner, tmp_path, *by_hours, "--hours-per-week", "1", data=tiny_copy)
    cost = {
        plan: {c["id"]: c["cost"] for c in a["courses"]} for plan, a in (("f", fast), ("s", slow))
    }
    assert cost["f"]["ml-intro"] == 49 and cost["s"]["ml-intro"] == 245
    # By cost the subscription's price at the pace decides: mlops-all ($100) beats it slowly.
    cheap = as_json(
        runner,
        tmp_path,
        "path",
        "analyst",
        "ml-ops",
        "--by",
        "cost",
        "--max-hours",
        "60",
        "--hours-per-week",
        "1",
        data=tiny_copy,
    )
    assert "ml-intro" not in ids(cheap)
    table = run(runner, tmp_path, *by_hours, "--hours-per-week", "1", data=tiny_copy).stdout
    assert "$245 ($49/month)" in table


def test_mermaid_has_a_gantt_chart(runner: CliRunner, tmp_path: Path) -> None:
    out = run(runner, tmp_path, "path", "analyst", "ml-ops", "--format", "mermaid").stdout
    flowchart, gantt = out.split("\n\ngantt\n")
    assert flowchart.startswith("flowchart LR")
    assert "Python Basics :c1, 0, 1" in gantt and "MLOps All-in-One :c2, 1, 5" in gantt


# ---- pareto ------------------------------------------------------------------------------


def test_pareto_lists_the_frontier(runner: CliRunner, tmp_path: Path, tiny_copy: Path) -> None:
    # docker-course free and ml-intro $149: 43 h for $169 against 50 h for $100.
    edit(tiny_copy, "  hours: 5\n", "  hours: 5\n  cost: {amount: 0, currency: USD}\n")
    edit(tiny_copy, "amount: 49, currency: USD, note", "amount: 149, currency: USD, note")
    plans = as_json(runner, tmp_path, "path", "analyst", "ml-ops", "--pareto", data=tiny_copy)
    assert isinstance(plans, list)
    assert [(p["totals"]["hours"], p["totals"]["cost"]) for p in plans] == [(43, 169), (50, 100)]
    assert all(p["optimal"] and p["by"] == "hours" for p in plans)
    table = run(runner, tmp_path, "path", "analyst", "ml-ops", "--pareto", data=tiny_copy).stdout
    assert "+$69 saves 7 h" in table


# ---- readable output ---------------------------------------------------------------------


def test_all_unknown_totals_read_plainly(runner: CliRunner, tmp_path: Path) -> None:
    table = run(runner, tmp_path, "path", "analyst", "prompter").stdout
    assert (
        "total: 1 course, hours unknown for 1 of 1 course, cost unknown for 1 of 1 course, "
        "weeks unknown\n" in table
    )
    # Columns with no value known print "?", not blanks.
    assert "1  Prompting 101  LearnHub      ?  ?     ?      Prompt design" in table


def test_time_limit_never_claims_a_zero_bound(runner: CliRunner, tmp_path: Path) -> None:
    answer = as_json(runner, tmp_path, "path", "analyst", "ml-ops")
    catalog = open_catalog(TINY, tmp_path / "store")
    stopped = plan_table(catalog, answer | {"optimal": False, "bound": 0.0})
    assert "fewer than 0" not in stopped
    assert "not proven optimal: the time limit ran out before any bound was proved." in stopped
    proved = plan_table(catalog, answer | {"optimal": False, "bound": 1.0})
    assert "no plan can have fewer than 1 course." in proved


def test_by_hours_names_the_courses_left_out(runner: CliRunner, tmp_path: Path) -> None:
    table = run(runner, tmp_path, "path", "analyst", "ml-ops", "--by", "hours").stdout
    assert "1 course left out, hours unknown: Prompting 101." in table


# ---- learner profile ---------------------------------------------------------------------


def test_profile_init_writes_a_starter_that_loads(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "me.yaml"
    result = runner.invoke(app, ["profile", "init", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == STARTER
    assert (
        run(runner, tmp_path, "path", "analyst", "ml-ops", "--profile", str(target)).exit_code == 0
    )
    again = runner.invoke(app, ["profile", "init", str(target)])
    assert again.exit_code == 1 and "exists already" in again.stderr


def test_profile_drives_path_gap_and_next(runner: CliRunner, tmp_path: Path) -> None:
    profile = tmp_path / "me.yaml"
    profile.write_text(
        "have: [Containerisation with Docker]\ndone: [Python Basics]\nhours_per_week: 5\n"
        "max_hours: 30\n"
    )
    answer = as_json(runner, tmp_path, "path", "analyst", "ml-ops", "--profile", str(profile))
    # python (done) and docker (have) are held; 28 h of ml-intro + deploy-course fit 30 h.
    assert ids(answer) == ["deploy-course", "ml-intro"]
    assert answer["hours_per_week"] == 5
    assert answer["start"]["done"] == ["py-basics"] and answer["start"]["profile"] == ["docker"]
    # The command line overrides the profile.
    faster = as_json(
        runner,
        tmp_path,
        "path",
        "analyst",
        "ml-ops",
        "--profile",
        str(profile),
        "--hours-per-week",
        "20",
    )
    assert faster["hours_per_week"] == 20
    over = run(
        runner,
        tmp_path,
        "path",
        "analyst",
        "ml-ops",
        "--profile",
        str(profile),
        "--max-hours",
        "10",
    )
    assert over.exit_code == 1
    gap = as_json(runner, tmp_path, "gap", "analyst", "ml-ops", "--profile", str(profile))
    assert gap["have"] == ["docker", "python"]
    nxt = as_json(runner, tmp_path, "next", "analyst", "--profile", str(profile))
    assert nxt["hours_per_week"] == 5
    assert [row["courses"] for row in nxt["roles"] if row["role"] == "ml-ops"] == [
        ["deploy-course", "ml-intro"]
    ]


def test_bad_profile_reports_every_problem_with_its_line(runner: CliRunner, tmp_path: Path) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text(BAD_PROFILE)
    result = run(runner, tmp_path, "path", "analyst", "ml-ops", "--profile", str(profile))
    assert result.exit_code == 1
    where = str(profile)
    for line, field in BAD_PROFILE_PROBLEMS:
        assert f"{where}:{line}: {field}: " in result.stderr, (field, result.stderr)
    assert result.stderr.startswith("Error: 6 problems in the profile:")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["path", "gap", "next"])
def test_profile_option_in_help(runner: CliRunner, command: str) -> None:
    assert "--profile" in runner.invoke(app, [command, "--help"]).stdout


def test_next_says_why_a_salary_change_is_missing(runner: CliRunner, tmp_path: Path) -> None:
    table = run(runner, tmp_path, "next", "analyst").stdout
    # ml-ops has a max only, prompter no salary: each row says why its change is unknown.
    assert "no salary range (USD, both ends) for ml-ops" in table
    assert "no salary range (USD, both ends) for prompter" in table
