"""Remote stores: `push` and `sparql --endpoint` against a real Oxigraph server, and against
endpoints that are down, slow, not SPARQL endpoints, or merely record what they are sent.

The Oxigraph server (tests/stores.py) runs once per session with its default graph its own,
as it ships: queries reach the pushed graph because the client names it. Each push test
writes a graph of its own. The equality of every named query on both real servers is
tests/test_remote_stores.py.
"""

from __future__ import annotations

import json
import time
import urllib.parse
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
from nethelp import FakeEndpoint, closed_port, run_cli
from stores import RemoteStore

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
def graph(oxigraph: RemoteStore, request: pytest.FixtureRequest) -> Iterator[str]:
    """A graph IRI of this test's own, dropped from the server afterwards.

    Dropped so that the server holds only what the next test expects.
    """
    iri = "http://test.example/graph/" + request.node.name.replace("[", "-").strip("]")
    yield iri
    oxigraph.drop(iri)


# ----------------------------------------------------------------- push and query


@pytest.fixture(scope="module")
def pushed(oxigraph: RemoteStore) -> RemoteStore:
    """The curated graph pushed once to the shared server."""
    result = push(CliRunner(), oxigraph.graph_store, CURATED)
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
    pushed: RemoteStore,
    args: list[str],
    stdin: str | None,
) -> None:
    local = sparql(runner, store, *args, "-f", "json", stdin=stdin)
    remote = sparql(runner, store, *args, "-f", "json", "--endpoint", pushed.query, stdin=stdin)
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert row_set(remote.stdout) == row_set(local.stdout)


def test_push_reports_the_count(
    runner: CliRunner, oxigraph: RemoteStore, local_count: int, graph: str
) -> None:
    result = push(runner, oxigraph.graph_store, graph)
    assert result.exit_code == 0, result.stderr
    assert f"{local_count:,}" in result.stdout
    assert oxigraph.count(graph) == local_count


def test_push_twice_replaces(
    runner: CliRunner, oxigraph: RemoteStore, local_count: int, graph: str
) -> None:
    for _ in range(2):
        result = push(runner, oxigraph.graph_store, graph)
        assert result.exit_code == 0, result.stderr
    assert oxigraph.count(graph) == local_count


