"""Network helpers for the SPARQL tests: a free port, a listener that records connections,
a deliberately slow HTTP server, the CLI as a real subprocess. Every wait here is bounded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from conftest import TINY


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (bind port 0, then close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def closed_port() -> int:
    """Return a port nothing listens on (free_port, never opened again)."""
    return free_port()


class Listener:
    """A TCP socket on 127.0.0.1 that accepts and records every connection in a thread.

    A query that reaches it has escaped the graph: tests assert ``connections == []``.
    """

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(1.0)
                try:
                    data = connection.recv(4096)
                except OSError:
                    data = b""
                self.connections.append(data or b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


class FakeEndpoint:
    """An HTTP server on 127.0.0.1 that records requests and answers empty results.

    ``delay``: seconds of silence before answering. ``trickle``: after the headers, send the
    body one byte every ``trickle`` seconds (a store that is alive but too slow). ``answer``:
    (status, content type, body) to send instead of empty results.
    """

    EMPTY = b'{"head": {"vars": []}, "results": {"bindings": []}}'

    def __init__(
        self,
        delay: float = 0.0,
        trickle: float | None = None,
        answer: tuple[int, str, bytes] | None = None,
    ) -> None:
        release = self.release = threading.Event()
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        status, kind, canned = answer or (200, "application/sparql-results+json", self.EMPTY)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.bodies.append(self.rfile.read(length))
                outer.headers.append(dict(self.headers.items()))
                outer.paths.append(self.path)
                if release.wait(delay):
                    return
                body = canned + b" " * (0 if trickle is None else 200)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if trickle is None:
                        self.wfile.write(body)
                        return
                    for byte in body:
                        if release.wait(trickle):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except OSError:
                    pass  # the client gave up, as it should

            do_GET = do_POST = do_PUT = _answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def genai_kg_program() -> str:
    """The installed console script (the CLI has no ``__main__``)."""
    beside = Path(sys.executable).parent / "genai-kg"
    if beside.is_file():
        return str(beside)
    found = shutil.which("genai-kg")
    assert found, "the genai-kg console script is not installed"
    return found


def run_cli(
    args: Sequence[str], store: Path, *, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``genai-kg ARGS --data tests/data/tiny --store STORE`` as a real process."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [genai_kg_program(), *args, "--data", str(TINY), "--store", str(store)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def wait_until(predicate: Any, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
