"""Real SPARQL stores for the tests, started on 127.0.0.1 and stopped at the end of the session.

Two servers behind one interface (``RemoteStore``): the Oxigraph server (the ``oxigraph``
program of the dev dependency) and Virtuoso 7 (Debian's ``virtuoso-opensource``: the
``virtuoso-t`` server and its ``isql-vt`` client). Each runs in a temporary folder on free
ports; a test that needs one a machine lacks skips and says how to install it.

The fixtures are imported by ``conftest.py``, so every test file can ask for them:
``oxigraph``, ``virtuoso``, and ``remote_store`` (each test once per server). ``bench/``
starts the same servers with ``start_oxigraph`` / ``start_virtuoso`` and ``stop``.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

START_TIMEOUT = 60.0


# Kept apart from nethelp (which reads conftest), so that bench/ can start the servers too.
def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(predicate: Any, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@dataclass
class RemoteStore:
    """A running SPARQL server: its query URL and its Graph Store Protocol URL."""

    name: str
    process: subprocess.Popen[bytes]
    base: str
    query: str  # SPARQL 1.1 Protocol endpoint
    graph_store: str  # SPARQL 1.1 Graph Store HTTP Protocol endpoint
    log: Path

    def select(self, text: str, default_graph: str | None = None) -> list[dict[str, Any]]:
        """Run a SELECT by a URL-encoded POST; return the JSON bindings."""
        fields = [("query", text)] + (
            [("default-graph-uri", default_graph)] if default_graph else []
        )
        request = urllib.request.Request(
            self.query,
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            bindings: list[dict[str, Any]] = json.load(response)["results"]["bindings"]
            return bindings

    def count(self, graph: str) -> int:
        """The number of triples in the named graph ``graph`` (0 when there is none)."""
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"])

    def drop(self, graph: str) -> None:
        """Delete the named graph ``graph`` (Graph Store Protocol DELETE; none is fine)."""
        url = f"{self.graph_store}?graph={urllib.parse.quote(graph, safe='')}"
        request = urllib.request.Request(url, method="DELETE")
        try:
            with urllib.request.urlopen(request, timeout=30):
                pass
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise


def _program(name: str, install: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if not found:
        pytest.skip(f"the {name} program is not installed ({install})")
    return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _wait_ready(store: RemoteStore) -> None:
    process = store.process
    ready = wait_until(
        lambda: process.poll() is not None or _answers(store.query), timeout=START_TIMEOUT
    )
    if process.poll() is not None or not ready:
        tail = store.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        state = f"exited with {process.returncode}" if ready else "did not answer in time"
        pytest.fail(f"the {store.name} server {state}; its log ends:\n{tail}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill; bounded."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start_oxigraph(folder: Path) -> RemoteStore:
    """Start an Oxigraph server on a free port of 127.0.0.1, its data in ``folder``.

    Its default graph is its own (not the union of the named graphs), as the server ships.
    """
    program = _program("oxigraph", "pip install oxigraph")
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [program, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    store = RemoteStore("Oxigraph", process, base, f"{base}/query", f"{base}/store", log)
    try:
        _wait_ready(store)
    except BaseException:
        stop(process)
        raise
    return store


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def start_virtuoso(folder: Path) -> RemoteStore:
    """Start Virtuoso 7 on free ports of 127.0.0.1 (HTTP and SQL), its database in ``folder``.

    The Graph Store Protocol endpoint ``/sparql-graph-crud`` writes as the ``SPARQL`` user,
    which may only read until granted ``SPARQL_UPDATE`` (done here, through ``isql-vt``).
    """
    install = "apt-get install virtuoso-opensource"
    program = _program("virtuoso-t", install)
    isql = _program("isql-vt", install)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port),
        encoding="utf-8",
    )
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [program, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    store = RemoteStore(
        "Virtuoso", process, base, f"{base}/sparql", f"{base}/sparql-graph-crud", log
    )
    try:
        _wait_ready(store)
        grant = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
            pytest.fail(f"isql-vt could not grant SPARQL_UPDATE:\n{grant.stdout}{grant.stderr}")
    except BaseException:
        stop(process)
        raise
    return store


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A real Oxigraph server on 127.0.0.1 for the session, stopped at the end."""
    store = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        yield store
    finally:
        stop(store.process)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A real Virtuoso 7 on 127.0.0.1 for the session, writable by GSP, stopped at the end."""
    store = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield store
    finally:
        stop(store.process)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def remote_store(request: pytest.FixtureRequest) -> RemoteStore:
    """Each real server in turn (a test using it runs once per server)."""
    store: RemoteStore = request.getfixturevalue(request.param)
    return store
