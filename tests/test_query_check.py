"""The query check against attempts to smuggle SERVICE past it (issue 10).

Every attempt names a real listener on 127.0.0.1 as its service. It goes through
``check_query``, through ``genai-kg sparql`` and through ``genai-kg serve`` over HTTP; each
must refuse it, and the listener must see no connection at all. ``SELF_CHECK`` shows the
listener works: the engine, given the same kind of query without the check, does call it.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import TINY
from genai_kg.cli import app
from genai_kg.errors import QueryError
from genai_kg.query.check import check_query, normalize_query
from genai_kg.query.remote import bind_remote, where_offset
from genai_kg.query.sparql import list_queries
from nethelp import Listener, free_port, genai_kg_program

CURATED = "https://w3id.org/genai-kg/graph/curated"
PATTERN = "{ ?x ?y ?z }"

# "<U" opens the listener's URL (http://127.0.0.1:PORT/sparql), "@P" stands for ``{ ?x ?y ?z }``.
BYPASSES = [
    # The query of the issue: `\#` in a prefixed name was read as the start of a comment.
    pytest.param(
        r"PREFIX ex: <http://e/> SELECT * WHERE { VALUES ?v { ex:a\#b } SERVICE <U> @P }",
        id="issue-pname-escaped-hash",
    ),
    pytest.param(
        r"PREFIX ex: <http://e/> SELECT * { ?a ex:b\# ?c . SERVICE <U> @P }",
        id="pname-ending-in-escaped-hash",
    ),
    pytest.param(
        r"PREFIX ex: <http://e/> SELECT * { ?a ex:b\#\# ?c SERVICE <U> @P }",
        id="pname-two-escaped-hashes",
    ),
    pytest.param(
        r"PREFIX ex: <http://e/> SELECT * { ?a ex:\#x ?c . SERVICE <U> @P }",
        id="pname-starting-with-escaped-hash",
    ),
    pytest.param("PREFIX ex: <U#> SELECT * { SERVICE ex: @P }", id="prefix-iri-with-hash"),
    pytest.param("SELECT * { ?a <http://e/#> ?c . SERVICE <U> @P }", id="hash-in-earlier-iri"),
    pytest.param("SELECT * { SERVICE <U#frag> @P }", id="hash-in-service-iri"),
    pytest.param('SELECT * { ?a ?b "#" . SERVICE <U> @P }', id="hash-in-string"),
    # Comments and line ends: the engine ends a comment at CR, rdflib only at LF.
    pytest.param("SELECT * { # note\r SERVICE <U> @P \n}", id="comment-ended-by-cr"),
    pytest.param("SELECT * { # note\r\nSERVICE <U> @P }", id="comment-ended-by-crlf"),
    pytest.param("SELECT * { SERVICE # note\n <U> @P }", id="comment-inside-service"),
    pytest.param("# SERVICE\nSELECT * { SERVICE <U> @P } # SERVICE", id="comments-around"),
    pytest.param(r"SELECT * { # note\u000D SERVICE <U> @P " + "\n}", id="escaped-cr-in-comment"),
    pytest.param(r"SELECT * { # note\u000A SERVICE <U> @P }", id="escaped-lf-in-comment"),
    # \u and \U escapes, which SPARQL allows anywhere, keywords included.
    pytest.param(r"SELECT * { \u0053ERVICE <U> @P }", id="u-escape-keyword"),
    pytest.param(r"SELECT * { \u0073\u0065rvice <U> @P }", id="u-escape-lowercase"),
    pytest.param(r"SELECT * { \U00000053ERVICE <U> @P }", id="big-u-escape-keyword"),
    pytest.param(r"SELECT * { \u005Cu0053ERVICE <U> @P }", id="escape-spelling-an-escape"),
    pytest.param(r'SELECT * { BIND("\u0022" AS ?a) SERVICE <U> @P }', id="escaped-quote-before"),
    pytest.param(r"SELECT * { SERVICE \u003CU> @P }", id="escaped-angle-bracket"),
    pytest.param(r"SELECT * { SERVICE <U> \u007B ?x ?y ?z \u007D }", id="escaped-braces"),
    pytest.param(r"SELECT * { SERVICE <U> @P } \uD800", id="lone-surrogate-escape"),
    # Case, and keywords Python upper-cases to SERVICE (long s, dotless i).
    pytest.param("select * { service <U> @P }", id="lowercase"),
    pytest.param("SeLeCt * { sErViCe <U> @P }", id="mixed-case"),
    pytest.param("SELECT * { \u017fERVICE <U> @P }", id="long-s"),
    pytest.param("SELECT * { SERV\u0131CE <U> @P }", id="dotless-i"),
    # SILENT, variables and relative IRIs as the service.
    pytest.param("SELECT * { SERVICE SILENT <U> @P }", id="silent"),
    pytest.param("SELECT * { SERVICESILENT<U>@P }", id="silent-glued"),
    pytest.param("SELECT * { BIND(<U> AS ?s) SERVICE ?s @P }", id="variable-bound"),
    pytest.param("SELECT * { VALUES ?s { <U> } SERVICE ?s @P }", id="variable-values"),
    pytest.param("SELECT * { SERVICE $s @P } VALUES $s { <U> }", id="variable-dollar"),
    pytest.param("BASE <U> SELECT * { SERVICE <> @P }", id="relative-to-base"),
    pytest.param("PREFIX s: <U> SELECT * { SERVICE s: @P }", id="prefixed-name"),
    pytest.param(
        "PREFIX SERVICE: <http://e/> PREFIX : <U#> SELECT * { SERVICE:x @P }",
        id="prefix-named-service",
    ),
    # Where the pattern stands: nested groups, subqueries, other query forms.
    pytest.param("SELECT * { { SELECT * { SERVICE <U> @P } LIMIT 1 } }", id="subquery"),
    pytest.param("SELECT * { { { { SELECT * { { SERVICE <U> @P } } } } } }", id="deep-subquery"),
    pytest.param("SELECT * { OPTIONAL { SERVICE <U> @P } }", id="optional"),
    pytest.param("SELECT * { { ?a ?b ?c } UNION { SERVICE <U> @P } }", id="union"),
    pytest.param("SELECT * { ?a ?b ?c MINUS { SERVICE <U> @P } }", id="minus"),
    pytest.param("SELECT * { FILTER NOT EXISTS { SERVICE <U> @P } }", id="filter-not-exists"),
    pytest.param("SELECT * { GRAPH ?g { SERVICE <U> @P } }", id="in-graph"),
    pytest.param("SELECT * { ?a ?b ?c LATERAL { SERVICE <U> @P } }", id="lateral"),
    pytest.param("SELECT * { << ?a ?b ?c >> ?d ?e . SERVICE <U> @P }", id="triple-term"),
    pytest.param("SELECT (EXISTS { SERVICE <U> @P } AS ?e) {}", id="exists-in-select"),
    pytest.param("ASK { SERVICE <U> @P }", id="ask"),
    pytest.param("DESCRIBE ?x WHERE { SERVICE <U> @P }", id="describe"),
    pytest.param("CONSTRUCT { ?x ?y ?z } WHERE { SERVICE <U> @P }", id="construct"),
    # Whitespace: none, tabs, long runs, odd characters.
    pytest.param("SELECT*{SERVICE<U>{?x ?y ?z}}", id="no-spaces"),
    pytest.param("SELECT\t*\t{\tSERVICE\t<U>\tP\t}", id="tabs"),
    pytest.param("SELECT * {" + " \n\t" * 20_000 + "SERVICE <U> @P }", id="long-whitespace"),
    pytest.param("SELECT * {\x0bSERVICE <U> @P }", id="vertical-tab"),
    pytest.param("SELECT * {\u00a0SERVICE <U> @P }", id="no-break-space"),
    pytest.param("\ufeffSELECT * { SERVICE <U> @P }", id="byte-order-mark"),
    pytest.param("SELECT * { SERVICE <U> @P }\x00", id="nul"),
    # Strings that end or do not end where they seem to.
    pytest.param("SELECT * { BIND('''a\r''' AS ?a) SERVICE <U> @P }", id="cr-in-long-string"),
    pytest.param("SELECT * { BIND('a\r' AS ?a) SERVICE <U> @P }", id="cr-in-short-string"),
    pytest.param("SELECT * { BIND('''x''''' AS ?a) SERVICE <U> @P }", id="quotes-after-long"),
    pytest.param('SELECT * { BIND("a\\\\" AS ?a) SERVICE <U> @P }', id="escaped-backslash"),
    # Updates and LOAD, which could fetch too.
    pytest.param("LOAD <U>", id="load"),
    pytest.param("LOAD SILENT <U> INTO GRAPH <http://e/g>", id="load-silent-into"),
    pytest.param("SELECT * { ?s ?p ?o } ; LOAD <U>", id="query-then-load"),
    pytest.param("INSERT { ?x ?y ?z } WHERE { SERVICE <U> @P }", id="insert-from-service"),
    pytest.param("SELECT * FROM <U> { ?s ?p ?o }", id="from"),
    pytest.param("SELECT * FROM NAMED <U> { GRAPH ?g { ?s ?p ?o } }", id="from-named"),
]

# Attempts that both parsers read as data: SERVICE inside a comment, or, with the escapes read
# as SPARQL says (first), inside a long string. The check lets them run, and the engine runs
# that same text, so they reach nothing either (the engine alone would read the escapes inside
# the strings only, and call out).
DEFUSED = [
    pytest.param(
        r'SELECT * { BIND("\u0022" AS ?a) SERVICE <U> @P BIND("\u0022" AS ?b) }',
        id="escaped-quotes-around-service",
    ),
    pytest.param(
        r"SELECT * { BIND('\u0027' AS ?a) SERVICE <U> @P BIND('\u0027' AS ?b) }",
        id="escaped-single-quotes-around-service",
    ),
    # Only CR and LF end a comment, for both parsers alike.
    pytest.param("SELECT * { # x\x0c SERVICE <U> @P \n}", id="form-feed-in-comment"),
    pytest.param("SELECT * { # x\u2028 SERVICE <U> @P \n}", id="line-separator-in-comment"),
]

# Queries that hold the keywords only as data: the check must let them run.
ALLOWED = [
    pytest.param('SELECT ?x { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) }', id="string"),
    pytest.param("SELECT ?x { BIND('''LOAD\nDROP ALL''' AS ?x) }", id="long-string"),
    pytest.param("# SERVICE <http://127.0.0.1:9/> { }\nASK { ?s ?p ?o }", id="comment"),
    pytest.param("SELECT * { VALUES ?x { <http://x/SERVICE> } }", id="iri"),
    pytest.param("PREFIX service: <http://x/>\nSELECT * { VALUES ?x { service:load } }",
                 id="prefix"),
    pytest.param(r"PREFIX ex: <http://e/> SELECT * { VALUES ?v { ex:a\#b } }",
                 id="pname-escaped-hash"),
    pytest.param("SELECT ?service ?from { ?service ?from ?drop } LIMIT 1", id="variables"),
    pytest.param(f"SELECT (COUNT(*) AS ?n) FROM <{CURATED}> {{ ?s ?p ?o }}", id="from-store"),
]  # fmt: skip


def _query(template: str, url: str) -> str:
    return template.replace("<U", f"<{url}").replace("@P", PATTERN)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    sink = Listener()
    yield sink
    sink.close()


@pytest.fixture
def url(listener: Listener) -> Iterator[str]:
    """The listener's URL; after the test, it must have seen nothing."""
    yield f"{listener.base}sparql"
    assert listener.connections == [], listener.connections[:1]


