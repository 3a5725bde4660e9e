"""`genai-kg sparql` and `genai-kg list queries`: query sources, parameters bound as values,
result formats re-read by independent parsers, limits, timeouts and error messages.

Every run uses ``--data tests/data/tiny --store <tmp>`` so the user's cache is never touched.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import REPO, TINY
from genai_kg.cli import app
from genai_kg.graph.build import Built
from genai_kg.graph.export import to_oxigraph
from nethelp import run_cli

QUERIES = REPO / "queries"
CURATED = ox.NamedNode("https://w3id.org/genai-kg/graph/curated")
ID = "https://w3id.org/genai-kg/id/"

COURSES = """\
# title: Courses with hours
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?course ?id ?name ?hours
WHERE {
  ?course a gkg:Course ; gkg:id ?id .
  OPTIONAL { ?course schema:name ?name }
  OPTIONAL { ?course gkg:hours ?hours }
}
ORDER BY ?id
"""

SKILL_BY_NAME = """\
# title: A skill by its name
# param: name string = Python -- the skill's preferred label
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?skill ?name WHERE {
  ?skill a gkg:Skill ; skos:prefLabel ?label .
  FILTER(STR(?label) = ?name)
}
"""

ROLE_LABEL = """\
# title: A role's label
# param: role role = analyst -- the role, by id
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label ?role WHERE { ?role skos:prefLabel ?label }
"""

IRI_LABEL = """\
# title: A node's label
# param: node iri = https://w3id.org/genai-kg/id/role/analyst -- any node
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label ?node WHERE { ?node skos:prefLabel ?label }
"""

HOURS_OVER = """\
# title: Courses longer than
# param: hours integer = 25 -- lower bound
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
SELECT ?id ?hours WHERE { ?c gkg:id ?id ; gkg:hours ?h . FILTER(?h > ?hours) }
"""

COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# ----------------------------------------------------------------- helpers


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="module")
def reference(tiny_built: Built) -> ox.Store:
    """An in-memory store with the tiny graph, built without the CLI: the expected answers."""
    memory = ox.Store()
    memory.extend(
        ox.Quad(t.subject, t.predicate, t.object, CURATED) for t in to_oxigraph(tiny_built.graph)
    )
    return memory


def expected_rows(reference: ox.Store, text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    answer = reference.query(text, use_default_graph_as_union=True)
    names = [v.value for v in answer.variables]
    return names, [tuple(solution[n] for n in names) for solution in answer]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def sparql(runner: CliRunner, store: Path, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(
        app, ["sparql", *args, "--data", str(TINY), "--store", str(store)], input=stdin
    )


def json_rows(text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Re-read W3C SPARQL results JSON with pyoxigraph's own parser."""
    parsed = ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in parsed.variables]
    return names, [tuple(solution[n] for n in names) for solution in parsed]


def count_quads(runner: CliRunner, store: Path) -> int:
    result = sparql(runner, store, "-", "--format", "json", stdin=COUNT_QUADS)
    assert result.exit_code == 0, result.stderr
    _, rows = json_rows(result.stdout)
    return int(rows[0][0].value)


def nt_term(text: str) -> Any:
    """Parse one term written in N-Triples syntax (an object position accepts all kinds)."""
    line = f"<http://t/s> <http://t/p> {text} .\n"
    (triple,) = list(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return triple.object


# ----------------------------------------------------------------- where the query comes from


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("name", id="named-query"),
        pytest.param("file", id="rq-file"),
        pytest.param("stdin", id="stdin"),
    ],
)
def test_query_sources_give_the_same_answer(
    runner: CliRunner, store: Path, tmp_path: Path, source: str
) -> None:
    text = (QUERIES / "courses-for-skill.rq").read_text(encoding="utf-8")
    if source == "name":
        result = sparql(runner, store, "courses-for-skill", "-p", "skill=docker", "-f", "json")
    elif source == "file":
        path = write(tmp_path, "copy.rq", text)
        result = sparql(runner, store, str(path), "-p", "skill=docker", "-f", "json")
    else:
        result = sparql(runner, store, "-", "-p", "skill=docker", "-f", "json", stdin=text)
    assert result.exit_code == 0, result.stderr
    names, rows = json_rows(result.stdout)
    ids = {row[names.index("course_id")].value for row in rows}
    assert ids == {"docker-course", "mlops-all"}


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_every_named_query_runs_with_its_defaults(
    runner: CliRunner, store: Path, name: str
) -> None:
    result = sparql(runner, store, name, "-f", "json")
    assert result.exit_code == 0, result.stderr
    ox.parse_query_results(result.stdout.encode(), format=ox.QueryResultsFormat.JSON)


