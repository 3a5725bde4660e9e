"""Read a dataset's YAML files into plain records that remember file and line.

YAML 1.1 (PyYAML) silently turns ``NO`` into ``False``, ``0123`` into 83 and leaves
``1e3`` as text, where YAML 1.2 reads a number. genai-kg has no boolean fields and
wants each value to mean one thing, so every plain scalar whose reading depends on the
YAML version is reported instead of guessed; quoting it makes it text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from genai_kg.errors import DataError
from genai_kg.paths import DATASET_FILES

Loc = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)")
# Plain scalars that YAML 1.2 reads as numbers but PyYAML (1.1) keeps as text.
_YAML12_NUMBER = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass
class Record:
    """One item of a dataset file: its values and where each of them stands."""

    file: Path
    line: int
    data: dict[str, Any]
    lines: dict[Loc, int] = field(default_factory=dict)
    #: Values the loader already reported (ambiguous scalars, duplicate keys).
    reported: set[Loc] = field(default_factory=set)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None

    def line_of(self, loc: Loc) -> int:
        """Return the line of the value at ``loc``, or of its nearest enclosing value."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return self.line

    def where(self, loc: Loc = ()) -> str:
        """Return ``FILE:LINE`` for the value at ``loc``."""
        return f"{display_path(self.file)}:{self.line_of(loc)}"


@dataclass
class RawDataset:
    """The records of each dataset file, keyed by file stem, and the YAML problems found."""

    root: Path
    records: dict[str, list[Record]]
    problems: list[str] = field(default_factory=list)
    #: Files that could not be read whole (missing or malformed): references into them
    #: are not checked, since every one would look dangling.
    broken: set[str] = field(default_factory=set)


