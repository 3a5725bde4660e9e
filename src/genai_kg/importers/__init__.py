"""Importers of the official taxonomies: ESCO, O*NET and BLS OEWS wages.

Each importer reads an official release (zip or folder) and returns an ``ImportResult``:
the triples of one named graph, streamed, plus counts of what was read and skipped.
``genai-kg import`` replaces that named graph in the store in one transaction, so
importing twice leaves the same graph and a failed import leaves the old one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ImportResult:
    """What an importer read: its named graph's triples (pyoxigraph terms) and its counts.

    ``triples`` is a one-shot iterator; ``counts``, ``skipped`` and ``warnings`` are complete
    once it has been consumed.
    """

    source: str
    graph: str
    triples: Iterator[tuple[Any, Any, Any]]
    counts: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class FirstLines(dict[str, int]):
    """The line each key of a release file was first read on, to name both of a repeated key.

    >>> seen = FirstLines()
    >>> seen.repeats("15-2051", 10), seen.repeats("15-2051", 13)
    (None, 10)
    """

    def repeats(self, key: str, line: int) -> int | None:
        """Return the earlier line of ``key``, or None (and remember ``line``) if it is new."""
        if key in self:
            return self[key]
        self[key] = line
        return None


def no_rows(label: str, what: str, source: str) -> str:
    """The problem of a release file with a header and no rows (importing it would wipe a graph)."""
    return (
        f"{label}: no {what} rows, only a header; nothing was imported and the previous "
        f"{source} graph is kept"
    )
