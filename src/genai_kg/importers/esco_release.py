"""Locate the files of an ESCO CSV release and read their rows, checked.

The release is two zips as the European Commission distributes them, or a folder where
they were unpacked; ``Release.open`` finds every file the importer reads (``FILES``) and
checks its header before any row is read. ``Release.rows`` then streams one file's rows,
reporting bad CSV, bad bytes and corrupt zips by file and line. What the rows mean is
``esco.py``'s business.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from genai_kg.errors import DataError
from genai_kg.progress import Progress

#: The two zips of the release, as the ESCO portal names them (note the two spaces).
CONCEPTS_ZIP = "ESCO dataset - v1.1.1 - classification - en - csv.zip"
RELATIONS_ZIP = "ESCO dataset - v1.1.1 - classification -  - csv.zip"

#: The levels of ``skillsHierarchy_en.csv`` (``Level 0 URI`` ... ``Level 3 URI``).
LEVELS = range(4)

#: The files read, the zip each comes in, and the columns read from each.
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ISCOGroups_en.csv": (
        CONCEPTS_ZIP,
        ("conceptUri", "code", "preferredLabel", "altLabels", "description"),
    ),
    "occupations_en.csv": (
        CONCEPTS_ZIP,
        (
            "conceptUri",
            "iscoGroup",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "scopeNote",
            "definition",
            "description",
            "code",
        ),
    ),
    "skills_en.csv": (
        CONCEPTS_ZIP,
        (
            "conceptUri",
            "skillType",
            "reuseLevel",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "scopeNote",
            "definition",
            "description",
        ),
    ),
    "skillGroups_en.csv": (
        CONCEPTS_ZIP,
        (
            "conceptUri",
            "preferredLabel",
            "altLabels",
            "hiddenLabels",
            "scopeNote",
            "description",
            "code",
        ),
    ),
    "skillsHierarchy_en.csv": (
        CONCEPTS_ZIP,
        tuple(f"Level {n} {what}" for n in LEVELS for what in ("URI", "preferred term", "code"))
        + ("Description", "Scope note"),
    ),
    "occupationSkillRelations.csv": (RELATIONS_ZIP, ("occupationUri", "relationType", "skillUri")),
    "broaderRelationsOccPillar.csv": (RELATIONS_ZIP, ("conceptUri", "broaderUri")),
    "broaderRelationsSkillPillar.csv": (RELATIONS_ZIP, ("conceptUri", "broaderUri")),
    "skillSkillRelations.csv": (
        RELATIONS_ZIP,
        ("originalSkillUri", "relationType", "relatedSkillUri"),
    ),
}

_PROGRESS_EVERY = 10_000


@dataclass
class Release:
    """Where each file of the release is: a member of a zip or a CSV file in a folder."""

    root: Path
    members: dict[str, tuple[Path, str | None]]  # file -> (zip, member) or (csv path, None)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> Release:
        """Locate every file of the release under ``root`` and check its header."""
        if not root.exists():
            raise DataError([f"{root}: no such file or folder (expected the ESCO release)"])
        problems: list[str] = []
        members: dict[str, tuple[Path, str | None]] = {}
        zips = [root] if root.is_file() else sorted(root.glob("*.zip"))
        for archive in zips:
            try:
                with zipfile.ZipFile(archive) as opened:
                    names = opened.namelist()
            except (zipfile.BadZipFile, OSError) as exc:
                problems.append(
                    f"{archive}: not a readable zip ({exc}); it may be truncated or corrupt."
                    "\nYou can fix this by downloading it again from the ESCO portal."
                )
                continue
            for name in names:
                base = name.rsplit("/", 1)[-1]
                if base in FILES:
                    members.setdefault(base, (archive, name))
        if root.is_dir():
            for name in FILES:
                if (root / name).is_file():
                    members.setdefault(name, (root / name, None))
        if problems:
            raise DataError(problems)
        missing = [name for name in FILES if name not in members]
        if missing:
            raise DataError(_missing_files(root, missing, found=bool(members)))
        release = cls(root, members)
        for name, (_, wanted) in FILES.items():
            header = release._header(name)
            absent = [column for column in wanted if column not in header]
            if absent:
                problems.extend(
                    f"{release.where(name)}: missing column {column!r} "
                    f"(columns: {', '.join(header) or 'none'})"
                    for column in absent
                )
            release.columns[name] = {
                column: header.index(column) for column in wanted if column in header
            }
        if problems:
            raise DataError(problems)
        return release

    def where(self, name: str) -> str:
        """Name a file for messages: ``occupations_en.csv`` (and its zip, if in one)."""
        container, member = self.members[name]
        return name if member is None else f"{name} (in {container.name!r})"

    def rows(self, name: str, progress: Progress) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(line, cells)`` for each data row of ``name``; DataError on bad input.

        ``line`` is the row's first physical line; short rows are padded with empty cells
        (``skillsHierarchy_en.csv`` leaves out trailing empty ones).
        """
        width = len(self._header(name))
        reader = None
        count = 0
        try:
            with self._open(name) as raw:
                reader = csv.reader(self._decoded(name, raw))
                next(reader, None)
                line = reader.line_num + 1
                for cells in reader:
                    if len(cells) < width:
                        if not any(cells):
                            line = reader.line_num + 1
                            continue  # a blank line
                        cells += [""] * (width - len(cells))
                    count += 1
                    if count % _PROGRESS_EVERY == 0:
                        progress(name, count, 0)
                    yield line, cells
                    line = reader.line_num + 1
        except csv.Error as exc:
            at = reader.line_num if reader is not None else 1
            raise DataError([f"{self.where(name)}, line {at}: not valid CSV ({exc})"]) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            at = reader.line_num if reader is not None else 0
            raise DataError(
                [
                    f"{self.where(name)}: cannot read it past line {at} ({exc}); the zip may be "
                    "corrupt.\nYou can fix this by downloading it again from the ESCO portal."
                ]
            ) from None
        progress(name, count, count)

    def _decoded(self, name: str, raw: IO[bytes]) -> Iterator[str]:
        """Decode ``raw`` line by line, so that bad bytes are reported at their line."""
        for number, line in enumerate(raw, start=1):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(
                    [
                        f"{self.where(name)}, line {number}: not UTF-8 text (byte "
                        f"{line[exc.start : exc.start + 1]!r} at column {exc.start + 1}); "
                        "ESCO CSV files are UTF-8.\n"
                        "You can fix this by saving the file as UTF-8 or unpacking the zip again."
                    ]
                ) from None
            yield text.removeprefix("\ufeff") if number == 1 else text

    def _header(self, name: str) -> list[str]:
        try:
            with self._open(name) as raw:
                header = next(csv.reader(self._decoded(name, raw)), None)
        except (csv.Error, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise DataError([f"{self.where(name)}: cannot read its header ({exc})"]) from None
        if header is None:
            raise DataError([f"{self.where(name)}: empty file (no header row)"])
        return [column.strip() for column in header]

    def _open(self, name: str) -> IO[bytes]:
        container, member = self.members[name]
        if member is None:
            return open(container, "rb")
        with zipfile.ZipFile(container) as archive:
            # The member keeps its own handle on the zip file after the archive closes.
            return archive.open(member)


def _missing_files(root: Path, missing: list[str], found: bool) -> list[str]:
    if not found:
        return [
            f"{root}: no ESCO release here: expected the two zips {CONCEPTS_ZIP!r} and "
            f"{RELATIONS_ZIP!r} (as downloaded from the ESCO portal), or the CSV files they hold"
        ]
    problems = []
    for archive in (CONCEPTS_ZIP, RELATIONS_ZIP):
        names = [name for name in missing if FILES[name][0] == archive]
        everything = [name for name in FILES if FILES[name][0] == archive]
        if names == everything:
            problems.append(
                f"{root}: the zip {archive!r} is missing (it holds {', '.join(names)}); "
                "the release needs both zips"
            )
        else:
            problems.extend(
                f"{root}: {name} is missing (it comes in {archive!r})" for name in names
            )
    return problems
