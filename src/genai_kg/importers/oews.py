"""Read BLS OEWS national wage estimates into the named graph ``GRAPH_BASE + "oews"``.

PATH is the CSV (``oews_may2025_national_cross_industry.csv``: one row per SOC code, as
``../shared/datasets/oews-2025`` holds it), the folder holding it, or a zip of that folder.
The year is ``release.year`` of a ``manifest.json`` beside the CSV, else the year in its name.

Columns -> triples (``occ`` is the BLS page ``<https://www.bls.gov/oes/current/oes152051.htm>``,
``wages`` is ``<occ#wages-{year}>``):

- soc_code -> ``occ a schema:Occupation``, ``skos:notation`` and ``schema:occupationalCategory``
  the code ("15-2051"); the O*NET graph gives its occupations the same category, which is how
  every O*NET occupation (15-2051.00 and 15-2051.01 alike) finds its wages.
- occupation_name -> ``skos:prefLabel`` @en.
- display_level -> ``gkg:socLevel``: 0 "major" (and "total" for 00-0000 All Occupations),
  1 "minor", 2 "broad", 3 "detailed", as the codes of each level show (XX-0000, XX-X000,
  XX-XXX0, detailed). Every level is imported.
- ``occ schema:estimatedSalary wages``; ``wages a schema:MonetaryAmountDistribution`` with
  ``schema:currency "USD"``, ``schema:duration "P1Y"``, ``gkg:year``, ``dct:source``
  <https://www.bls.gov/oes/tables.htm> and, as ``xsd:decimal`` annual wages,
  annual_10th/25th/75th/90th_percentile_wage -> ``schema:percentile10/25/75/90``,
  annual_median_wage -> ``schema:median``, annual_mean_wage -> ``gkg:mean``; employment ->
  ``gkg:employment`` (integer). Hourly wages are not imported.
- ``<https://www.onetonline.org/link/summary/{soc_code}.00> gkg:wages occ`` for detailed rows
  only, and not for the OEWS-only aggregates of several SOC occupations (``OEWS_AGGREGATES``),
  which O*NET has no occupation for. O*NET's finer occupations (15-2051.01) get no
  ``gkg:wages`` of their own: BLS publishes wages per SOC code, so they share their SOC
  code's estimates through ``schema:occupationalCategory``, and the OEWS importer, which does
  not read O*NET, cannot know which of them exist.

A cell BLS did not publish ("-", "*", "**", "~" or empty) writes nothing and is counted in
``skipped``; so is "#", BLS's mark of a wage at or above its top code ($239,200 a year in
2025), with a warning saying how many. Anything else that is not a number is an error, and
so are numbers no estimate can be: more than 12 digits, a wage above $10 million a year,
percentiles out of order (p10 <= p25 <= median <= p75 <= p90), a SOC code on two rows, and
a file with no rows at all (importing it would wipe the OEWS graph: the previous one stays).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

import pyoxigraph as ox

from genai_kg.errors import DataError
from genai_kg.graph.namespaces import GRAPH_BASE
from genai_kg.graph.rdf import DCTERMS, GKG, ONET_PAGE, RDF, SCHEMA, SKOS, XSD
from genai_kg.importers import FirstLines, ImportResult, no_rows
from genai_kg.progress import Progress, no_progress

OEWS_GRAPH = GRAPH_BASE + "oews"
OEWS_PAGE = "https://www.bls.gov/oes/current/oes"
OEWS_SOURCE = "https://www.bls.gov/oes/tables.htm"
PROGRESS_EVERY = 5_000
MAX_PROBLEMS = 50

#: OEWS codes that aggregate several SOC 2018 detailed occupations ("OEWS-specific
#: aggregations", https://www.bls.gov/oes/soc_2018.htm): no O*NET occupation has them.
OEWS_AGGREGATES = frozenset(
    {
        "13-1020",
        "13-2020",
        "21-1018",
        "25-2052",
        "25-9045",
        "29-2010",
        "31-1120",
        "39-7010",
        "47-4090",
        "51-2028",
        "51-2090",
        "53-1047",
    }
)

#: Cells BLS leaves without an estimate.
UNPUBLISHED = frozenset({"", "-", "*", "**", "~"})
TOP_CODED = "#"
LEVELS = {"0": "major", "1": "minor", "2": "broad", "3": "detailed"}

WAGE_COLUMNS = {
    "annual_10th_percentile_wage": str(SCHEMA.percentile10),
    "annual_25th_percentile_wage": str(SCHEMA.percentile25),
    "annual_median_wage": str(SCHEMA.median),
    "annual_75th_percentile_wage": str(SCHEMA.percentile75),
    "annual_90th_percentile_wage": str(SCHEMA.percentile90),
    "annual_mean_wage": f"{GKG}mean",
}
COLUMNS = ("soc_code", "occupation_name", "display_level", "employment", *WAGE_COLUMNS)

_SOC_RE = re.compile(r"\d{2}-\d{4}")
#: Bounds of a plausible estimate: BLS's top code is $239,200; no count of people or dollars
#: it publishes has more than 12 digits.
MAX_DIGITS = 12
MAX_WAGE = Decimal(10_000_000)
PERCENTILES = (
    "annual_10th_percentile_wage",
    "annual_25th_percentile_wage",
    "annual_median_wage",
    "annual_75th_percentile_wage",
    "annual_90th_percentile_wage",
)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")

RDF_TYPE = ox.NamedNode(str(RDF.type))
DECIMAL = ox.NamedNode(str(XSD.decimal))
INTEGER = ox.NamedNode(str(XSD.integer))


def _gkg(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{GKG}{name}")


@dataclass
class _Row:
    code: str
    name: str
    level: str
    employment: int | None
    wages: dict[str, Decimal]


def read_oews(path: Path, progress: Progress = no_progress) -> ImportResult:
    """Read the OEWS national cross-industry CSV (file, folder or zip) as the ``oews`` graph.

    The file is small (about 1,100 rows): it is checked whole before any triple is made,
    so every problem is reported at once.

    Raises:
        DataError: no such CSV, an unreadable file, a missing column or a bad value (with
            file, line and column).

    >>> result = read_oews(Path("tests/data/oews-mini"))
    >>> triples = list(result.triples)
    >>> result.counts["occupations"], result.skipped
    (11, {'wage and employment cells BLS did not publish': 6})
    """
    text, label, year = _locate(Path(path))
    result = ImportResult(source=f"BLS OEWS file {label}", graph=OEWS_GRAPH, triples=iter(()))
    rows = _parse(text, label, result, progress)
    result.triples = _triples(rows, year, result)
    return result


def oews_iri(code: str) -> ox.NamedNode:
    """Return the IRI of an OEWS occupation, its BLS page.

    >>> oews_iri("15-2051").value
    'https://www.bls.gov/oes/current/oes152051.htm'
    """
    return ox.NamedNode(f"{OEWS_PAGE}{code.replace('-', '')}.htm")


def _locate(path: Path) -> tuple[str, str, int]:
    """Return the CSV's text, its label for messages and the year of the estimates."""
    if not path.exists():
        raise DataError([f"{path}: no such file or folder"])
    files: dict[str, bytes | Path] = {}
    try:
        if path.is_dir():
            files = {p.name: p for p in sorted(path.iterdir()) if p.is_file()}
        elif path.suffix.lower() == ".csv":
            files = {path.name: path}
            if (path.parent / "manifest.json").is_file():
                files["manifest.json"] = path.parent / "manifest.json"
        else:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    base = PurePosixPath(name).name
                    if base.lower().endswith((".csv", "manifest.json")):
                        files[base] = archive.read(name)
        csvs = [name for name in files if name.lower().endswith(".csv")]
        if len(csvs) > 1:
            csvs = [name for name in csvs if "national" in name.lower()] or csvs
        if len(csvs) != 1:
            found = f"found {', '.join(map(repr, csvs))}" if csvs else "found no .csv file"
            raise DataError(
                [
                    f"{path}: expected one OEWS national cross-industry CSV, {found}\n"
                    "You can fix this by passing the CSV itself."
                ]
            )
        name = csvs[0]
        label = name if path.is_dir() or path.suffix.lower() == ".csv" else f"{path.name}/{name}"
        text = _read_text(files[name], label)
        year = _year(files.get("manifest.json"), name, label)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError([f"{path}: unreadable, corrupt or truncated ({exc})"]) from None
    return text, label, year


