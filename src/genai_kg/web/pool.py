"""Query worker processes: each holds the store open read-only and answers one query at a time.

A slow query stalls neither the server nor other queries, and a query past its time limit is
stopped for real: its worker is killed and replaced. Workers follow the store to the new
database an import or a curated refresh switches it to, so the server answers from imports
made and data edited while it runs.
Every query passes the same check as the CLI (``run_query``); results are capped.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import queue
import signal
import threading
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
    #: The worker ends after this answer (it went past the memory cap): replace it.
    worker_ends: bool = False

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, (message + "\n").encode("utf-8"))


def _work(store_path: str, connection: Connection, max_memory: int | None = None) -> None:
    """Worker process: answer requests from the pipe until it closes.

    Past ``max_memory`` bytes (the process's resident memory) during a query, the worker
    answers 503 and ends at once: pyoxigraph cannot stop a query, and the memory it holds
    is only given back with the process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    import pyoxigraph as ox

    from genai_kg.query.deadline import WATCHDOG

    answering = threading.Lock()  # one answer per request, from one thread or the other
    querying = [False]

    def over_memory() -> None:
        with answering:
            if not querying[0]:
                return  # the query ended just now, and its answer is on its way
            shown = f"{(max_memory or 0) / 2**20:,.0f} MB"
            message = f"the query needed more than {shown} of memory (--max-memory); it was stopped"
            connection.send(dataclasses.replace(Answer.error(503, message), worker_ends=True))
            os._exit(1)  # the main thread is inside the query: only the process can end it

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
            querying[0] = True
            with WATCHDOG.armed(math.inf, _nothing, max_memory, over_memory):
                answer = _answer(ox, store, request)
        except Exception:  # noqa: BLE001 -- the client gets no internals
            answer = Answer.error(500, "the query failed inside the server")
        with answering:
            querying[0] = False
            connection.send(answer)


def _nothing() -> None:
    """The deadline's callback: the pool times queries out, by killing the worker."""


def _answer(ox: Any, store: Any, request: tuple[Any, ...]) -> Answer:
    from genai_kg.errors import QueryError
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
    return result_answer(result, operation)


def result_answer(result: Any, operation: Operation) -> Answer:
    """A query's result written in the format the client takes (406 if it takes none)."""
    from genai_kg.query.results import format_result, write_graph

    fmt = operation.graph_format if result.kind == "graph" else operation.result_format
    if fmt is None:
        return Answer.error(406, not_acceptable(result.kind))
    if result.kind == "graph":
        body = write_graph(result.triples, fmt)
    else:
        body = format_result(result, fmt).encode("utf-8")
    return Answer(200, body, MEDIA[fmt], result.truncated)


class _Worker:
    def __init__(self, context: Any, store_path: Path, max_memory: int | None = None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_work, args=(str(store_path), child, max_memory), daemon=True
        )
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
        max_memory: int | None = None,
    ) -> None:
        self.store_path = store_path
        self.max_memory = max_memory
        #: Run before each query: brings the store up to the data (``store.follow_data``).
        self.before = before
        self.timeout = timeout
        self.max_rows = max_rows
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self.idle.put(self._new_worker())

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
            worker = self._new_worker()
            answer = Answer.error(503, f"the query did not finish within {self.timeout:g} s")
        elif answer.worker_ends:
            worker.close()
            worker = self._new_worker()
        self.idle.put(worker)
        return answer

    def _new_worker(self) -> _Worker:
        return _Worker(self.context, self.store_path, self.max_memory)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()
