"""Turtle snapshots of the store's large graphs, kept beside the database they describe.

Reading a graph back out of pyoxigraph costs about 6.6 µs a triple (every term is looked
up in the database), so dumping ESCO and O*NET (750,000 triples) takes 2.7 s even with a
core per graph. Large graphs only ever change by an import that builds a new database
(``store/replace.py``), so that import also writes each large graph's Turtle into a snapshot
folder beside the database: pyoxigraph's own dump of the new database, the very bytes an
export would write. A whole-store Turtle export then copies the file, and the next import
loads the graphs it carries over from it (about twice as fast as copying them quad by quad).

A folder holds one ``.ttl`` file per graph and ``manifest.json``, written last. A snapshot
is trusted only when the manifest was written by this pyoxigraph with these prefixes, the
file has the size and SHA-256 recorded, and the graph in the database still has the number
of triples recorded; otherwise callers read the graph from the database, as they would
without one. (Checking both costs about 0.15 s for ESCO and O*NET together.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from genai_kg.graph.export import ExportFormat, dump_graph, store_prefixes
from genai_kg.paths import atomic_write

MANIFEST = "manifest.json"


def signature() -> str:
    """Return what a snapshot's bytes depend on besides the graph: writer and prefixes."""
    prefixes = json.dumps(store_prefixes(), sort_keys=True).encode()
    return f"pyoxigraph {ox.__version__}; prefixes {hashlib.sha256(prefixes).hexdigest()[:16]}"


def count_triples(store: Any, graph_iri: str) -> int:
    """Return the number of triples in the named graph ``graph_iri`` of an open store."""
    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    return int(next(iter(answer))["n"].value)


def usable_snapshots(folder: Path, store: Any) -> dict[str, Path]:
    """Return ``{graph IRI: Turtle file}`` for the snapshots in ``folder`` that match ``store``."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest["signature"] != signature():
            return {}
        entries = dict(manifest["graphs"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # none written, or written by another version: read the database instead

    def check(graph_iri: str) -> Path | None:
        try:
            entry = entries[graph_iri]
            path = folder / entry["file"]
            if path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
                return None
            return path if count_triples(store, graph_iri) == entry["triples"] else None
        except (OSError, KeyError, TypeError, SyntaxError):
            return None

    # hashing and counting release the GIL: one large graph per core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        checked = dict(zip(entries, pool.map(check, entries), strict=True))
    return {graph_iri: path for graph_iri, path in checked.items() if path is not None}


def snapshot_sizes(folder: Path) -> dict[str, int]:
    """Return ``{graph IRI: triples}`` as the manifest in ``folder`` records them (or none)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {graph: int(entry["triples"]) for graph, entry in manifest["graphs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_snapshots(
    store: Any, folder: Path, sizes: Mapping[str, int], reuse: Mapping[str, Path]
) -> None:
    """Write the Turtle snapshot of each graph in ``sizes`` (IRI -> triples) into ``folder``.

    A graph in ``reuse`` (IRI -> snapshot of the same graph, carried over unchanged) is
    linked from there; the others are dumped from ``store``, one thread each.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for graph_iri in sorted(sizes):
        name = _file_name(graph_iri)
        clash = name in names.values()
        names[graph_iri] = _file_name(graph_iri, hashed=True) if clash else name

    def write_one(graph_iri: str) -> tuple[str, dict[str, Any]]:
        target = folder / names[graph_iri]
        if graph_iri in reuse:
            _link_or_copy(reuse[graph_iri], target)
        else:
            dump_graph(store, graph_iri, ExportFormat.TURTLE, output=target)
        entry = {
            "file": target.name,
            "bytes": target.stat().st_size,
            "sha256": _sha256(target),
            "triples": sizes[graph_iri],
        }
        return graph_iri, entry

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        entries = dict(pool.map(write_one, sorted(sizes)))
    manifest = {"signature": signature(), "graphs": entries}
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())


def _file_name(graph_iri: str, hashed: bool = False) -> str:
    """Return a file name for the graph: its last path segment, else a hash of its IRI.

    >>> _file_name("https://w3id.org/genai-kg/graph/esco")
    'esco.ttl'
    >>> _file_name("urn:x:a b")
    '5a9d3cc89a66cc9212a96240.ttl'
    """
    last = graph_iri.rstrip("/").rsplit("/", 1)[-1]
    if not hashed and re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", last):
        return f"{last}.ttl"
    return hashlib.sha256(graph_iri.encode()).hexdigest()[:24] + ".ttl"


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)
