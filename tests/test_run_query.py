"""sparql.run_query: the worker thread behind --timeout, and the safety check's memo."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from genai_kg.errors import QueryError, QueryTimeout
from genai_kg.query.sparql import run_query

EX = "http://example.org/"
# A product of the store with itself: about a second of work, so that the abandoned worker
# does not keep a core busy for the rest of the session.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d FILTER(STR(?b) < STR(?d)) }"
FAST = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b }"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode(EX + "g")
    store.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), graph)
        for i in range(2000)
    )
    return store


def _count(store: ox.Store, text: str, timeout: float | None) -> int:
    result = run_query(store, text, timeout=timeout)
    return int(result.rows[0][0].value)


def test_a_query_past_its_time_limit_raises_and_the_next_one_runs(store: ox.Store) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not finish within 0.2 s"):
        run_query(store, SLOW, timeout=0.2)
    assert time.monotonic() - started < 5, "the timeout was not honoured"
    # The overrunning worker is abandoned; the next query gets a fresh one at once.
    assert _count(store, FAST, timeout=5) == 2000


def test_with_and_without_a_timeout_give_the_same_answer(store: ox.Store) -> None:
    assert _count(store, FAST, timeout=None) == _count(store, FAST, timeout=5) == 2000


@pytest.mark.parametrize("timeout", [None, 5.0], ids=["no-timeout", "worker-thread"])
def test_errors_come_back_to_the_caller(store: ox.Store, timeout: float | None) -> None:
    with pytest.raises(QueryError, match=r"syntax error: error at 1:\d+"):
        run_query(store, "SELECT * WHERE { ?s ?p }", timeout=timeout)


def test_a_refused_query_stays_refused(store: ox.Store) -> None:
    """Only queries that passed the check are remembered, never a refusal."""
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    for _ in range(2):
        with pytest.raises(QueryError, match="SERVICE"):
            run_query(store, text)


def test_a_passed_check_is_redone_when_the_graphs_change() -> None:
    """FROM is allowed for the store's graphs only; the memo is keyed by those graphs."""
    store = ox.Store()
    text = f"SELECT * FROM <{EX}g> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(QueryError, match="names no graph of the store"):
        run_query(store, text)
    store.add(
        ox.Quad(
            ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"), ox.NamedNode(EX + "g")
        )
    )
    assert run_query(store, text).kind == "select"
    other = ox.Store()
    with pytest.raises(QueryError, match="names no graph of the store"):
        run_query(other, text)


def test_the_watchdog_fires_for_a_slow_query_and_not_for_a_fast_one(store: ox.Store) -> None:
    """With ``on_timeout`` (the CLI's way) the query runs on the caller's thread, watched."""
    import threading

    fired = threading.Event()
    assert _count_watched(store, FAST, fired) == 2000
    time.sleep(0.3)
    assert not fired.is_set(), "the watchdog fired for a query that finished in time"
    started = time.monotonic()
    run_query(store, SLOW, timeout=0.2, on_timeout=fired.set)  # the callback here cannot exit
    assert fired.is_set(), "the watchdog did not fire for a query past its time limit"
    assert fired.wait(0) and time.monotonic() - started > 0.2


def _count_watched(store: ox.Store, text: str, fired) -> int:  # type: ignore[no-untyped-def]
    result = run_query(store, text, timeout=0.2, on_timeout=fired.set)
    return int(result.rows[0][0].value)