def _read_text(source: bytes | Path, label: str) -> str:
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError([f"{label}:{line}: not UTF-8 text ({exc.reason})"]) from None


def _year(manifest: bytes | Path | None, name: str, label: str) -> int:
    if manifest is not None:
        data = manifest.read_bytes() if isinstance(manifest, Path) else manifest
        try:
            info: Any = json.loads(data)
            return int(info["release"]["year"])
        except (ValueError, KeyError, TypeError):
            pass  # not the manifest we know: fall back on the file name
    match = _YEAR_RE.search(name)
    if match is None:
        raise DataError(
            [
                f"{label}: cannot tell the year of the estimates\n"
                "You can fix this by keeping the year in the file name "
                "(oews_may2025_national_cross_industry.csv)."
            ]
        )
    return int(match.group(1))


def _parse(text: str, label: str, result: ImportResult, progress: Progress) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in next(reader, [])]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise DataError(
            [f"{label}: missing column {c!r} (columns: {', '.join(columns)})" for c in missing]
        )
    where = {c: columns.index(c) for c in COLUMNS}
    problems: list[str] = []
    rows: list[_Row] = []
    seen = FirstLines()
    unpublished = top_coded = 0
    for record in reader:
        line = reader.line_num
        if not record:
            continue
        if len(record) != len(columns):
            problems.append(
                f"{label}:{line}: {len(record)} fields where the header has "
                f"{len(columns)} (is the file truncated?)"
            )
            continue
        cells = {c: record[i].strip() for c, i in where.items()}

        def bad(column: str, why: str, cells: dict[str, str] = cells, line: int = line) -> None:
            problems.append(f"{label}:{line}: column {column!r}: {cells[column]!r} {why}")

        code = cells["soc_code"]
        if not _SOC_RE.fullmatch(code):
            bad("soc_code", "is not a SOC code like '15-2051'")
            continue
        if (first := seen.repeats(code, line)) is not None:
            bad("soc_code", f"repeats the row of line {first}")
            continue
        if cells["display_level"] not in LEVELS:
            bad("display_level", "is not a level 0-3")
            continue
        if not cells["occupation_name"]:
            bad("occupation_name", "is empty")
            continue
        wages: dict[str, Decimal] = {}
        for column in ("employment", *WAGE_COLUMNS):
            value = cells[column].replace(",", "")
            if value in UNPUBLISHED:
                unpublished += 1
                continue
            if value == TOP_CODED:
                top_coded += 1
                continue
            why = _implausible(column, value)
            if why:
                bad(column, why)
            else:
                wages[column] = Decimal(value)
        _check_order(wages, bad)
        employment = wages.pop("employment", None)
        rows.append(
            _Row(
                code,
                cells["occupation_name"],
                cells["display_level"],
                None if employment is None else int(employment),
                wages,
            )
        )
        if len(rows) % PROGRESS_EVERY == 0:
            progress("OEWS", len(rows), 0)
    progress("OEWS", len(rows), len(rows))
    if not rows and not problems:
        problems.append(no_rows(label, "occupation", "OEWS"))
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        raise DataError(
            problems[:MAX_PROBLEMS] + ([f"... and {extra:,} more"] if extra > 0 else [])
        )
    if unpublished:
        result.skipped["wage and employment cells BLS did not publish"] = unpublished
    if top_coded:
        result.skipped["top-coded wage cells ('#')"] = top_coded
        result.warnings.append(
            f"{label}: {top_coded:,} wage cells are '#' (at or above BLS's top code, $239,200 "
            "a year): no value was recorded for them"
        )
    return rows


