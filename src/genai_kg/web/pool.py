"""Query worker processes: each holds the store open read-only and answers one query at a time.

A slow query stalls neither the server nor other queries, and a query past its time limit is
stopped for real: its worker is killed and replaced. Workers follow the store to the new
database an import or a curated refresh switches it to, so the server answers from imports
made and data edited while it runs.
Every query passes the same check as the CLI (``run_query``); results are capped.

The web app asks from its event loop (``run_async``): a request is written to the worker's
pipe and the answer read back when the loop sees the pipe readable, with no thread in
between (a thread hop per query cost more than the query; ``bench/bench_serve.py``).
Threads (the explorer's pages) ask with ``run``, from the same idle workers.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import math
import multiprocessing
import os
import pickle
import queue
import signal
import struct
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
            _send(connection, dataclasses.replace(Answer.error(503, message), worker_ends=True))
            os._exit(1)  # the main thread is inside the query: only the process can end it

    # The store path is a link that each import switches to a new database (and the old one
    # is then removed): follow it before every query, so that answers come from the live one.
    link = Path(store_path)
    opened = _target(link)
    store = ox.Store.read_only(str(link.resolve()))
    while True:
        try:
            request = _receive(connection)
        except EOFError:
            return
        try:
            live = _target(link)
            if live != opened:
                store, opened = ox.Store.read_only(str(link.resolve())), live
            querying[0] = True
            with WATCHDOG.armed(math.inf, _nothing, max_memory, over_memory):
                answer = _answer(ox, store, request)
        except Exception:  # noqa: BLE001 -- the client gets no internals
            answer = Answer.error(500, "the query failed inside the server")
        with answering:
            querying[0] = False
            _send(connection, answer)


def _send(connection: Connection, message: object) -> None:
    # plain pickle: the pipe's own (ForkingPickler, for handles and sockets) costs more
    connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def _receive(connection: Connection) -> Any:
    return pickle.loads(connection.recv_bytes())  # noqa: S301 -- the pool's own processes


def _target(link: Path) -> str:
    """What the store link names now: one ``readlink`` (a tenth of ``resolve``'s cost).

    Every switch links a database folder of a new name, so the name tells a switch.
    """
    try:
        return os.readlink(link)
    except OSError:  # not a link: a database folder itself
        return str(link.resolve())


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
        body = format_result(result, fmt, compact=True).encode("utf-8")
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
        _send(self.connection, request)
        if self.connection.poll(timeout):
            answer: Answer = _receive(self.connection)
            return answer
        self.close()
        return None

    async def ask_async(self, request: tuple[Any, ...], timeout: float) -> Answer | None:
        """``ask`` from the event loop: the answer is read as the pipe becomes readable."""
        loop = asyncio.get_running_loop()
        _send(self.connection, request)  # a few hundred bytes to a worker that waits for them
        frame = _Frame(loop)
        fd = self.connection.fileno()
        loop.add_reader(fd, frame.read, fd)
        late = loop.call_later(timeout, frame.expire)
        try:
            body = await frame.done
        except TimeoutError:
            self.close()
            return None
        except BaseException:  # cancelled, or the worker died: its pipe is in an unknown state
            self.close()
            raise
        finally:
            late.cancel()
            loop.remove_reader(fd)
        answer: Answer = pickle.loads(body)  # noqa: S301 -- our own worker wrote it
        return answer

    def close(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join()


class _Frame:
    """One message of a ``multiprocessing`` pipe, read in pieces without blocking.

    The pipe's framing: a 4-byte big-endian length (-1: an 8-byte length follows), then the
    pickled message.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.done: asyncio.Future[bytes] = loop.create_future()
        self.buffer = bytearray()

    def expire(self) -> None:
        if not self.done.done():
            self.done.set_exception(TimeoutError())

    def read(self, fd: int) -> None:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if self.done.done():
            return
        if not chunk:
            self.done.set_exception(EOFError("the worker's pipe closed"))
            return
        self.buffer += chunk
        if len(self.buffer) < 4:
            return
        (size,) = struct.unpack_from("!i", self.buffer)
        start = 4
        if size == -1:
            if len(self.buffer) < 12:
                return
            (size,) = struct.unpack_from("!Q", self.buffer, 4)
            start = 12
        if len(self.buffer) >= start + size:
            self.done.set_result(bytes(self.buffer[start : start + size]))


class WorkerPool:
    """A fixed number of query workers; a killed worker is replaced at once.

    ``run_async`` waits on the event loop, ``run`` blocks its calling thread, until a worker
    is free and has answered, so at most ``workers`` queries run at once; a request that
    finds none free within the timeout gets 503.
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
        self.lock = threading.Lock()
        self.idle = [self._new_worker() for _ in range(workers)]
        #: Requests waiting for a worker, first come first served: each takes one or declines.
        self.waiting: collections.deque[Callable[[_Worker], bool]] = collections.deque()

    def run(self, operation: Operation) -> Answer:
        """Answer a query: its results in the format the client takes, or an error."""
        return self._ask(("query", operation, self.max_rows))

    def describe(self, endpoint: str, fmt: str) -> Answer:
        """The SPARQL service description of ``endpoint`` (its URL), in RDF format ``fmt``."""
        return self._ask(("describe", (endpoint, fmt), self.max_rows))

    async def run_async(self, operation: Operation) -> Answer:
        """``run`` from the event loop, which serves other requests meanwhile."""
        return await self._ask_async(("query", operation, self.max_rows))

    async def describe_async(self, endpoint: str, fmt: str) -> Answer:
        """``describe`` from the event loop."""
        return await self._ask_async(("describe", (endpoint, fmt), self.max_rows))

    def _ask(self, request: tuple[Any, ...]) -> Answer:
        if self.before is not None:
            self.before()
        worker = self._take(self.timeout)
        if worker is None:
            return _BUSY
        return self._settle(worker, worker.ask(request, self.timeout))

    async def _ask_async(self, request: tuple[Any, ...]) -> Answer:
        if self.before is not None:
            stale = getattr(self.before, "stale", None)
            if stale is None or stale():  # a refresh of the store takes seconds: not here
                await asyncio.to_thread(self.before)
        worker = await self._take_async(self.timeout)
        if worker is None:
            return _BUSY
        try:
            answer = await worker.ask_async(request, self.timeout)
        except EOFError:  # the worker died (killed from outside, out of memory)
            self._release(self._new_worker())
            return Answer.error(500, "the query failed inside the server")
        except BaseException:
            self._release(self._new_worker())
            raise
        return self._settle(worker, answer)

    def _settle(self, worker: _Worker, answer: Answer | None) -> Answer:
        """Give ``worker`` back (a new one if it overran or ends) and return the answer."""
        if answer is None:
            worker = self._new_worker()
            answer = Answer.error(503, f"the query did not finish within {self.timeout:g} s")
        elif answer.worker_ends:
            worker.close()
            worker = self._new_worker()
        self._release(worker)
        return answer

    def _take(self, timeout: float) -> _Worker | None:
        """An idle worker, waiting on this thread up to ``timeout`` s for one (None: none)."""
        slot: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        open_ = [True]

        def give(worker: _Worker) -> bool:  # called with the lock held
            if open_[0]:
                slot.put(worker)
            return open_[0]

        with self.lock:
            if self.idle:
                return self.idle.pop()
            self.waiting.append(give)
        try:
            return slot.get(timeout=timeout)
        except queue.Empty:
            with self.lock:
                open_[0] = False
            try:  # given one just before the lock closed the slot
                return slot.get_nowait()
            except queue.Empty:
                return None

    async def _take_async(self, timeout: float) -> _Worker | None:
        """``_take`` on the event loop."""
        loop = asyncio.get_running_loop()
        with self.lock:
            if self.idle:
                return self.idle.pop()
            given: asyncio.Future[_Worker] = loop.create_future()

            def give(worker: _Worker) -> bool:  # called with the lock held, from any thread
                if given.done():
                    return False
                loop.call_soon_threadsafe(self._hand, given, worker)
                return True

            self.waiting.append(give)
        try:
            return await asyncio.wait_for(given, timeout)
        except TimeoutError:
            return None

    def _hand(self, given: asyncio.Future[_Worker], worker: _Worker) -> None:
        if given.done():  # the request timed out or went away meanwhile: the next one
            self._release(worker)
        else:
            given.set_result(worker)

    def _release(self, worker: _Worker) -> None:
        with self.lock:
            while self.waiting:
                if self.waiting.popleft()(worker):
                    return
            self.idle.append(worker)

    def _new_worker(self) -> _Worker:
        return _Worker(self.context, self.store_path, self.max_memory)

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.close()


_BUSY = Answer.error(503, "the server is busy; try again shortly")
