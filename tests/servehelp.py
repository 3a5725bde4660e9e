"""Helpers for the `genai-kg serve` tests: the server as a real process, HTTP as a client sees it.

The server runs on 127.0.0.1 (``--port 0``: it prints the bound URL), with ``--timeout 2
--max-rows 5 --workers 2``; every wait here is bounded.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import TINY
from nethelp import genai_kg_program

TIMEOUT = 2.0
REQUEST_TIMEOUT = 2.0
MAX_ROWS = 5
CURATED = ox.NamedNode("https://w3id.org/genai-kg/graph/curated")
ROLES = """\
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?label WHERE { ?role a gkg:Role ; skos:prefLabel ?label }
"""
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
LEAKS = ("Traceback", "/work/", "site-packages", 'File "')


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    log: list[str]


def start_server(tmp: Path, *extra: str, data: Path | None = TINY) -> Server:
    """Start ``genai-kg serve`` on a free port of 127.0.0.1 (``data`` None: the bundled data)."""
    process = subprocess.Popen(
        [genai_kg_program(), "serve", "--host", "127.0.0.1", "--port", "0"]
        + (["--data", str(data)] if data is not None else [])
        + ["--store", str(tmp / "store")]
        + ["--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2"]
        + ["--request-timeout", str(REQUEST_TIMEOUT), *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    log: list[str] = []

    def drain() -> None:  # keep reading, so the server's log never fills the pipe
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        if "SPARQL endpoint at " in line:
            url = line.split("SPARQL endpoint at ", 1)[1].split()[0]
            return Server(process, url, log)
    stop_server(process)
    pytest.fail("genai-kg serve did not announce its URL:\n" + "".join(log))


def stop_server(process: subprocess.Popen[str]) -> None:
    """Ctrl-C first (the server stops its workers), then terminate, then kill; all bounded."""
    for send in (lambda: process.send_signal(signal.SIGINT), process.terminate, process.kill):
        if process.poll() is not None:
            break
        send()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
    if process.stderr is not None:
        process.stderr.close()


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT + 10,
) -> Reply:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        try:
            return Reply(error.code, error.headers, error.read())
        finally:
            error.close()


def get(server: Server, query: str, accept: str | None = None, **params: str) -> Reply:
    query_string = urllib.parse.urlencode({"query": query, **params})
    return http(f"{server.url}?{query_string}", headers={"Accept": accept} if accept else {})


def post_query(server: Server, query: str, accept: str | None = None) -> Reply:
    headers = {"Content-Type": "application/sparql-query"}
    if accept:
        headers["Accept"] = accept
    return http(server.url, method="POST", data=query.encode(), headers=headers)


def post_form(server: Server, **fields: str) -> Reply:
    return http(
        server.url,
        method="POST",
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def json_rows(body: bytes) -> set[tuple[Any, ...]]:
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in parsed.variables]
    return {tuple(solution[n] for n in names) for solution in parsed}


def expected(reference: ox.Store, query: str) -> set[tuple[Any, ...]]:
    answer = reference.query(query, use_default_graph_as_union=True)
    names = [v.value for v in answer.variables]
    return {tuple(solution[n] for n in names) for solution in answer}


def assert_no_internals(reply: Reply) -> None:
    for leak in LEAKS:
        assert leak not in reply.text, f"{leak!r} leaked: {reply.text!r}"


def quad_count(server: Server) -> int:
    reply = get(server, COUNT_QUADS)
    assert reply.status == 200, reply.text
    ((count,),) = json_rows(reply.body)
    return int(count.value)
