"""Running a query within a time limit and a memory cap.

pyoxigraph cannot cancel a query it is evaluating, so the limits work around it: a worker
thread the caller can abandon (``WORKER``), or a watchdog that ends the process (``WATCHDOG``,
for the CLI).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from genai_kg.errors import QueryTimeout

_Job = tuple[float, Callable[[], None], tuple[int, Callable[[], None]] | None]


class Worker:
    """One daemon thread that runs queries in turn; replaced when a query overruns."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: queue.SimpleQueue[tuple[Any, dict[str, Any], threading.Event]] | None = None

    def _start(self) -> queue.SimpleQueue[tuple[Any, dict[str, Any], threading.Event]]:
        jobs: queue.SimpleQueue[tuple[Any, dict[str, Any], threading.Event]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, args=(jobs,), daemon=True).start()
        return jobs

    @staticmethod
    def _serve(jobs: queue.SimpleQueue[tuple[Any, dict[str, Any], threading.Event]]) -> None:
        while True:
            function, outcome, done = jobs.get()
            try:
                outcome["result"] = function()
            except BaseException as exc:  # noqa: BLE001 -- handed back to the caller's thread
                outcome["error"] = exc
            done.set()

    def run(self, function: Any, timeout: float) -> Any:
        outcome: dict[str, Any] = {}
        done = threading.Event()
        with self.lock:  # one query at a time per worker: callers queue here, not behind a hung one
            if self.jobs is None:
                self.jobs = self._start()
            self.jobs.put((function, outcome, done))
            if not done.wait(timeout):
                self.jobs = None  # abandon the busy thread; the next query gets a fresh one
                raise QueryTimeout(f"the query did not finish within {timeout:g} s (--timeout)")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]


WORKER = Worker()


class Watchdog:
    """A daemon thread that calls a job's callback once its deadline has passed.

    Arming and disarming only set an attribute, so a query pays no thread hand-off; the
    thread looks every ``TICK`` seconds, which bounds how late a timeout can fire.
    """

    TICK = 0.05

    def __init__(self) -> None:
        self.job: _Job | None = None
        self.thread: threading.Thread | None = None

    @contextlib.contextmanager
    def armed(
        self,
        timeout: float,
        callback: Callable[[], None],
        max_memory: int | None = None,
        on_memory: Callable[[], None] | None = None,
    ) -> Iterator[None]:
        if self.thread is None:
            self.thread = threading.Thread(target=self._watch, daemon=True)
            self.thread.start()
        memory = (max_memory, on_memory) if max_memory and on_memory else None
        self.job = (time.monotonic() + timeout, callback, memory)
        try:
            yield
        finally:
            self.job = None

    def _watch(self) -> None:
        while True:
            time.sleep(self.TICK)
            job = self.job
            if job is None:
                continue
            deadline, callback, memory = job
            if time.monotonic() >= deadline:
                self.job = None
                callback()
            elif memory is not None and resident_memory() > memory[0]:
                self.job = None
                memory[1]()


def resident_memory() -> int:
    """Return the bytes of memory this process holds now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


WATCHDOG = Watchdog()


#: A watched query: its deadline and what to call then; its memory cap and what to call then.
