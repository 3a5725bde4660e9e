"""Query worker processes: each holds the store open read-only and answers one query at a time.

A slow query stalls neither the server nor other queries, and a query past its time limit is
stopped for real: its worker is killed and replaced. Workers follow the store to the new
database an import or a curated refresh switches it to, so the server answers from imports
made and data edited while it runs.
Every query passes the same check as the CLI (``run_query``); results are capped.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from genai_kg.web.protocol import MEDIA, Operation, not_acceptable


@dataclass(frozen=True)
class Answer:
    """What a worker gave back: a body and its media type, or an error status and message."""

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    truncated: bool = False

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, (message + "\n").encode("utf-8"))


def _work(store_path: str, connection: Connection) -> None:
    """Worker process: answer requests from the pipe until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    import pyoxigraph as ox

    # The store path is a link that each import switches to a new database (and the old one
    # is then removed): follow it before every query, so that answers come from the live one.
    link = Path(store_path)
    opened = link.resolve()
    store = ox.Store.read_only(str(opened))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        try:
            live = link.resolve()
            if live != opened:
                store, opened = ox.Store.read_only(str(live)), live
            connection.send(_answer(ox, store, request))
        except Exception:  # noqa: BLE001 -- the client gets no internals
            connection.send(Answer.error(500, "the query failed inside the server"))


def _answer(ox: Any, store: Any, request: tuple[Any, ...]) -> Answer:
    from genai_kg.errors import QueryError
    from genai_kg.query.results import format_result, write_graph
    from genai_kg.query.sparql import run_query

    what, operation, limit = request
    if what == "describe":
        from genai_kg.web.description import describe_service

        endpoint, fmt = operation
        return Answer(200, describe_service(ox, store, endpoint, fmt), MEDIA[fmt])
    assert isinstance(operation, Operation)
    try:
        result = run_query(
            store,
            operation.query or "",
            limit=limit,
            default_graphs=operation.default_graphs if operation.has_dataset else None,
            named_graphs=operation.named_graphs if operation.has_dataset else None,
        )
    except QueryError as exc:
        return Answer.error(400, str(exc))
    fmt = operation.graph_format if result.kind == "graph" else operation.result_format
    if fmt is None:
        return Answer.error(406, not_acceptable(result.kind))
    if result.kind == "graph":
        body = write_graph(result.triples, fmt)
    else:
        body = format_result(result, fmt).encode("utf-8")
    return Answer(200, body, MEDIA[fmt], result.truncated)


class _Worker:
    def __init__(self, context: Any, store_path: Path) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_work, args=(str(store_path), child), daemon=True)
        self.process.start()
        child.close()

    def ask(self, request: tuple[Any, ...], timeout: float) -> Answer | None:
        """Send one request; return the answer, or None after killing a worker that overran."""
        self.connection.send(request)
        if self.connection.poll(timeout):
            answer: Answer = self.connection.recv()
            return answer
        self.close()
        return None

    def close(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join()


class WorkerPool:
    """A fixed number of query workers; a killed worker is replaced at once.

    ``run`` blocks its calling thread until a worker is free and has answered (the web app
    calls it from a thread pool), so at most ``workers`` queries run at once.
    """

    def __init__(
        self,
        store_path: Path,
        workers: int,
        timeout: float,
        max_rows: int,
        before: Callable[[], None] | None = None,
    ) -> None:
        self.store_path = store_path
        #: Run before each query: brings the store up to the data (``store.follow_data``).
        self.before = before
        self.timeout = timeout
        self.max_rows = max_rows
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self.idle.put(_Worker(self.context, store_path))

    def run(self, operation: Operation) -> Answer:
        """Answer a query: its results in the format the client takes, or an error."""
        return self._ask(("query", operation, self.max_rows))

    def describe(self, endpoint: str, fmt: str) -> Answer:
        """The SPARQL service description of ``endpoint`` (its URL), in RDF format ``fmt``."""
        return self._ask(("describe", (endpoint, fmt), self.max_rows))

    def _ask(self, request: tuple[Any, ...]) -> Answer:
        if self.before is not None:
            self.before()
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer.error(503, "the server is busy; try again shortly")
        answer = worker.ask(request, self.timeout)
        if answer is None:
            worker = _Worker(self.context, self.store_path)
            answer = Answer.error(503, f"the query did not finish within {self.timeout:g} s")
        self.idle.put(worker)
        return answer

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()
