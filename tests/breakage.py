"""Break a copy of the tiny dataset on purpose, and find the problem genai-kg reports for it.

The problem text is the contract (SPEC "Exit codes", STYLE "Errors a user can act on"):
``FILE:LINE: field: what is wrong``, naming the value with ``repr`` and a close valid name
where one exists. File-level problems (a missing file, malformed YAML) have no field.

>>> split_problem("/d/courses.yaml:41: teaches[0]: course 'x' names unknown skill 'y'")
('/d/courses.yaml', 41, "teaches[0]: course 'x' names unknown skill 'y'")
>>> split_problem("/d/tools.yaml: missing (a dataset holds ...)")
('/d/tools.yaml', None, 'missing (a dataset holds ...)')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from genai_kg.dataset.checks import parse_dataset
from genai_kg.dataset.load import load_dataset
from genai_kg.dataset.models import Dataset
from genai_kg.errors import DataError

_WHERE = re.compile(r"(?P<file>[^:\n]+?)(?::(?P<line>\d+))?: (?P<rest>.*)", re.S)


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur once) by ``new`` in ``file``; append when no ``old``."""

    file: str
    new: str
    old: str | None = None


def append(file: str, text: str) -> Edit:
    return Edit(file, text)


def replace(file: str, old: str, new: str) -> Edit:
    return Edit(file, new, old)


@dataclass(frozen=True)
class Expected:
    """A problem at ``file``:``line`` (None: no line) on ``field`` (None: file-level)."""

    file: str
    line: int | None
    field: str | None
    words: tuple[str, ...] = ()


def expect(file: str, line: int | None, field: str | None, *words: str) -> Expected:
    return Expected(file, line, field, words)


def apply(root: Path, edits: Iterable[Edit]) -> None:
    """Apply ``edits`` to the dataset at ``root``."""
    for edit in edits:
        path = root / edit.file
        text = path.read_text(encoding="utf-8")
        if edit.old is None:
            text += edit.new
        else:
            assert text.count(edit.old) == 1, f"{edit.old!r} must occur once in {edit.file}"
            text = text.replace(edit.old, edit.new)
        path.write_bytes(text.encode("utf-8"))


def problems_of(root: Path) -> list[str]:
    """Return the problems ``parse_dataset(load_dataset(root))`` raises; fail if it succeeds."""
    with pytest.raises(DataError) as caught:
        parse_dataset(load_dataset(root))
    return caught.value.problems


def parse_ok(root: Path) -> Dataset:
    return parse_dataset(load_dataset(root))


def split_problem(problem: str) -> tuple[str, int | None, str]:
    """Split ``FILE:LINE: rest`` (or ``FILE: rest``) into its parts."""
    match = _WHERE.fullmatch(problem)
    assert match, f"problem does not start with FILE:LINE: {problem!r}"
    line = match["line"]
    return match["file"], int(line) if line else None, match["rest"]


def _is_at(problem: str, root: Path, expected: Expected) -> bool:
    file, line, rest = split_problem(problem)
    if Path(file).resolve() != (root / expected.file).resolve() or line != expected.line:
        return False
    return expected.field is None or rest.startswith(f"{expected.field}: ")


def find_problem(problems: Sequence[str], root: Path, expected: Expected) -> str:
    """Return the one problem at ``expected``'s place holding all its words; fail otherwise.

    Exactly one problem may stand at a field's place: a value reported twice (by the loader
    and again by the model) is noise a user has to read through.
    """
    at_place = [problem for problem in problems if _is_at(problem, root, expected)]
    found = [problem for problem in at_place if all(word in problem for word in expected.words)]
    where = f"{expected.file}:{expected.line}: {expected.field}:"
    listing = "\n".join(problems)
    assert found, f"no problem at {where} holding {expected.words!r}; got:\n{listing}"
    if expected.field is not None:
        assert len(at_place) == 1, f"{len(at_place)} problems at {where}:\n{listing}"
    return found[0]
