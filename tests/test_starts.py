"""Starts from anywhere (SPEC, FROM): curated roles, ESCO and O*NET occupations, and ``-``.

The bundled data with the mini releases of tests/data imported (esco-mini: ISCO group 2511,
data analyst 2511.3 among them; onet-mini: eight occupations; oews-mini). What a start must
give is worked out here from the release files and the curated ``match`` links themselves,
not read back from the code under test, so a change of either keeps the tests honest.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import TESTS
from typer.testing import CliRunner

from genai_kg.cli import app
from genai_kg.dataset.models import Dataset
from genai_kg.graph.build import build_dataset
from genai_kg.paths import bundled

ESCO_MINI = TESTS / "data" / "esco-mini"
ONET_MINI = TESTS / "data" / "onet-mini"
OEWS_MINI = TESTS / "data" / "oews-mini"
DATA_ANALYST = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the bundled data with the three mini releases imported."""
    folder = tmp_path_factory.mktemp("starts") / "store"
    runner = CliRunner()
    for source, release in (("esco", ESCO_MINI), ("onet", ONET_MINI), ("oews", OEWS_MINI)):
        result = runner.invoke(app, ["import", source, str(release), "--store", str(folder)])
        assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def bundled_data() -> Dataset:
    return build_dataset(bundled("data"), shacl=False).dataset