def test_the_listener_is_reachable_without_the_check(listener: Listener) -> None:
    """Self-check: the engine alone does call a SERVICE, so a quiet listener means something."""
    store = ox.Store()
    with pytest.raises(OSError):
        list(store.query(_query("SELECT * { SERVICE <Usparql> @P }", listener.base)))
    deadline = time.monotonic() + 5
    while not listener.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections and listener.connections[0].startswith(b"POST")
    listener.connections.clear()


@pytest.mark.parametrize("template", BYPASSES)
def test_check_refuses(template: str, url: str) -> None:
    with pytest.raises(QueryError, match="refused"):
        check_query(_query(template, url), [CURATED])


@pytest.mark.parametrize("template", BYPASSES)
def test_check_refuses_for_a_remote_store(template: str, url: str) -> None:
    if "FROM" in template:
        pytest.skip("a remote store's graphs may be named in FROM")
    with pytest.raises(QueryError, match="refused"):
        check_query(_query(template, url), None)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check") / "store"
    result = CliRunner().invoke(
        app, ["sparql", "-", "--data", str(TINY), "--store", str(path)], input="ASK {}"
    )
    assert result.exit_code == 0, result.stderr
    return path


@pytest.mark.parametrize("template", BYPASSES)
def test_sparql_refuses(runner: CliRunner, store: Path, template: str, url: str) -> None:
    # In process: a query that escaped would meet a listener that hangs up, so it cannot hang.
    result = runner.invoke(
        app,
        ["sparql", "-", "--data", str(TINY), "--store", str(store)],
        input=_query(template, url),
    )
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("Error:") and "refused" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def served(store: Path) -> Iterator[str]:
    """``genai-kg serve`` as a real process on a free port; its /sparql URL."""
    port = free_port()
    process = subprocess.Popen(
        [genai_kg_program(), "serve", "--port", str(port), "--workers", "1"]
        + ["--data", str(TINY), "--store", str(store)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("genai-kg serve did not start listening")
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _post(endpoint: str, text: str) -> tuple[int, str]:
    request = urllib.request.Request(
        endpoint,
        data=text.encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8", "replace")


@pytest.mark.parametrize("template", BYPASSES)
def test_serve_refuses(served: str, template: str, url: str) -> None:
    status, body = _post(served, _query(template, url))
    assert 400 <= status < 500, (status, body)
    assert "Traceback" not in body


@pytest.mark.parametrize("template", DEFUSED)
def test_defused_attempts_run_as_data(
    runner: CliRunner, store: Path, served: str, template: str, url: str
) -> None:
    text = _query(template, url)
    check_query(text, [CURATED])
    result = runner.invoke(
        app, ["sparql", "-", "--data", str(TINY), "--store", str(store)], input=text
    )
    assert result.exit_code == 0, result.stderr
    status, body = _post(served, text)
    assert status == 200, (status, body)


@pytest.mark.parametrize("text", ALLOWED)
def test_keywords_as_data_run(runner: CliRunner, store: Path, text: str) -> None:
    result = runner.invoke(
        app, ["sparql", "-", "--data", str(TINY), "--store", str(store)], input=text
    )
    assert result.exit_code == 0, result.stderr


def test_serve_answers_a_checked_query(served: str) -> None:
    status, body = _post(served, 'SELECT ?x { BIND("SERVICE" AS ?x) }')
    assert status == 200 and '"SERVICE"' in body, (status, body)


@pytest.mark.parametrize("query", list_queries(), ids=lambda query: query.name)
def test_every_named_query_passes(query: object) -> None:
    check_query(query.text, [CURATED])  # type: ignore[attr-defined]


def test_the_graph_prefixes_are_declared(runner: CliRunner, store: Path) -> None:
    result = runner.invoke(
        app,
        ["sparql", "-", "-f", "csv", "--data", str(TINY), "--store", str(store)],
        input="SELECT (COUNT(?r) AS ?n) { ?r a gkg:Role ; skos:prefLabel ?l }",
    )
    assert result.exit_code == 0, result.stderr
    assert int(result.stdout.splitlines()[1]) > 0


def test_from_a_graph_named_by_a_graph_prefix_is_checked() -> None:
    with pytest.raises(QueryError, match="names no graph"):
        check_query("SELECT * FROM role:x { ?s ?p ?o }", [CURATED])


def test_the_engine_runs_the_text_the_check_read(runner: CliRunner, store: Path) -> None:
    """Escapes expand everywhere, as SPARQL says and the check reads them, also for the engine."""
    result = runner.invoke(
        app,
        ["sparql", "-", "-f", "csv", "--data", str(TINY), "--store", str(store)],
        input=r'SELECT ?x { BIND("\u0041\U0001F600" AS ?x) }',
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "A\U0001f600"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(r"\u0053", "S", id="u"),
        pytest.param(r"\U0001F600", "\U0001f600", id="big-u"),
        pytest.param("a\r\nb\rc", "a\nb\nc", id="line-ends"),
        pytest.param(r'"\\n"', r'"\\n"', id="other-escapes-kept"),
    ],
)
def test_normalize_query(text: str, expected: str) -> None:
    assert normalize_query(text) == expected


def test_a_syntax_error_names_line_and_column() -> None:
    with pytest.raises(QueryError, match=r"SPARQL syntax error at line 2, column \d+"):
        check_query("SELECT * {\n SERVICE <http://e/> { ?s ?p } }")


def test_a_deeply_nested_query_is_refused_not_crashed() -> None:
    text = "SELECT * { " + "{ " * 3000 + "SERVICE <http://e/> { ?s ?p ?o }" + " }" * 3000 + " }"
    with pytest.raises(QueryError, match="refused"):
        check_query(text)


def test_remote_binding_is_checked_after_placing_values() -> None:
    text = r"PREFIX ex: <http://e/> SELECT * WHERE { VALUES ?v { ex:a\#b } ?s ?p ?o }"
    offset = where_offset(text)
    assert offset is not None and text[offset - 1] == "{"
    bound = bind_remote(text, {"s": ox.NamedNode("http://e/x")})
    assert "VALUES (?s)" in bound
    check_query(bound, None)
