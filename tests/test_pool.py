"""The query worker pool, shared by threads (the explorer's pages) and the event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import TINY
from genai_kg.store.database import open_store, store_dir
from genai_kg.web.pool import WorkerPool
from genai_kg.web.protocol import Operation

COUNT = Operation(query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
RUNAWAY = Operation(query="SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[WorkerPool]:
    open_store(TINY, tmp_path / "store")
    one = WorkerPool(store_dir(TINY, tmp_path / "store") / "oxigraph", 1, 10.0, 100)
    try:
        yield one
    finally:
        one.close()


def test_threads_and_the_event_loop_take_turns_on_one_worker(pool: WorkerPool) -> None:
    async def together() -> list[int]:
        threads = [asyncio.to_thread(pool.run, COUNT) for _ in range(4)]
        awaited = [pool.run_async(COUNT) for _ in range(4)]
        answers = await asyncio.gather(*threads, *awaited)
        assert len({answer.body for answer in answers}) == 1
        return [answer.status for answer in answers]

    assert asyncio.run(together()) == [200] * 8


def test_a_request_cancelled_mid_query_leaves_a_working_pool(pool: WorkerPool) -> None:
    async def cancel_then_ask() -> int:
        running = asyncio.create_task(pool.run_async(RUNAWAY))
        await asyncio.sleep(0.5)  # the worker is inside the query
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        return (await pool.run_async(COUNT)).status

    assert asyncio.run(cancel_then_ask()) == 200


def test_a_query_past_the_timeout_is_503_and_the_next_is_answered(tmp_path: Path) -> None:
    open_store(TINY, tmp_path / "store")
    pool = WorkerPool(store_dir(TINY, tmp_path / "store") / "oxigraph", 1, 1.0, 100)
    try:

        async def overrun_then_ask() -> tuple[int, int]:
            late = await pool.run_async(RUNAWAY)
            return late.status, (await pool.run_async(COUNT)).status

        assert asyncio.run(overrun_then_ask()) == (503, 200)
    finally:
        pool.close()
