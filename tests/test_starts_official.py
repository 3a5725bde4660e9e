"""The issue's "Done when" starts on the real ESCO v1.1.1, O*NET 29.2 and OEWS May 2025
releases of ../shared/datasets (skipped, saying so, without them; the import takes a minute
or two, once per session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SHARED_DATASETS
from typer.testing import CliRunner

from genai_kg.cli import app

RELEASES = {"esco": "esco-v1.1.1", "onet": "onet-29.2", "oews": "oews-2025"}


@pytest.fixture(scope="session")
def official_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data with the three real releases imported."""
    missing = [name for name in RELEASES.values() if not (SHARED_DATASETS / name).is_dir()]
    if missing:
        pytest.skip(f"the releases {', '.join(missing)} are not in {SHARED_DATASETS}")
    folder = tmp_path_factory.mktemp("official") / "store"
    for source, name in RELEASES.items():
        result = CliRunner().invoke(
            app, ["import", source, str(SHARED_DATASETS / name), "--store", str(folder)]
        )
        assert result.exit_code == 0, result.output
    return folder


def run(store: Path, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--store", str(store)])


def plan(store: Path, *args: str) -> dict[str, Any]:
    result = run(store, "path", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    assert answer["courses"] and answer["optimal"] is True
    return answer


@pytest.mark.parametrize(
    ("start", "goal", "code"),
    [
        pytest.param(
            "nurse responsible for general care", "AI Product Manager", "2221.2", id="esco-label"
        ),
        pytest.param("Registered Nurses", "Prompt Engineer", "29-1141.00", id="onet-title"),
        pytest.param("29-1141.00", "MLOps Engineer", "29-1141.00", id="onet-code"),
    ],
)
def test_an_official_occupation_gives_a_plan(
    official_store: Path, start: str, goal: str, code: str
) -> None:
    answer = plan(official_store, start, goal)
    occupation = answer["start"]["occupation"]
    assert occupation["code"] == code
    assert occupation["skills"], "no curated skill from this occupation (match links?)"
    assert occupation["unmatched"] < occupation["official_skills"]
    assert set(occupation["skills"]) == {row["skill"] for row in occupation["mapped"]}


def test_no_start_and_a_list_of_skills_give_plans(official_store: Path) -> None:
    nobody = plan(official_store, "-", "Prompt Engineer")
    assert nobody["from"] is None
    listed = plan(official_store, "Data Analyst", "MLOps Engineer", "--have", "Python, SQL")
    assert {"python", "sql"} <= set(listed["start"]["have"])


def test_nurse_is_ambiguous_and_each_is_listed_by_code(official_store: Path) -> None:
    result = run(official_store, "path", "nurse", "Prompt Engineer")
    assert result.exit_code == 1
    assert (
        "'nurse' names" in result.stderr and "O*NET 29-1141.00 Registered Nurses" in result.stderr
    )


def test_a_near_miss_suggests_the_occupation(official_store: Path) -> None:
    result = run(official_store, "path", "registered nurse", "Prompt Engineer")
    assert result.exit_code == 1
    assert "'Registered Nurses' (O*NET 29-1141.00)" in result.stderr


def test_next_from_an_onet_occupation_compares_wages(official_store: Path) -> None:
    result = run(official_store, "next", "Registered Nurses", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["roles"]
    scientist = next(row for row in rows if row["role"] == "data-scientist")
    assert scientist["salary_change"] is not None and "29-1141" in scientist["salary_basis"]
