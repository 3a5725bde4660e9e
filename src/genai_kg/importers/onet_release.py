"""Locate the files of an O*NET release, either edition, and read their rows.

PATH is a folder or a zip of the Excel edition (``.xlsx``, read with openpyxl) or the text
edition (tab-delimited UTF-8 ``.txt``); both have the same columns. ``open_tables`` finds
every file the importer reads (``FILES``), checks its columns and hands each back as a
``Table`` whose rows stream as ``(line, cells)``, with unreadable or corrupt files reported
by file and line. What the rows mean is ``onet.py``'s business.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from genai_kg.errors import DataError

OCCUPATION_DATA = "Occupation Data"
JOB_ZONES = "Job Zones"
ALTERNATE_TITLES = "Alternate Titles"
RELATED_OCCUPATIONS = "Related Occupations"
TECHNOLOGY_SKILLS = "Technology Skills"
TOOLS_USED = "Tools Used"
SKILLS = "Skills"
CODE = "O*NET-SOC Code"

#: Each file read: (required columns, optional columns).
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    OCCUPATION_DATA: ((CODE, "Title", "Description"), ()),
    JOB_ZONES: ((CODE, "Job Zone"), ()),
    ALTERNATE_TITLES: ((CODE, "Alternate Title"), ("Short Title",)),
    RELATED_OCCUPATIONS: ((CODE, "Related O*NET-SOC Code"), ("Relatedness Tier", "Index")),
    TECHNOLOGY_SKILLS: (
        (CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology"),
        ("In Demand",),
    ),
    TOOLS_USED: ((CODE, "Example", "Commodity Code", "Commodity Title"), ()),
    SKILLS: ((CODE, "Element ID", "Element Name", "Scale ID", "Data Value"), ("Not Relevant",)),
}

_UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    KeyError,
    ValueError,
    SyntaxError,  # xml.etree ParseError and lxml's XMLSyntaxError derive from it
    zipfile.BadZipFile,
)


@dataclass
class Table:
    """One file of the release, open, its header read; ``rows`` yields (line, cells)."""

    stem: str
    label: str
    columns: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int
    close: Callable[[], None]

    def index(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None


def open_tables(path: Path) -> dict[str, Table]:
    """Open every file of the release at ``path`` and check its columns (all problems at once)."""
    if not path.exists():
        raise DataError([f"{path}: no such file or folder"])
    if path.is_dir():
        return _open_found(path, None)
    try:
        archive = zipfile.ZipFile(path)
    except _UNREADABLE as exc:
        raise DataError([f"{path}: not a folder or a readable zip of O*NET ({exc})"]) from None
    with archive:  # every member used is read into memory as its table is opened
        return _open_found(path, archive)


def _open_found(path: Path, archive: zipfile.ZipFile | None) -> dict[str, Table]:
    members: dict[str, Callable[[], Path | IO[bytes]]] = {}
    labels: dict[str, str] = {}
    if archive is None:
        candidates = [p for p in path.iterdir() if p.is_file()]
        candidates += [q for d in path.iterdir() if d.is_dir() for q in d.iterdir() if q.is_file()]
        for file in sorted(candidates, key=lambda p: len(p.parts)):
            members.setdefault(file.name, _opener(file))
            labels.setdefault(file.name, str(file.relative_to(path)))
    else:
        for name in archive.namelist():
            base = PurePosixPath(name).name
            if base and not name.endswith("/"):
                members.setdefault(base, _member_opener(archive, name))
                labels.setdefault(base, f"{path.name}/{name}")

    found: dict[str, str] = {}
    for stem in FILES:
        for suffix in (".txt", ".xlsx"):
            if stem + suffix in members:
                found[stem] = stem + suffix
                break
    if not found:
        raise DataError(
            [
                f"{path}: not an O*NET database release: none of "
                f"{', '.join(repr(s + '.xlsx') for s in FILES)} (or .txt) is there\n"
                "You can fix this by passing the folder or zip of the O*NET Excel or text "
                "edition (e.g. db_29_2_excel.zip)."
            ]
        )
    problems = [
        f"{path}: missing file {stem + '.xlsx'!r} (or {stem + '.txt'!r})"
        for stem in FILES
        if stem not in found
    ]
    tables: dict[str, Table] = {}
    for stem, name in found.items():
        try:
            table = _open_table(stem, labels[name], members[name])
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        tables[stem] = table
        required, _ = FILES[stem]
        missing = [c for c in required if c not in table.columns]
        if missing:
            problems += [
                f"{table.label}: missing column {c!r} (columns: {', '.join(table.columns)})"
                for c in missing
            ]
    if problems:
        for table in tables.values():
            table.close()
        raise DataError(problems)
    return tables


def _opener(file: Path) -> Callable[[], Path | IO[bytes]]:
    return lambda: file


def _member_opener(archive: zipfile.ZipFile, name: str) -> Callable[[], Path | IO[bytes]]:
    # openpyxl seeks about inside the xlsx (itself a zip): give it the member in memory.
    return lambda: io.BytesIO(archive.read(name))


def _open_table(stem: str, label: str, opener: Callable[[], Path | IO[bytes]]) -> Table:
    try:
        source = opener()
        if label.endswith(".xlsx"):
            return _open_excel(stem, label, source)
        return _open_text(stem, label, source.open("rb") if isinstance(source, Path) else source)
    except DataError:
        raise
    except _UNREADABLE as exc:
        raise DataError([f"{label}: unreadable, corrupt or truncated ({exc!r})"]) from None


def _open_excel(stem: str, label: str, source: Path | IO[bytes]) -> Table:
    import openpyxl

    with warnings.catch_warnings():
        # "Workbook contains no default style": harmless, and pytest turns warnings into errors.
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(values, ())]
    except BaseException:
        book.close()
        raise
    if not any(header):
        book.close()
        raise DataError([f"{label}: empty sheet, no header row"])
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, row in enumerate(values, start=2):
                cells = [_cell(v) for v in row[:width]]
                if any(cells):
                    yield line, cells + [""] * (width - len(cells))
        except _UNREADABLE as exc:
            raise DataError([f"{label}: unreadable, corrupt or truncated ({exc!r})"]) from None
        finally:
            book.close()

    total = max((sheet.max_row or 1) - 1, 0)
    return Table(stem, label, header, rows(), total, book.close)


def _open_text(stem: str, label: str, stream: IO[bytes]) -> Table:
    def decoded() -> Iterator[str]:
        # Line by line, so that a decoding error can say on which line it is.
        for number, raw in enumerate(stream, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DataError([f"{label}:{number}: not UTF-8 text ({exc.reason})"]) from None

    reader = csv.reader(decoded(), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = [c.strip() for c in next(reader, [])]
    except BaseException:
        stream.close()
        raise
    if not any(header):
        stream.close()
        raise DataError([f"{label}: empty file, no header line"])
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                if not any(row):
                    continue
                if len(row) != width:
                    raise DataError(
                        [
                            f"{label}:{reader.line_num}: {len(row)} tab-separated fields where "
                            f"the header has {width} (is the file truncated or not the text "
                            "edition?)"
                        ]
                    )
                yield reader.line_num, [c.strip() for c in row]
        except _UNREADABLE as exc:  # a corrupt zip member fails its CRC check mid-read
            raise DataError([f"{label}: unreadable, corrupt or truncated ({exc!r})"]) from None
        finally:
            stream.close()

    return Table(stem, label, header, rows(), 0, stream.close)


def _cell(value: Any) -> str:
    """Return an Excel or text cell as text: 43232202 and "43232202" read the same."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