def test_push_replaces_a_different_graph(
    runner: CliRunner,
    oxigraph: RemoteStore,
    tiny_copy: Path,
    local_count: int,
    graph: str,
) -> None:
    """A smaller dataset pushed over a bigger one leaves no triple of the old one behind."""
    assert push(runner, oxigraph.graph_store, graph).exit_code == 0
    courses = tiny_copy / "courses.yaml"
    text = courses.read_text(encoding="utf-8")
    courses.write_text(text[: text.index("- id: prompt-course")], encoding="utf-8")
    result = push(runner, oxigraph.graph_store, graph, tiny_copy)
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
    oxigraph: RemoteStore,
    tiny_copy: Path,
    local_count: int,
    graph: str,
    failure: str,
) -> None:
    assert push(runner, oxigraph.graph_store, graph).exit_code == 0
    if failure == "wrong-path":
        result = push(runner, oxigraph.base + "/nowhere", graph)
    elif failure == "bad-graph-iri":
        result = push(runner, oxigraph.graph_store, "not an iri")
    elif failure == "graph-iri-with-space":
        result = push(runner, oxigraph.graph_store, graph + " x")
    else:
        (tiny_copy / "courses.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
        result = push(runner, oxigraph.graph_store, graph, tiny_copy)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.stderr
    assert oxigraph.count(graph) == local_count


# ----------------------------------------------------------------- parameters travel as VALUES


def test_param_reaches_the_remote_as_values(
    runner: CliRunner, store: Path, pushed: RemoteStore
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
    pushed: RemoteStore,
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
    (sent,) = urllib.parse.parse_qs(body.decode("ascii"), strict_parsing=True)["query"]
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



def test_a_read_that_times_out_is_a_timeout_as_the_deadline_is() -> None:
    """A silent endpoint times out one of two ways, whichever comes first: the socket's read
    (``_exchange``) or the deadline of the whole answer (``send``). Both are EndpointTimeout,
    which ``push`` turns into its hint for a query URL."""
    import urllib.request

    from genai_kg.errors import EndpointTimeout
    from genai_kg.query import transport

    fake = FakeEndpoint(delay=30.0)
    try:
        for call in (transport._exchange, transport.send):
            request = urllib.request.Request(fake.url, data=b"x", method="PUT")
            with pytest.raises(EndpointTimeout, match="no (complete )?answer within 0.5 s"):
                call(request, fake.url, 0.5)
    finally:
        fake.close()

def test_remote_update_is_refused_before_sending(
    runner: CliRunner, store: Path, pushed: RemoteStore, local_count: int
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


# ----------------------------------------------------------------- what is sent, what is read


def test_query_travels_as_a_form_with_the_pushed_graph(runner: CliRunner, store: Path) -> None:
    """A URL-encoded POST (every SPARQL 1.1 endpoint reads it), naming the graph push wrote."""
    fake = FakeEndpoint()
    try:
        for extra in ([], ["--graph", "http://test.example/g"], ["--graph", "default"]):
            result = sparql(runner, store, "-", "--endpoint", fake.url, *extra, stdin=COURSES)
            assert result.exit_code == 0, result.stderr
    finally:
        fake.close()
    sent = [
        urllib.parse.parse_qs(body.decode("ascii"), strict_parsing=True) for body in fake.bodies
    ]
    assert [fields.get("default-graph-uri") for fields in sent] == [
        [CURATED],
        ["http://test.example/g"],
        None,
    ]
    assert all(fields["query"] == [COURSES] for fields in sent)
    headers = fake.headers[0]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Accept"].startswith("application/sparql-results+json")


@pytest.mark.parametrize(
    ("text", "accept"),
    [
        pytest.param("SELECT * { ?s ?p ?o }", "application/sparql-results+json", id="select"),
        pytest.param("ASK { ?s ?p ?o }", "application/sparql-results+json", id="ask"),
        pytest.param("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples", id="construct"),
        pytest.param("DESCRIBE <http://x/y>", "application/n-triples", id="describe"),
    ],
)
def test_accept_fits_the_query_form(runner: CliRunner, store: Path, text: str, accept: str) -> None:
    """A graph is asked for as a graph: Virtuoso sends a CONSTRUCT as a table if JSON will do."""
    fake = FakeEndpoint(answer=(200, "application/n-triples", b""))
    try:
        sparql(runner, store, "-", "--endpoint", fake.url, stdin=text)
    finally:
        fake.close()
    assert fake.headers[0]["Accept"].split(",")[0] == accept
    if accept == "application/n-triples":
        assert "sparql-results" not in fake.headers[0]["Accept"]


def test_undeclared_graph_prefixes_travel_with_the_query(runner: CliRunner, store: Path) -> None:
    """Declared on the first line: a syntax error's line number stays the user's."""
    fake = FakeEndpoint()
    try:
        text = "SELECT ?c { ?c a gkg:Course ; schema:name ?n }"
        result = sparql(runner, store, "-", "--endpoint", fake.url, stdin=text)
        assert result.exit_code == 0, result.stderr
    finally:
        fake.close()
    (sent,) = urllib.parse.parse_qs(fake.bodies[0].decode("ascii"))["query"]
    assert sent == (
        "PREFIX gkg: <https://w3id.org/genai-kg/ontology#> "
        "PREFIX schema: <https://schema.org/> " + text
    )
    assert list(ox.Store().query(sent).variables) == [ox.Variable("c")]


DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
TYPED_LITERAL = (
    b'{"head": {"link": [], "vars": ["c", "hours"]}, "results": {"distinct": false, '
    b'"ordered": true, "bindings": [{"c": {"type": "uri", "value": "http://x/c"}, '
    b'"hours": {"type": "typed-literal", "datatype": "' + DECIMAL.encode() + b'", '
    b'"value": "5"}}]}}'
)
RESULTS_XML = (
    b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    b'<variable name="c"/><variable name="hours"/></head><results><result>'
    b'<binding name="c"><uri>http://x/c</uri></binding><binding name="hours">'
    b'<literal datatype="' + DECIMAL.encode() + b'">5</literal></binding></result>'
    b"</results></sparql>"
)


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        pytest.param("application/sparql-results+json", TYPED_LITERAL, id="json-typed-literal"),
        pytest.param("application/sparql-results+xml; charset=UTF-8", RESULTS_XML, id="xml"),
    ],
)
def test_results_are_read_in_each_form(
    runner: CliRunner, store: Path, kind: str, body: bytes
) -> None:
    """Virtuoso 7's JSON (``typed-literal``, as the 2007 draft had it) and results XML."""
    fake = FakeEndpoint(answer=(200, kind, body))
    try:
        result = sparql(runner, store, "-", "-f", "json", "--endpoint", fake.url, stdin=COURSES)
    finally:
        fake.close()
    assert result.exit_code == 0, result.stderr
    assert row_set(result.stdout) == {
        (ox.NamedNode("http://x/c"), ox.Literal("5", datatype=ox.NamedNode(DECIMAL)))
    }


def virtuoso_ask(value: str | None) -> bytes:
    binding = (
        '{"__ASK_RETVAL": {"type": "typed-literal", "datatype": '
        f'"http://www.w3.org/2001/XMLSchema#integer", "value": "{value}"}}}}'
    )
    rows = binding if value is not None else ""
    return (
        '{"head": {"link": [], "vars": ["__ASK_RETVAL"]}, "results": {"distinct": false, '
        f'"ordered": true, "bindings": [{rows}]}}}}'
    ).encode()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(virtuoso_ask("1"), "true", id="one"),
        pytest.param(virtuoso_ask("0"), "false", id="zero"),
        pytest.param(virtuoso_ask(None), "false", id="no-row"),
        pytest.param(b'{"head": {}, "boolean": true}', "true", id="standard"),
    ],
)
def test_ask_as_virtuoso_answers_it(
    runner: CliRunner, store: Path, body: bytes, expected: str
) -> None:
    fake = FakeEndpoint(answer=(200, "application/sparql-results+json", body))
    try:
        result = sparql(runner, store, "-", "--endpoint", fake.url, stdin="ASK { ?s ?p ?o }")
    finally:
        fake.close()
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_select_of_that_name_stays_a_table(runner: CliRunner, store: Path) -> None:
    """Only an ASK is read as a boolean: a SELECT's rows are its rows."""
    fake = FakeEndpoint(answer=(200, "application/sparql-results+json", virtuoso_ask("1")))
    try:
        text = "SELECT ?__ASK_RETVAL { ?s ?p ?__ASK_RETVAL }"
        result = sparql(runner, store, "-", "-f", "json", "--endpoint", fake.url, stdin=text)
    finally:
        fake.close()
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["head"]["vars"] == ["__ASK_RETVAL"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(
            (
                501,
                "text/html",
                b"<!DOCTYPE HTML><html><head><title>Error response</title>"
                b"</head><body><h1>Unsupported method ('POST')</h1></body></html>",
            ),
            "is not a SPARQL endpoint: HTTP 501 text/html (Error response)",
            id="501-html",
        ),
        pytest.param(
            (200, "text/html; charset=utf-8", b"<html><title>Welcome</title></html>"),
            "is not a SPARQL endpoint: HTTP 200 text/html (Welcome)",
            id="200-html-page",
        ),
        pytest.param(
            (404, "text/plain", b"no page here\n"),
            "is not a SPARQL endpoint: HTTP 404 text/plain (no page here)",
            id="404",
        ),
        pytest.param(
            (400, "text/plain", b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1\n"),
            "refused the query: HTTP 400 text/plain (Virtuoso 37000 Error SP030",
            id="400-refused",
        ),
        pytest.param(
            (200, "application/sparql-results+json", b"{not json"),
            "unreadable answer (application/sparql-results+json)",
            id="broken-json",
        ),
        pytest.param(
            (302, "text/html", b""),
            "redirects (HTTP 302)",
            id="redirect-not-followed",
        ),
    ],
)
def test_what_is_not_an_answer_is_named(
    runner: CliRunner, store: Path, answer: tuple[int, str, bytes], expected: str
) -> None:
    fake = FakeEndpoint(answer=answer)
    try:
        result = sparql(runner, store, "-", "--endpoint", fake.url, stdin="SELECT * {}")
    finally:
        fake.close()
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(f"Error: {fake.url}")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(fake.bodies) == 1  # nothing followed the redirect


