"""The embedded store: a pyoxigraph database on disk, kept in step with the dataset.

A store folder holds:

- ``oxigraph/``: the RDF store. The curated graph is the named graph ``CURATED_GRAPH``;
  imports (ESCO, O*NET, OEWS) add named graphs of their own. Queries see the union.
- ``fingerprint``: SHA-256 of the dataset files the curated graph was built from.
- ``catalog.json``: the planner's compact index of the same data.

The default folder is ``<cache>/store-<hash of the data folder's path>``; when the data
changes, the next command replaces the curated graph (imports stay). The planner's
commands only need ``catalog.json`` and never open the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog
from .errors import GenaiKgError
from .paths import DATASET_FILES, atomic_write, cache_dir

if TYPE_CHECKING:
    import pyoxigraph

GRAPH_BASE = "https://w3id.org/genai-kg/graph/"
CURATED_GRAPH = GRAPH_BASE + "curated"


def fingerprint(root: Path) -> str:
    """Return a SHA-256 over the dataset's files: the key of everything cached from them."""
    digest = hashlib.sha256()
    for stem in DATASET_FILES:
        path = root / f"{stem}.yaml"
        digest.update(stem.encode())
        digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    return digest.hexdigest()


def store_dir(data: Path, store: Path | None) -> Path:
    """Return the store folder of the dataset at ``data`` (``store`` when given)."""
    if store is not None:
        return store
    key = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"store-{key}"


def _is_current(folder: Path, key: str) -> bool:
    stamp = folder / "fingerprint"
    return stamp.is_file() and stamp.read_text() == key and (folder / "oxigraph").is_dir()


def open_catalog(data: Path, store: Path | None = None) -> Catalog:
    """Return the planner's catalog of ``data``, refreshing the store first if needed.

    Raises:
        DataError: the data has problems (checked whenever the store is refreshed).
    """
    key = fingerprint(data)
    folder = store_dir(data, store)
    if _is_current(folder, key):
        try:
            return Catalog.from_json((folder / "catalog.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable or written by another version: refresh below
    return refresh(data, folder, key)


def open_store(data: Path, store: Path | None = None) -> pyoxigraph.Store:
    """Return the store of ``data`` opened read-only, refreshing it first if needed."""
    import pyoxigraph as ox

    key = fingerprint(data)
    folder = store_dir(data, store)
    if not _is_current(folder, key):
        refresh(data, folder, key)
    try:
        return ox.Store.read_only(str(folder / "oxigraph"))
    except OSError as exc:
        raise GenaiKgError(f"cannot open the store {folder}: {exc}") from None


def open_writable(folder: Path) -> pyoxigraph.Store:
    """Open the store in ``folder`` for writing (one writer at a time)."""
    import pyoxigraph as ox

    try:
        return ox.Store(str(folder / "oxigraph"))
    except OSError as exc:
        raise GenaiKgError(
            f"cannot open the store {folder} for writing: {exc}\n"
            "Another genai-kg command may be writing it; try again when it has finished."
        ) from None


def refresh(data: Path, folder: Path, key: str | None = None) -> Catalog:
    """Rebuild the curated graph and catalog of ``folder`` from ``data``; keep imports.

    The curated graph is replaced in one transaction, so readers see the old or the new.
    """
    from .build import build_dataset
    from .catalog import catalog_from_dataset
    from .export import to_oxigraph

    key = key or fingerprint(data)
    built = build_dataset(data, shacl=False)
    catalog = catalog_from_dataset(built.dataset, key)
    folder.mkdir(parents=True, exist_ok=True)
    store = open_writable(folder)
    triples = ((t.subject, t.predicate, t.object) for t in to_oxigraph(built.graph))
    replace_graph(store, CURATED_GRAPH, triples)
    store.flush()
    del store
    atomic_write(folder / "catalog.json", catalog.to_json().encode("utf-8"))
    atomic_write(folder / "fingerprint", key.encode())
    return catalog


def replace_graph(
    store: pyoxigraph.Store, graph_iri: str, triples: Iterable[tuple[Any, Any, Any]]
) -> None:
    """Replace the named graph ``graph_iri`` with ``triples``; readers see old or new, never half.

    The triples are bulk-loaded into a scratch graph, which one SPARQL ``MOVE`` (a single
    transaction) then puts in place of the old graph. A crash before the move leaves the
    old graph whole and a scratch graph the next replacement drops.
    """
    import pyoxigraph as ox

    scratch = f"{graph_iri}--loading"
    store.update(f"DROP SILENT GRAPH <{scratch}>")
    graph = ox.NamedNode(scratch)
    store.bulk_extend(ox.Quad(s, p, o, graph) for s, p, o in triples)
    store.update(f"MOVE SILENT GRAPH <{scratch}> TO GRAPH <{graph_iri}>")
