"""Remote stores: `push` and `sparql --endpoint` against a real Oxigraph server, and against
endpoints that are down, slow, or merely record what they are sent.

The Oxigraph server runs once per session (``--union-default-graph``, like the local store)
and is stopped at the end; each test pushes to a graph of its own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import TINY
from genai_kg.cli import app
from genai_kg.graph.build import Built
from genai_kg.graph.export import to_oxigraph
from nethelp import FakeEndpoint, closed_port, free_port, run_cli, wait_until

CURATED = "https://w3id.org/genai-kg/graph/curated"

COURSES = """\
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?course ?id ?name ?hours WHERE {
  ?course a gkg:Course ; gkg:id ?id .
  OPTIONAL { ?course schema:name ?name }
  OPTIONAL { ?course gkg:hours ?hours }
}
"""
SKILL_BY_NAME = """\
# title: A skill by its name
# param: name string = Python -- the skill's preferred label
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?skill ?name WHERE {
  ?skill a gkg:Skill ; skos:prefLabel ?label .
  FILTER(STR(?label) = ?name)
}
"""


class OxigraphServer:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.store = f"{self.base}/store"
        self.query = f"{self.base}/query"

    def select(self, text: str) -> list[dict[str, Any]]:
        request = urllib.request.Request(
            self.query,
            data=text.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            bindings: list[dict[str, Any]] = json.load(response)["results"]["bindings"]
            return bindings

    def drop(self, graph: str) -> None:
        request = urllib.request.Request(
            self.base + "/update",
            data=f"DROP SILENT GRAPH <{graph}>".encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"])


def _oxigraph_program() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the oxigraph server program is not installed (pip install oxigraph)")
    return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server on 127.0.0.1, stopped (terminate, then kill) at the end."""
    program = _oxigraph_program()
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [program, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        + ["--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = OxigraphServer(process, port)
    try:
        if not wait_until(
            lambda: process.poll() is not None or _answers(server.base + "/"), timeout=30
        ):
            pytest.fail("the Oxigraph server did not answer within 30 s")
        if process.poll() is not None:
            pytest.fail(f"the Oxigraph server exited with {process.returncode}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="module")
def local_count(tiny_built: Built) -> int:
    return len(to_oxigraph(tiny_built.graph))


def push(runner: CliRunner, endpoint: str, graph: str, data: Path = TINY, *extra: str) -> Any:
    return runner.invoke(
        app,
        ["push", "--endpoint", endpoint, "--graph", graph, "--data", str(data), *extra],
    )


def sparql(runner: CliRunner, store: Path, *args: str, stdin: str | None = None) -> Any:
    return runner.invoke(
        app, ["sparql", *args, "--data", str(TINY), "--store", str(store)], input=stdin
    )


def row_set(text: str) -> set[tuple[Any, ...]]:
    parsed = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in parsed.variables]
    return {tuple(solution[n] for n in names) for solution in parsed}


@pytest.fixture
def graph(oxigraph: OxigraphServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A graph IRI of this test's own, dropped from the server afterwards.

    The server's default graph is the union of its graphs: leftovers would multiply the
    matches of every later query.
    """
    iri = "http://test.example/graph/" + request.node.name.replace("[", "-").strip("]")
    yield iri
    oxigraph.drop(iri)


# ----------------------------------------------------------------- push and query


@pytest.fixture(scope="module")
def pushed(oxigraph: OxigraphServer) -> OxigraphServer:
    """The curated graph pushed once to the shared server."""
    result = push(CliRunner(), oxigraph.store, CURATED)
    assert result.exit_code == 0, result.stderr
    return oxigraph


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        pytest.param(["-"], COURSES, id="courses-stdin"),
        pytest.param(["courses-for-skill", "-p", "skill=docker"], None, id="named-with-param"),
        pytest.param(["courses-for-skill"], None, id="named-default"),
        pytest.param(["-"], "SELECT * { ?c a schema:Course ; gkg:id ?id }", id="graph-prefixes"),
        pytest.param(["role-skills", "-p", "role=ML Ops Engineer"], None, id="param-by-name"),
        pytest.param(["-"], "SELECT DISTINCT ?s ?p ?o { ?s ?p ?o }", id="every-triple"),
        pytest.param(["-", "-p", "name=Docker"], SKILL_BY_NAME, id="string-param-no-match"),
        pytest.param(
            ["-", "-p", "name=Containerisation with Docker"], SKILL_BY_NAME, id="string-param"
        ),
    ],
)
def test_remote_rows_equal_local_rows(
    runner: CliRunner,
    store: Path,
    pushed: OxigraphServer,
    args: list[str],
    stdin: str | None,
) -> None:
    local = sparql(runner, store, *args, "-f", "json", stdin=stdin)
    remote = sparql(runner, store, *args, "-f", "json", "--endpoint", pushed.query, stdin=stdin)
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert row_set(remote.stdout) == row_set(local.stdout)


def test_push_reports_the_count(
    runner: CliRunner, oxigraph: OxigraphServer, local_count: int, graph: str
) -> None:
    result = push(runner, oxigraph.store, graph)
    assert result.exit_code == 0, result.stderr
    assert f"{local_count:,}" in result.stdout
    assert oxigraph.count(graph) == local_count


def test_push_twice_replaces(
    runner: CliRunner, oxigraph: OxigraphServer, local_count: int, graph: str
) -> None:
    for _ in range(2):
        result = push(runner, oxigraph.store, graph)
        assert result.exit_code == 0, result.stderr
    assert oxigraph.count(graph) == local_count


def test_push_replaces_a_different_graph(
    runner: CliRunner,
    oxigraph: OxigraphServer,
    tiny_copy: Path,
    local_count: int,
    graph: str,
) -> None:
    """A smaller dataset pushed over a bigger one leaves no triple of the old one behind."""
    assert push(runner, oxigraph.store, graph).exit_code == 0
    courses = tiny_copy / "courses.yaml"
    text = courses.read_text(encoding="utf-8")
    courses.write_text(text[: text.index("- id: prompt-course")], encoding="utf-8")
    result = push(runner, oxigraph.store, graph, tiny_copy)
    assert result.exit_code == 0, result.stderr
    assert 0 < oxigraph.count(graph) < local_count
    gone = oxigraph.select(
        "SELECT (COUNT(*) AS ?n) { GRAPH <" + graph + "> "
        "{ <https://w3id.org/genai-kg/id/course/prompt-course> ?p ?o } }"
    )
    assert gone[0]["n"]["value"] == "0"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param("wrong-path", id="wrong-path"),
        pytest.param("bad-graph-iri", id="bad-graph-iri"),
        pytest.param("graph-iri-with-space", id="graph-iri-with-space"),
        pytest.param("broken-data", id="broken-data"),
    ],
)
def test_failed_push_leaves_the_old_graph_whole(
    runner: CliRunner,
    oxigraph: OxigraphServer,
    tiny_copy: Path,
    local_count: int,
    graph: str,
    failure: str,
) -> None:
    assert push(runner, oxigraph.store, graph).exit_code == 0
    if failure == "wrong-path":
        result = push(runner, oxigraph.base + "/nowhere", graph)
    elif failure == "bad-graph-iri":
        result = push(runner, oxigraph.store, "not an iri")
    elif failure == "graph-iri-with-space":
        result = push(runner, oxigraph.store, graph + " x")
    else:
        (tiny_copy / "courses.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
        result = push(runner, oxigraph.store, graph, tiny_copy)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.stderr
    assert oxigraph.count(graph) == local_count


# ----------------------------------------------------------------- parameters travel as VALUES


def test_param_reaches_the_remote_as_values(
    runner: CliRunner, store: Path, pushed: OxigraphServer
) -> None:
    result = sparql(
        runner, store, "courses-for-skill", "-p", "skill=docker", "-f", "json",
        "--endpoint", pushed.query,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    names = json.loads(result.stdout)["head"]["vars"]
    ids = {row[names.index("course_id")].value for row in row_set(result.stdout)}
    assert ids == {"docker-course", "mlops-all"}


@pytest.mark.parametrize(
    "value",
    [
        pytest.param('x" } ; DROP ALL ; SELECT * { "', id="drop-all"),
        pytest.param('x") } } VALUES ?x { "', id="close-values"),
        pytest.param('x\\" } #', id="backslash-quote"),
        pytest.param("x\n} DROP ALL #", id="newline"),
    ],
)
def test_injected_value_stays_a_value_remotely(
    runner: CliRunner,
    store: Path,
    pushed: OxigraphServer,
    local_count: int,
    tmp_path: Path,
    value: str,
) -> None:
    path = tmp_path / "q.rq"
    path.write_text(SKILL_BY_NAME, encoding="utf-8")
    result = sparql(
        runner, store, str(path), "--param", f"name={value}", "-f", "json",
        "--endpoint", pushed.query,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert row_set(result.stdout) == set()
    assert pushed.count(CURATED) == local_count


def test_values_block_sent_is_well_formed(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    """What reaches the wire: the query text unchanged plus a VALUES block that parses."""
    fake = FakeEndpoint()
    try:
        path = tmp_path / "q.rq"
        path.write_text(SKILL_BY_NAME, encoding="utf-8")
        value = 'x" } ; DROP ALL ; SELECT * { "'
        result = sparql(
            runner, store, str(path), "--param", f"name={value}", "--endpoint", fake.url
        )
        assert result.exit_code == 0, result.stderr
        (body,) = fake.bodies
    finally:
        fake.close()
    sent = body.decode("utf-8")
    # The query text is unchanged but for one VALUES block at the start of its WHERE group,
    # where it constrains the group's FILTER as a local substitution does.
    where = SKILL_BY_NAME.index("WHERE {") + len("WHERE {")
    assert sent.startswith(SKILL_BY_NAME[:where])
    assert sent.endswith(SKILL_BY_NAME[where:])
    block = sent[where : len(sent) - len(SKILL_BY_NAME[where:])]
    assert block.strip().startswith("VALUES (?name) {")
    # The whole request is one SELECT whose only binding of ?name is the literal value.
    answer = ox.Store().query(sent)
    assert [v.value for v in answer.variables] == ["skill", "name"]
    memory = ox.Store()
    skill = ox.NamedNode("http://x/s")
    memory.add(ox.Quad(skill, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                       ox.NamedNode("https://w3id.org/genai-kg/ontology#Skill")))  # fmt: skip
    memory.add(ox.Quad(skill, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                       ox.Literal(value)))  # fmt: skip
    rows = [tuple(s) for s in memory.query(sent)]
    assert rows == [(skill, ox.Literal(value))]


# ----------------------------------------------------------------- down and slow endpoints


@pytest.mark.parametrize(
    "command",
    [pytest.param("sparql", id="sparql"), pytest.param("push", id="push")],
)
def test_endpoint_down_fails_fast(runner: CliRunner, store: Path, command: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}/query"
    started = time.monotonic()
    if command == "sparql":
        result = sparql(runner, store, "-", "--endpoint", url, stdin="ASK {}")
    else:
        result = push(runner, url, CURATED)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert url in result.stderr
    assert "cannot connect" in result.stderr
    assert elapsed < 30


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ftp://127.0.0.1/query", id="ftp"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("127.0.0.1:7878/query", id="no-scheme"),
    ],
)
def test_endpoint_must_be_http(runner: CliRunner, store: Path, url: str) -> None:
    result = sparql(runner, store, "-", "--endpoint", url, stdin="ASK {}")
    assert result.exit_code == 1
    assert url in result.stderr


@pytest.mark.parametrize(
    ("command", "delay", "trickle"),
    [
        pytest.param("sparql", 30.0, None, id="sparql-silent"),
        pytest.param("sparql", 0.0, 0.1, id="sparql-trickle"),
        pytest.param("push", 30.0, None, id="push-silent"),
    ],
)
def test_slow_endpoint_times_out(
    tmp_path: Path, command: str, delay: float, trickle: float | None
) -> None:
    fake = FakeEndpoint(delay=delay, trickle=trickle)
    try:
        if command == "sparql":
            args = ["sparql", "-", "--endpoint", fake.url, "--timeout", "1"]
        else:
            args = ["push", "--endpoint", fake.url, "--timeout", "1"]
        started = time.monotonic()
        result = run_cli(args, tmp_path / "store", stdin="ASK {}", timeout=60)
        elapsed = time.monotonic() - started
    finally:
        fake.close()
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error:")
    assert fake.url in result.stderr
    assert "1 s" in result.stderr or "timed out" in result.stderr
    assert elapsed < 1 + 10, f"took {elapsed:.1f} s with --timeout 1"


def test_remote_update_is_refused_before_sending(
    runner: CliRunner, store: Path, pushed: OxigraphServer, local_count: int
) -> None:
    fake = FakeEndpoint()
    try:
        for endpoint in (fake.url, pushed.query):
            result = sparql(runner, store, "-", "--endpoint", endpoint, stdin="DROP ALL")
            assert result.exit_code == 1
            assert "refused" in result.stderr
        assert fake.bodies == []
    finally:
        fake.close()
    assert pushed.count(CURATED) == local_count
