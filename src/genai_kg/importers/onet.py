"""Read the O*NET database (Excel or text edition) into the named graph ``GRAPH_BASE + "onet"``.

PATH is a folder or a zip of either official edition (``db_29_2_excel`` with ``.xlsx`` files,
``db_29_2_text`` with tab-delimited UTF-8 ``.txt`` files); both have the same columns and are
read by the same code. Where a folder holds both, the text file is read (it is faster).

Files and columns -> triples (``occ`` is ``<https://www.onetonline.org/link/summary/{code}>``,
the IRI the curated roles' ``match: onet`` links to):

- ``Occupation Data``: O*NET-SOC Code, Title, Description -> ``occ a schema:Occupation``,
  ``skos:prefLabel`` Title@en, ``schema:description`` Description@en, ``skos:notation`` the code,
  ``schema:occupationalCategory`` its 7-character SOC code ("15-2051"), which the OEWS graph
  shares.
- ``Job Zones``: Job Zone -> ``occ gkg:jobZone`` integer 1-5.
- ``Alternate Titles``: Alternate Title and Short Title -> ``occ skos:altLabel`` @en, once per
  occupation and never equal to its prefLabel (SKOS keeps pref and alt labels disjoint).
- ``Related Occupations``: Related O*NET-SOC Code -> ``occ skos:related rel``, plus a qualified
  node ``<occ#related-{rel code}>`` (``occ gkg:relatedOccupation q``) carrying
  ``gkg:occupation rel``, ``gkg:relatednessTier`` ("Primary-Short", "Primary-Long",
  "Supplemental") and ``gkg:relatednessIndex`` (rank, 1 = closest), when those columns exist.
- ``Technology Skills``: Example, Commodity Code, Commodity Title, Hot Technology, In Demand ->
  ``occ gkg:usesTechnology tech``, plus ``occ gkg:hotTechnology tech`` when Hot Technology is
  "Y" and ``occ gkg:inDemand tech`` when In Demand is "Y". ``tech`` is
  ``<https://w3id.org/genai-kg/id/onet/technology/{slug of Example}>``, a ``schema:DefinedTerm``
  with ``skos:prefLabel`` Example@en and ``gkg:commodity`` its UNSPSC commodity
  ``<https://w3id.org/genai-kg/id/onet/commodity/{Commodity Code}>`` (a ``schema:DefinedTerm``
  with ``skos:notation`` the code and ``skos:prefLabel`` Commodity Title@en).
- ``Tools Used``: Example, Commodity Code, Commodity Title -> ``occ gkg:toolUsed tool`` (not
  ``gkg:usesTool``, whose values are curated ``gkg:Tool`` nodes), with ``tool``
  ``<https://w3id.org/genai-kg/id/onet/tool/{slug}>`` built like ``tech``.
- ``Skills``: Element ID, Element Name, Scale ID, Data Value, Not Relevant -> each element
  ``<https://www.onetonline.org/find/descriptor/result/{Element ID}>`` a ``schema:DefinedTerm``
  with ``skos:prefLabel`` and ``skos:notation``; and for each importance rating (Scale ID "IM",
  scale 1-5) of at least ``IMPORTANCE_THRESHOLD`` (3.0, "important" on O*NET's scale) a
  qualified node ``<occ#skill-{Element ID}>`` (``occ gkg:importantSkill q``) with
  ``gkg:skill`` the element, ``gkg:importance`` and, unless rated Not Relevant, ``gkg:level``
  (the LV rating, scale 0-7), both ``xsd:decimal``. Lower ratings are counted, not written:
  every occupation is rated on all 35 skills, and the unimportant ones would double the graph.

A slug is the lowercased Example with "+" spelled "plus" and "#" "sharp" (so C, C# and C++ stay
apart) and every other run of non-alphanumerics a hyphen. Examples that differ only in
punctuation ("Side-cutting pliers", "Side cutting pliers") share a node: the smallest spelling
is its prefLabel, the others altLabels. Knowledge, reported titles and the reference files are
not read.

>>> slug("C++"), slug("C#"), slug("Microsoft Power BI")
('c-plus-plus', 'c-sharp', 'microsoft-power-bi')
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pyoxigraph as ox

from ..errors import DataError
from ..rdf import GKG, ID_BASE, ONET_ELEMENT_PAGE, ONET_PAGE, RDF, SCHEMA, SKOS, XSD
from . import GRAPH_BASE, ImportResult, Progress, no_progress

ONET_GRAPH = GRAPH_BASE + "onet"
ONET_ID_BASE = ID_BASE + "onet/"
#: Importance ratings (scale 1-5) at or above this become ``gkg:importantSkill`` links.
IMPORTANCE_THRESHOLD = Decimal("3.0")
PROGRESS_EVERY = 5_000
#: Problems listed in one DataError before the rest are only counted.
MAX_PROBLEMS = 50

RDF_TYPE = ox.NamedNode(str(RDF.type))
PREF_LABEL = ox.NamedNode(str(SKOS.prefLabel))
ALT_LABEL = ox.NamedNode(str(SKOS.altLabel))
NOTATION = ox.NamedNode(str(SKOS.notation))
RELATED = ox.NamedNode(str(SKOS.related))
OCCUPATION = ox.NamedNode(str(SCHEMA.Occupation))
DEFINED_TERM = ox.NamedNode(str(SCHEMA.DefinedTerm))
DESCRIPTION = ox.NamedNode(str(SCHEMA.description))
CATEGORY = ox.NamedNode(str(SCHEMA.occupationalCategory))
INTEGER = ox.NamedNode(str(XSD.integer))
DECIMAL = ox.NamedNode(str(XSD.decimal))


def _gkg(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{GKG}{name}")


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

_CODE_RE = re.compile(r"\d{2}-\d{4}\.\d{2}")
_ELEMENT_RE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
_UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    KeyError,
    ValueError,
    SyntaxError,  # xml.etree ParseError and lxml's XMLSyntaxError derive from it
    zipfile.BadZipFile,
)


def read_onet(path: Path, progress: Progress = no_progress) -> ImportResult:
    """Read an O*NET release (folder or zip, Excel or text edition) as the ``onet`` graph.

    Missing files and columns are reported at once; bad values while the triples stream,
    all together once every row has been read (so a failed import never gets to replace
    the graph).

    Raises:
        DataError: PATH is not an O*NET release, or a file is missing, unreadable, lacks a
            column or holds bad values (each problem names the file, line and column).

    >>> result = read_onet(Path("tests/data/onet-mini"))
    >>> triples = list(result.triples)
    >>> result.counts["occupations"], result.counts["technology skills"]
    (8, 137)
    """
    tables = _open_tables(Path(path))
    result = ImportResult(source=f"O*NET release at {path}", graph=ONET_GRAPH, triples=iter(()))
    result.triples = _Reader(tables, result, progress).triples()
    return result


def slug(text: str) -> str:
    """Return the IRI-safe slug of an O*NET example name (see the module docstring)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("+", " plus ").replace("#", " sharp ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def occupation_iri(code: str) -> ox.NamedNode:
    """Return the IRI of an O*NET occupation, its O*NET OnLine page.

    >>> occupation_iri("15-2051.00").value
    'https://www.onetonline.org/link/summary/15-2051.00'
    """
    return ox.NamedNode(ONET_PAGE + code)


# --- reading the files of either edition -------------------------------------------------


@dataclass
class _Table:
    """One file of the release, open, its header read; ``rows`` yields (line, cells)."""

    stem: str
    label: str
    columns: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int
    close: Callable[[], None]

    def index(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None


def _open_tables(path: Path) -> dict[str, _Table]:
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


def _open_found(path: Path, archive: zipfile.ZipFile | None) -> dict[str, _Table]:
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
    tables: dict[str, _Table] = {}
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


def _open_table(stem: str, label: str, opener: Callable[[], Path | IO[bytes]]) -> _Table:
    try:
        source = opener()
        if label.endswith(".xlsx"):
            return _open_excel(stem, label, source)
        return _open_text(stem, label, source.open("rb") if isinstance(source, Path) else source)
    except DataError:
        raise
    except _UNREADABLE as exc:
        raise DataError([f"{label}: unreadable, corrupt or truncated ({exc!r})"]) from None


def _open_excel(stem: str, label: str, source: Path | IO[bytes]) -> _Table:
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
    return _Table(stem, label, header, rows(), total, book.close)


def _open_text(stem: str, label: str, stream: IO[bytes]) -> _Table:
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

    return _Table(stem, label, header, rows(), 0, stream.close)


def _cell(value: Any) -> str:
    """Return an Excel or text cell as text: 43232202 and "43232202" read the same."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- rows to triples -----------------------------------------------------------------------


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=INTEGER)


def _decimal(value: Decimal) -> ox.Literal:
    # One lexical form for both editions: Excel's 5 and the text edition's "5.00" give "5".
    lexical = str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"
    return ox.Literal(lexical, datatype=DECIMAL)


@dataclass
class _Terms:
    """Example names of Technology Skills or Tools Used, gathered to write one node each."""

    base: str
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    commodities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, example: str, commodity: str) -> ox.NamedNode:
        key = slug(example) or "x"
        self.labels[key].add(example)
        if commodity:
            self.commodities[key].add(commodity)
        return ox.NamedNode(self.base + key)


Triple = tuple[Any, Any, Any]


class _Reader:
    """Stream the triples of the open tables; fill the result's counts as it goes."""

    def __init__(self, tables: dict[str, _Table], result: ImportResult, progress: Progress):
        self.tables = tables
        self.result = result
        self.progress = progress
        self.problems: list[str] = []
        self.titles: dict[str, str] = {}
        self.unknown: dict[str, int] = defaultdict(int)
        self.commodity_titles: dict[str, set[str]] = defaultdict(set)

    def triples(self) -> Iterator[Triple]:
        counts = self.result.counts
        try:
            yield from self._occupations()
            yield from self._job_zones()
            yield from self._alternate_titles()
            yield from self._related()
            technology = _Terms(ONET_ID_BASE + "technology/")
            yield from self._technology(technology)
            counts["technologies"] = sum(len(v) for v in technology.labels.values())
            yield from self._term_nodes(technology)
            tools = _Terms(ONET_ID_BASE + "tool/")
            yield from self._tools(tools)
            counts["tools"] = sum(len(v) for v in tools.labels.values())
            counts["tool nodes"] = len(tools.labels)
            yield from self._term_nodes(tools)
            yield from self._commodity_nodes()
            yield from self._skills()
        finally:
            for table in self.tables.values():
                table.close()
        for stem, count in self.unknown.items():
            self.result.skipped[f"{stem} rows of occupations not in {OCCUPATION_DATA}"] = count
            self.result.warnings.append(
                f"{self.tables[stem].label}: {count:,} rows name an O*NET-SOC code that "
                f"{self.tables[OCCUPATION_DATA].label} lacks; they were skipped"
            )
        if self.problems:
            extra = len(self.problems) - MAX_PROBLEMS
            shown = self.problems[:MAX_PROBLEMS]
            raise DataError(shown + ([f"... and {extra:,} more"] if extra > 0 else []))

    # Rows of one table, as the named columns (optional ones "" when absent), with progress.
    def _rows(self, stem: str, *names: str) -> Iterator[tuple[int, list[str]]]:
        table = self.tables[stem]
        where = [table.index(name) for name in names]
        done = 0
        for line, cells in table.rows:
            done += 1
            if done % PROGRESS_EVERY == 0:
                self.progress(stem, done, table.total)
            yield line, [cells[i] if i is not None else "" for i in where]
        self.progress(stem, done, table.total or done)
        self.result.counts.setdefault(_COUNT_NAMES[stem], done)

    def _problem(self, stem: str, line: int, column: str, message: str) -> None:
        self.problems.append(f"{self.tables[stem].label}:{line}: column {column!r}: {message}")

    def _known(self, stem: str, line: int, code: str, column: str = CODE) -> bool:
        """Check an occupation code; count rows of codes Occupation Data lacks."""
        if code in self.titles:
            return True
        if not _CODE_RE.fullmatch(code):
            self._problem(stem, line, column, f"bad O*NET-SOC code {code!r}")
        else:
            self.unknown[stem] += 1
        return False

    def _occupations(self) -> Iterator[Triple]:
        for line, (code, title, description) in self._rows(
            OCCUPATION_DATA, CODE, "Title", "Description"
        ):
            if not _CODE_RE.fullmatch(code):
                self._problem(OCCUPATION_DATA, line, CODE, f"bad O*NET-SOC code {code!r}")
                continue
            if not title:
                self._problem(OCCUPATION_DATA, line, "Title", "empty")
                continue
            self.titles[code] = title
            occ = occupation_iri(code)
            yield occ, RDF_TYPE, OCCUPATION
            yield occ, PREF_LABEL, _text(title)
            yield occ, NOTATION, ox.Literal(code)
            yield occ, CATEGORY, ox.Literal(code[:7])
            if description:
                yield occ, DESCRIPTION, _text(description)

    def _job_zones(self) -> Iterator[Triple]:
        for line, (code, zone) in self._rows(JOB_ZONES, CODE, "Job Zone"):
            if not self._known(JOB_ZONES, line, code):
                continue
            if zone not in {"1", "2", "3", "4", "5"}:
                self._problem(JOB_ZONES, line, "Job Zone", f"{zone!r} is not a job zone 1-5")
                continue
            yield occupation_iri(code), _gkg("jobZone"), _integer(int(zone))

    def _alternate_titles(self) -> Iterator[Triple]:
        seen: set[tuple[str, str]] = set()
        for line, (code, title, short) in self._rows(
            ALTERNATE_TITLES, CODE, "Alternate Title", "Short Title"
        ):
            if not self._known(ALTERNATE_TITLES, line, code):
                continue
            for label in (title, short):
                if label and label != self.titles[code] and (code, label) not in seen:
                    seen.add((code, label))
                    yield occupation_iri(code), ALT_LABEL, _text(label)
        self.result.counts["alternate labels"] = len(seen)

    def _related(self) -> Iterator[Triple]:
        column = "Related O*NET-SOC Code"
        for line, (code, other, tier, index) in self._rows(
            RELATED_OCCUPATIONS, CODE, column, "Relatedness Tier", "Index"
        ):
            if not (
                self._known(RELATED_OCCUPATIONS, line, code)
                and self._known(RELATED_OCCUPATIONS, line, other, column)
            ):
                continue
            if index and not index.isdigit():
                self._problem(RELATED_OCCUPATIONS, line, "Index", f"{index!r} is not a rank")
                continue
            occ, rel = occupation_iri(code), occupation_iri(other)
            yield occ, RELATED, rel
            qualified = ox.NamedNode(f"{occ.value}#related-{other}")
            yield occ, _gkg("relatedOccupation"), qualified
            yield qualified, _gkg("occupation"), rel
            if tier:
                yield qualified, _gkg("relatednessTier"), ox.Literal(tier)
            if index:
                yield qualified, _gkg("relatednessIndex"), _integer(int(index))

    def _technology(self, terms: _Terms) -> Iterator[Triple]:
        hot = in_demand = 0
        for line, (code, example, commodity, commodity_title, is_hot, is_in_demand) in self._rows(
            TECHNOLOGY_SKILLS,
            CODE,
            "Example",
            "Commodity Code",
            "Commodity Title",
            "Hot Technology",
            "In Demand",
        ):
            if not self._term_row(TECHNOLOGY_SKILLS, line, code, example, commodity):
                continue
            flags_ok = True
            for column, flag in (("Hot Technology", is_hot), ("In Demand", is_in_demand)):
                if flag not in {"Y", "N", ""}:
                    self._problem(TECHNOLOGY_SKILLS, line, column, f"{flag!r} is not Y or N")
                    flags_ok = False
            if not flags_ok:
                continue
            occ, node = occupation_iri(code), terms.add(example, commodity)
            self._commodity(commodity, commodity_title)
            yield occ, _gkg("usesTechnology"), node
            if is_hot == "Y":
                hot += 1
                yield occ, _gkg("hotTechnology"), node
            if is_in_demand == "Y":
                in_demand += 1
                yield occ, _gkg("inDemand"), node
        self.result.counts["hot technology links"] = hot
        self.result.counts["in-demand technology links"] = in_demand

    def _tools(self, terms: _Terms) -> Iterator[Triple]:
        for line, (code, example, commodity, commodity_title) in self._rows(
            TOOLS_USED, CODE, "Example", "Commodity Code", "Commodity Title"
        ):
            if self._term_row(TOOLS_USED, line, code, example, commodity):
                self._commodity(commodity, commodity_title)
                yield occupation_iri(code), _gkg("toolUsed"), terms.add(example, commodity)

    def _term_row(self, stem: str, line: int, code: str, example: str, commodity: str) -> bool:
        if not self._known(stem, line, code):
            return False
        if not example:
            self._problem(stem, line, "Example", "empty")
            return False
        if commodity and not commodity.isdigit():
            self._problem(stem, line, "Commodity Code", f"{commodity!r} is not a UNSPSC code")
            return False
        return True

    def _commodity(self, code: str, title: str) -> None:
        if code:
            self.commodity_titles[code].add(title)

    def _term_nodes(self, terms: _Terms) -> Iterator[Triple]:
        for key, labels in sorted(terms.labels.items()):
            node = ox.NamedNode(terms.base + key)
            first, *others = sorted(labels)
            yield node, RDF_TYPE, DEFINED_TERM
            yield node, PREF_LABEL, _text(first)
            for other in others:
                yield node, ALT_LABEL, _text(other)
            for commodity in sorted(terms.commodities.get(key, ())):
                yield node, _gkg("commodity"), ox.NamedNode(ONET_ID_BASE + "commodity/" + commodity)

    def _commodity_nodes(self) -> Iterator[Triple]:
        for code, titles in sorted(self.commodity_titles.items()):
            node = ox.NamedNode(ONET_ID_BASE + "commodity/" + code)
            yield node, RDF_TYPE, DEFINED_TERM
            yield node, NOTATION, ox.Literal(code)
            title = min((t for t in titles if t), default="")
            if title:
                yield node, PREF_LABEL, _text(title)
        self.result.counts["commodities"] = len(self.commodity_titles)

    def _skills(self) -> Iterator[Triple]:
        elements: set[str] = set()
        importance: dict[tuple[str, str], Decimal] = {}
        level: dict[tuple[str, str], Decimal] = {}
        for line, (code, element, name, scale, value, not_relevant) in self._rows(
            SKILLS, CODE, "Element ID", "Element Name", "Scale ID", "Data Value", "Not Relevant"
        ):
            if not self._known(SKILLS, line, code):
                continue
            if not _ELEMENT_RE.fullmatch(element):
                self._problem(SKILLS, line, "Element ID", f"bad element id {element!r}")
                continue
            try:
                number = Decimal(value)
            except InvalidOperation:
                self._problem(SKILLS, line, "Data Value", f"{value!r} is not a number")
                continue
            if element not in elements:
                elements.add(element)
                node = ox.NamedNode(ONET_ELEMENT_PAGE + element)
                yield node, RDF_TYPE, DEFINED_TERM
                yield node, NOTATION, ox.Literal(element)
                if name:
                    yield node, PREF_LABEL, _text(name)
            if scale == "IM" and number >= IMPORTANCE_THRESHOLD:
                importance[code, element] = number
            elif scale == "LV" and not_relevant != "Y":
                level[code, element] = number
        for (code, element), number in importance.items():
            occ = occupation_iri(code)
            qualified = ox.NamedNode(f"{occ.value}#skill-{element}")
            yield occ, _gkg("importantSkill"), qualified
            yield qualified, _gkg("skill"), ox.NamedNode(ONET_ELEMENT_PAGE + element)
            yield qualified, _gkg("importance"), _decimal(number)
            if (code, element) in level:
                yield qualified, _gkg("level"), _decimal(level[code, element])
        self.result.counts["skills"] = len(elements)
        self.result.counts["important skill links"] = len(importance)


#: The count each file's rows are reported under.
_COUNT_NAMES = {
    OCCUPATION_DATA: "occupations",
    JOB_ZONES: "job zones",
    ALTERNATE_TITLES: "alternate titles",
    RELATED_OCCUPATIONS: "related occupations",
    TECHNOLOGY_SKILLS: "technology skills",
    TOOLS_USED: "tools used",
    SKILLS: "skill ratings",
}
