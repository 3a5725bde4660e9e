"""Every reading command over ``--endpoint``: push to a real server (Oxigraph server and
Virtuoso), then ``path``, ``gap``, ``next``, ``show`` and ``list`` give byte for byte what they
give from the embedded store; what was read is kept, checked by one small query, and read
again after a new push.

Requests to the server go through a counting proxy, so the tests see how many queries a
command sends.
"""

from __future__ import annotations

import difflib
import json
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import TINY
from genai_kg.cli import app
from genai_kg.paths import bundled
from nethelp import FakeEndpoint, closed_port
from stores import RemoteStore

BUNDLED = bundled("data")
CV = Path(__file__).parent / "data" / "skills-eval" / "01-ml-engineer-key-skills.txt"
GRAPH = "https://example.org/graphs/test-source"


class CountingProxy:
    """An HTTP proxy on 127.0.0.1 in front of one server, keeping the body of every request."""

    def __init__(self, target: str) -> None:
        #: The query text of every request (decoded from a form), and its size on the wire.
        self.bodies: list[bytes] = []
        self.sizes: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = self.headers.get("Content-Type", "")
                text = body
                if kind.startswith("application/x-www-form-urlencoded"):
                    text = urllib.parse.parse_qs(body.decode())["query"][0].encode()
                outer.bodies.append(text)
                outer.sizes.append(len(body))
                forwarded = urllib.request.Request(
                    target + self.path,
                    data=body,
                    headers={
                        name: value
                        for name, value in self.headers.items()
                        if name.lower() in ("content-type", "accept")
                    },
                )
                try:
                    with urllib.request.urlopen(forwarded, timeout=30) as answer:
                        status, payload = answer.status, answer.read()
                        kind = answer.headers.get("Content-Type", "")
                except urllib.error.HTTPError as exc:
                    status, payload, kind = exc.code, exc.read(), "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.query = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="module")
def proxy(oxigraph: RemoteStore) -> Iterator[CountingProxy]:
    counting = CountingProxy(oxigraph.base)
    yield counting
    counting.close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own: the first remote command reads the graph cold."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def push(oxigraph: RemoteStore, data: Path, graph: str = GRAPH) -> None:
    result = CliRunner().invoke(
        app, ["push", "--endpoint", oxigraph.graph_store, "--graph", graph, "--data", str(data)]
    )
    assert result.exit_code == 0, result.output


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def same_output(args: list[str], data: Path, store: Path, endpoint: str) -> None:
    """The command on the embedded store and on the endpoint: same exit code, same bytes."""
    local = run(*args, "--data", str(data), "--store", str(store))
    remote = run(*args, "--endpoint", endpoint, "--graph", GRAPH)
    assert remote.exit_code == local.exit_code, remote.output
    lines = local.stdout.splitlines(), remote.stdout.splitlines()
    differ = difflib.unified_diff(*lines, lineterm="")
    assert remote.stdout == local.stdout, "\n".join(differ)
    assert remote.stderr == local.stderr


BUNDLED_COMMANDS = [
    pytest.param(["path", "Data Analyst", "MLOps Engineer"], id="path"),
    pytest.param(["path", "data-analyst", "mlops-engineer", "-f", "json"], id="path-json"),
    pytest.param(
        ["path", "Software Engineer", "Generative AI Engineer", "--by", "hours"], id="path-hours"
    ),
    pytest.param(
        ["path", "Data Scientist", "NLP Specialist", "--by", "cost", "--free", "-f", "json"],
        id="path-cost-free",
    ),
    pytest.param(
        ["path", "Data Analyst", "Data Scientist", "--have", "python,sql", "-k", "2"],
        id="path-have-alternatives",
    ),
    pytest.param(["path", "Data Analyst", "MLOps Engineer", "-f", "mermaid"], id="path-mermaid"),
    pytest.param(["path", "Data Analyst", "MLOps Engineer", "--pareto"], id="path-pareto"),
    pytest.param(["gap", "Data Analyst", "MLOps Engineer"], id="gap"),
    pytest.param(["gap", "software-engineer", "ml-engineer", "-f", "json"], id="gap-json"),
    pytest.param(["next", "Data Analyst"], id="next"),
    pytest.param(["next", "software-engineer", "--by", "hours", "-f", "json"], id="next-json"),
    pytest.param(["show", "data scientist"], id="show-role"),
    pytest.param(["show", "python", "-f", "json"], id="show-skill-json"),
    pytest.param(["list", "roles"], id="list-roles"),
    pytest.param(["list", "courses", "-f", "json"], id="list-courses-json"),
    pytest.param(["list", "skills"], id="list-skills"),
    pytest.param(["path", "Data Analyst", "Astronaut"], id="unknown-role"),
    pytest.param(["skills", str(CV)], id="skills"),
    pytest.param(["skills", str(CV), "-f", "json"], id="skills-json"),
    pytest.param(["path", "-", "Generative AI Engineer", "--from-text", str(CV)],
                 id="path-from-text"),  # fmt: skip
]


