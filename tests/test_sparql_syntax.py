"""SPARQL for people (query/syntax.py): the graph's prefixes declared for every query, an
undeclared prefix named, IRIs shortened in tables, ``SELECT *`` in the query's order, and
``--param`` values resolved by name as every command resolves them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import TINY
from genai_kg.cli import app
from genai_kg.errors import QueryError
from genai_kg.query.sparql import run_query
from genai_kg.query.syntax import (
    QUERY_PREFIXES,
    in_query_order,
    select_star,
    short_iri,
    shortener,
    undeclared_prefixes,
    variable_order,
)

ID = "https://w3id.org/genai-kg/id/"
ROLE_BY_PARAM = """\
# title: A role's label
# param: role role = analyst -- the role
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?label WHERE { ?role skos:prefLabel ?label }
"""
TOOL_BY_PARAM = """\
# title: A tool's label
# param: tool tool = notebook -- the tool
SELECT ?tool ?label WHERE { ?tool skos:prefLabel ?label }
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


def sparql(runner: CliRunner, store: Path, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(
        app, ["sparql", *args, "--data", str(TINY), "--store", str(store)], input=stdin
    )


def json_result(text: str) -> tuple[list[str], list[dict[str, Any]]]:
    payload = json.loads(text)
    return payload["head"]["vars"], payload["results"]["bindings"]


# ----------------------------------------------------------------- prefixes


def test_a_schema_org_query_runs_as_typed(runner: CliRunner, store: Path) -> None:
    result = sparql(
        runner, store, "-", "-f", "json", stdin="SELECT ?c WHERE { ?c a schema:Course }"
    )
    assert result.exit_code == 0, result.stderr
    _, rows = json_result(result.stdout)
    courses = {row["c"]["value"] for row in rows}
    assert f"{ID}course/py-basics" in courses and len(courses) == 7


@pytest.mark.parametrize("prefix", sorted(QUERY_PREFIXES))
def test_every_graph_prefix_is_declared(runner: CliRunner, store: Path, prefix: str) -> None:
    text = f"SELECT ?x WHERE {{ BIND({prefix}:x AS ?x) }}"
    result = sparql(runner, store, "-", "-f", "csv", stdin=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == QUERY_PREFIXES[prefix] + "x"


def test_the_query_s_own_prefix_wins(runner: CliRunner, store: Path) -> None:
    text = "PREFIX schema: <http://example.org/> SELECT ?x WHERE { BIND(schema:Course AS ?x) }"
    result = sparql(runner, store, "-", "-f", "csv", stdin=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "http://example.org/Course"


def test_an_undeclared_prefix_is_named(runner: CliRunner, store: Path) -> None:
    text = "SELECT ?c\nWHERE { ?c a foo:Course ; bar:x ?y }"
    result = sparql(runner, store, "-", stdin=text)
    assert result.exit_code == 1
    declared = ", ".join(QUERY_PREFIXES)
    assert result.stderr == (
        f"Error: unknown prefix 'foo:' (declared: {declared})\n"
        "It is first used at line 2, column 14; you can declare it: PREFIX foo: <...>\n"
    )


def test_an_undeclared_prefix_in_a_checked_query_is_named(
    runner: CliRunner, store: Path
) -> None:
    """A query with a risky keyword is parsed by the check first; the message is the same."""
    text = 'SELECT ?c WHERE { ?c a nope:Course FILTER(?c != "DELETE") }'
    result = sparql(runner, store, "-", stdin=text)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown prefix 'nope:' (declared: gkg, schema,")


def test_other_syntax_errors_keep_the_engine_s_message(runner: CliRunner, store: Path) -> None:
    result = sparql(runner, store, "-", stdin="SELECT ?c WHERE { ?c a schema:Course ")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SPARQL syntax error")


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        pytest.param("SELECT * { ?s a foo:X }", ["foo"], id="plain"),
        pytest.param('SELECT * { ?s ?p "foo:X" }', [], id="in-a-string"),
        pytest.param("SELECT * { ?s ?p <foo:X> }", [], id="in-an-iri"),
        pytest.param("# foo:X\nSELECT * { ?s ?p ?o }", [], id="in-a-comment"),
        pytest.param("PREFIX foo: <http://x/>\nSELECT * { ?s a foo:X }", [], id="declared"),
        pytest.param("SELECT * { _:b a ?o }", [], id="blank-node"),
        pytest.param("SELECT * { ?s a :X }", [""], id="empty-prefix"),
        pytest.param('SELECT * { ?s ?p "1"^^xsd:int ; a a:b:c }', ["a"], id="colon-in-local"),
    ],
)
def test_undeclared_prefixes(text: str, unknown: list[str]) -> None:
    assert list(undeclared_prefixes(text)) == unknown


def test_the_served_endpoint_declares_the_prefixes_too() -> None:
    """``serve``'s /sparql runs queries through ``run_query``, as the CLI does."""
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(ID + "course/x"),
            ox.NamedNode(QUERY_PREFIXES["rdf"] + "type"),
            ox.NamedNode("https://schema.org/Course"),
            ox.NamedNode("https://w3id.org/genai-kg/graph/curated"),
        )
    )
    result = run_query(store, "SELECT ?c { ?c rdf:type schema:Course }")
    assert [row[0].value for row in result.rows] == [ID + "course/x"]
    with pytest.raises(QueryError, match="unknown prefix 'foo:'"):
        run_query(store, "SELECT ?c { ?c a foo:Course }")


