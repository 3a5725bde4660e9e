"""Read the O*NET database (Excel or text edition) into the named graph ``GRAPH_BASE + "onet"``.

PATH is a folder or a zip of either official edition (``db_29_2_excel`` with ``.xlsx`` files,
``db_29_2_text`` with tab-delimited UTF-8 ``.txt`` files); both have the same columns and are
read by the same code (``onet_release.py`` finds and reads them). Where a folder holds both,
the text file is read (it is faster).

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
apart) and every other run of non-alphanumerics a hyphen. Examples that differ only in punctuation
("Side-cutting pliers", "Side cutting pliers") share a node: the smallest spelling is its
prefLabel, the others altLabels. Knowledge, reported titles and the reference files are not read.

>>> from genai_kg.importers.onet_terms import slug
>>> slug("C++"), slug("C#"), slug("Microsoft Power BI")
('c-plus-plus', 'c-sharp', 'microsoft-power-bi')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from genai_kg.errors import DataError
from genai_kg.graph.rdf import ONET_ELEMENT_PAGE
from genai_kg.importers import FirstLines, ImportResult, no_rows
from genai_kg.progress import Progress, no_progress

from .onet_release import (
    ALTERNATE_TITLES,
    CODE,
    JOB_ZONES,
    OCCUPATION_DATA,
    RELATED_OCCUPATIONS,
    SKILLS,
    TECHNOLOGY_SKILLS,
    TOOLS_USED,
    Table,
    open_tables,
)
from .onet_terms import (
    ALT_LABEL,
    CATEGORY,
    CODE_RE,
    DEFINED_TERM,
    DESCRIPTION,
    ELEMENT_RE,
    NOTATION,
    OCCUPATION,
    ONET_GRAPH,
    ONET_ID_BASE,
    PREF_LABEL,
    RDF_TYPE,
    RELATED,
    ExampleTerms,
    Triple,
    decimal_literal,
    gkg_term,
    integer_literal,
    occupation_iri,
    text_literal,
)

#: Importance ratings (scale 1-5) at or above this become ``gkg:importantSkill`` links.
IMPORTANCE_THRESHOLD = Decimal("3.0")
PROGRESS_EVERY = 5_000
MAX_PROBLEMS = 50  # problems listed in one DataError; the rest are only counted


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
    tables = open_tables(Path(path))
    result = ImportResult(source=f"O*NET release at {path}", graph=ONET_GRAPH, triples=iter(()))
    result.triples = _Reader(tables, result, progress).triples()
    return result


# --- rows to triples -----------------------------------------------------------------------


class _Reader:
    """Stream the triples of the open tables; fill the result's counts as it goes."""

    def __init__(self, tables: dict[str, Table], result: ImportResult, progress: Progress):
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
            technology = ExampleTerms(ONET_ID_BASE + "technology/")
            yield from self._technology(technology)
            counts["technologies"] = sum(len(v) for v in technology.labels.values())
            yield from self._term_nodes(technology)
            tools = ExampleTerms(ONET_ID_BASE + "tool/")
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
        if not CODE_RE.fullmatch(code):
            self._problem(stem, line, column, f"bad O*NET-SOC code {code!r}")
        else:
            self.unknown[stem] += 1
        return False

    def _occupations(self) -> Iterator[Triple]:
        seen = FirstLines()
        for line, (code, title, description) in self._rows(
            OCCUPATION_DATA, CODE, "Title", "Description"
        ):
            if not CODE_RE.fullmatch(code):
                self._problem(OCCUPATION_DATA, line, CODE, f"bad O*NET-SOC code {code!r}")
                continue
            if (first := seen.repeats(code, line)) is not None:
                self._problem(OCCUPATION_DATA, line, CODE, f"{code!r} repeats line {first}")
                continue
            if not title:
                self._problem(OCCUPATION_DATA, line, "Title", "empty")
                continue
            self.titles[code] = title
            occ = occupation_iri(code)
            yield occ, RDF_TYPE, OCCUPATION
            yield occ, PREF_LABEL, text_literal(title)
            yield occ, NOTATION, ox.Literal(code)
            yield occ, CATEGORY, ox.Literal(code[:7])
            if description:
                yield occ, DESCRIPTION, text_literal(description)
        if not seen and not self.problems:
            raise DataError([no_rows(self.tables[OCCUPATION_DATA].label, "occupation", "O*NET")])

    def _job_zones(self) -> Iterator[Triple]:
        for line, (code, zone) in self._rows(JOB_ZONES, CODE, "Job Zone"):
            if not self._known(JOB_ZONES, line, code):
                continue
            if zone not in {"1", "2", "3", "4", "5"}:
                self._problem(JOB_ZONES, line, "Job Zone", f"{zone!r} is not a job zone 1-5")
                continue
            yield occupation_iri(code), gkg_term("jobZone"), integer_literal(int(zone))

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
                    yield occupation_iri(code), ALT_LABEL, text_literal(label)
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
            yield occ, gkg_term("relatedOccupation"), qualified
            yield qualified, gkg_term("occupation"), rel
            if tier:
                yield qualified, gkg_term("relatednessTier"), ox.Literal(tier)
            if index:
                yield qualified, gkg_term("relatednessIndex"), integer_literal(int(index))

    def _technology(self, terms: ExampleTerms) -> Iterator[Triple]:
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
            yield occ, gkg_term("usesTechnology"), node
            if is_hot == "Y":
                hot += 1
                yield occ, gkg_term("hotTechnology"), node
            if is_in_demand == "Y":
                in_demand += 1
                yield occ, gkg_term("inDemand"), node
        self.result.counts["hot technology links"] = hot
        self.result.counts["in-demand technology links"] = in_demand

    def _tools(self, terms: ExampleTerms) -> Iterator[Triple]:
        for line, (code, example, commodity, commodity_title) in self._rows(
            TOOLS_USED, CODE, "Example", "Commodity Code", "Commodity Title"
        ):
            if self._term_row(TOOLS_USED, line, code, example, commodity):
                self._commodity(commodity, commodity_title)
                yield occupation_iri(code), gkg_term("toolUsed"), terms.add(example, commodity)

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

    def _term_nodes(self, terms: ExampleTerms) -> Iterator[Triple]:
        for key, labels in sorted(terms.labels.items()):
            node = ox.NamedNode(terms.base + key)
            first, *others = sorted(labels)
            yield node, RDF_TYPE, DEFINED_TERM
            yield node, PREF_LABEL, text_literal(first)
            for other in others:
                yield node, ALT_LABEL, text_literal(other)
            for commodity in sorted(terms.commodities.get(key, ())):
                yield (
                    node,
                    gkg_term("commodity"),
                    ox.NamedNode(ONET_ID_BASE + "commodity/" + commodity),
                )

    def _commodity_nodes(self) -> Iterator[Triple]:
        for code, titles in sorted(self.commodity_titles.items()):
            node = ox.NamedNode(ONET_ID_BASE + "commodity/" + code)
            yield node, RDF_TYPE, DEFINED_TERM
            yield node, NOTATION, ox.Literal(code)
            title = min((t for t in titles if t), default="")
            if title:
                yield node, PREF_LABEL, text_literal(title)
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
            if not ELEMENT_RE.fullmatch(element):
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
                    yield node, PREF_LABEL, text_literal(name)
            if scale == "IM" and number >= IMPORTANCE_THRESHOLD:
                importance[code, element] = number
            elif scale == "LV" and not_relevant != "Y":
                level[code, element] = number
        for (code, element), number in importance.items():
            occ = occupation_iri(code)
            qualified = ox.NamedNode(f"{occ.value}#skill-{element}")
            yield occ, gkg_term("importantSkill"), qualified
            yield qualified, gkg_term("skill"), ox.NamedNode(ONET_ELEMENT_PAGE + element)
            yield qualified, gkg_term("importance"), decimal_literal(number)
            if (code, element) in level:
                yield qualified, gkg_term("level"), decimal_literal(level[code, element])
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