# ----------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, {ID + "skill/python"}, id="default"),
        pytest.param("Containerisation with Docker", {ID + "skill/docker"}, id="bound"),
        pytest.param("?label", set(), id="variable-name-is-a-literal"),
        pytest.param('x" || true || "', set(), id="quote-breakout"),
    ],
)
def test_string_param_is_a_value(
    runner: CliRunner, store: Path, tmp_path: Path, value: str | None, expected: set[str]
) -> None:
    path = write(tmp_path, "skill.rq", SKILL_BY_NAME)
    args = [str(path), "-f", "json"] + ([] if value is None else ["--param", f"name={value}"])
    result = sparql(runner, store, *args)
    assert result.exit_code == 0, result.stderr
    _, rows = json_rows(result.stdout)
    assert {row[0].value for row in rows} == expected


INJECTIONS = [
    pytest.param(SKILL_BY_NAME, 'name=x" } ; DROP ALL ; SELECT * { "', id="string-drop-all"),
    pytest.param(
        SKILL_BY_NAME, 'name=x" } } INSERT DATA { <a:b> <a:c> <a:d> } #', id="string-insert"
    ),
    pytest.param(SKILL_BY_NAME, "name=x'''\"\"\" } UNION { ?skill ?p ?o } #", id="string-union"),
    pytest.param(ROLE_LABEL, "role=analyst> } ; DROP ALL ; SELECT * { <x", id="role-gt"),
    pytest.param(ROLE_LABEL, "role=x> ?p ?o } UNION { ?role", id="role-union"),
    pytest.param(ROLE_LABEL, "role=Analyst } UNION { ?role ?p ?label", id="role-not-a-name"),
    pytest.param(IRI_LABEL, "node=http://x/> ?p ?label } UNION { <http://y/", id="iri-gt"),
    pytest.param(IRI_LABEL, 'node=http://x/" } #', id="iri-quote"),
    pytest.param(HOURS_OVER, "hours=0) || true || (1", id="integer-expression"),
    pytest.param(HOURS_OVER, "hours=1 } UNION { ?c ?p ?id", id="integer-union"),
]


@pytest.mark.parametrize(("text", "param"), INJECTIONS)
def test_injection_never_changes_the_query(
    runner: CliRunner, store: Path, tmp_path: Path, text: str, param: str
) -> None:
    path = write(tmp_path, "q.rq", text)
    before = count_quads(runner, store)
    result = sparql(runner, store, str(path), "--param", param, "-f", "json")
    if result.exit_code == 0:
        _, rows = json_rows(result.stdout)
        assert rows == [], "an injected value matched: it was pasted into the query"
    else:
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith("Error:")
        assert "Traceback" not in result.stderr
    assert count_quads(runner, store) == before


