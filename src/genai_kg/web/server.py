"""A read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` over the embedded store.

Queries run in a pool of worker processes, each with the store open read-only, so that a slow
query stalls neither the server nor other queries, and a query past its time limit is stopped
for real: its worker is killed and replaced. Workers follow the store to the new database an
import switches it to, so the server answers from imports made while it runs. Every query
passes the same check as the CLI (no SERVICE, LOAD, updates or FROM outside the store); results
are capped; errors tell the client what was wrong with its query and nothing about the server.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger("genai_kg.web.server")

#: Accept types -> result format; the first is the default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPE = "application/n-triples"
MAX_QUERY_BYTES = 1 << 20


@dataclass(frozen=True)
class ServerSettings:
    store_path: Path
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    cors_origin: str | None = None


def _work(store_path: str, connection: Connection) -> None:
    """Worker process: answer queries from the pipe until it closes."""
    import pyoxigraph as ox

    from genai_kg.errors import QueryError
    from genai_kg.query.results import format_result
    from genai_kg.query.sparql import run_query

    # The store path is a link that each import switches to a new database (and the old one
    # is then removed): follow it before every query, so that answers come from the live one.
    link = Path(store_path)
    opened = link.resolve()
    store = ox.Store.read_only(str(opened))
    while True:
        try:
            text, fmt, limit = connection.recv()
        except EOFError:
            return
        try:
            live = link.resolve()
            if live != opened:
                store, opened = ox.Store.read_only(str(live)), live
            result = run_query(store, text, limit=limit)
            body = format_result(result, fmt)
            kind = GRAPH_TYPE if result.kind == "graph" else fmt
            connection.send(("ok", body.encode("utf-8"), kind, result.truncated))
        except QueryError as exc:
            connection.send(("error", 400, str(exc), False))
        except Exception:  # noqa: BLE001 -- the client gets no internals; the log gets nothing either
            connection.send(("error", 500, "the query failed inside the server", False))


class _Worker:
    def __init__(self, context: Any, store_path: Path) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_work, args=(str(store_path), child), daemon=True)
        self.process.start()
        child.close()

    def ask(self, request: tuple[str, str, int], timeout: float) -> tuple[Any, ...] | None:
        """Send one query; return the answer, or None after killing a worker that overran."""
        self.connection.send(request)
        if self.connection.poll(timeout):
            answer: tuple[Any, ...] = self.connection.recv()
            return answer
        self.process.kill()
        self.process.join()
        return None

    def close(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join()


class WorkerPool:
    """A fixed number of query workers; a killed worker is replaced at once."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(settings.workers):
            self.idle.put(_Worker(self.context, settings.store_path))

    def run(self, text: str, fmt: str) -> tuple[Any, ...]:
        try:
            worker = self.idle.get(timeout=self.settings.timeout)
        except queue.Empty:
            return ("error", 503, "the server is busy; try again shortly", False)
        answer = worker.ask((text, fmt, self.settings.max_rows), self.settings.timeout)
        if answer is None:
            worker.close()
            worker = _Worker(self.context, self.settings.store_path)
            answer = (
                "error",
                503,
                f"the query did not finish within {self.settings.timeout:g} s",
                False,
            )
        self.idle.put(worker)
        return answer

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()


class SparqlHandler(BaseHTTPRequestHandler):
    server_version = "genai-kg"
    sys_version = ""  # do not advertise the Python version
    pool: WorkerPool
    settings: ServerSettings

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- the base's name
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802 -- the base class's name
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(404, "text/plain", b"genai-kg: the SPARQL endpoint is at /sparql\n")
        params = urllib.parse.parse_qs(url.query)
        self._answer(params.get("query", [None])[0], params)

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._send(404, "text/plain", b"genai-kg: the SPARQL endpoint is at /sparql\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            return self._error(413, f"the query is larger than {MAX_QUERY_BYTES} bytes")
        body = self.rfile.read(length).decode("utf-8", "replace")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        params = urllib.parse.parse_qs(url.query)
        if content_type == "application/sparql-query":
            return self._answer(body, params)
        if content_type == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            return self._answer(form.get("query", [None])[0], form | params)
        if content_type == "application/sparql-update":
            return self._error(403, "this endpoint is read-only: updates are refused")
        return self._error(415, f"unsupported Content-Type {content_type!r}")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(204, "text/plain", b"")

    def _answer(self, query: str | None, params: dict[str, list[str]]) -> None:
        if "update" in params:
            return self._error(403, "this endpoint is read-only: updates are refused")
        if not query:
            return self._error(400, "no query: send ?query=... or POST a query")
        fmt = self._negotiate()
        if fmt is None:
            return self._error(
                406, "acceptable types: " + ", ".join(RESULT_TYPES) + ", " + GRAPH_TYPE
            )
        status, *rest = self.pool.run(query, fmt)
        if status == "ok":
            body, kind, truncated = rest
            media = GRAPH_TYPE if kind == GRAPH_TYPE else _media_type(kind)
            extra = {"X-Result-Truncated": "true"} if truncated else {}
            return self._send(200, media, body, extra)
        code, message, _ = rest
        self._error(code, message)

    def _negotiate(self) -> str | None:
        accept = self.headers.get("Accept") or "*/*"
        ranked = []
        for part in accept.split(","):
            media, *options = (item.strip() for item in part.split(";"))
            quality = 1.0
            for option in options:
                if option.startswith("q="):
                    try:
                        quality = float(option[2:])
                    except ValueError:
                        quality = 0.0
            ranked.append((quality, media))
        for quality, media in sorted(ranked, key=lambda item: -item[0]):
            if quality <= 0:
                continue
            if media in ("*/*", "application/*", GRAPH_TYPE):
                return "json"
            if media in RESULT_TYPES:
                return RESULT_TYPES[media]
        return None

    def _error(self, code: int, message: str) -> None:
        self._send(code, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(
        self, code: int, media: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if self.settings.cors_origin:
            self.send_header("Access-Control-Allow-Origin", self.settings.cors_origin)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _media_type(fmt: str) -> str:
    return {
        "json": "application/sparql-results+json",
        "csv": "text/csv; charset=utf-8",
        "tsv": "text/tab-separated-values; charset=utf-8",
    }[fmt]


def make_server(
    host: str, port: int, settings: ServerSettings
) -> tuple[ThreadingHTTPServer, WorkerPool]:
    """Return a ready (not yet serving) HTTP server and its worker pool."""
    pool = WorkerPool(settings)
    handler = type("Handler", (SparqlHandler,), {"pool": pool, "settings": settings})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError:
        pool.close()
        raise
    server.daemon_threads = True
    return server, pool


def serve_forever(server: ThreadingHTTPServer, pool: WorkerPool) -> None:
    """Serve until interrupted (or ``server.shutdown()``), then stop the workers."""
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        pool.close()
