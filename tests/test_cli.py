"""The command line through CliRunner: help, build, export, list, show."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import typer
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from genai_kg.cli import app
from genai_kg.graph.build import Built
from genai_kg.graph.view import to_networkx

TINY = Path(__file__).parent / "data" / "tiny"
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert command in result.output


def test_program_help_lists_every_command(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for command in COMMANDS:
        assert command in result.output


def test_build_writes_files_and_manifest(
    runner: CliRunner, tmp_path: Path, tiny_built: Built
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--data", str(TINY), "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = {
        "genai-kg.ttl",
        "genai-kg.nt",
        "genai-kg.jsonld",
        "genai-kg.graphml",
        "manifest.json",
    }
    assert expected <= {path.name for path in out.iterdir()}
    assert not [path.name for path in out.iterdir() if path.name.endswith(".tmp")]

    manifest = json.loads((out / "manifest.json").read_text())
    data = tiny_built.dataset
    view = to_networkx(tiny_built.graph)
    counts = manifest["counts"]
    for kind in ("sources", "providers", "skills", "tools", "roles", "courses"):
        assert counts[kind] == len(data.table(kind)), kind
    assert counts["roles"] == 3
    assert counts["courses"] == 7
    assert counts["triples"] == len(tiny_built.graph)
    assert counts["nodes"] == view.number_of_nodes()
    assert counts["edges"] == view.number_of_edges()

    assert set(manifest["files"]) == expected - {"manifest.json"}
    for name, info in manifest["files"].items():
        payload = (out / name).read_bytes()
        assert info["bytes"] == len(payload), name
        assert info["sha256"] == hashlib.sha256(payload).hexdigest(), name

    nt = Graph().parse(out / "genai-kg.nt", format="nt")
    assert len(nt) == counts["triples"]


def test_export_turtle_to_file_parses(runner: CliRunner, tmp_path: Path, tiny_built: Built) -> None:
    target = tmp_path / "graph.ttl"
    result = runner.invoke(
        app, ["export", "--format", "turtle", "-o", str(target), "--data", str(TINY)]
    )
    assert result.exit_code == 0, result.output
    parsed = Graph().parse(target, format="turtle")
    assert isomorphic(parsed, tiny_built.graph)


def test_export_turtle_to_stdout_parses(runner: CliRunner, tiny_built: Built) -> None:
    result = runner.invoke(app, ["export", "--format", "turtle", "--data", str(TINY)])
    assert result.exit_code == 0, result.output
    assert isomorphic(Graph().parse(data=result.stdout, format="turtle"), tiny_built.graph)


def test_export_csv_to_folder(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "neo4j"
    result = runner.invoke(
        app, ["export", "--format", "csv", "-o", str(folder), "--data", str(TINY)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.iterdir()) == ["nodes.csv", "relationships.csv"]


def test_export_csv_without_output_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "--format", "csv", "--data", str(TINY)])
    assert result.exit_code == 2, result.output


def test_export_unknown_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "--format", "pdf", "--data", str(TINY)])
    assert result.exit_code == 2, result.output


def test_list_roles_lists_every_role(runner: CliRunner, tiny_built: Built) -> None:
    result = runner.invoke(app, ["list", "roles", "--data", str(TINY)])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(tiny_built.dataset.roles) <= listed


def test_list_courses_json(runner: CliRunner, tiny_built: Built) -> None:
    result = runner.invoke(app, ["list", "courses", "--format", "json", "--data", str(TINY)])
    assert result.exit_code == 0, result.output
    courses = json.loads(result.stdout)
    assert isinstance(courses, list)
    assert all(isinstance(course, dict) for course in courses)
    assert len(courses) == len(tiny_built.dataset.courses)
    assert sorted(course["id"] for course in courses) == sorted(tiny_built.dataset.courses)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("data analyst", id="alias-lowercase"),
        pytest.param("DATA ANALYST", id="alias-uppercase"),
        pytest.param("Analyst", id="name"),
        pytest.param("analyst", id="id"),
    ],
)
def test_show_resolves_names_case_insensitively(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["show", name, "--data", str(TINY)])
    assert result.exit_code == 0, result.output
    assert "[role analyst]" in result.stdout
    for linked in ("skill:sql", "skill:statistics", "role:ml-ops", "source:fixture"):
        assert linked in result.stdout


def test_show_json_contract(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "ml-ops", "--format", "json", "--data", str(TINY)])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert set(shown) == {"kind", "id", "label", "values", "links", "linked_from", "salary"}
    assert shown["kind"] == "role"
    assert shown["id"] == "ml-ops"
    assert shown["label"] == "ML Ops Engineer"
    assert shown["values"]["track"] == "engineering"
    assert "Python (skill:python)" in shown["links"]["essential skill"]
    assert "Deep learning (skill:deep-learning)" in shown["links"]["optional skill"]
    assert "Analyst (role:analyst)" in shown["linked_from"]["next role"]
    [band] = shown["salary"]
    assert band["level"] == "senior"
    assert band["max"] == 200000
    assert "min" not in band
    assert band["currency"] == "USD"


def _subscribe(data: Path) -> None:
    """Make the tiny dataset's ml-intro a subscription ($49 a month)."""
    courses = data / "courses.yaml"
    text = courses.read_text(encoding="utf-8")
    old = "cost: {amount: 49, currency: USD, note: per month}"
    assert old in text
    courses.write_text(text.replace(old, "cost: {amount: 49, currency: USD, per: month}"))


