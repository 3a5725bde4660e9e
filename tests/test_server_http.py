"""`genai-kg serve` under odd clients: bad lengths, idle and slow connections, early leavers.

Raw sockets to the real server (``--request-timeout 2``, ``--limit-concurrency 16``); every
read has a bounded timeout, so a server that hangs fails the test instead of stalling it.
"""

from __future__ import annotations

import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from nethelp import wait_until
from servehelp import REQUEST_TIMEOUT, ROLES, Server, get, start_server, stop_server

LIMIT = 16
SLACK = 5.0  # seconds beyond a deadline before we call it a hang


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve-http"),
                           "--limit-concurrency", str(LIMIT))  # fmt: skip
    yield running
    stop_server(running.process)


def connect(server: Server) -> socket.socket:
    url = urllib.parse.urlsplit(server.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=REQUEST_TIMEOUT + SLACK)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes (or the socket timeout, which raises)."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def post_head(length: str) -> bytes:
    return (
        "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize(
    "length",
    [pytest.param("abc", id="not-a-number"), pytest.param("-1", id="negative"),
     pytest.param("1, 2", id="two-values")],
)  # fmt: skip
def test_malformed_content_length_is_400_at_once(server: Server, length: str) -> None:
    with connect(server) as sock:
        sock.settimeout(SLACK)
        sock.sendall(post_head(length) + b"ASK {}")
        started = time.monotonic()
        reply = read_all(sock)
        elapsed = time.monotonic() - started
    assert status_of(reply) == 400
    assert elapsed < REQUEST_TIMEOUT  # answered, not timed out
    assert b"Traceback" not in reply


def test_body_shorter_than_its_length_is_400(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(post_head("100") + b"ASK {}")  # 6 bytes of 100, and the client waits
        reply = read_all(sock)
    assert status_of(reply) == 400
    assert b"Content-Length" in reply


def test_oversized_body_is_413_without_reading_it(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(post_head(str(10 << 20)))
        reply = read_all(sock)
    assert status_of(reply) == 413


def test_idle_connection_is_closed(server: Server) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        assert read_all(sock) == b""  # closed by the server, nothing sent
        assert time.monotonic() - started >= REQUEST_TIMEOUT - 0.5


def test_slow_headers_are_cut_off(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < REQUEST_TIMEOUT + SLACK:
            try:
                sock.sendall(b"X")  # one byte of a header every 0.2 s, never finishing
            except OSError:
                closed = True
                break
            sock.settimeout(0.2)
            try:
                if sock.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
        assert closed, "a client trickling its headers kept its connection"


def test_keep_alive_connection_is_closed_when_idle(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = read_all(sock)  # the answer, then the close once it has idled
    assert status_of(reply) == 200


def test_connections_are_bounded(server: Server) -> None:
    held = [connect(server) for _ in range(LIMIT)]
    try:
        with connect(server) as sock:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status_of(sock.recv(4096)) == 503
    finally:
        for sock in held:
            sock.close()
    assert wait_until(lambda: get(server, "ASK {}").status == 200, timeout=REQUEST_TIMEOUT + 5)


def test_early_disconnect_is_not_an_error_in_the_log(server: Server) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    target = "/sparql?" + urllib.parse.urlencode({"query": runaway})
    for request in (
        f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # leaves while the query runs
        post_head("100") + b"ASK",  # leaves halfway through its body
    ):
        with connect(server) as sock:
            sock.sendall(request)
            time.sleep(0.3)
    time.sleep(3)  # the runaway query reaches its 2 s timeout; its answer has nowhere to go
    assert get(server, ROLES).status == 200
    log = "".join(server.log)
    assert "Traceback" not in log and "Exception" not in log and "ERROR" not in log, log


def test_access_log(server: Server) -> None:
    get(server, "ASK { ?s ?p ?o }")
    assert wait_until(lambda: any('"GET /sparql?query=ASK' in line and " 200" in line
                                  for line in server.log), timeout=5)  # fmt: skip


def test_quiet_has_no_access_log(tmp_path: Path) -> None:
    quiet = start_server(tmp_path, "--quiet")
    try:
        assert get(quiet, "ASK {}").status == 200
        time.sleep(0.3)
        assert not any("GET /sparql" in line for line in quiet.log), quiet.log
    finally:
        stop_server(quiet.process)