@pytest.fixture(scope="module")
def bundled_pushed(remote_store: RemoteStore) -> str:
    """The bundled data pushed to each real server in turn (Oxigraph server, Virtuoso)."""
    push(remote_store, BUNDLED)
    return remote_store.query


@pytest.mark.parametrize("args", BUNDLED_COMMANDS)
def test_bundled_data_over_the_endpoint_gives_the_embedded_output(
    bundled_pushed: str, args: list[str], cache: Path, tmp_path: Path
) -> None:
    same_output(args, BUNDLED, tmp_path / "store", bundled_pushed)
    if args[0] == "skills":  # the text names skills, so equal outputs say something
        assert run(*args, "--endpoint", bundled_pushed, "--graph", GRAPH).stdout.count("\n") > 3


@pytest.mark.parametrize("kind", ["roles", "skills", "tools", "providers", "courses", "sources"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_tiny_data_lists_alike(
    remote_store: RemoteStore,
    kind: str,
    fmt: str,
    cache: Path,
    tmp_path: Path,
) -> None:
    graph = "https://example.org/graphs/test-source-tiny"
    push(remote_store, TINY, graph)
    local = run("list", kind, "-f", fmt, "--data", str(TINY), "--store", str(tmp_path / "s"))
    remote = run("list", kind, "-f", fmt, "--endpoint", remote_store.query, "--graph", graph)
    assert (remote.exit_code, remote.stdout) == (local.exit_code, local.stdout)
    assert local.exit_code == 0 and local.stdout.strip()


def test_a_warm_path_sends_one_small_query(
    oxigraph: RemoteStore,
    proxy: CountingProxy,
    cache: Path,
    tmp_path: Path,
) -> None:
    push(oxigraph, BUNDLED)
    args = ["path", "Data Analyst", "MLOps Engineer", "--endpoint", proxy.query, "--graph", GRAPH]
    del proxy.bodies[:]
    cold = run(*args)
    assert cold.exit_code == 0, cold.output
    assert [b"COUNT" in body or b"CONSTRUCT" in body for body in proxy.bodies] == [True, True]
    del proxy.bodies[:]
    warm = run(*args)
    assert warm.stdout == cold.stdout
    assert len(proxy.bodies) == 1 and b"COUNT(*)" in proxy.bodies[0]
    assert proxy.sizes[-1] < 2000
    del proxy.bodies[:]
    shown = run("show", "mlops engineer", "--endpoint", proxy.query, "--graph", GRAPH)
    assert len(proxy.bodies) == 1, "show reads the graph kept by path"
    local = run("show", "mlops engineer", "--data", str(BUNDLED), "--store", str(tmp_path / "s"))
    assert (shown.exit_code, shown.stdout) == (local.exit_code, local.stdout)
    assert local.exit_code == 0, local.output


def test_after_a_new_push_the_next_command_sees_the_change(
    oxigraph: RemoteStore,
    proxy: CountingProxy,
    cache: Path,
    tmp_path: Path,
) -> None:
    graph = "https://example.org/graphs/test-source-changes"
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    push(oxigraph, data, graph)
    remote = ["--endpoint", proxy.query, "--graph", graph]
    listed = run("list", "roles", "-f", "json", *remote)
    assert listed.exit_code == 0, listed.output
    role = json.loads(listed.stdout)[0]
    assert run("path", role["id"], role["id"], *remote).exit_code == 0  # the catalog is kept

    # One character of one name: the same number of triples, another checksum.
    roles_yaml = data / "roles.yaml"
    changed = role["name"][:-1] + ("X" if role["name"][-1] != "X" else "Y")
    roles_yaml.write_text(roles_yaml.read_text().replace(role["name"], changed, 1))
    push(oxigraph, data, graph)
    for command in (["list", "roles"], ["show", changed], ["gap", changed, changed]):
        local = run(*command, "--data", str(data), "--store", str(tmp_path / "store"))
        after = run(*command, *remote)
        assert after.exit_code == 0, after.output
        assert after.stdout == local.stdout
        assert changed in after.stdout
    names = [
        entry["name"] for entry in json.loads(run("list", "roles", "-f", "json", *remote).stdout)
    ]
    assert changed in names and role["name"] not in names


def test_nothing_pushed_says_push_first(oxigraph: RemoteStore, cache: Path) -> None:
    graph = "https://example.org/graphs/never-pushed"
    result = run("path", "a", "b", "--endpoint", oxigraph.query, "--graph", graph)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: no graph <{graph}> on {oxigraph.query}: run genai-kg push first"
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["path", "a", "b"], ["show", "a"], ["list", "roles"]])
def test_unreachable_endpoint_is_an_error(command: list[str], cache: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/query"
    result = run(*command, "--endpoint", url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {url}: cannot connect")
    assert "Traceback" not in result.output


def test_not_a_sparql_endpoint_is_an_error(cache: Path) -> None:
    fake = FakeEndpoint()
    fake.EMPTY = b"<!DOCTYPE HTML><html><body>a web page</body></html>"
    try:
        result = run("gap", "a", "b", "--endpoint", fake.url)
    finally:
        fake.close()
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {fake.url}: ")
    assert "Traceback" not in result.output


def test_graph_without_endpoint_is_a_usage_error() -> None:
    result = run("list", "roles", "--graph", GRAPH)
    assert result.exit_code == 2
    assert "--graph goes with --endpoint" in result.output


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["path", "Data Analyst", "MLOps Engineer"], id="path"),
        pytest.param(["gap", "Data Analyst", "MLOps Engineer"], id="gap"),
        pytest.param(["next", "Data Analyst"], id="next"),
        pytest.param(["show", "python"], id="show"),
        pytest.param(["list", "roles"], id="list"),
        pytest.param(["skills", str(CV)], id="skills"),
    ],
)
def test_data_with_endpoint_is_a_usage_error(command: list[str], tmp_path: Path) -> None:
    """Local data would be silently ignored: the endpoint's graph is the data then. The check
    comes before any request (the port is closed)."""
    result = run(*command, "--endpoint", "http://127.0.0.1:9/sparql", "--data", str(tmp_path))
    assert result.exit_code == 2
    assert "--data" in result.output and "not with --endpoint" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "graph",
    [
        pytest.param("not-an-iri", id="relative"),
        pytest.param("https://example.org/g> } } SELECT * { ?s ?p ?o", id="closes-the-iri"),
    ],
)
def test_graph_must_be_one_absolute_iri(graph: str, cache: Path) -> None:
    result = run("list", "roles", "--endpoint", f"http://127.0.0.1:{closed_port()}/query",
                 "--graph", graph)  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == f"Error: --graph {graph!r} is not an absolute IRI\n"


def _state(triples: list[Any]) -> tuple[str, ...]:
    """The state query's answer on a pyoxigraph store holding ``triples`` in one graph."""
    import pyoxigraph as ox

    from genai_kg.query.source import state_query

    graph = ox.NamedNode(GRAPH)
    store = ox.Store()
    for triple in triples:
        store.add(ox.Quad(*triple, graph))
    ((*row,),) = [tuple(solution) for solution in store.query(state_query(GRAPH))]
    return tuple(term.value for term in row)


def test_the_state_changes_with_any_triple_and_not_with_order() -> None:
    import pyoxigraph as ox

    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    base = [
        (
            s,
            p,
            ox.Literal("4.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ),
        (s, p, ox.Literal("Python", language="en")),
        (s, p, ox.NamedNode("https://example.org/o")),
    ]
    state = _state(base)
    assert state[0] == "3"
    assert _state(list(reversed(base))) == state
    for changed in (
        (
            s,
            p,
            ox.Literal("4.6", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ),
        (s, p, ox.Literal("4.5")),  # the same text, another datatype
        (s, p, ox.Literal("Python", language="de")),
        (s, p, ox.NamedNode("https://example.org/o2")),
    ):
        assert _state([changed, *base[1:]]) != state, changed