def display_path(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a symlink loop on the way
        return str(path)


def format_loc(loc: Loc) -> str:
    """Render a location as a field path: ``('salary', 0, 'min')`` -> ``salary[0].min``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(item)"


def load_dataset(root: str | Path) -> RawDataset:
    """Read every file of the dataset at ``root``, collecting YAML problems in ``problems``.

    Missing or unreadable files, malformed YAML, ambiguous scalars, duplicate keys and
    anything but a list of mappings are problems; the rest of the data is still read, so
    that ``parse_dataset`` can report everything at once.

    Raises:
        DataError: ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError([f"{display_path(root)}: not a dataset folder (expected {_file_list()})"])
    problems: list[str] = []
    records: dict[str, list[Record]] = {}
    broken: set[str] = set()
    for stem in DATASET_FILES:
        path = root / f"{stem}.yaml"
        before = len(problems)
        if path.is_symlink() and not path.exists():
            problems.append(f"{display_path(path)}: {_broken_link(path)}")
            broken.add(stem)
            continue
        if not path.is_file():
            problems.append(f"{display_path(path)}: missing (a dataset holds {_file_list()})")
            broken.add(stem)
            continue
        records[stem] = list(_read_file(path, problems))
        if any(": malformed YAML:" in problem for problem in problems[before:]):
            broken.add(stem)
    return RawDataset(root=root, records=records, problems=problems, broken=broken)


def _broken_link(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return "is a symlink loop"
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return "is a symlink loop"
    return f"is a symlink to nothing ({os.readlink(path)!r})"


def _file_list() -> str:
    return ", ".join(f"{stem}.yaml" for stem in DATASET_FILES)


def _read_file(path: Path, problems: list[str]) -> Iterator[Record]:
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: cannot be read: {exc}")
        return
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        problems.append(f"{where}{_yaml_error_place(exc, text)}: malformed YAML: {_reason(exc)}")
        return
    if not documents or documents[0] is None:
        return  # an empty file is an empty list
    if len(documents) > 1:
        problems.append(f"{where}: holds {len(documents)} YAML documents; expected one list")
    top = documents[0]
    if not isinstance(top, yaml.SequenceNode):
        problems.append(f"{where}:{top.start_mark.line + 1}: expected a list of mappings")
        return
    for item in top.value:
        if not isinstance(item, yaml.MappingNode):
            shown = repr(item.value) if isinstance(item, yaml.ScalarNode) else "a list"
            problems.append(f"{where}:{item.start_mark.line + 1}: expected a mapping, not {shown}")
            continue
        record = Record(file=path, line=item.start_mark.line + 1, data={})
        reader = _NodeReader(record, problems)
        try:
            record.data = reader.read(item, ())
        except _AliasError as exc:
            problems.append(f"{where}:{exc.line}: {exc}")
            continue
        yield record


def read_mapping(path: Path, problems: list[str], content: bytes | None = None) -> Record | None:
    """Read a YAML file holding one mapping (a learner profile), noting every value's line.

    ``true`` and ``false`` read as booleans; YAML problems are added to ``problems`` as
    ``FILE:LINE: ...`` and the file is still read as far as it can be. ``content``, when
    given, is the file's bytes (a file uploaded to the explorer) and ``path`` only its name.
    """
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8") if content is None else content.decode("utf-8")
        top = yaml.compose(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: cannot be read: {exc}")
        return None
    except yaml.YAMLError as exc:
        problems.append(f"{where}{_yaml_error_place(exc, text)}: malformed YAML: {_reason(exc)}")
        return None
    if top is None:
        return Record(file=path, line=1, data={})
    if not isinstance(top, yaml.MappingNode):
        problems.append(f"{where}:{top.start_mark.line + 1}: expected a mapping")
        return None
    record = Record(file=path, line=top.start_mark.line + 1, data={})
    try:
        record.data = _NodeReader(record, problems, booleans=True).read(top, ())
    except _AliasError as exc:
        problems.append(f"{where}:{exc.line}: {exc}")
        return None
    return record


# A bracket or quote left open is reported where the parser gave up; the line that opened
# it is where the user has to look.
_OPENED_AT = ("flow sequence", "flow mapping", "quoted scalar")


def _yaml_error_place(exc: yaml.YAMLError, text: str) -> str:
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    mark = getattr(exc, "problem_mark", None)
    if context_mark is not None and context and any(kind in context for kind in _OPENED_AT):
        mark = context_mark
    if mark is not None:
        return f":{mark.line + 1}"
    position = getattr(exc, "position", None)  # reader errors (bad characters) carry an offset
    if isinstance(position, int):
        return f":{text.count(chr(10), 0, position) + 1}"
    return ""


def _reason(exc: yaml.YAMLError) -> str:
    problem, context = getattr(exc, "problem", None), getattr(exc, "context", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and context and any(kind in context for kind in _OPENED_AT) and mark is not None:
        return f"{problem} (at line {mark.line + 1}, {context} opened here)"
    if problem:
        return str(problem)
    return str(exc).splitlines()[0]


#: Aliases may repeat values; past this many values per item, they are a "billion laughs".
MAX_VALUES_PER_ITEM = 10_000


class _AliasError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _NodeReader:
    """Turn a YAML node tree into Python values, noting the line of every value."""

    def __init__(self, record: Record, problems: list[str], booleans: bool = False) -> None:
        self.record = record
        self.problems = problems
        self.booleans = booleans  # leave other YAML 1.1 booleans (yes, off) to the caller
        self.count = 0
        self.path: set[int] = set()  # ids of the nodes being read: a repeat is a loop

    def problem(self, loc: Loc, message: str, line: int | None = None) -> None:
        if line is None:
            self.record.reported.add(loc)
        line = line or self.record.line_of(loc)
        where = f"{display_path(self.record.file)}:{line}"
        self.problems.append(f"{where}: {format_loc(loc)}: {message}")

    def read(self, node: yaml.Node, loc: Loc) -> Any:
        line = node.start_mark.line + 1
        self.record.lines[loc] = line
        self.count += 1
        if self.count > MAX_VALUES_PER_ITEM:
            raise _AliasError(
                f"{format_loc(loc)}: aliases expand to more than {MAX_VALUES_PER_ITEM:,} values",
                self.record.line,
            )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        if id(node) in self.path:
            raise _AliasError(f"{format_loc(loc)}: an alias refers to itself", line)
        self.path.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            return [self.read(child, (*loc, index)) for index, child in enumerate(node.value)]
        finally:
            self.path.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or not isinstance(key, str):
                self.problem(loc, "keys must be plain names", line)
                continue
            if key in first_line:
                self.problem(
                    (*loc, key), f"duplicate key {key!r} (first at line {first_line[key]})", line
                )
                continue
            first_line[key] = line
            result[key] = self.read(value_node, (*loc, key))
            self.record.lines[(*loc, key)] = line
        return result

    def _scalar(self, node: yaml.Node, loc: Loc) -> Any:
        text = node.value
        if not isinstance(node, yaml.ScalarNode) or node.style:  # C loader: "" when plain
            return text  # quoted and block scalars are text, always
        tag = node.tag.rsplit(":", 1)[-1]
        if tag == "null" or text == "":
            return None
        if tag == "bool":
            if text in ("true", "false"):  # the spellings YAML 1.1 and 1.2 agree on
                return text == "true"
            if self.booleans:  # the caller reports "yes", "off" ... in its own words
                return text
            self.problem(
                loc,
                f"{text!r} reads as a boolean in YAML 1.1 only; write true or false, "
                "or quote it if text is meant",
            )
        elif tag == "int":
            if _INT.fullmatch(text):
                return int(text)
            self.problem(
                loc,
                f"{text!r} reads as a different number in YAML 1.1 and 1.2; "
                "write a plain decimal number, or quote it if text is meant",
            )
        elif tag == "float":
            if _FLOAT.fullmatch(text):
                return float(text)
            self.problem(
                loc,
                f"{text!r} is not a plain decimal number; write one like 12.5, "
                "or quote it if text is meant",
            )
        elif _YAML12_NUMBER.fullmatch(text):
            self.problem(
                loc,
                f"{text!r} is text in YAML 1.1 but a number in YAML 1.2; "
                "write a plain decimal number, or quote it if text is meant",
            )
        return text
