"""Building HiGHS models from arrays: a silent instance, and rows added in one call each.

``ilp.py`` states the planner's integer program; these are the pieces of HiGHS's API it needs,
kept apart so that the program reads as the model it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_INF = float("inf")


def add_links(h: Any, np: Any, skills: list[int], courses: list[int]) -> None:
    """Add the rows ``x_course <= y_skill`` (column positions), built as arrays at once."""
    k = len(skills)
    if not k:
        return
    idx = np.empty(2 * k, dtype=np.int32)
    idx[0::2], idx[1::2] = skills, courses
    h.addRows(
        k,
        np.zeros(k),
        np.full(k, _INF),
        2 * k,
        np.arange(0, 2 * k, 2, dtype=np.int32),
        idx,
        np.tile(np.array([1.0, -1.0]), k),
    )


def add_rows(h: Any, np: Any, rows: Sequence[tuple[Any, ...]]) -> None:
    """Add rows given by column positions: (plus, minus, lo, hi[, coefficients of plus]);
    minus coefficients are -1."""
    lo: list[float] = []
    hi: list[float] = []
    starts: list[int] = []
    idx: list[int] = []
    val: list[float] = []
    for plus, minus, low, high, *coef in rows:
        lo.append(low)
        hi.append(high)
        starts.append(len(idx))
        idx += plus
        idx += minus
        val += coef[0] if coef else [1.0] * len(plus)
        val += [-1.0] * len(minus)
    if not lo:
        return
    h.addRows(
        len(lo),
        np.array(lo),
        np.array(hi),
        len(idx),
        np.array(starts, dtype=np.int32),
        np.array(idx, dtype=np.int32),
        np.array(val, dtype=float),
    )


def new_highs(hs: Any) -> Any:
    """Return a silent HiGHS instance.

    highspy's public ``Highs()`` prints a banner on stdout as it is created, before any
    option can turn output off (ERGO-Code/HiGHS#1702, #2749), which would corrupt
    ``--format json``. The core class it wraps does not; where a release lacks it, the
    public class is created with file descriptor 1 pointed at /dev/null for that moment.
    """
    core = getattr(getattr(hs, "_core", None), "_Highs", None)
    if core is not None:
        return core()
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 1)
            return hs.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
