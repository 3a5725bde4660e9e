"""The embedded store: a pyoxigraph database on disk, kept in step with the dataset.

A store folder holds:

- ``oxigraph``: a link to the live database folder ``oxigraph-<stamp>/``. The curated
  graph is its named graph ``CURATED_GRAPH``; imports (ESCO, O*NET, OEWS) add named
  graphs of their own. Queries see the union.
- ``snapshots-<stamp>/``: Turtle snapshots of that database's large graphs, which exports
  copy instead of reading the graphs back out (see ``snapshots.py``).
- ``fingerprint``: SHA-256 of the dataset files the curated graph was built from.
- ``catalog.json``: the planner's compact index of the same data, written by
  ``plan.catalog.open_catalog`` with its own fingerprint, so ``path``, ``gap`` and ``next``
  never open the database.
- ``lock``: held by whichever command is writing.

Replacing a graph never leaves it half written. Every change (an import, or the curated
graph's refresh when the data changes) makes a new database folder and switches the
``oxigraph`` link to it with one atomic rename, so readers see the old database or the new one
(``replace.py``: a small graph by one SPARQL update in a linked copy of the live database, a
large one by bulk-loading a new database). A failed or interrupted change leaves the live
database as it was; the next writer removes what it left.

The default folder is ``<cache>/store-<hash of the data folder's path>``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genai_kg.dataset.fingerprint import fingerprint
from genai_kg.errors import GenaiKgError
from genai_kg.graph.namespaces import CURATED_GRAPH, GRAPH_BASE, IMPORT_SOURCES
from genai_kg.paths import DATASET_FILES, atomic_write, cache_dir
from genai_kg.progress import Progress, no_progress
from genai_kg.store import replace
from genai_kg.store.replace import (
    LIVE,
    graph_size,
    rebuild,
    snapshot_folder,
    update_copy,
    writer_lock,
)

if TYPE_CHECKING:
    import pyoxigraph

    from genai_kg.graph.build import Built


def imported_sources(store: pyoxigraph.Store) -> set[str]:
    """Return the official releases ("esco", "onet", "oews") imported into ``store``."""
    graphs = {graph.value for graph in store.named_graphs()}
    return {source for source in IMPORT_SOURCES if GRAPH_BASE + source in graphs}


def store_dir(data: Path, store: Path | None) -> Path:
    """Return the store folder of the dataset at ``data`` (``store`` when given)."""
    if store is not None:
        return store
    key = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"store-{key}"


def open_store(
    data: Path, store: Path | None = None, built: Built | None = None
) -> pyoxigraph.Store:
    """Return the store of ``data`` opened read-only, bringing its curated graph up to date.

    ``built``: the dataset already checked and built by the caller, if it has it.
    """
    return _open_live(data, store, built)[0]


def open_with_snapshots(
    data: Path, store: Path | None = None, built: Built | None = None
) -> tuple[pyoxigraph.Store, dict[str, Path]]:
    """Return the store of ``data`` opened read-only and its usable Turtle snapshots.

    The snapshots (graph IRI -> file) are those of the very database opened, even if an
    import switches the store to a new one meanwhile.
    """
    from genai_kg.store.snapshots import usable_snapshots

    opened, database = _open_live(data, store, built)
    return opened, usable_snapshots(snapshot_folder(database), opened)


def _open_live(
    data: Path, store: Path | None, built: Built | None
) -> tuple[pyoxigraph.Store, Path]:
    """Open the live database read-only; return it and the folder it was opened from."""
    import pyoxigraph as ox

    folder = store_dir(data, store)
    ensure_curated(data, folder, built)
    database = (folder / LIVE).resolve()
    try:
        return ox.Store.read_only(str(database)), database
    except OSError as exc:
        raise GenaiKgError(f"cannot open the store {folder}: {exc}") from None


def ensure_curated(data: Path, folder: Path, built: Built | None = None) -> None:
    """Make the store's curated graph match the dataset at ``data``.

    ``built``: the dataset already checked and built by the caller, if it has it.
    """
    key = fingerprint(data)
    stamp = folder / "fingerprint"
    if (folder / LIVE).is_dir() and stamp.is_file() and stamp.read_text() == key:
        return
    from genai_kg.graph.build import build_dataset
    from genai_kg.graph.export import to_oxigraph

    built = built or build_dataset(data, shacl=False)
    triples = [(t.subject, t.predicate, t.object) for t in to_oxigraph(built.graph)]
    with writer_lock(folder):
        if (folder / LIVE).is_dir():
            # In a linked copy, switched in like an import, so a running `serve` (whose
            # workers hold the live database open read-only, which sees no later write)
            # follows it: every query after the switch answers from the new data. No
            # compaction: a few thousand triples do not slow queries down.
            update_copy(folder, CURATED_GRAPH, triples, compact=False)
        else:
            rebuild(folder, CURATED_GRAPH, triples)
        atomic_write(stamp, key.encode())


def follow_data(data: Path, store: Path | None) -> DataFollower:
    """Return a check that brings the store's curated graph up to the data's files.

    For a long-running reader (``serve``): each call costs a ``stat`` of the six files;
    only when one changed is the fingerprint read, and the curated graph refreshed (and
    switched in) if the data really changed. Data that no longer checks out leaves the
    store as it was, until the next edit.
    """
    return DataFollower(data, store_dir(data, store))


class DataFollower:
    """``follow_data``'s check: call it to refresh; ``stale()`` says whether a call would look.

    ``stale`` costs the same ``stat`` calls and never writes, so an event loop can call it
    and hand only a real refresh (seconds) to a thread.
    """

    def __init__(self, data: Path, folder: Path) -> None:
        self.data = data
        self.folder = folder
        self.paths = [str(data / f"{stem}.yaml") for stem in DATASET_FILES]
        self.seen: object = None
        self.lock = threading.Lock()

    def signature(self) -> object:
        stats: list[tuple[int, int, int] | None] = []
        for path in self.paths:
            try:
                info = os.stat(path)
            except OSError:
                stats.append(None)
                continue
            stats.append((info.st_mtime_ns, info.st_size, info.st_ino))
        return tuple(stats)

    def stale(self) -> bool:
        """Whether a file of the data changed since the last refresh (or none ran yet)."""
        return self.signature() != self.seen

    def __call__(self) -> None:
        now = self.signature()
        if now == self.seen:
            return
        with self.lock:
            if now == self.seen:
                return
            # Data being edited, or wrong: keep answering from the last good graph.
            with contextlib.suppress(GenaiKgError):
                ensure_curated(self.data, self.folder)
            self.seen = now


def import_graph(
    data: Path,
    folder: Path,
    graph_iri: str,
    triples: Iterable[tuple[Any, Any, Any]],
    progress: Progress = no_progress,
) -> int:
    """Replace the named graph ``graph_iri`` with ``triples``; return the graph's size.

    The size counts distinct triples, as the store keeps them (a release may repeat one).
    ``progress(stage, 0, 0)`` announces the store's own steps (copying the other graphs,
    compacting, writing snapshots), which take seconds for ESCO and O*NET.

    An error raised while the triples are produced (a corrupt release file) leaves the live
    database untouched: a small graph is only written once it is complete, a large one
    streams into a new database folder that replaces the live one only at the end.
    """
    ensure_curated(data, folder)
    iterator = iter(triples)
    head = list(itertools.islice(iterator, replace.UPDATE_LIMIT + 1))
    with writer_lock(folder):
        limit = replace.UPDATE_LIMIT  # read at call time, so a test can lower it
        if len(head) <= limit and graph_size(folder, graph_iri) <= limit:
            update_copy(folder, graph_iri, head, progress)
        else:
            rebuild(folder, graph_iri, itertools.chain(head, iterator), progress)
    return graph_size(folder, graph_iri)
