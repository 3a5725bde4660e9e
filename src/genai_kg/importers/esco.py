"""Read the official ESCO CSV release into the named graph ``GRAPH_BASE + "esco"``.

The release is two zips, exactly as the European Commission distributes them (or a folder
where they were unpacked): ``... - classification - en - csv.zip`` (concepts and their
English labels) and ``... - classification -  - csv.zip`` (two spaces: the language-free
relations); ``esco_release.py`` finds and reads them. Every node keeps ESCO's own URI; the
vocabulary is ESCO's model (``esco:`` = ``http://data.europa.eu/esco/model#``), SKOS and
Dublin Core (``dct:``).

Files and columns -> triples (``@en`` on every text; multi-line label cells are split on
newlines, trimmed, deduplicated, and an altLabel equal to the prefLabel is dropped):

- ``ISCOGroups_en.csv``: ``conceptUri a esco:ISCOGroup``; ``code`` -> ``skos:notation``;
  ``preferredLabel``, ``altLabels`` -> ``skos:prefLabel``, ``skos:altLabel``;
  ``description`` -> ``dct:description``.
- ``occupations_en.csv``: ``a esco:Occupation``; ``code`` (e.g. ``2511.3``) ->
  ``skos:notation``; ``iscoGroup`` (an ISCO code) -> ``esco:memberOfISCOGroup`` the ISCO
  group with that code (ESCO's own occupation-to-ISCO property, a ``skos:broadMatch``; the
  ``skos:broader`` tree comes from ``broaderRelationsOccPillar.csv``, which already puts
  each top occupation under its ISCO group); labels as above plus ``hiddenLabels`` ->
  ``skos:hiddenLabel``; ``description`` -> ``dct:description``; ``definition`` ->
  ``skos:definition``; ``scopeNote`` -> ``skos:scopeNote``.
- ``skills_en.csv``: ``a esco:Skill``; ``skillType`` ``skill/competence`` / ``knowledge``
  -> ``esco:skillType`` ``<http://data.europa.eu/esco/skill-type/skill>`` / ``.../knowledge``
  (an empty cell gives no triple: 6 skills of v1.1.1); ``reuseLevel`` ->
  ``esco:skillReuseLevel <http://data.europa.eu/esco/skill-reuse-level/{value}>`` (ESCO's
  property name); texts as for occupations.
- ``skillGroups_en.csv``: ``a esco:SkillGroup``; ``code`` -> ``skos:notation`` when given;
  labels, ``description``, ``scopeNote`` as above.
- ``skillsHierarchy_en.csv``: only for skill groups that ``skillGroups_en.csv`` lacks (7 in
  v1.1.1, used by ``broaderRelationsSkillPillar.csv``): ``a esco:SkillGroup`` with the
  ``Level N preferred term`` and ``Level N code`` of their ``Level N URI``, and the row's
  ``Description`` / ``Scope note`` where the group is the row's deepest level (a warning says so).
- ``occupationSkillRelations.csv``: ``occupationUri esco:relatedEssentialSkill skillUri`` or
  ``esco:relatedOptionalSkill`` by ``relationType`` (``essential`` / ``optional``).
- ``broaderRelationsOccPillar.csv``, ``broaderRelationsSkillPillar.csv``:
  ``conceptUri skos:broader broaderUri``.
- ``skillSkillRelations.csv``: ``originalSkillUri esco:relatedEssentialSkill`` /
  ``esco:relatedOptionalSkill relatedSkillUri`` by ``relationType``: the ESCO model defines
  these two properties for "the subject occupation or skill", so a skill's essential and
  optional skills read like an occupation's.

A relation row naming a URI that the concept files lack is skipped, counted in ``skipped``
(``"<file> rows"``) and reported in a warning (v1.1.1: 67 rows of
``occupationSkillRelations.csv`` and 1 of ``broaderRelationsOccPillar.csv`` name the missing
occupation ``a9e54177-...``). ``counts`` are rows read, skipped ones included.
Other columns (``status``, ``modifiedDate``, ``inScheme`` ...) and collection files are not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from genai_kg.errors import DataError
from genai_kg.importers import FirstLines, ImportResult, no_rows
from genai_kg.progress import Progress, no_progress

from .esco_release import LEVELS, Release
from .esco_terms import (
    BROADER,
    DESCRIPTION,
    GRAPH,
    ISCO_GROUP,
    MEMBER_OF_ISCO_GROUP,
    NOTATION,
    OCCUPATION,
    PREF_LABEL,
    RDF_TYPE,
    RELATIONS,
    REUSE_LEVELS,
    SCOPE_NOTE,
    SKILL,
    SKILL_GROUP,
    SKILL_REUSE_LEVEL,
    SKILL_TYPE,
    SKILL_TYPES,
    TEXT_COLUMNS,
    Triple,
    concept_triples,
    examples,
    named_node,
    text_literal,
)

_MUST_HAVE_ROWS = ("occupations_en.csv", "skills_en.csv")  # an empty one would wipe the graph
_MAX_LISTED = 20


def read_esco(path: Path, progress: Progress = no_progress) -> ImportResult:
    """Read the ESCO CSV release at ``path`` (the folder of its two zips, or of their CSVs).

    The release's layout and every file's header are checked before this returns; the rows
    are read as ``triples`` is consumed, so a fault deep in a file (bad bytes, a corrupt
    zip member, an unknown ``relationType``) raises from the iterator instead.

    Raises:
        DataError: the path is not an ESCO release, a file or column is missing, a zip is
            corrupt, or a file is not UTF-8 CSV.

    >>> from genai_kg.importers.esco import read_esco
    >>> result = read_esco(Path("tests/data/esco-mini"))
    >>> triples = list(result.triples)
    >>> result.counts["occupations"], result.skipped
    (20, {'occupationSkillRelations.csv rows': 2, 'broaderRelationsOccPillar.csv rows': 1})
    """
    release = Release.open(Path(path))
    result = ImportResult(source=f"ESCO CSV release at {path}", graph=GRAPH, triples=iter(()))
    result.triples = _Reader(release, result, progress).triples()
    return result


class _Reader:
    """The streaming pass over a release: one method per file, in dependency order."""

    def __init__(self, release: Release, result: ImportResult, progress: Progress) -> None:
        self.release = release
        self.result = result
        self.progress = progress
        self.isco: dict[str, ox.NamedNode] = {}  # URI -> node
        self.isco_codes: dict[str, ox.NamedNode] = {}
        self.occupations: dict[str, ox.NamedNode] = {}
        self.skills: dict[str, ox.NamedNode] = {}
        self.groups: dict[str, ox.NamedNode] = {}

    def triples(self) -> Iterator[Triple]:
        yield from self._isco_groups()
        yield from self._occupations()
        yield from self._skills()
        yield from self._skill_groups()
        yield from self._hierarchy_groups()
        yield from self._relations(
            "occupationSkillRelations.csv",
            "occupation-skill relations",
            ("occupationUri", "occupation", self.occupations, "occupations_en.csv"),
            ("skillUri", "skill", self.skills, "skills_en.csv"),
        )
        occupation_pillar = {**self.occupations, **self.isco}
        yield from self._broader(
            "broaderRelationsOccPillar.csv",
            "occupation broader relations",
            ("concept", occupation_pillar, "occupations_en.csv or ISCOGroups_en.csv"),
        )
        skill_pillar = {**self.skills, **self.groups}
        yield from self._broader(
            "broaderRelationsSkillPillar.csv",
            "skill broader relations",
            ("concept", skill_pillar, "skills_en.csv or skillGroups_en.csv"),
        )
        yield from self._relations(
            "skillSkillRelations.csv",
            "skill-skill relations",
            ("originalSkillUri", "skill", self.skills, "skills_en.csv"),
            ("relatedSkillUri", "skill", self.skills, "skills_en.csv"),
        )

    # --- concepts -------------------------------------------------------------------------

    def _concepts(
        self, name: str, cls: ox.NamedNode, nodes: dict[str, ox.NamedNode], problems: list[str]
    ) -> Iterator[tuple[ox.NamedNode, list[str], dict[str, int], Iterator[Triple]]]:
        """Yield each row's node, cells, columns and its type, label and text triples."""
        columns = self.release.columns[name]
        uri_at, label_at = columns["conceptUri"], columns["preferredLabel"]
        texts = [(columns[c], p, multi) for c, p, multi in TEXT_COLUMNS if c in columns]
        code_at = columns.get("code")
        where = self.release.where(name)
        seen = FirstLines()
        for line, cells in self.release.rows(name, self.progress):
            uri = cells[uri_at].strip()
            node = named_node(uri)
            if node is None:
                problems.append(f"{where}, line {line}: conceptUri {uri!r} is not a URI")
                continue
            if (first := seen.repeats(uri, line)) is not None:
                problems.append(f"{where}, line {line}: conceptUri {uri!r} repeats line {first}")
                continue
            nodes[uri] = node
            label = cells[label_at].strip()
            yield node, cells, columns, concept_triples(node, cls, label, cells, texts, code_at)

    def _isco_groups(self) -> Iterator[Triple]:
        name, problems = "ISCOGroups_en.csv", list[str]()
        for node, cells, columns, triples in self._concepts(name, ISCO_GROUP, self.isco, problems):
            yield from triples
            code = cells[columns["code"]].strip()
            if code:
                self.isco_codes[code] = node
        self._finish(name, problems, {"ISCO groups": len(self.isco)})

    def _occupations(self) -> Iterator[Triple]:
        name, problems = "occupations_en.csv", list[str]()
        unknown: Counter[str] = Counter()
        for node, cells, columns, triples in self._concepts(
            name, OCCUPATION, self.occupations, problems
        ):
            yield from triples
            isco = cells[columns["iscoGroup"]].strip()
            group = self.isco_codes.get(isco)
            if group is not None:
                yield node, MEMBER_OF_ISCO_GROUP, group
            elif isco:
                unknown[isco] += 1
        if unknown:
            total = sum(unknown.values())
            self.result.skipped[f"{name} iscoGroup values"] = total
            self.result.warnings.append(
                f"{name}: {total} occupations name an ISCO code that ISCOGroups_en.csv lacks "
                f"({examples(unknown)}); left without esco:memberOfISCOGroup"
            )
        self._finish(name, problems, {"occupations": len(self.occupations)})

    def _skills(self) -> Iterator[Triple]:
        name, problems = "skills_en.csv", list[str]()
        types: Counter[str] = Counter()
        untyped: list[str] = []
        no_reuse = 0
        where = self.release.where(name)
        for node, cells, columns, triples in self._concepts(name, SKILL, self.skills, problems):
            yield from triples
            kind = cells[columns["skillType"]].strip()
            if kind in SKILL_TYPES:
                types[kind] += 1
                yield node, SKILL_TYPE, SKILL_TYPES[kind]
            elif kind:
                problems.append(
                    f"{where}: {node.value}: unknown skillType {kind!r} "
                    f"(expected one of {', '.join(SKILL_TYPES)})"
                )
            else:
                untyped.append(f"<{node.value}> {cells[columns['preferredLabel']].strip()!r}")
            reuse = cells[columns["reuseLevel"]].strip()
            if reuse in REUSE_LEVELS:
                yield node, SKILL_REUSE_LEVEL, REUSE_LEVELS[reuse]
            elif reuse:
                problems.append(
                    f"{where}: {node.value}: unknown reuseLevel {reuse!r} "
                    f"(expected one of {', '.join(REUSE_LEVELS)})"
                )
            else:
                no_reuse += 1
        if untyped:
            self.result.warnings.append(
                f"{name}: {len(untyped)} skills have no skillType, imported without "
                f"esco:skillType: {', '.join(untyped)}"
            )
        self._finish(
            name,
            problems,
            {
                "skills": len(self.skills),
                "skills of type skill/competence": types["skill/competence"],
                "skills of type knowledge": types["knowledge"],
                "skills without a skillType": len(untyped),
                "skills without a reuseLevel": no_reuse,
            },
        )

    def _skill_groups(self) -> Iterator[Triple]:
        name, problems = "skillGroups_en.csv", list[str]()
        for *_, triples in self._concepts(name, SKILL_GROUP, self.groups, problems):
            yield from triples
        self._finish(name, problems, {"skill groups": len(self.groups)})

    def _hierarchy_groups(self) -> Iterator[Triple]:
        """Add the skill groups that only ``skillsHierarchy_en.csv`` knows."""
        name, problems = "skillsHierarchy_en.csv", list[str]()
        columns = self.release.columns[name]
        where = self.release.where(name)
        levels = [
            (
                columns[f"Level {n} URI"],
                columns[f"Level {n} preferred term"],
                columns[f"Level {n} code"],
            )
            for n in LEVELS
        ]
        description_at, scope_at = columns["Description"], columns["Scope note"]
        added: list[str] = []
        for line, cells in self.release.rows(name, self.progress):
            filled = [level for level in levels if cells[level[0]].strip()]
            for depth, (uri_at, term_at, code_at) in enumerate(filled, start=1):
                uri = cells[uri_at].strip()
                if uri in self.groups or uri in self.skills:
                    continue
                node = named_node(uri)
                if node is None:
                    problems.append(f"{where}, line {line}: {uri!r} is not a URI")
                    continue
                self.groups[uri] = node
                label = cells[term_at].strip()
                added.append(f"<{uri}> {label!r}")
                yield node, RDF_TYPE, SKILL_GROUP
                if label:
                    yield node, PREF_LABEL, ox.Literal(label, language="en")
                if cells[code_at].strip():
                    yield node, NOTATION, ox.Literal(cells[code_at].strip())
                if depth == len(filled) and cells[description_at].strip():
                    yield node, DESCRIPTION, text_literal(cells[description_at])
                if depth == len(filled) and cells[scope_at].strip():
                    yield node, SCOPE_NOTE, text_literal(cells[scope_at])
        if added:
            listed = ", ".join(added[:3]) + (", ..." if len(added) > 3 else "")
            self.result.warnings.append(
                f"skillGroups_en.csv lacks {len(added)} skill groups that {name} lists "
                f"({listed}); imported them from {name} (type, label, code)"
            )
        self._finish(name, problems, {"skill groups only in skillsHierarchy_en.csv": len(added)})

    # --- relations ------------------------------------------------------------------------

    def _relations(
        self,
        name: str,
        label: str,
        subject: tuple[str, str, dict[str, ox.NamedNode], str],
        obj: tuple[str, str, dict[str, ox.NamedNode], str],
    ) -> Iterator[Triple]:
        """Essential / optional relations: subject column, relationType, object column."""
        columns = self.release.columns[name]
        where = self.release.where(name)
        s_at, o_at, t_at = columns[subject[0]], columns[obj[0]], columns["relationType"]
        s_nodes, o_nodes = subject[2], obj[2]
        problems: list[str] = []
        kinds: Counter[str] = Counter()
        unknown: dict[tuple[str, str], Counter[str]] = {}
        rows = 0
        for line, cells in self.release.rows(name, self.progress):
            rows += 1
            kind = cells[t_at].strip()
            predicate = RELATIONS.get(kind)
            if predicate is None:
                problems.append(
                    f"{where}, line {line}: relationType {kind!r} (expected essential or optional)"
                )
                continue
            kinds[kind] += 1
            s_uri, o_uri = cells[s_at].strip(), cells[o_at].strip()
            s_node, o_node = s_nodes.get(s_uri), o_nodes.get(o_uri)
            if s_node is None or o_node is None:
                side = subject if s_node is None else obj
                unknown.setdefault((side[1], side[3]), Counter())[
                    s_uri if s_node is None else o_uri
                ] += 1
                continue
            yield s_node, predicate, o_node
        self._report_unknown(name, unknown)
        self._finish(
            name,
            problems,
            {
                label: rows,
                f"essential {label}": kinds["essential"],
                f"optional {label}": kinds["optional"],
            },
        )

    def _broader(
        self, name: str, label: str, pillar: tuple[str, dict[str, ox.NamedNode], str]
    ) -> Iterator[Triple]:
        columns = self.release.columns[name]
        c_at, b_at = columns["conceptUri"], columns["broaderUri"]
        nodes = pillar[1]
        unknown: dict[tuple[str, str], Counter[str]] = {}
        rows = 0
        for _, cells in self.release.rows(name, self.progress):
            rows += 1
            c_uri, b_uri = cells[c_at].strip(), cells[b_at].strip()
            concept, broader = nodes.get(c_uri), nodes.get(b_uri)
            if concept is None or broader is None:
                uri = c_uri if concept is None else b_uri
                unknown.setdefault((pillar[0], pillar[2]), Counter())[uri] += 1
                continue
            yield concept, BROADER, broader
        self._report_unknown(name, unknown)
        self._finish(name, [], {label: rows})

    def _report_unknown(self, name: str, unknown: dict[tuple[str, str], Counter[str]]) -> None:
        for (kind, source), uris in unknown.items():
            total = sum(uris.values())
            key = f"{name} rows"
            self.result.skipped[key] = self.result.skipped.get(key, 0) + total
            what = f"the {kind}" if len(uris) == 1 else f"{len(uris)} {kind}s"
            self.result.warnings.append(
                f"{name}: {total} row{'s name' if total != 1 else ' names'} {what} "
                f"{examples(uris)}, which {source} lacks; skipped them"
            )

    def _finish(self, name: str, problems: list[str], counts: dict[str, int]) -> None:
        if not (problems or any(counts.values())) and name in _MUST_HAVE_ROWS:
            problems.append(no_rows(self.release.where(name), "concept", "ESCO"))
        if problems:
            shown = problems[:_MAX_LISTED]
            if len(problems) > _MAX_LISTED:
                shown.append(f"... and {len(problems) - _MAX_LISTED} more in {name}")
            raise DataError(shown)
        self.result.counts.update(counts)
