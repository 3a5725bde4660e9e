"""A query worker process: the store open read-only, one request at a time from its pipe.

``web.pool`` starts, feeds and replaces these; what runs here is the query (the same check
as the CLI's, ``run_query``), its cap, and the answer written in the client's format.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from genai_kg.web.protocol import MEDIA, Operation, not_acceptable


class Answer(NamedTuple):
    """What a worker gave back: a body and its media type, or an error status and message.

    A tuple, so that it crosses the pipe as one (a dataclass pickled and rebuilt cost ten
    times as much, per answer, in the server's main process).
    """

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"
    truncated: bool = False
    #: The worker ends after this answer (it went past the memory cap): replace it.
    worker_ends: bool = False

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, (message + "\n").encode("utf-8"))


def work(store_path: str, connection: Connection, max_memory: int | None = None) -> None:
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
            send(connection, Answer.error(503, message)._replace(worker_ends=True))
            os._exit(1)  # the main thread is inside the query: only the process can end it

    # The store path is a link that each import switches to a new database (and the old one
    # is then removed): follow it before every query, so that answers come from the live one.
    link = Path(store_path)
    opened = _target(link)
    store = ox.Store.read_only(str(link.resolve()))
    graphs = _graphs(store)  # a read-only database's graphs never change: listed once
    while True:
        try:
            request = receive(connection)
        except EOFError:
            return
        try:
            live = _target(link)
            if live != opened:
                store, opened = ox.Store.read_only(str(link.resolve())), live
                graphs = _graphs(store)
            querying[0] = True
            with WATCHDOG.armed(math.inf, _nothing, max_memory, over_memory):
                answer = _answer(ox, store, graphs, request)
        except Exception:  # noqa: BLE001 -- the client gets no internals
            answer = Answer.error(500, "the query failed inside the server")
        with answering:
            querying[0] = False
            send(connection, answer)


def send(connection: Connection, message: object) -> None:
    # plain pickle: the pipe's own (ForkingPickler, for handles and sockets) costs more
    connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def receive(connection: Connection) -> Any:
    return pickle.loads(connection.recv_bytes())  # noqa: S301 -- the pool's own processes


def _target(link: Path) -> str:
    """What the store link names now: one ``readlink`` (a tenth of ``resolve``'s cost).

    Every switch links a database folder of a new name, so the name tells a switch.
    """
    try:
        return os.readlink(link)
    except OSError:  # not a link: a database folder itself
        return str(link.resolve())


def _graphs(store: Any) -> frozenset[str]:
    return frozenset(graph.value for graph in store.named_graphs())


def _nothing() -> None:
    """The deadline's callback: the pool times queries out, by killing the worker."""


def _answer(ox: Any, store: Any, graphs: frozenset[str], request: tuple[Any, ...]) -> Answer:
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
            graphs=graphs,
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
        body = format_result(result, fmt, compact=True).encode("utf-8")
    return Answer(200, body, MEDIA[fmt], result.truncated)
