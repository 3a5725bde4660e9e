"""The W3C SPARQL 1.1 Protocol tests (query and bad-request cases) against `genai-kg serve`.

Adapted from w3c/rdf-tests sparql/sparql11/protocol/manifest.ttl to a read-only endpoint over
our own store: the kasei.us data graphs become the store's curated graph, the path is /sparql,
and every update case must be refused with a 4xx. Each case keeps its manifest name as its id.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from servehelp import CURATED, ROLES, TIMEOUT, Server, start_server, stop_server

GRAPH = CURATED.value
ROLE_TYPE = "<https://w3id.org/genai-kg/ontology#Role>"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve-w3c"))
    yield running
    stop_server(running.process)


def q(**params: str | list[str]) -> str:
    return "?" + urllib.parse.urlencode(params, doseq=True) if params else ""


def send(
    server: Server,
    method: str,
    target: str = "",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, bytes]:
    """One request exactly as given (no Content-Type added): status, media type, body."""
    url = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT + 10)
    try:
        connection.request(method, url.path + target, body=body, headers=headers or {})
        response = connection.getresponse()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media, response.read()
    finally:
        connection.close()


def boolean(media: str, body: bytes) -> bool:
    fmt = ox.QueryResultsFormat.XML if media.endswith("xml") else ox.QueryResultsFormat.JSON
    parsed = ox.parse_query_results(body, format=fmt)
    assert isinstance(parsed, ox.QueryBoolean)
    return bool(parsed)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
ASK_ROLE = f"ASK {{ ?r a {ROLE_TYPE} }}"
ASK_NAMED_ROLE = f"ASK {{ GRAPH ?g {{ ?r a {ROLE_TYPE} }} }}"

#: (manifest name, method, target, body, headers, the boolean expected)
ASK_CASES = [
    ("query_post_form", "POST", q(**{"default-graph-uri": GRAPH}),
     b"query=ASK%20%7B%7D", FORM, True),
    ("query_dataset_default_graphs_get", "GET",
     q(query=ASK_ROLE, **{"default-graph-uri": [GRAPH, GRAPH]}), None, {}, True),
    ("query_dataset_default_graphs_post", "POST", q(**{"default-graph-uri": GRAPH}),
     ASK_ROLE.encode(), DIRECT, True),
    ("query_dataset_named_graphs_post", "POST", q(**{"named-graph-uri": GRAPH}),
     ASK_NAMED_ROLE.encode(), DIRECT, True),
    ("query_dataset_named_graphs_get", "GET",
     q(query=ASK_NAMED_ROLE, **{"named-graph-uri": GRAPH}), None, {}, True),
    ("query_dataset_full", "POST", q(**{"default-graph-uri": GRAPH, "named-graph-uri": GRAPH}),
     f"ASK {{ ?r a {ROLE_TYPE} GRAPH ?g {{ ?r a {ROLE_TYPE} }} }}".encode(), DIRECT, True),
    # The protocol's dataset wins over the query's FROM: only a named graph, so the default
    # graph is empty and the role is not in it.
    ("query_multiple_dataset", "POST", q(**{"named-graph-uri": GRAPH}),
     f"ASK FROM <{GRAPH}> {{ ?r a {ROLE_TYPE} }}".encode(), DIRECT, False),
    ("query_get", "GET", q(query="ASK {}", **{"default-graph-uri": GRAPH}), None, {}, True),
    ("query_post_direct", "POST", "", b"ASK {}", DIRECT, True),
    # not in the manifest: a default graph alone leaves no named graphs for GRAPH ?g
    ("default_graph_hides_named", "GET",
     q(query=ASK_NAMED_ROLE, **{"default-graph-uri": GRAPH}), None, {}, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "target", "body", "headers", "want"),
    [pytest.param(*case[1:], id=case[0]) for case in ASK_CASES],
)
def test_query_cases(
    server: Server,
    method: str,
    target: str,
    body: bytes | None,
    headers: dict[str, str],
    want: bool,
) -> None:
    status, media, answer = send(server, method, target, body, headers)
    assert 200 <= status < 400, answer
    assert media in BOOLEAN_TYPES
    assert boolean(media, answer) is want


@pytest.mark.parametrize(
    ("query", "offered"),
    [
        pytest.param("SELECT (1 AS ?value) {}", TABULAR_TYPES, id="query_content_type_select"),
        pytest.param("ASK {}", BOOLEAN_TYPES, id="query_content_type_ask"),
        pytest.param("DESCRIBE <http://example.org/>", RDF_TYPES,
                     id="query_content_type_describe"),
        pytest.param("CONSTRUCT { <http://x/s> <http://x/p> 1 } WHERE {}", RDF_TYPES,
                     id="query_content_type_construct"),
    ],
)  # fmt: skip
def test_content_type_cases(server: Server, query: str, offered: tuple[str, ...]) -> None:
    status, media, _ = send(server, "POST", q(**{"default-graph-uri": GRAPH}), query.encode(),
                            DIRECT)  # fmt: skip
    assert status == 200
    assert media in offered


UPDATE_FORM = "application/x-www-form-urlencoded"
#: (manifest name, method, target, body, headers, the status expected)
BAD_CASES = [
    ("bad_query_method", "PUT", q(query="ASK {}", **{"default-graph-uri": GRAPH}), b"", FORM, 405),
    ("bad_multiple_queries", "GET", q(query=["ASK {}", "SELECT * {}"]), None, {}, 400),
    ("bad_query_wrong_media_type", "POST", "", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ("bad_query_missing_form_type", "POST", "", b"query=ASK%20%7B%7D", {}, 415),
    ("bad_query_missing_direct_type", "POST", "", b"ASK {}", {}, 415),
    ("bad_query_non_utf8", "POST", "", "ASK {}".encode("utf-16"),
     {"Content-Type": "application/sparql-query; charset=UTF-16"}, 400),
    ("bad_query_non_utf8_undeclared", "POST", "", "ASK {}".encode("utf-16"), DIRECT, 400),
    ("bad_query_syntax", "GET", q(query="ASK {"), None, {}, 400),
    ("bad_update_get", "GET", q(update="CLEAR ALL"), None, {}, 403),
    ("bad_multiple_updates", "POST", "", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
     {"Content-Type": UPDATE_FORM}, 403),
    ("bad_update_wrong_media_type", "POST", "", b"CLEAR NAMED", {"Content-Type": "text/plain"},
     415),
    ("bad_update_missing_form_type", "POST", "", b"update=CLEAR%20NAMED", {}, 415),
    ("bad_update_non_utf8", "POST", "", "CLEAR ALL".encode("utf-16"),
     {"Content-Type": "application/sparql-update; charset=UTF-16"}, 403),
    ("bad_update_syntax", "POST", "", b"update=CLEAR%20XYZ", FORM, 403),
    ("bad_update_dataset_conflict", "POST",
     q(**{"using-graph-uri": GRAPH, "using-named-graph-uri": GRAPH}),
     f"CLEAR ALL ; INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}".encode(),
     {"Content-Type": "application/sparql-update"}, 403),
    # The update cases that succeed on a writable store must be refused here.
    ("update_post_form", "POST", "", b"update=CLEAR%20ALL", FORM, 403),
    ("update_post_direct", "POST", "", b"CLEAR ALL", {"Content-Type": "application/sparql-update"},
     403),
    ("update_dataset_default_graph", "POST", q(**{"using-graph-uri": GRAPH}),
     f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://x/s> a <http://x/T> }} }}".encode(),
     {"Content-Type": "application/sparql-update"}, 403),
    # not in the manifest: a graph the store lacks is refused, as FROM is
    ("unknown_default_graph", "GET", q(query="ASK {}", **{"default-graph-uri": "http://x/g"}),
     None, {}, 400),
    ("update_sent_as_query", "POST", "", b"CLEAR ALL", DIRECT, 400),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "target", "body", "headers", "want"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_CASES],
)
def test_bad_request_cases(
    server: Server,
    method: str,
    target: str,
    body: bytes | None,
    headers: dict[str, str],
    want: int,
) -> None:
    status, _, answer = send(server, method, target, body, headers)
    assert status == want, answer
    assert answer.strip(), "a refusal says why"
    text = answer.decode("utf-8", "replace")
    for leak in ("Traceback", "/work/", "site-packages", 'File "'):
        assert leak not in text
    # still nothing written: the curated graph has its roles, and nothing else was added
    ok, media, after = send(server, "GET", q(query=ASK_ROLE))
    assert ok == 200 and boolean(media, after)


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        pytest.param(None, ox.RdfFormat.TURTLE, id="default-turtle"),
        pytest.param("*/*", ox.RdfFormat.TURTLE, id="any-turtle"),
        pytest.param("text/turtle", ox.RdfFormat.TURTLE, id="turtle"),
        pytest.param("application/n-triples", ox.RdfFormat.N_TRIPLES, id="ntriples"),
        pytest.param("application/rdf+xml", ox.RdfFormat.RDF_XML, id="rdfxml"),
        pytest.param("application/ld+json", ox.RdfFormat.JSON_LD, id="jsonld"),
    ],
)
def test_construct_formats(server: Server, accept: str | None, rdf_format: ox.RdfFormat) -> None:
    query = f"CONSTRUCT {{ ?r a {ROLE_TYPE} }} WHERE {{ ?r a {ROLE_TYPE} }}"
    status, media, body = send(server, "GET", q(query=query),
                               headers={"Accept": accept} if accept else {})  # fmt: skip
    assert status == 200, body
    assert media == rdf_format.media_type
    assert len(list(ox.parse(body, format=rdf_format))) == 3


def test_select_in_xml(server: Server) -> None:
    status, media, body = send(server, "GET", q(query=ROLES),
                               headers={"Accept": "application/sparql-results+xml"})  # fmt: skip
    assert status == 200
    assert media == "application/sparql-results+xml"
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    assert [v.value for v in parsed.variables] == ["role", "label"]
    assert len(list(parsed)) == 3


def test_construct_refuses_a_results_only_accept(server: Server) -> None:
    query = f"CONSTRUCT {{ ?r a {ROLE_TYPE} }} WHERE {{ ?r a {ROLE_TYPE} }}"
    status, _, body = send(server, "GET", q(query=query), headers={"Accept": "text/csv"})
    assert status == 406
    assert b"text/turtle" in body


def test_sparqlwrapper_default_xml(server: Server) -> None:
    sparqlwrapper = pytest.importorskip("SPARQLWrapper")
    client = sparqlwrapper.SPARQLWrapper(server.url)  # XML results are its default
    client.setQuery(ROLES)
    client.setTimeout(int(TIMEOUT) + 10)
    document = client.query().convert()
    roles = {
        binding.getElementsByTagName("uri")[0].firstChild.data
        for binding in document.getElementsByTagName("binding")
        if binding.getAttribute("name") == "role"
    }
    assert len(roles) == 3
    assert all(role.startswith("https://w3id.org/genai-kg/id/role/") for role in roles)