# ----------------------------------------------------------------- table output


def test_the_table_shortens_iris_and_the_w3c_formats_do_not(
    runner: CliRunner, store: Path
) -> None:
    text = "SELECT ?c ?t WHERE { ?c a ?t ; gkg:id 'py-basics' } ORDER BY ?t"
    table = sparql(runner, store, "-", stdin=text)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[2].split() == ["course:py-basics", "schema:Course"]  # https://schema.org/ first
    assert lines[3].split() == ["course:py-basics", "gkg:Course"]
    for fmt in ("csv", "tsv", "json", "xml"):
        full = sparql(runner, store, "-", "-f", fmt, stdin=text)
        assert full.exit_code == 0, full.stderr
        assert f"{ID}course/py-basics" in full.stdout, fmt
        assert "course:py-basics" not in full.stdout, fmt


def test_the_table_uses_the_query_s_own_prefixes(runner: CliRunner, store: Path) -> None:
    text = "PREFIX ex: <http://example.org/> SELECT ?x { BIND(ex:thing AS ?x) }"
    result = sparql(runner, store, "-", stdin=text)
    assert result.stdout.splitlines()[2] == "ex:thing"


@pytest.mark.parametrize(
    ("iri", "shown"),
    [
        pytest.param(ID + "role/mlops-engineer", "role:mlops-engineer", id="entity"),
        pytest.param("https://w3id.org/genai-kg/ontology#Role", "gkg:Role", id="class"),
        pytest.param(ID + "role/x#salary-1", ID + "role/x#salary-1", id="fragment-stays-whole"),
        pytest.param("http://example.org/a", "http://example.org/a", id="no-prefix"),
        pytest.param(ID + "role/", ID + "role/", id="the-namespace-itself"),
        pytest.param(ID + "role/a.", ID + "role/a.", id="trailing-dot"),
    ],
)
def test_short_iri(iri: str, shown: str) -> None:
    assert short_iri(iri, shortener()) == shown


# ----------------------------------------------------------------- SELECT * order


def test_select_star_keeps_the_query_s_order(runner: CliRunner, store: Path) -> None:
    text = "SELECT * WHERE { ?zcourse a gkg:Course ; schema:name ?name ; gkg:hours ?a_hours }"
    for fmt in ("json", "csv"):
        result = sparql(runner, store, "-", "-f", fmt, stdin=text)
        assert result.exit_code == 0, result.stderr
        if fmt == "json":
            variables, rows = json_result(result.stdout)
            assert variables == ["zcourse", "name", "a_hours"]
            assert all(set(row) == set(variables) for row in rows)
        else:
            assert result.stdout.splitlines()[0] == "zcourse,name,a_hours"
            first = result.stdout.splitlines()[1].split(",")
            assert first[0].startswith(ID + "course/") and float(first[2]) > 0


def test_an_explicit_projection_is_kept() -> None:
    text = "SELECT ?b ?a { ?a ?p ?b }"
    assert not select_star(text)
    assert in_query_order(text, ["b", "a"], [[1, 2]]) == (["b", "a"], [[1, 2]])


def test_in_query_order_moves_rows_with_their_columns() -> None:
    text = "SELECT * { ?z ?y ?x }"
    assert variable_order(text) == ["z", "y", "x"]
    assert in_query_order(text, ["x", "y", "z"], [[1, 2, 3]]) == (["z", "y", "x"], [[3, 2, 1]])


# ----------------------------------------------------------------- --param by name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("analyst", "analyst", id="id"),
        pytest.param("ML Ops Engineer", "ml-ops", id="name"),
        pytest.param("data analyst", "analyst", id="alias-any-case"),
        pytest.param("  PROMPTER ", "prompter", id="spaces-and-case"),
    ],
)
def test_param_resolves_a_name(
    runner: CliRunner, store: Path, tmp_path: Path, value: str, expected: str
) -> None:
    path = tmp_path / "q.rq"
    path.write_text(ROLE_BY_PARAM, encoding="utf-8")
    result = sparql(runner, store, str(path), "--param", f"role={value}", "-f", "json")
    assert result.exit_code == 0, result.stderr
    _, rows = json_result(result.stdout)
    assert [row["role"]["value"] for row in rows] == [f"{ID}role/{expected}"]


def test_param_near_miss_suggests(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(ROLE_BY_PARAM, encoding="utf-8")
    result = sparql(runner, store, str(path), "--param", "role=ML Opps Engineer")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: --param role='ML Opps Engineer': no role is called 'ML Opps Engineer' "
        "(did you mean 'ML Ops Engineer' (ml-ops)"
    ), result.stderr


def test_param_of_a_kind_outside_the_planner_resolves(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "q.rq"
    path.write_text(TOOL_BY_PARAM, encoding="utf-8")
    result = sparql(runner, store, str(path), "--param", "tool=docker", "-f", "json")
    assert result.exit_code == 0, result.stderr
    _, rows = json_result(result.stdout)
    assert [row["tool"]["value"] for row in rows] == [f"{ID}tool/dockerd"]


def test_named_query_param_by_name(runner: CliRunner, store: Path) -> None:
    by_name = sparql(runner, store, "role-skills", "--param", "role=ML Ops Engineer", "-f", "csv")
    by_id = sparql(runner, store, "role-skills", "--param", "role=ml-ops", "-f", "csv")
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.stdout == by_id.stdout and len(by_id.stdout.splitlines()) > 1
