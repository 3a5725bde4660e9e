"""A learner profile: what the learner holds and has done, their pace, budgets and filters.

A profile is a YAML mapping (SPEC, "Learner profile"). It is read with the dataset loader's
line-tracking reader, so every problem is reported at once as ``FILE:LINE: field: ...``, the
way the data's are. Names (skills, courses, providers) are checked against the catalog.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_kg.dataset.load import Record, display_path, format_loc, read_mapping
from genai_kg.errors import DataError, NotFoundError
from genai_kg.plan.catalog import LEVELS, Catalog

#: The starter file ``genai-kg profile init`` writes: every key, commented.
STARTER = """\
# A genai-kg learner profile: pass it with --profile FILE to path, gap and next.
# Every key is optional; an option on the command line overrides the profile's value.

# Skills you already hold (ids, names or aliases).
have: []
#  - python
#  - sql

# Courses you have finished (ids or titles): their skills count as held and they are
# never planned again.
done: []

# How many hours a week you study: gives each course its weeks and prices subscriptions.
hours_per_week: 10

# Hard limits on a plan's totals (leave out, or set to null, for no limit).
# max_hours: 120
# max_cost: {amount: 300, currency: USD}

# Only courses on or by these providers (ids or names); empty for any.
providers: []

# The hardest course level to plan: beginner, intermediate or advanced.
# max_level: intermediate

# Only courses known to cost nothing.
free: false
"""

_KEYS = (
    "have",
    "done",
    "hours_per_week",
    "max_hours",
    "max_cost",
    "providers",
    "max_level",
    "free",
)


@dataclass(frozen=True)
class Profile:
    """A checked learner profile; ``None`` or empty where the file leaves a key out."""

    have: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    hours_per_week: float | None = None
    max_hours: float | None = None
    max_cost: float | None = None
    providers: tuple[str, ...] = ()
    max_level: str | None = None
    free: bool | None = None

    def request_fields(self) -> dict[str, Any]:
        """Return the ``advise.Request`` fields this profile sets."""
        fields: dict[str, Any] = {"profile_have": self.have, "done": self.done}
        if self.providers:
            fields["providers"] = self.providers
        for name in ("hours_per_week", "max_hours", "max_cost", "max_level", "free"):
            if getattr(self, name) is not None:
                fields[name] = getattr(self, name)
        return fields


def write_starter(path: Path) -> None:
    """Write the commented starter profile to ``path``; refuse to overwrite a file.

    Raises:
        DataError: ``path`` exists already.
    """
    if path.exists():
        raise DataError(
            [f"{display_path(path)}: exists already; remove it or name another file"], "the profile"
        )
    path.write_text(STARTER, encoding="utf-8")


def load_profile(path: Path, catalog: Catalog, content: bytes | None = None) -> Profile:
    """Read and check the profile at ``path`` (or ``content``, a file of that name).

    Raises:
        DataError: every problem in the file, each as ``FILE:LINE: field: message``.
    """
    problems: list[str] = []
    record = read_mapping(path, problems, content)
    if record is None:
        raise DataError(problems, "the profile")
    check = _Checker(record, problems)
    data = record.data
    for key in data:
        if key not in _KEYS:
            check.problem((key,), f"unknown key (a profile has {', '.join(_KEYS)})")
    profile = Profile(
        have=check.names("have", lambda n: _resolve(catalog, "skills", n)),
        done=check.names("done", lambda n: _resolve(catalog, "courses", n)),
        hours_per_week=check.number("hours_per_week", positive=True),
        max_hours=check.number("max_hours"),
        max_cost=check.cost("max_cost"),
        providers=check.names("providers", lambda n: _resolve(catalog, "providers", n)),
        max_level=check.choice("max_level", LEVELS),
        free=check.boolean("free"),
    )
    if problems:
        raise DataError(sorted(problems, key=_line), "the profile")
    return profile


def _line(problem: str) -> int:
    """The line number of a ``FILE:LINE: ...`` problem, for listing them in file order."""
    parts = problem.split(": ", 1)[0].rsplit(":", 1)
    return int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else 0


def _resolve(catalog: Catalog, kind: str, name: str) -> str:
    from genai_kg.dataset.resolve import resolve

    if kind == "providers":
        names = {pid: [label] for pid, label in catalog.providers.items()}
    else:
        names = catalog.names(kind)
    return resolve({kind: names}, name)[1]


class _Checker:
    """Check one profile's values, collecting ``FILE:LINE: field: message`` problems."""

    def __init__(self, record: Record, problems: list[str]) -> None:
        self.record, self.problems, self.data = record, problems, record.data

    def problem(self, loc: tuple[str | int, ...], message: str) -> None:
        self.problems.append(f"{self.record.where(loc)}: {format_loc(loc)}: {message}")

    def names(self, key: str, resolve: Callable[[str], str]) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem((key,), "expected a list of names")
            return ()
        found = []
        for index, name in enumerate(value):
            if not isinstance(name, str):
                self.problem((key, index), f"expected a name, not {name!r}")
                continue
            try:
                found.append(resolve(name))
            except NotFoundError as exc:
                self.problem((key, index), str(exc))
        return tuple(found)

    def number(self, key: str, *, positive: bool = False, value: Any = None) -> float | None:
        loc: tuple[str, ...] = (key,) if value is None else (key, "amount")
        value = self.data.get(key) if value is None else value
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(loc, f"expected a number, not {value!r}")
            return None
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            self.problem(
                loc, f"expected a number {'above' if positive else 'at least'} 0, not {value!r}"
            )
            return None
        return float(value)

    def cost(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) - {"amount", "currency"}:
            self.problem((key,), "expected {amount, currency}")
            return None
        if value.get("currency", "USD") != "USD":
            self.problem(
                (key, "currency"), f"only USD budgets are supported, not {value['currency']!r}"
            )
        if "amount" not in value:
            self.problem((key,), "amount is required")
            return None
        return self.number(key, value=value["amount"])

    def choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.data.get(key)
        if value is not None and value not in choices:
            self.problem((key,), f"expected one of {', '.join(choices)}, not {value!r}")
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, bool):
            self.problem((key,), f"expected true or false, not {value!r}")
            return None
        return value
