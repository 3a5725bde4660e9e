"""Nothing reaches outside the graph: no SERVICE, no LOAD, no FROM outside the store, no update.

Queries that could reach the network point at a local listener; a test passes only if the
command refuses them with exit 1 AND the listener saw no connection. Files that must never
be read are named pipes: opening one would block, so a read shows up as a timeout.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import TINY
from genai_kg.cli import app
from genai_kg.errors import QueryError
from genai_kg.query.check import check_query
from nethelp import Listener, run_cli

CURATED = "https://w3id.org/genai-kg/graph/curated"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SECRET = "TOPSECRET-4f1c"


@pytest.fixture
def listener() -> Iterator[Listener]:
    sink = Listener()
    yield sink
    sink.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def secret_pipe(tmp_path: Path) -> Path:
    """A named pipe: any process that opens it for reading blocks (nobody writes)."""
    pipe = tmp_path / "secret.nt"
    os.mkfifo(pipe)
    return pipe


def sparql(runner: CliRunner, store: Path, text: str) -> object:
    return runner.invoke(
        app, ["sparql", "-", "--data", str(TINY), "--store", str(store)], input=text
    )


def count_quads(runner: CliRunner, store: Path) -> int:
    result = runner.invoke(
        app,
        ["sparql", "-", "-f", "csv", "--data", str(TINY), "--store", str(store)],
        input=COUNT_QUADS,
    )
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.splitlines()[1])


# ----------------------------------------------------------------- check_query, directly

REFUSED = [
    pytest.param("SELECT * { SERVICE <http://x/s> { ?s ?p ?o } }", id="service"),
    pytest.param("select * { service <http://x/s> { ?s ?p ?o } }", id="service-lower"),
    pytest.param("SELECT * { SeRvIcE <http://x/s> { ?s ?p ?o } }", id="service-mixed-case"),
    pytest.param("SELECT * { SERVICE SILENT <http://x/s> { ?s ?p ?o } }", id="service-silent"),
    pytest.param("SELECT * {SERVICE<http://x/s>{?s ?p ?o}}", id="service-no-spaces"),
    pytest.param("SELECT * { {}SERVICE<http://x/s>{ ?s ?p ?o } }", id="service-after-brace"),
    pytest.param("SELECT * { ?a ?b ?c .SERVICE <http://x/s> { ?s ?p ?o } }", id="dot-service"),
    pytest.param("SELECT * { ?a ?b ?c.SERVICE <http://x/s> { ?s ?p ?o } }", id="var-dot-service"),
    pytest.param('SELECT * { ?a ?b "c".SERVICE <http://x/s> { ?s ?p ?o } }', id="str-dot-service"),
    pytest.param("SELECT * { ?a ?b 1.SERVICE <http://x/s> { ?s ?p ?o } }", id="num-dot-service"),
    pytest.param("SELECT * { ?a ?b ?c ;SERVICE <http://x/s> { ?s ?p ?o } }", id="semi-service"),
    pytest.param(
        "PREFIX l: <http://x/>\nSELECT * { SERVICE l:s { ?s ?p ?o } }", id="service-prefixed"
    ),
    pytest.param(
        "SELECT * { BIND(<http://x/s> AS ?e) SERVICE ?e { ?s ?p ?o } }", id="service-variable"
    ),
    pytest.param(
        "SELECT * { ?a ?b ?c OPTIONAL { SERVICE <http://x/s> { ?s ?p ?o } } }",
        id="service-in-optional",
    ),
    pytest.param(
        "SELECT * { ?a ?b ?c FILTER EXISTS { SERVICE <http://x/s> { ?s ?p ?o } } }",
        id="service-in-exists",
    ),
    pytest.param(
        "SELECT * { { SELECT * { SERVICE <http://x/s> { ?s ?p ?o } } } }", id="service-subquery"
    ),
    pytest.param(
        '# SERVICE "x"\nSELECT * { ?a ?b "#" . SERVICE <http://x/#> { ?s ?p ?o } } # SERVICE',
        id="service-between-comments",
    ),
    pytest.param(
        "SELECT * { ?a ?b '''x\n'y''' . SERVICE\n<http://x/s>\n{ ?s ?p ?o } }",
        id="service-after-long-string",
    ),
    pytest.param(
        "SELECT * { SERVICE # note\n <http://x/s> { ?s ?p ?o } }", id="service-comment-inside"
    ),
    pytest.param("LOAD <file:///etc/passwd>", id="load-file"),
    pytest.param("load <http://x/data.ttl> INTO GRAPH <http://x/g>", id="load-lower"),
    pytest.param("LOAD SILENT <http://x/data.ttl>", id="load-silent"),
    pytest.param("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", id="insert-data"),
    pytest.param("DELETE DATA { <http://x/a> <http://x/b> <http://x/c> }", id="delete-data"),
    pytest.param("DELETE WHERE { ?s ?p ?o }", id="delete-where"),
    pytest.param("INSERT { ?s a ?o } WHERE { ?s ?p ?o }", id="insert-where"),
    pytest.param(
        "WITH <http://x/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        id="delete-insert-with",
    ),
    pytest.param("DROP ALL", id="drop-all"),
    pytest.param("drop silent graph <http://x/g>", id="drop-graph-lower"),
    pytest.param("CLEAR ALL", id="clear-all"),
    pytest.param("CLEAR DEFAULT", id="clear-default"),
    pytest.param("CREATE GRAPH <http://x/g>", id="create"),
    pytest.param("COPY DEFAULT TO <http://x/g>", id="copy"),
    pytest.param("MOVE <http://x/a> TO <http://x/b>", id="move"),
    pytest.param("ADD <http://x/a> TO <http://x/b>", id="add"),
    pytest.param("CLEAR ALL ; INSERT DATA { <http://x/a> <http://x/b> 1 }", id="two-updates"),
    pytest.param("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", id="from-file"),
    pytest.param("SELECT * FROM <http://x/g> { ?s ?p ?o }", id="from-url"),
    pytest.param("select * from named <http://x/g> { ?s ?p ?o }", id="from-named-lower"),
    pytest.param("SELECT * FROM\n\tNAMED\n<http://x/g> { ?s ?p ?o }", id="from-named-newlines"),
    pytest.param("SELECT * FROM<file:///etc/passwd> { ?s ?p ?o }", id="from-no-space"),
    pytest.param("SELECT * FROM NAMED<http://x/g> { ?s ?p ?o }", id="from-named-no-space"),
    pytest.param(
        "PREFIX f: <file:///etc/>\nSELECT * FROM f:passwd { ?s ?p ?o }", id="from-prefixed"
    ),
    pytest.param(
        f"SELECT * FROM <{CURATED}> FROM <file:///etc/passwd> {{ ?s ?p ?o }}",
        id="from-second-graph",
    ),
]


@pytest.mark.parametrize("text", REFUSED)
def test_check_query_refuses(text: str) -> None:
    with pytest.raises(QueryError, match="refused"):
        check_query(text, [CURATED])


ALLOWED = [
    pytest.param('SELECT * { ?s ?p "SERVICE <http://x/s> { }" }', id="string"),
    pytest.param("SELECT * { ?s ?p 'LOAD <file:///etc/passwd>' }", id="single-quoted"),
    pytest.param('SELECT * { ?s ?p """\nDROP ALL\n""" }', id="long-string"),
    pytest.param(r'SELECT * { ?s ?p "a\" SERVICE <http://x/s> {" }', id="escaped-quote"),
    pytest.param("SELECT * { ?s ?p ?o } # SERVICE <http://x/s> { }", id="comment"),
    pytest.param("# DROP ALL\n# INSERT DATA {}\nSELECT * { ?s ?p ?o }", id="comment-header"),
    pytest.param("SELECT * { ?s <http://x/SERVICE> ?o }", id="iri"),
    pytest.param("SELECT * { ?s <http://x/a#SERVICE> ?o }", id="iri-fragment"),
    pytest.param("SELECT * { ?s <http://x/load/drop/add> ?o }", id="iri-path"),
    pytest.param("PREFIX ex: <http://x/>\nSELECT * { ?s ex:SERVICE ex:load }", id="local-name"),
    pytest.param("PREFIX service: <http://x/>\nSELECT * { ?s service:p ?o }", id="prefix-name"),
    pytest.param("SELECT ?service ?load ?drop { ?service ?load ?drop }", id="variables"),
    pytest.param("SELECT $add $move { $add $move $copy }", id="dollar-variables"),
    pytest.param('SELECT * { ?s ?p ?o FILTER(CONTAINS(?o, "INSERT")) }', id="filter-string"),
    pytest.param('SELECT * { ?s ?p "x"@add }', id="language-tag-add"),
    pytest.param(f"SELECT * FROM <{CURATED}> {{ ?s ?p ?o }}", id="from-store-graph"),
    pytest.param(f"SELECT * FROM NAMED <{CURATED}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", id="from-named"),
    pytest.param("SELECT ?from { ?from ?p ?o }", id="variable-from"),
    pytest.param("ASK { }", id="ask"),
    pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", id="construct"),
    pytest.param("DESCRIBE <http://x/a>", id="describe"),
]


@pytest.mark.parametrize("text", ALLOWED)
def test_check_query_allows(text: str) -> None:
    check_query(text, [CURATED])


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        pytest.param("SELECT * FROM <http://remote/g> { ?s ?p ?o }", False, id="from-remote"),
        pytest.param("SELECT * { SERVICE <http://x/s> { ?s ?p ?o } }", True, id="service"),
        pytest.param("LOAD <http://x/data.ttl>", True, id="load"),
        pytest.param("DROP ALL", True, id="update"),
    ],
)
def test_check_query_for_a_remote_store(text: str, refused: bool) -> None:
    """``graphs=None``: FROM may name the remote store's graphs; the rest is still refused."""
    if refused:
        with pytest.raises(QueryError):
            check_query(text, None)
    else:
        check_query(text, None)