def test_param_outside_the_projection_is_bound_or_refused_cleanly(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    """pyoxigraph substitutes only projected variables; a header may still name another."""
    text = SKILL_BY_NAME.replace("SELECT ?skill ?name", "SELECT ?skill")
    result = sparql(runner, store, str(write(tmp_path, "q.rq", text)), "-f", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 0:
        assert {row[0].value for row in json_rows(result.stdout)[1]} == {ID + "skill/python"}
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("Error:") and "name" in result.stderr


def test_unknown_parameter_names_the_parameters(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "q.rq", HOURS_OVER)
    result = sparql(runner, store, str(path), "--param", "nope=1")
    assert result.exit_code == 1
    assert "nope" in result.stderr
    assert "hours" in result.stderr


def test_unknown_parameter_of_a_named_query(runner: CliRunner, store: Path) -> None:
    result = sparql(runner, store, "courses-for-skill", "--param", "skil=python")
    assert result.exit_code == 1
    assert "'skil'" in result.stderr and "skill" in result.stderr


@pytest.mark.parametrize(
    "param",
    [pytest.param("novalue", id="no-equals"), pytest.param("=x", id="no-name")],
)
def test_malformed_param_is_a_usage_error(runner: CliRunner, store: Path, param: str) -> None:
    result = sparql(runner, store, "courses-for-skill", "--param", param)
    assert result.exit_code == 2


def test_integer_param_is_typed(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "q.rq", HOURS_OVER)
    ok = sparql(runner, store, str(path), "--param", "hours=25", "-f", "json")
    assert ok.exit_code == 0, ok.stderr
    assert {row[0].value for row in json_rows(ok.stdout)[1]} == {"dl-course", "mlops-all"}
    bad = sparql(runner, store, str(path), "--param", "hours=many")
    assert bad.exit_code == 1
    assert "hours" in bad.stderr


def test_malformed_header_is_reported(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "q.rq", "# param: x nonsense = 1 -- bad type\nASK {}\n")
    result = sparql(runner, store, str(path))
    assert result.exit_code == 1
    assert "param" in result.stderr and "q.rq" in result.stderr


# ----------------------------------------------------------------- formats


def test_json_is_w3c_results_json(
    runner: CliRunner, store: Path, tmp_path: Path, reference: ox.Store
) -> None:
    result = sparql(runner, store, str(write(tmp_path, "c.rq", COURSES)), "-f", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"head", "results"}
    names, rows = json_rows(result.stdout)
    expected_names, expected = expected_rows(reference, COURSES)
    assert names == expected_names
    assert rows == expected
    assert any(row[3] is None for row in rows), "the fixture has a course without hours"
    unbound = next(b for b in payload["results"]["bindings"] if "hours" not in b)
    assert unbound["id"] == {"type": "literal", "value": unbound["id"]["value"]}


def test_json_ask(runner: CliRunner, store: Path) -> None:
    result = sparql(runner, store, "-", "-f", "json", stdin="ASK { ?s ?p ?o }")
    assert result.exit_code == 0, result.stderr
    parsed = ox.parse_query_results(result.stdout.encode(), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QueryBoolean) and bool(parsed) is True


def test_csv_reads_back(
    runner: CliRunner, store: Path, tmp_path: Path, reference: ox.Store
) -> None:
    result = sparql(runner, store, str(write(tmp_path, "c.rq", COURSES)), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    names, expected = expected_rows(reference, COURSES)
    assert table[0] == names
    assert table[1:] == [["" if t is None else t.value for t in row] for row in expected]


def test_csv_quotes_commas_and_quotes(runner: CliRunner, store: Path) -> None:
    query = 'SELECT ?a ?b { BIND("x, \\"y\\"" AS ?a) BIND("line\\nbreak" AS ?b) }'
    result = sparql(runner, store, "-", "-f", "csv", stdin=query)
    assert result.exit_code == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table == [["a", "b"], ['x, "y"', "line\nbreak"]]


def test_tsv_terms_are_ntriples(
    runner: CliRunner, store: Path, tmp_path: Path, reference: ox.Store
) -> None:
    result = sparql(runner, store, str(write(tmp_path, "c.rq", COURSES)), "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    header, *lines = result.stdout.rstrip("\n").split("\n")
    names, expected = expected_rows(reference, COURSES)
    assert header.split("\t") == [f"?{n}" for n in names]
    read = [
        tuple(None if cell == "" else nt_term(cell) for cell in line.split("\t")) for line in lines
    ]
    assert read == expected
    assert any(isinstance(t, ox.Literal) and t.language for row in read for t in row if t)


def test_tsv_escapes_tabs_and_newlines(runner: CliRunner, store: Path) -> None:
    query = 'SELECT ?a { BIND("tab\\there\\nnewline" AS ?a) }'
    result = sparql(runner, store, "-", "-f", "tsv", stdin=query)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.rstrip("\n").split("\n")
    assert len(lines) == 2
    assert nt_term(lines[1]) == ox.Literal("tab\there\nnewline")


def test_table_shows_the_variables(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    result = sparql(runner, store, str(write(tmp_path, "c.rq", COURSES)))
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0].split()
    assert first == ["course", "id", "name", "hours"]
    assert "py-basics" in result.stdout


def test_construct_gives_ntriples(runner: CliRunner, store: Path) -> None:
    query = (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/genai-kg/ontology#Skill> ; ?p ?o }"
    )
    result = sparql(runner, store, "-", stdin=query)
    assert result.exit_code == 0, result.stderr
    triples = [
        quad.triple for quad in ox.parse(result.stdout.encode(), format=ox.RdfFormat.N_TRIPLES)
    ]
    assert (
        ox.Triple(
            ox.NamedNode(ID + "skill/python"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/genai-kg/ontology#Skill"),
        )
        in triples
    )


def test_unknown_format_is_a_usage_error(runner: CliRunner, store: Path) -> None:
    result = sparql(runner, store, "-", "-f", "yaml", stdin="ASK {}")
    assert result.exit_code == 2


# ----------------------------------------------------------------- limit and timeout


@pytest.mark.parametrize(
    ("limit", "rows", "note"),
    [
        pytest.param("2", 2, True, id="cut"),
        pytest.param("7", 7, False, id="exactly-all"),
        pytest.param("100", 7, False, id="room-to-spare"),
    ],
)
def test_limit_cuts_with_a_note(
    runner: CliRunner, store: Path, tmp_path: Path, limit: str, rows: int, note: bool
) -> None:
    result = sparql(
        runner, store, str(write(tmp_path, "c.rq", COURSES)), "--limit", limit, "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert len(json_rows(result.stdout)[1]) == rows
    assert ("--limit" in result.stderr) is note
    if note:
        assert limit in result.stderr


def test_limit_below_one_is_a_usage_error(runner: CliRunner, store: Path) -> None:
    assert sparql(runner, store, "-", "--limit", "0", stdin="ASK {}").exit_code == 2


def test_timeout_stops_a_runaway_query(tmp_path: Path) -> None:
    store = tmp_path / "store"
    warm = run_cli(["sparql", "-"], store, stdin="ASK {}")  # build the store first
    assert warm.returncode == 0, warm.stderr
    started = time.monotonic()
    result = run_cli(["sparql", "-", "--timeout", "1"], store, stdin=RUNAWAY, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error:")
    assert re.search(r"time|did not finish", result.stderr)
    assert "Traceback" not in result.stderr
    assert elapsed < 1 + 15


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("SELECT * WHERE { ?s ?p }", 1, id="line-1"),
        pytest.param(
            "PREFIX x: <http://x/>\nSELECT *\nWHERE {\n  ?s ?p ?o .\n}\nLIMIT x\n", 6, id="line-6"
        ),
        pytest.param("SELECT *\nWHERE {\n  BIND(1 AS 2)\n}\n", 3, id="line-3"),
    ],
)
def test_syntax_error_has_line_and_column(
    runner: CliRunner, store: Path, tmp_path: Path, text: str, line: int
) -> None:
    result = sparql(runner, store, str(write(tmp_path, "bad.rq", text)))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert re.search(rf"\b{line}:\d+", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        pytest.param("courses-for-skil", "courses-for-skill", id="missing-letter"),
        pytest.param("role-skill", "role-skills", id="singular"),
    ],
)
def test_unknown_query_name_suggests(
    runner: CliRunner, store: Path, name: str, suggestion: str
) -> None:
    if not (QUERIES / f"{suggestion}.rq").is_file():
        pytest.skip(f"queries/{suggestion}.rq is not written yet")
    result = sparql(runner, store, name)
    assert result.exit_code == 1
    assert repr(name) in result.stderr
    assert "did you mean" in result.stderr and repr(suggestion) in result.stderr


def test_unknown_query_far_from_any_name(runner: CliRunner, store: Path) -> None:
    result = sparql(runner, store, "zzzzzzzz")
    assert result.exit_code == 1
    assert "'zzzzzzzz'" in result.stderr and "list queries" in result.stderr


def test_missing_query_file(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.rq"
    result = sparql(runner, store, str(missing))
    assert result.exit_code == 1
    assert "nowhere.rq" in result.stderr


# ----------------------------------------------------------------- list queries


HEADER_PARAM = re.compile(r"#\s*param:\s*(\w+)\s+(\w+)\s*=\s*(.*?)\s+--")


def _headers() -> dict[str, tuple[str, list[tuple[str, str, str]]]]:
    found = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^#\s*title:\s*(.+?)\s*$", text, re.MULTILINE)
        found[path.stem] = (title.group(1) if title else "", HEADER_PARAM.findall(text))
    return found


def test_list_queries_shows_every_query_with_its_title(runner: CliRunner) -> None:
    headers = _headers()
    if not headers:
        pytest.skip("queries/ has no .rq yet")
    result = runner.invoke(app, ["list", "queries"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for name, (title, _) in headers.items():
        assert any(line.split()[:1] == [name] and title in line for line in lines), name


def test_list_queries_json_gives_params(runner: CliRunner) -> None:
    headers = _headers()
    result = runner.invoke(app, ["list", "queries", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [entry["name"] for entry in listed] == sorted(headers)
    for entry in listed:
        title, params = headers[entry["name"]]
        assert entry["title"] == title
        assert [(p["name"], p["type"], p["default"]) for p in entry["params"]] == params
        assert all(p["description"] for p in entry["params"])


def test_xml_format_is_sparql_results_xml(runner: CliRunner, store: Path) -> None:
    import pyoxigraph as ox

    query = "SELECT ?role WHERE { ?role a <https://w3id.org/genai-kg/ontology#Role> }"
    result = sparql(runner, store, "-", "-f", "xml", stdin=query)
    assert result.exit_code == 0, result.output
    parsed = ox.parse_query_results(result.stdout.encode(), format=ox.QueryResultsFormat.XML)
    assert [v.value for v in parsed.variables] == ["role"]
    assert len(list(parsed)) == 3


# --- memory cap (issue 10, item 3 for the CLI) ----------------------------------------------

MEMORY_HOG = (
    "SELECT ?a ?b ?c ?d { ?a ?p1 ?x1 . ?b ?p2 ?x2 . ?c ?p3 ?x3 . ?d ?p4 ?x4 } ORDER BY ?a ?b ?c ?d"
)


def test_a_query_past_max_memory_is_stopped(tmp_path: Path) -> None:
    # A real process: the CLI leaves at once (pyoxigraph cannot stop a query it evaluates).
    started = time.monotonic()
    result = run_cli(
        ["sparql", "-", "--max-memory", "300M", "--timeout", "60"],
        tmp_path / "store",
        stdin=MEMORY_HOG,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "Error: the query needed more than 300M of memory (--max-memory); it was stopped\n"
    )
    assert time.monotonic() - started < 60  # stopped by memory, not by the timeout


def test_the_default_memory_cap_lets_ordinary_queries_run(tmp_path: Path) -> None:
    result = run_cli(["sparql", "role-skills", "--max-memory", "1G"], tmp_path / "store")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("size", ["12x", "0", "-1G", "G"])
def test_a_bad_max_memory_is_a_usage_error(runner: CliRunner, size: str) -> None:
    result = runner.invoke(app, ["sparql", "role-skills", "--max-memory", size])
    assert result.exit_code == 2
    assert "is not a size such as 512M or 1G" in result.stderr
