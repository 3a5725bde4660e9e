"""Plain-text rendering shared by the commands: aligned tables and number formats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return rows as a left-aligned text table (numbers right-aligned).

    >>> print(format_table(["id", "hours"], [["a", 3], ["bb", 12]]))
    id  hours
    --  -----
    a       3
    bb     12
    """
    numeric = [
        all(isinstance(row[i], (int, float)) or row[i] is None for row in rows)
        for i in range(len(headers))
    ]
    # An unknown number shows as "?" (so does a column with no value known); absent text as
    # nothing.
    cells = [
        [
            _cell(value) if value is not None else ("?" if numeric[i] else "")
            for i, value in enumerate(row)
        ]
        for row in rows
    ]
    widths = [len(header) for header in headers]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * width for width in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(item) for item in value)
    return str(value)


def plural(count: int, noun: str) -> str:
    """Return "1 course", "2 courses".

    >>> plural(1, "course"), plural(0, "course")
    ('1 course', '0 courses')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def number(value: float) -> str:
    """A number as text, a whole one without ``.0`` (``hours: 45``, a URL's ``max_hours=30``).

    >>> number(4.0), number(4.5), number(85660.0)
    ('4', '4.5', '85660')
    """
    return str(int(value)) if value.is_integer() else repr(value)


def money(amount: float | None, currency: str = "USD") -> str:
    """Format an amount of money: ``money(1234.5)`` -> ``'$1,234.50'``; unknown -> ``'?'``.

    >>> money(120230), money(49.99), money(None)
    ('$120,230', '$49.99', '?')
    """
    if amount is None:
        return "?"
    symbol = "$" if currency == "USD" else f"{currency} "
    text = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    return f"{symbol}{text}"
