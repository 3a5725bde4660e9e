"""The progress callback that long work (imports, the store's own steps) reports through."""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(stage, done, total)``: called now and then while reading (total 0 if unknown;
#: done and total both 0 announce a step without a count).
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing (the default when output is piped)."""
