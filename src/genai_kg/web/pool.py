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
import multiprocessing
import os
import pickle
import queue
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from genai_kg.web.protocol import Operation
from genai_kg.web.worker import Answer, receive, result_answer, send, work

__all__ = ["Answer", "WorkerPool", "result_answer"]


class _Worker:
    def __init__(self, context: Any, store_path: Path, max_memory: int | None = None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=work, args=(str(store_path), child, max_memory), daemon=True
        )
        self.process.start()
        child.close()

    def ask(self, request: tuple[Any, ...], timeout: float) -> Answer | None:
        """Send one request; return the answer, or None after killing a worker that overran."""
        send(self.connection, request)
        if self.connection.poll(timeout):
            answer: Answer = receive(self.connection)
            return answer
        self.close()
        return None

    async def ask_async(self, request: tuple[Any, ...], timeout: float) -> Answer | None:
        """``ask`` from the event loop: the answer is read as the pipe becomes readable."""
        loop = asyncio.get_running_loop()
        send(self.connection, request)  # a few hundred bytes to a worker that waits for them
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
                if _running_loop() is loop:  # a worker the loop gives back: no wake-up call
                    loop.call_soon(self._hand, given, worker)
                else:
                    loop.call_soon_threadsafe(self._hand, given, worker)
                return True

            self.waiting.append(give)
        late = loop.call_later(timeout, _expire, given)
        try:
            return await given
        except TimeoutError:
            return None
        finally:
            late.cancel()

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


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


_BUSY = Answer.error(503, "the server is busy; try again shortly")