# ----------------------------------------------------------------- SERVICE through the CLI

SERVICE_QUERIES = [
    pytest.param("SELECT * {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}", id="upper"),
    pytest.param("select * {{ service <{url}sparql> {{ ?s ?p ?o }} }}", id="lower"),
    pytest.param("SELECT * {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}", id="silent"),
    pytest.param(
        '# a SERVICE comment\nSELECT * {{ ?a ?b "SERVICE" . SERVICE <{url}sparql> '
        "{{ ?s ?p ?o }} }} # SERVICE\n",
        id="comments-and-strings",
    ),
    pytest.param(
        "SELECT * {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }} LIMIT 1",
        id="in-optional",
    ),
    pytest.param(
        "PREFIX l: <{url}>\nSELECT * {{ SERVICE l:x {{ ?s ?p ?o }} }}", id="prefixed-name"
    ),
    pytest.param("SELECT * {{ ?a ?b ?c .SERVICE <{url}sparql> {{ ?s ?p ?o }} }} LIMIT 1", id="dot"),
    pytest.param(
        "SELECT * {{ BIND(<{url}sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}", id="variable"
    ),
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused_and_nothing_connects(
    store: Path, listener: Listener, template: str
) -> None:
    text = template.format(url=listener.base)
    # A real process: an escaped query must not be able to hang or kill the test runner.
    result = run_cli(["sparql", "-", "--timeout", "5"], store, stdin=text, timeout=60)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error:")
    assert "SERVICE" in result.stderr and "refused" in result.stderr, result.stderr
    assert listener.connections == []


# ----------------------------------------------------------------- LOAD and FROM


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("LOAD <file://{pipe}>", id="load-file"),
        pytest.param("LOAD <file://{pipe}> INTO GRAPH <{curated}>", id="load-into"),
        pytest.param("LOAD <{url}x.ttl>", id="load-url"),
        pytest.param("SELECT * FROM <file://{pipe}> {{ ?s ?p ?o }}", id="from-file"),
        pytest.param("SELECT * FROM NAMED <{url}x> {{ GRAPH ?g {{ ?s ?p ?o }} }}", id="from-named"),
        pytest.param("SELECT * FROM <{url}x> {{ ?s ?p ?o }}", id="from-url"),
        pytest.param("SELECT * FROM<file://{pipe}> {{ ?s ?p ?o }}", id="from-file-no-space"),
        pytest.param(
            "SELECT * FROM NAMED<{url}x> {{ GRAPH ?g {{ ?s ?p ?o }} }}", id="from-named-no-space"
        ),
    ],
)
def test_load_and_from_reach_nothing(
    store: Path, listener: Listener, secret_pipe: Path, template: str
) -> None:
    text = template.format(pipe=secret_pipe, url=listener.base, curated=CURATED)
    # Opening the pipe would block: the subprocess timeout turns a read into a failure.
    result = run_cli(["sparql", "-", "--timeout", "5"], store, stdin=text, timeout=60)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error:")
    assert "refused" in result.stderr, result.stderr
    assert listener.connections == []


