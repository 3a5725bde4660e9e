"""`genai-kg serve`: the read-only SPARQL 1.1 Protocol endpoint, spoken to over plain HTTP.

The server runs as a real process (see servehelp.py) and is stopped when the module is done.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import TINY
from genai_kg.graph.build import Built
from genai_kg.graph.export import to_oxigraph
from nethelp import Listener, genai_kg_program
from servehelp import (
    CURATED,
    EVERYTHING,
    MAX_ROWS,
    ROLES,
    RUNAWAY,
    TIMEOUT,
    Server,
    assert_no_internals,
    expected,
    get,
    http,
    json_rows,
    post_form,
    post_query,
    quad_count,
    start_server,
    stop_server,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve"))
    yield running
    stop_server(running.process)


@pytest.fixture(scope="module")
def cors_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve-cors"), "--cors", "https://example.org")
    yield running
    stop_server(running.process)


@pytest.fixture(scope="module")
def reference(tiny_built: Built) -> ox.Store:
    memory = ox.Store()
    memory.extend(
        ox.Quad(t.subject, t.predicate, t.object, CURATED) for t in to_oxigraph(tiny_built.graph)
    )
    return memory


# ----------------------------------------------------------------- the three ways to ask


@pytest.mark.parametrize("how", ["get", "post-query", "post-form"])
def test_query_methods(server: Server, reference: ox.Store, how: str) -> None:
    if how == "get":
        reply = get(server, ROLES)
    elif how == "post-query":
        reply = post_query(server, ROLES)
    else:
        reply = post_form(server, query=ROLES)
    assert reply.status == 200, reply.text
    assert reply.headers.get_content_type() == "application/sparql-results+json"
    assert json_rows(reply.body) == expected(reference, ROLES)
    assert reply.headers.get("X-Result-Truncated") is None


def test_ask(server: Server) -> None:
    reply = get(server, "ASK { ?s a <https://w3id.org/genai-kg/ontology#Role> }")
    assert reply.status == 200
    parsed = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QueryBoolean) and bool(parsed)


def test_construct_gives_ntriples(server: Server) -> None:
    query = (
        "CONSTRUCT { ?r a <https://w3id.org/genai-kg/ontology#Role> } "
        "WHERE { ?r a <https://w3id.org/genai-kg/ontology#Role> }"
    )
    reply = get(server, query, accept="application/n-triples")
    assert reply.status == 200, reply.text
    assert reply.headers.get_content_type() == "application/n-triples"
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == 3


@pytest.mark.parametrize(
    "how",
    [
        pytest.param("empty-get", id="empty-get"),
        pytest.param("form-without-query", id="form-without-query"),
        pytest.param("empty-direct-post", id="empty-direct-post"),
    ],
)
def test_missing_query_is_400(server: Server, how: str) -> None:
    if how == "empty-get":
        reply = http(server.url + "?query=")
    elif how == "form-without-query":
        reply = post_form(server, **{"default-graph-uri": str(CURATED.value)})
    else:
        reply = post_query(server, "")
    assert reply.status == 400, reply.text
    assert "query" in reply.text
    assert_no_internals(reply)


SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        pytest.param(None, ox.RdfFormat.TURTLE, id="default-turtle"),
        pytest.param("application/rdf+xml", ox.RdfFormat.RDF_XML, id="rdfxml"),
    ],
)
def test_service_description(server: Server, accept: str | None, rdf_format: Any) -> None:
    reply = http(server.url, headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.text
    graph = ox.Store()
    graph.load(reply.body, format=rdf_format)
    endpoint = ox.NamedNode(server.url)
    sd = {name: ox.NamedNode(SD + name) for name in ("endpoint", "supportedLanguage", "name")}
    assert list(graph.quads_for_pattern(endpoint, sd["endpoint"], endpoint))
    languages = {q.object for q in graph.quads_for_pattern(endpoint, sd["supportedLanguage"], None)}
    assert languages == {ox.NamedNode(SD + "SPARQL11Query")}  # no update language
    names = {q.object for q in graph.quads_for_pattern(None, sd["name"], None)}
    assert CURATED in names


# ----------------------------------------------------------------- content negotiation


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        pytest.param(None, "application/sparql-results+json", id="default"),
        pytest.param("*/*", "application/sparql-results+json", id="any"),
        pytest.param(
            "application/sparql-results+json", "application/sparql-results+json", id="json"
        ),
        pytest.param("application/json", "application/sparql-results+json", id="plain-json"),
        pytest.param("text/csv", "text/csv", id="csv"),
        pytest.param("text/tab-separated-values", "text/tab-separated-values", id="tsv"),
        pytest.param(
            "text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values", id="quality"
        ),  # fmt: skip
        pytest.param(
            "text/html,application/xhtml+xml,*/*;q=0.8",
            "application/sparql-results+json",
            id="browser",
        ),  # fmt: skip
    ],
)
def test_accept_negotiation(
    server: Server, reference: ox.Store, accept: str | None, media: str
) -> None:
    reply = get(server, ROLES, accept=accept)
    assert reply.status == 200, reply.text
    assert reply.headers.get_content_type() == media
    want = expected(reference, ROLES)
    if media == "text/csv":
        table = list(csv.reader(io.StringIO(reply.text)))
        assert table[0] == ["role", "label"]
        assert {tuple(row) for row in table[1:]} == {tuple(t.value for t in r) for r in want}
    elif media == "text/tab-separated-values":
        header, *lines = reply.text.rstrip("\n").split("\n")
        assert header.split("\t") == ["?role", "?label"]
        assert set(lines) == {"\t".join(str(t) for t in row) for row in want}
    else:
        assert json_rows(reply.body) == want


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("text/html", id="html"),
        pytest.param("text/turtle", id="graph-type-for-select"),
        pytest.param("image/png, text/plain", id="two-unsupported"),
        pytest.param("text/csv;q=0", id="refused-by-quality"),
    ],
)
def test_unsupported_accept_is_406(server: Server, accept: str) -> None:
    reply = get(server, ROLES, accept=accept)
    assert reply.status == 406
    assert "text/csv" in reply.text  # says what it can give
    assert_no_internals(reply)


# ----------------------------------------------------------------- limits


def test_row_cap(server: Server) -> None:
    reply = get(server, EVERYTHING)
    assert reply.status == 200, reply.text
    assert reply.headers.get("X-Result-Truncated") == "true"
    parsed = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)
    assert len(list(parsed)) == MAX_ROWS


def test_row_cap_in_csv(server: Server) -> None:
    reply = get(server, EVERYTHING, accept="text/csv")
    assert reply.headers.get("X-Result-Truncated") == "true"
    assert len(list(csv.reader(io.StringIO(reply.text)))) == 1 + MAX_ROWS


def test_runaway_query_is_stopped_and_others_still_answer(server: Server) -> None:
    slow: dict[str, Any] = {}

    def runaway() -> None:
        started = time.monotonic()
        slow["reply"] = post_query(server, RUNAWAY)
        slow["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=runaway, daemon=True)
    worker.start()
    time.sleep(0.3)  # let the runaway take its worker
    started = time.monotonic()
    fast = get(server, ROLES)
    fast_elapsed = time.monotonic() - started
    runaway_running = worker.is_alive()
    worker.join(timeout=TIMEOUT + 15)
    assert not worker.is_alive(), "the runaway query never came back"
    assert fast.status == 200, fast.text
    assert runaway_running, f"the fast query waited for the slow one ({fast_elapsed:.1f} s)"
    assert slow["reply"].status == 503
    assert "2 s" in slow["reply"].text
    assert_no_internals(slow["reply"])
    assert slow["elapsed"] < TIMEOUT + 5
    # The worker that was killed has been replaced: the server answers as before.
    assert get(server, ROLES).status == 200
    assert get(server, ROLES).status == 200


# ----------------------------------------------------------------- read-only and no escape


@pytest.mark.parametrize(
    "how",
    [
        pytest.param("sparql-update", id="post-sparql-update"),
        pytest.param("form-update", id="form-update"),
        pytest.param("get-update", id="get-update"),
    ],
)
def test_update_requests_are_403(server: Server, how: str) -> None:
    before = quad_count(server)
    update = "DROP ALL"
    if how == "sparql-update":
        reply = http(
            server.url,
            method="POST",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
    elif how == "form-update":
        reply = post_form(server, update=update)
    else:
        reply = http(f"{server.url}?{urllib.parse.urlencode({'update': update})}")
    assert reply.status == 403
    assert_no_internals(reply)
    assert quad_count(server) == before


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("DROP ALL", id="drop-all"),
        pytest.param("INSERT DATA { <http://x/a> <http://x/b> 1 }", id="insert-data"),
        pytest.param("DELETE WHERE { ?s ?p ?o }", id="delete-where"),
        pytest.param("LOAD <file:///etc/passwd>", id="load"),
    ],
)
def test_update_sent_as_query_is_refused(server: Server, text: str) -> None:
    before = quad_count(server)
    reply = post_query(server, text)
    assert reply.status in (400, 403)
    assert_no_internals(reply)
    assert quad_count(server) == before


@pytest.fixture
def listener() -> Iterator[Listener]:
    sink = Listener()
    yield sink
    sink.close()


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("SELECT * {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}", id="service"),
        pytest.param("select * {{ service silent <{url}sparql> {{ ?s ?p ?o }} }}", id="lower"),
        pytest.param(
            "PREFIX l: <{url}>\nSELECT * {{ ?a ?b ?c OPTIONAL {{ SERVICE l:x {{ ?s ?p ?o }} }} }}",
            id="prefixed-in-optional",
        ),
        pytest.param(
            "SELECT * {{ ?a ?b ?c .SERVICE <{url}sparql> {{ ?s ?p ?o }} }} LIMIT 1", id="dot"
        ),
        pytest.param("SELECT * FROM <{url}g> {{ ?s ?p ?o }}", id="from-url"),
        pytest.param("SELECT * FROM NAMED<{url}g> {{ ?s ?p ?o }}", id="from-named-no-space"),
    ],
)
def test_service_and_from_are_400_and_nothing_connects(
    server: Server, listener: Listener, template: str
) -> None:
    reply = post_query(server, template.format(url=listener.base))
    assert reply.status == 400, reply.text
    assert "refused" in reply.text
    assert_no_internals(reply)
    time.sleep(0.2)  # a connection attempt, if any, has arrived by now
    assert listener.connections == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("GET", "/no-such-page", 404, id="unknown-page"),
        pytest.param("GET", "/sparql/../etc/passwd", 404, id="dot-dot"),
        pytest.param("GET", "/store", 404, id="store"),
        pytest.param("POST", "/update", 404, id="post-update"),
        pytest.param("POST", "/sparql", 415, id="unknown-content-type"),
        pytest.param("PUT", "/sparql", 405, id="put"),
        pytest.param("DELETE", "/sparql", 405, id="delete"),
    ],
)
def test_errors_carry_no_internals(server: Server, method: str, path: str, status: int) -> None:
    base = server.url.rsplit("/sparql", 1)[0]
    data = b"x" if method == "POST" else None
    headers = {"Content-Type": "application/x-unknown"} if method == "POST" else {}
    reply = http(base + path, method=method, data=data, headers=headers)
    assert reply.status == status
    assert_no_internals(reply)
    if status == 405:
        assert set(reply.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT * WHERE { ?s ?p }", id="syntax"),
        pytest.param("SELECT * WHERE { ?s nope:p ?o }", id="unknown-prefix"),
        pytest.param("SELECT * WHERE { ?s ?p ?o } LIMIT -1", id="bad-limit"),
    ],
)
def test_bad_query_is_400_with_position(server: Server, text: str) -> None:
    reply = get(server, text)
    assert reply.status == 400
    # "1:34" from the engine, "line 1, column 20" where an unknown prefix is first used
    assert re.search(r"\b1:\d+|line 1, column \d+", reply.text), reply.text
    assert_no_internals(reply)


# ----------------------------------------------------------------- CORS


def test_no_cors_header_by_default(server: Server) -> None:
    reply = http(server.url + "?" + urllib.parse.urlencode({"query": ROLES}),
                 headers={"Origin": "https://evil.example"})  # fmt: skip
    assert reply.status == 200
    assert reply.headers.get("Access-Control-Allow-Origin") is None


def test_cors_header_when_asked(cors_server: Server) -> None:
    reply = http(cors_server.url + "?" + urllib.parse.urlencode({"query": ROLES}),
                 headers={"Origin": "https://example.org"})  # fmt: skip
    assert reply.status == 200
    assert reply.headers.get("Access-Control-Allow-Origin") == "https://example.org"
    # errors carry it too, so a browser can read the message
    error = http(cors_server.url + "?query=", headers={"Origin": "https://example.org"})
    assert error.status == 400
    assert error.headers.get("Access-Control-Allow-Origin") == "https://example.org"


def test_listens_on_localhost(server: Server) -> None:
    assert urllib.parse.urlsplit(server.url).hostname == "127.0.0.1"
    assert urllib.parse.urlsplit(server.url).path == "/sparql"


# ----------------------------------------------------------------- a real client


def test_sparqlwrapper_client(server: Server, reference: ox.Store) -> None:
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    client = sparqlwrapper.SPARQLWrapper(server.url)
    client.setQuery(ROLES)
    client.setReturnFormat(sparqlwrapper.JSON)
    client.setTimeout(int(TIMEOUT) + 10)
    payload = client.query().convert()
    got = {(b["role"]["value"], b["label"]["value"]) for b in payload["results"]["bindings"]}
    want = {tuple(term.value for term in row) for row in expected(reference, ROLES)}
    assert got == want
    assert json.dumps(payload)  # plain JSON all the way


def test_workers_follow_the_store_to_a_new_database(tmp_path: Path) -> None:
    """An import while the server runs switches the store; every worker answers from it."""
    onet = Path(__file__).parent / "data" / "onet-mini"
    server = start_server(tmp_path)
    try:
        before = quad_count(server)
        for _ in range(2):  # the second import drops the database the workers first opened
            imported = subprocess.run(
                [genai_kg_program(), "import", "onet", str(onet)]
                + ["--data", str(TINY), "--store", str(tmp_path / "store")],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert imported.returncode == 0, imported.stderr
            counts = {quad_count(server) for _ in range(6)}  # more requests than workers
            assert len(counts) == 1 and counts.pop() > before
    finally:
        stop_server(server.process)


SKILLS = """\
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(?skill) AS ?n) (SAMPLE(?rust) AS ?r) WHERE {
  ?skill a gkg:Skill .
  OPTIONAL { ?skill skos:prefLabel ?label FILTER(STR(?label) = "Rust") BIND(?skill AS ?rust) }
}
"""


def skills(server: Server) -> tuple[int, bool]:
    """The number of skills the server knows, and whether Rust is one of them."""
    reply = get(server, SKILLS)
    assert reply.status == 200, reply.text
    ((count, rust),) = json_rows(reply.body)
    return int(count.value), rust is not None


@pytest.mark.parametrize("how", ["edit", "build"])
def test_serve_answers_from_the_data_as_it_is_now(tmp_path: Path, how: str) -> None:
    """A data edit, or a `build` of it in another process, shows in every worker's answers.

    The workers hold the database open read-only, which sees no later write; before the
    refresh switched databases, they kept answering from the old curated graph.
    """
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    server = start_server(tmp_path, data=data)
    try:
        count, rust = skills(server)
        assert not rust
        with (data / "skills.yaml").open("a") as stream:
            stream.write("- id: rust\n  name: Rust\n  category: programming\n")
        if how == "build":
            built = subprocess.run(
                [genai_kg_program(), "build", "--out", str(tmp_path / "out")]
                + ["--data", str(data), "--store", str(tmp_path / "store")],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert built.returncode == 0, built.stderr
        answers = {skills(server) for _ in range(6)}  # more requests than workers
        assert answers == {(count + 1, True)}
        with (data / "skills.yaml").open("a") as stream:
            stream.write("- id: broken\n  nme: typo\n")  # a bad edit: the last good data stays
        assert skills(server) == (count + 1, True)
    finally:
        stop_server(server.process)


MEMORY_HOG = (
    "SELECT ?a ?b ?c ?d { ?a ?p1 ?x1 . ?b ?p2 ?x2 . ?c ?p3 ?x3 . ?d ?p4 ?x4 } ORDER BY ?a ?b ?c ?d"
)


def test_a_query_past_max_memory_gets_503_and_the_server_goes_on(tmp_path: Path) -> None:
    """The worker holding too much ends (its memory goes with it) and is replaced."""
    server = start_server(tmp_path, "--max-memory", "300M", "--timeout", "60")
    try:
        started = time.monotonic()
        reply = post_query(server, MEMORY_HOG)
        elapsed = time.monotonic() - started
        assert reply.status == 503, reply.text
        assert reply.text == (
            "the query needed more than 300 MB of memory (--max-memory); it was stopped\n"
        )
        assert elapsed < 60  # stopped by memory, not by the timeout
        assert_no_internals(reply)
        for _ in range(4):  # more requests than workers: every worker answers
            assert get(server, ROLES).status == 200
    finally:
        stop_server(server.process)


def test_a_bad_max_memory_for_serve_is_a_usage_error(runner: Any) -> None:
    from genai_kg.cli import app

    result = runner.invoke(app, ["serve", "--max-memory", "lots"])
    assert result.exit_code == 2
    assert "'lots' is not a size such as 512M or 1G" in result.output