def run(store: Path, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--store", str(store)])


def answer(store: Path, *args: str) -> dict[str, Any]:
    result = run(store, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def esco_expected(dataset: Dataset, occupation: str) -> tuple[set[str], int, int]:
    """The curated skills an ESCO occupation gives, its essential skills, and how many of
    them give none: from the release files and data/skills.yaml's ``match``."""
    with (ESCO_MINI / "occupationSkillRelations.csv").open(encoding="utf-8") as file:
        essential = {
            row["skillUri"]
            for row in csv.DictReader(file)
            if row["occupationUri"] == occupation and row["relationType"] == "essential"
        }
    broader: dict[str, set[str]] = defaultdict(set)
    with (ESCO_MINI / "broaderRelationsSkillPillar.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["conceptType"] != "SkillGroup" and row["broaderType"] != "SkillGroup":
                broader[row["conceptUri"]].add(row["broaderUri"])
    curated = defaultdict(set)
    for skill in dataset.skills.values():
        if skill.match is not None and skill.match.esco is not None:
            curated[skill.match.esco.id].add(skill.id)
    gives, unmatched = set(), 0
    for skill in essential:
        above, todo = {skill}, [skill]
        while todo:
            for parent in broader[todo.pop()] - above:
                above.add(parent)
                todo.append(parent)
        found = {c for uri in above for c in curated.get(uri, ())}
        gives |= found
        unmatched += not found
    return gives, len(essential), unmatched


# --- which start a name means ----------------------------------------------------------------


def test_a_curated_role_wins_over_an_official_occupation(store: Path) -> None:
    # "data analyst" is ESCO's preferred label of 2511.3 and an O*NET alternate title too.
    plan = answer(store, "path", "data analyst", "MLOps Engineer")
    assert plan["from"] == "data-analyst"
    assert plan["start"]["occupation"] is None and plan["start"]["role"]


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        pytest.param("2511.3", DATA_ANALYST, id="esco-code"),
        pytest.param(DATA_ANALYST, DATA_ANALYST, id="esco-uri"),
        pytest.param(
            "ict intelligent systems designer",
            "http://data.europa.eu/esco/occupation/35553663-deab-4d9a-bf22-15c1625d28e8",
            id="esco-label-any-case",
        ),
        pytest.param(
            "15-2051.00", "https://www.onetonline.org/link/summary/15-2051.00", id="onet-code"
        ),
        pytest.param(
            "data scientists",
            "https://www.onetonline.org/link/summary/15-2051.00",
            id="onet-title",
        ),
        pytest.param(
            "bank president",
            "https://www.onetonline.org/link/summary/11-1011.00",
            id="onet-alternate-title",
        ),
    ],
)
def test_an_official_occupation_resolves(store: Path, name: str, iri: str) -> None:
    plan = answer(store, "path", name, "MLOps Engineer")
    assert plan["from"] == iri
    assert plan["start"]["occupation"]["iri"] == iri
    assert plan["start"]["role"] == []


def test_several_occupations_are_listed_by_code(store: Path) -> None:
    result = run(store, "path", "Applied Scientist", "MLOps Engineer")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'Applied Scientist' names 2 official occupations")
    assert "O*NET 15-1221.00 Computer and Information Research Scientists" in result.stderr
    assert "O*NET 15-2051.00 Data Scientists" in result.stderr
    assert "Traceback" not in result.output


def test_a_near_miss_suggests_roles_and_occupations(store: Path) -> None:
    result = run(store, "path", "computer scientst", "MLOps Engineer")
    assert result.exit_code == 1
    assert "no role is called 'computer scientst'" in result.stderr
    assert "Closest official occupations: 'computer scientist' (ESCO 2511.1)" in result.stderr


def test_without_imports_an_unknown_start_says_how_to_get_occupations(tmp_path: Path) -> None:
    result = run(tmp_path / "store", "path", "nurse responsible for general care", "MLOps Engineer")
    assert result.exit_code == 1
    assert "genai-kg import esco PATH" in result.stderr and "or from nothing: -" in result.stderr


# --- what an official start gives ------------------------------------------------------------


def test_an_esco_start_gives_the_curated_skills_its_essential_skills_map_to(
    store: Path, bundled_data: Dataset
) -> None:
    gives, essential, unmatched = esco_expected(bundled_data, DATA_ANALYST)
    assert gives, "the bundled match links give data analyst no curated skill"
    start = answer(store, "path", "2511.3", "MLOps Engineer")["start"]["occupation"]
    assert (start["code"], start["title"], start["scheme"]) == ("2511.3", "data analyst", "esco")
    assert set(start["skills"]) == gives
    assert (start["official_skills"], start["unmatched"]) == (essential, unmatched)
    # Each row names the official skill and, where a broader ESCO skill carried it, that one.
    assert {row["skill"] for row in start["mapped"]} == gives
    for row in start["mapped"]:
        assert row["official"].startswith("http://data.europa.eu/esco/skill/") and row["label"]
        assert (row["via"] is None) == (row["via_label"] is None)


def test_the_table_says_which_official_skill_gave_which_curated_one(store: Path) -> None:
    start = answer(store, "path", "2511.3", "MLOps Engineer")["start"]["occupation"]
    result = run(store, "path", "2511.3", "MLOps Engineer")
    assert result.exit_code == 0, result.output
    head = result.stdout.splitlines()[1]
    assert head.startswith("start: ESCO 2511.3 data analyst gives ")
    assert f"({start['unmatched']} without a curated counterpart)" in head
    row = start["mapped"][0]
    assert f"  {row['label']} -> " in result.stdout
    gap = run(store, "gap", "2511.3", "MLOps Engineer")
    assert gap.exit_code == 0 and "start: ESCO 2511.3 data analyst gives " in gap.stdout


def test_an_official_start_plans_as_its_skills_would(store: Path) -> None:
    """The planner sees only skills: starting from an occupation is starting from nothing
    with the curated skills it gives, and the optimum is the same."""
    plan = answer(store, "path", "2511.3", "MLOps Engineer", "--by", "hours")
    skills = ",".join(plan["start"]["occupation"]["skills"])
    same = answer(store, "path", "-", "MLOps Engineer", "--by", "hours", "--have", skills)
    assert [c["id"] for c in plan["courses"]] == [c["id"] for c in same["courses"]]
    assert (plan["gap"], plan["optimal"]) == (same["gap"], same["optimal"])


def test_an_onet_start_maps_important_skills(store: Path, bundled_data: Dataset) -> None:
    skills = bundled_data.skills.values()
    onet = {s.match.onet.id: s.id for s in skills if s.match and s.match.onet}
    with (ONET_MINI / "Skills.txt").open(encoding="utf-8") as file:
        important = {
            row["Element ID"]
            for row in csv.DictReader(file, delimiter="\t")
            if row["O*NET-SOC Code"] == "15-2051.00"
            and row["Scale ID"] == "IM"
            and float(row["Data Value"]) >= 3.0
        }
    technologies = {s.id for s in skills if s.match and s.match.onet
                    and "/onet/technology/" in s.match.onet.id}  # fmt: skip
    start = answer(store, "path", "15-2051.00", "MLOps Engineer")["start"]["occupation"]
    from_skills = {onet[e] for e in important if e in onet}
    # Besides its important skills, the curated skills linked to one of its technologies.
    assert from_skills <= set(start["skills"]) <= from_skills | technologies
    assert start["official_skills"] >= len(important)  # and its technology skills


def test_dash_starts_from_no_skill(store: Path, bundled_data: Dataset) -> None:
    plan = answer(store, "path", "-", "MLOps Engineer")
    assert plan["from"] is None and plan["from_name"] == "no role (-)"
    assert plan["start"]["role"] == [] and plan["start"]["occupation"] is None
    # With nothing held, every essential skill of the goal is in the gap.
    goal = bundled_data.roles["mlops-engineer"].skills.essential
    assert set(goal) <= set(plan["gap"])


# --- next from anywhere ----------------------------------------------------------------------


def test_next_from_an_esco_occupation_ranks_every_role_with_its_share_held(
    store: Path, bundled_data: Dataset
) -> None:
    ranked = answer(store, "next", "2511.3")
    roles = bundled_data.roles
    assert ranked["from"] == DATA_ANALYST
    rows = ranked["roles"]
    assert {row["role"] for row in rows} | {u["role"] for u in ranked["unreachable"]} == set(roles)
    held = set(ranked["start"]["skills"])
    for row in rows:
        essential = set(roles[row["role"]].skills.essential)
        assert set(row["held"]) <= essential and row["essential"] == len(essential)
        assert set(row["held"]) >= held & essential  # broader skills may add to these
        assert row["transferable"] == round(len(row["held"]) / len(essential), 3)
        assert row["salary_change"] is None and "ESCO" in row["salary_note"]
    assert [r["value"] for r in rows if not r["untaught"]] == sorted(
        r["value"] for r in rows if not r["untaught"]
    )


def test_next_from_an_onet_occupation_compares_bls_medians(store: Path) -> None:
    medians = {}
    with next(OEWS_MINI.glob("*.csv")).open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            medians[row["soc_code"]] = row["annual_median_wage"]
    ranked = answer(store, "next", "Software Developers")
    row = next(r for r in ranked["roles"] if r["role"] == "data-scientist")  # onet 15-2051.00
    assert row["salary_change"] == float(medians["15-2051"]) - float(medians["15-1252"])
    assert "BLS OEWS" in row["salary_basis"]
    table = run(store, "next", "Software Developers")
    assert table.exit_code == 0 and "Roles reachable from Software Developers" in table.stdout


# --- the web explorer ------------------------------------------------------------------------


def test_the_explorer_plans_from_an_official_occupation(store: Path) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from genai_kg.web.explorer import Explorer
    from genai_kg.web.pages import page_routes

    explorer = Explorer(bundled("data"), store)
    with TestClient(Starlette(routes=page_routes(explorer))) as client:
        api = client.get("/api/plan", params={"from": "2511.3", "to": "MLOps Engineer"})
        assert api.status_code == 200
        assert api.json() == answer(store, "path", "2511.3", "MLOps Engineer")
        page = client.get("/plan", params={"from": "2511.3", "to": "MLOps Engineer"})
        assert page.status_code == 200
        assert "Starting from ESCO 2511.3" in page.text and "data analyst" in page.text
        ranked = client.get("/next", params={"from": "-"})
        assert ranked.status_code == 200 and "Roles reachable from no role (-)" in ranked.text
        gap = client.get("/gap", params={"from": "15-2051.00", "to": "MLOps Engineer"})
        assert gap.status_code == 200 and "Starting from O*NET 15-2051.00" in gap.text
        missing = client.get("/api/plan", params={"from": "Applied Scientist", "to": "ml-ops"})
        assert missing.status_code in (400, 404) and "names 2 official occupations" in missing.text
