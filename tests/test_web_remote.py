"""``serve --endpoint``: the explorer and ``/sparql`` answered from a store push filled.

Two real servers side by side, one on the embedded store and one on a real Oxigraph server
(through the counting proxy of ``test_source``): the same pages, the same JSON, the same query
results; ``/sparql`` forwards only what passes the checks.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import TINY
from servehelp import Server, get, http, json_rows, start_server, stop_server
from stores import RemoteStore
from test_source import CountingProxy, push

GRAPH = "https://example.org/graphs/test-web-remote"
ROLES = """\
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?label WHERE { ?role a gkg:Role ; skos:prefLabel ?label }
"""


@pytest.fixture(scope="module")
def proxy(oxigraph: RemoteStore) -> Iterator[CountingProxy]:
    counting = CountingProxy(oxigraph.base)
    yield counting
    counting.close()


@pytest.fixture(scope="module")
def servers(
    oxigraph: RemoteStore,
    proxy: CountingProxy,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Server, Server]]:
    """The embedded server and the remote one, both on the tiny data."""
    push(oxigraph, TINY, GRAPH)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        local = start_server(tmp_path_factory.mktemp("local"))
        try:
            remote = start_server(
                tmp_path_factory.mktemp("remote"), "--endpoint", proxy.query, "--graph", GRAPH
            )
        except BaseException:
            stop_server(local.process)
            raise
    yield local, remote
    stop_server(local.process)
    stop_server(remote.process)


def root(server: Server) -> str:
    return server.url.removesuffix("sparql")


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("api/show?name=" + urllib.parse.quote("analyst"), id="api-show"),
        pytest.param("api/next?from=analyst", id="api-next"),
        pytest.param("role/analyst", id="role-page"),
        pytest.param("search?q=a", id="search"),
        pytest.param("api/show?name=nobody", id="not-found"),
    ],
)
def test_pages_and_json_are_the_embedded_ones(servers: tuple[Server, Server], path: str) -> None:
    local, remote = servers
    mine, theirs = http(root(local) + path), http(root(remote) + path)
    assert (theirs.status, theirs.body) == (mine.status, mine.body)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("api/plan?from=analyst&to=ml-ops", id="api-plan"),
        pytest.param("api/plan?from=analyst&to=ml-ops&by=hours&alternatives=2", id="api-plan-k"),
        pytest.param("api/gap?from=analyst&to=prompter", id="api-gap"),
        pytest.param("plan?from=analyst&to=ml-ops", id="plan-page"),
        pytest.param("gap?from=analyst&to=ml-ops", id="gap-page"),
    ],
)
def test_plans_are_the_embedded_ones(servers: tuple[Server, Server], path: str) -> None:
    local, remote = servers
    mine, theirs = http(root(local) + path), http(root(remote) + path)
    assert mine.status == 200, mine.text
    assert (theirs.status, theirs.body) == (mine.status, mine.body)


def test_a_cv_posted_gives_the_embedded_answer(servers: tuple[Server, Server]) -> None:
    """The matcher of ``--from-text`` on the pushed graph: the same skills, the same plan."""
    form = {"from": "analyst", "to": "ml-ops", "text": "Python scripts, shipped in containers."}
    body = urllib.parse.urlencode(form).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    mine, theirs = (http(root(s) + "plan", method="POST", data=body, headers=kind) for s in servers)
    assert mine.status == 200, mine.text
    assert "Skills found in your text" in mine.text
    assert (theirs.status, theirs.body) == (mine.status, mine.body)


def test_sparql_is_forwarded_with_the_pushed_graph(servers: tuple[Server, Server]) -> None:
    local, remote = servers
    mine, theirs = get(local, ROLES), get(remote, ROLES)
    assert mine.status == theirs.status == 200, theirs.text
    assert json_rows(theirs.body) == json_rows(mine.body)
    assert json_rows(theirs.body)


def test_a_refused_query_never_reaches_the_store(
    servers: tuple[Server, Server], proxy: CountingProxy
) -> None:
    _, remote = servers
    del proxy.bodies[:]
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ):
        reply = get(remote, query)
        assert reply.status == 400, reply.text
    assert not [body for body in proxy.bodies if b"SERVICE" in body or b"INSERT" in body]


def test_remote_server_needs_a_pushed_graph(
    oxigraph: RemoteStore,
    tmp_path: Path,
) -> None:
    """It says so at start, not at the first visitor (start_server fails with the log)."""
    graph = "https://example.org/g/none"
    with pytest.raises(pytest.fail.Exception, match=f"Error: no graph <{graph}> on "):
        server = start_server(tmp_path, "--endpoint", oxigraph.query, "--graph", graph)
        stop_server(server.process)


def test_a_new_push_shows_within_seconds(
    servers: tuple[Server, Server],
    oxigraph: RemoteStore,
    tmp_path: Path,
) -> None:
    """The remote server checks the graph's state every 2 s: a push shows without a restart."""
    import shutil

    from nethelp import wait_until

    _, remote = servers
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    roles = data / "roles.yaml"
    shown = http(root(remote) + "api/show?name=analyst")
    name = shown.text.split('"label": "')[1].split('"')[0]
    roles.write_text(roles.read_text().replace(f"name: {name}", f"name: {name} Renamed", 1))
    push(oxigraph, data, GRAPH)
    try:
        assert wait_until(
            lambda: f"{name} Renamed" in http(root(remote) + "api/show?name=analyst").text,
            timeout=15,
        )
    finally:
        push(oxigraph, TINY, GRAPH)
