"""The pay chart beside a plan: each salary band of both roles as a bar on one dollar scale.

Each bar is one band exactly as its source gives it (``show``'s ``salary`` list): two
sources' figures are drawn side by side, never merged. Only USD bands with both ends are
drawn; the table beside the chart lists every band.
"""

from __future__ import annotations

from typing import Any

from genai_kg.render import money

WIDTH = 600  # SVG user units; the chart scales to the page width
LEFT = 0
ROW = 22


def salary_chart(salaries: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    """Return the bars (x, width, y in SVG units) and ticks for the bands of the roles.

    >>> chart = salary_chart({"a": [{"min": 50000, "max": 100000, "currency": "USD",
    ...                              "source": "s", "level": "any", "year": 2026}]})
    >>> [(bar["x"], bar["width"]) for bar in chart["bars"]]
    [(300.0, 300.0)]
    >>> salary_chart({"a": [{"max": 9, "currency": "EUR", "source": "s"}]}) is None
    True
    """
    drawn = [
        (role, band)
        for role, bands in salaries.items()
        for band in bands
        if band.get("currency") == "USD" and band.get("min") is not None and band.get("max")
    ]
    if not drawn:
        return None
    top = max(float(band["max"]) for _, band in drawn)
    scale = WIDTH / top
    bars = []
    for row, (role, band) in enumerate(drawn):
        low, high = float(band["min"]), float(band["max"])
        bars.append(
            {
                "role": role,
                "x": round(LEFT + low * scale, 1),
                "width": round(max(1.0, (high - low) * scale), 1),
                "y": row * ROW,
                "label": f"{money(low)}-{money(high)}{'+' if band.get('or_more') else ''}",
                "source": band.get("source", ""),
                "scope": " ".join(
                    str(band[key]) for key in ("level", "region", "year") if band.get(key)
                ),
            }
        )
    return {
        "bars": bars,
        "width": WIDTH,
        "height": len(bars) * ROW,
        "top": money(top),
    }