def _implausible(column: str, value: str) -> str | None:
    """Say why ``value`` cannot be an estimate of ``column``; None if it can."""
    if sum(char.isdigit() for char in value) > MAX_DIGITS:
        return f"has more than {MAX_DIGITS} digits"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "is not a number"
    if not number.is_finite() or number < 0:
        return "is not a number of dollars or people"
    if column == "employment":
        if number != number.to_integral_value() or "e" in value.lower():
            return "is not a whole number of people"
    elif number > MAX_WAGE:
        return f"is above {MAX_WAGE:,} dollars a year, no plausible wage"
    return None


def _check_order(wages: dict[str, Decimal], bad: Any) -> None:
    """Report percentiles that are out of order (each at most the next one published)."""
    published = [column for column in PERCENTILES if column in wages]
    for lower, upper in zip(published, published[1:], strict=False):
        if wages[lower] > wages[upper]:
            bad(lower, f"is above {upper!r} ({wages[upper]}): percentiles out of order")


def _decimal(value: Decimal) -> ox.Literal:
    lexical = str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"
    return ox.Literal(lexical, datatype=DECIMAL)


def _triples(rows: list[_Row], year: int, result: ImportResult) -> Iterator[Any]:
    occupation = ox.NamedNode(str(SCHEMA.Occupation))
    distribution = ox.NamedNode(str(SCHEMA.MonetaryAmountDistribution))
    pref_label, notation = ox.NamedNode(str(SKOS.prefLabel)), ox.NamedNode(str(SKOS.notation))
    category = ox.NamedNode(str(SCHEMA.occupationalCategory))
    salary, source = ox.NamedNode(str(SCHEMA.estimatedSalary)), ox.NamedNode(str(DCTERMS.source))
    currency, duration = ox.NamedNode(str(SCHEMA.currency)), ox.NamedNode(str(SCHEMA.duration))
    usd, one_year = ox.Literal("USD"), ox.Literal("P1Y", datatype=ox.NamedNode(str(XSD.duration)))
    year_literal = ox.Literal(str(year), datatype=INTEGER)
    bls_tables = ox.NamedNode(OEWS_SOURCE)
    linked = 0
    for row in rows:
        occ = oews_iri(row.code)
        level = "total" if row.code == "00-0000" else LEVELS[row.level]
        yield occ, RDF_TYPE, occupation
        yield occ, pref_label, ox.Literal(row.name, language="en")
        yield occ, notation, ox.Literal(row.code)
        yield occ, category, ox.Literal(row.code)
        yield occ, _gkg("socLevel"), ox.Literal(level)
        wages = ox.NamedNode(f"{occ.value}#wages-{year}")
        yield occ, salary, wages
        yield wages, RDF_TYPE, distribution
        yield wages, currency, usd
        yield wages, duration, one_year
        yield wages, _gkg("year"), year_literal
        yield wages, source, bls_tables
        for column, value in row.wages.items():
            yield wages, ox.NamedNode(WAGE_COLUMNS[column]), _decimal(value)
        if row.employment is not None:
            yield wages, _gkg("employment"), ox.Literal(str(row.employment), datatype=INTEGER)
        if level == "detailed" and row.code not in OEWS_AGGREGATES and row.code[-1] != "0":
            linked += 1
            yield ox.NamedNode(f"{ONET_PAGE}{row.code}.00"), _gkg("wages"), occ
    result.counts["occupations"] = len(rows)
    result.counts["detailed occupations"] = sum(row.level == "3" for row in rows)
    result.counts["O*NET occupations linked by gkg:wages"] = linked