@pytest.mark.parametrize(
    ("course", "lines"),
    [
        pytest.param("py-basics", ["hours: 10", "cost: $0", "rating: 4.5"], id="free"),
        pytest.param("dl-course", ["hours: 30", "cost: $49"], id="priced"),
        pytest.param("ml-intro", ["hours: 20", "cost: $49/month"], id="subscription"),
    ],
)
def test_show_prints_money_as_money(
    runner: CliRunner, tiny_copy: Path, tmp_path: Path, course: str, lines: list[str]
) -> None:
    _subscribe(tiny_copy)
    args = ["show", course, "--data", str(tiny_copy), "--store", str(tmp_path / "store")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    shown = [line.strip() for line in result.stdout.splitlines()]
    for line in lines:
        assert line in shown, result.stdout
    assert not any(line.startswith(("currency:", "per:")) for line in shown), result.stdout
    assert ".0" not in result.stdout.replace("4.5", "")


def test_show_json_keeps_numbers_and_names_a_subscription(
    runner: CliRunner, tiny_copy: Path, tmp_path: Path
) -> None:
    _subscribe(tiny_copy)
    store = ["--data", str(tiny_copy), "--store", str(tmp_path / "store")]
    shown = {}
    for course in ("ml-intro", "dl-course"):
        result = runner.invoke(app, ["show", course, "--format", "json", *store])
        assert result.exit_code == 0, result.output
        shown[course] = json.loads(result.stdout)["values"]
    assert shown["ml-intro"]["hours"] == 20 and isinstance(shown["ml-intro"]["hours"], float)
    assert (shown["ml-intro"]["cost"], shown["ml-intro"]["currency"]) == (49, "USD")
    assert shown["ml-intro"]["per"] == "month"
    assert "per" not in shown["dl-course"]  # paid once: the key is left out, as before


def test_show_unknown_name_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "nobody-at-all", "--data", str(TINY)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["show", "skill:python"], "Python  [skill python]"),
        (["show", "role:Data Analyst"], "Data Analyst  [role data-analyst]"),
        (["path", "role:data-analyst", "role:MLOps Engineer", "--have", "skill:Python"],
         "Data Analyst -> MLOps Engineer"),
    ],
)  # fmt: skip
def test_a_kind_prefix_names_an_entity_of_that_kind(
    runner: CliRunner, args: list[str], says: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert says in result.stdout


def test_a_kind_prefix_looks_only_in_that_kind(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "course:python"])  # a skill, not a course
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no course is called 'python'")