def test_from_a_secret_file_never_shows_it(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text(f'<http://s/s> <http://s/p> "{SECRET}" .\n', encoding="utf-8")
    for text in (
        f"SELECT * FROM <file://{secret}> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <file://{secret}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <file://{secret}>",
    ):
        result = sparql(runner, store, text)
        assert result.exit_code == 1, text
        assert SECRET not in result.stdout + result.stderr


# ----------------------------------------------------------------- updates


UPDATES = [
    pytest.param("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", id="insert-data"),
    pytest.param(
        f"INSERT DATA {{ GRAPH <{CURATED}> {{ <http://x/a> <http://x/b> 1 }} }}", id="insert-graph"
    ),
    pytest.param("DELETE WHERE { ?s ?p ?o }", id="delete-where"),
    pytest.param(f"DELETE WHERE {{ GRAPH <{CURATED}> {{ ?s ?p ?o }} }}", id="delete-where-graph"),
    pytest.param("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", id="modify"),
    pytest.param("DROP ALL", id="drop-all"),
    pytest.param(f"drop graph <{CURATED}>", id="drop-graph-lower"),
    pytest.param("CLEAR ALL", id="clear-all"),
    pytest.param(f"CLEAR GRAPH <{CURATED}>", id="clear-graph"),
    pytest.param("CREATE GRAPH <http://x/g>", id="create"),
    pytest.param(f"COPY <{CURATED}> TO <http://x/g>", id="copy"),
    pytest.param(f"MOVE <{CURATED}> TO <http://x/g>", id="move"),
    pytest.param(f"ADD <{CURATED}> TO <http://x/g>", id="add"),
    pytest.param("CLEAR ALL ; INSERT DATA { <http://x/a> <http://x/b> 1 }", id="two-updates"),
    pytest.param("SELECT * { ?s ?p ?o } ; DROP ALL", id="query-then-update"),
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_and_the_store_unchanged(
    runner: CliRunner, store: Path, text: str
) -> None:
    before = count_quads(runner, store)
    result = sparql(runner, store, text)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.stderr
    assert count_quads(runner, store) == before


# ----------------------------------------------------------------- no false positives


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('SELECT ?x { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) }', id="string"),
        pytest.param("SELECT ?x { BIND('''LOAD\nDROP ALL''' AS ?x) }", id="long-string"),
        pytest.param("# SERVICE <http://127.0.0.1:9/> { }\nASK { ?s ?p ?o }", id="comment"),
        pytest.param("ASK { ?s ?p ?o } # DROP ALL", id="trailing-comment"),
        pytest.param("SELECT * { VALUES ?x { <http://x/SERVICE> } }", id="iri"),
        pytest.param(
            "PREFIX service: <http://x/>\nSELECT * { VALUES ?x { service:load } }", id="prefix"
        ),
        pytest.param("SELECT ?service ?load { ?service ?load ?drop } LIMIT 1", id="variables"),
        pytest.param(f"SELECT (COUNT(*) AS ?n) FROM <{CURATED}> {{ ?s ?p ?o }}", id="from-store"),
    ],
)
def test_keywords_in_data_run_fine(runner: CliRunner, store: Path, text: str) -> None:
    result = sparql(runner, store, text)
    assert result.exit_code == 0, result.stderr