def test_push_to_genai_kg_serve_says_it_is_read_only(runner: CliRunner, tmp_path: Path) -> None:
    """The user's mistake the issue saw: pushing to the explorer's own (read-only) /sparql."""
    from servehelp import start_server, stop_server

    server = start_server(tmp_path)
    try:
        result = push(runner, server.url, CURATED)
        query = sparql(runner, tmp_path / "store", "-", "--endpoint", server.url, stdin=COURSES)
    finally:
        stop_server(server.process)
    assert result.exit_code == 1
    first, hint = result.stderr.splitlines()
    assert first.startswith(
        f"Error: {server.url} does not take a graph (Graph Store Protocol PUT): "
        "HTTP 405 text/plain (PUT is not allowed here"
    )
    assert "read-only" in hint and "/sparql-graph-crud" in hint and "/store" in hint
    # The same URL is a SPARQL endpoint to query.
    assert query.exit_code == 0, query.stderr


def test_a_syntax_error_names_the_users_line(runner: CliRunner, store: Path) -> None:
    """Prefixes and parameters added for the remote store move no line of the query."""
    text = (
        "# title: t\n# param: name string = x -- a name\n"
        "SELECT ?s\nFROM <http://x/g>\nWHERE { ?s schema:name ?name . ?s schema:url }\n"
    )
    path = store.parent / "broken.rq"
    path.write_text(text, encoding="utf-8")
    fake = FakeEndpoint()
    try:
        result = sparql(runner, store, str(path), "--endpoint", fake.url)
    finally:
        fake.close()
    assert result.exit_code == 1
    assert "syntax error at line 5" in result.stderr, result.stderr
    assert fake.bodies == []
