"""Official occupations in the store: find one by what a user types, read its skills and wage.

Everything here is a SPARQL query on the embedded store (or an index lookup of pyoxigraph's),
so a start such as ``path "nurse responsible for general care" ...`` reads a few hundred
triples, never the whole taxonomy.

- ESCO occupations (``esco:Occupation`` in the ESCO graph): the ESCO URI, the code
  (``skos:notation``, e.g. "2221.1"), the preferred or an alternative label. Their skills are
  their essential skills (``esco:relatedEssentialSkill``).
- O*NET occupations (``schema:Occupation`` in the O*NET graph): the code ("29-1141.00"), the
  O*NET OnLine page, the title or an alternate title. Their skills are the skills O*NET rates
  important for them (``gkg:importantSkill``: importance at least 3 of 5) and their technology
  skills (``gkg:usesTechnology``).

A curated skill counts for an official skill it is linked to by ``skos:exactMatch`` or
``skos:closeMatch`` (the ``match`` of ``data/skills.yaml``), and also for every ESCO skill
narrower than that one (``skos:broader`` between ESCO skills reads "is a narrower skill of":
whoever can "use electronic health records in nursing" can "use databases"). ESCO's skill
groups are topics, not skills, so the walk up stops at them. O*NET's rated skills are the
leaves of its content model and its technologies have no hierarchy: exact links only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from genai_kg.graph.namespaces import CURATED_GRAPH, GRAPH_BASE, ID_BASE, PREFIX_IRIS

ESCO_GRAPH = GRAPH_BASE + "esco"
ONET_GRAPH = GRAPH_BASE + "onet"
OEWS_GRAPH = GRAPH_BASE + "oews"
ONET_PAGE = "https://www.onetonline.org/link/summary/"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"
ONET_CODE = re.compile(r"\d{2}-\d{4}\.\d{2}")
ESCO_CODE = re.compile(r"\d{4}(\.\d+)+")
SKILL_BASE = ID_BASE + "skill/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: Where each scheme keeps its occupations, and their class.
SCHEMES = {
    "esco": (ESCO_GRAPH, PREFIX_IRIS["esco"] + "Occupation"),
    "onet": (ONET_GRAPH, PREFIX_IRIS["schema"] + "Occupation"),
}

_PREFIXES = "".join(
    f"PREFIX {prefix}: <{PREFIX_IRIS[prefix]}>\n" for prefix in ("gkg", "schema", "skos", "esco")
)

#: Words a title keeps in lower case (O*NET: "Computer and Information Research Scientists").
_SMALL_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"]
)


@dataclass(frozen=True)
class Occupation:
    """One official occupation: ``scheme`` is "esco" or "onet"."""

    scheme: str
    iri: str
    code: str
    title: str
    #: How the name given matched: "code", "uri", "preferred" or "alternative" label; for a
    #: near miss, the label that came closest.
    matched_by: str = ""

    @property
    def reference(self) -> str:
        """``ESCO 2221.2`` or ``O*NET 29-1141.00``: the scheme and code."""
        return f"{'ESCO' if self.scheme == 'esco' else 'O*NET'} {self.code}"

    def describe(self) -> str:
        """Return ``ESCO 2221.2 nurse responsible for general care``, as messages list it."""
        return f"{self.reference} {self.title}"


@dataclass(frozen=True)
class OfficialSkill:
    """One of an occupation's official skills and the curated skills it gives."""

    iri: str
    label: str
    #: "essential" (ESCO), "important" or "technology" (O*NET).
    kind: str
    #: (curated skill id, the official skill linked to it: this one or a broader ESCO skill).
    gives: list[tuple[str, str]] = field(default_factory=list)


def name_variants(name: str) -> list[str]:
    """Return the spellings of ``name`` that labels use, for exact (index) lookups.

    ESCO labels are lower case, O*NET titles capitalise every word but the small ones;
    looking these up exactly costs a millisecond where a case-insensitive scan of 100,000
    labels costs most of a second.

    >>> name_variants("registered NURSES")
    ['registered NURSES', 'registered nurses', 'Registered nurses', 'Registered Nurses', \
'REGISTERED NURSES']
    """
    text = " ".join(name.split())
    lower = text.lower()
    words = lower.split(" ")
    title = " ".join(
        word if index and word in _SMALL_WORDS else word[:1].upper() + word[1:]
        for index, word in enumerate(words)
    )
    variants = [text, lower, lower[:1].upper() + lower[1:], title, text.title(), text.upper()]
    return list(dict.fromkeys(variants))


@dataclass(frozen=True)
class Found:
    """What a name finds: the occupations it names, else the closest ones (near misses)."""

    matches: list[Occupation]
    suggestions: list[Occupation] = field(default_factory=list)


def find_occupations(store: Any, name: str, suggest: int = 3) -> Found:
    """Return the occupations called ``name``: by code or URI, else by preferred, else by
    alternative label (any case), in order of scheme and code.

    Only the best kind of match is returned: a name that is one occupation's preferred label
    and another's alternative label means the first. When nothing matches, ``suggestions``
    holds up to ``suggest`` occupations whose labels are closest (difflib's ratio, at least
    0.7) among those sharing the name's longest words.
    """
    text = " ".join(name.split())
    if ONET_CODE.fullmatch(text) or text.startswith(ONET_PAGE):
        code = text.removeprefix(ONET_PAGE)
        return Found(_occupations(store, [("onet", ONET_PAGE + code, "code")]))
    if text.startswith(ESCO_OCCUPATION):
        return Found(_occupations(store, [("esco", text, "uri")]))
    if ESCO_CODE.fullmatch(text):
        return Found(_occupations(store, _by_value(store, [_ox().Literal(text)], ("notation",))))
    literals = [_ox().Literal(variant, language="en") for variant in name_variants(text)]
    found = _by_value(store, literals, ("prefLabel", "altLabel"))
    candidates: list[tuple[str, str, str, str]] = []
    if not found:  # any case at all: scan the labels that share the name's longest words
        candidates = _candidates(store, text)
        key = text.casefold()
        found = [(s, iri, how) for s, iri, label, how in candidates if label.casefold() == key]
    for tier in ("preferred", "alternative"):
        hits = list(dict.fromkeys(hit for hit in found if hit[2] == tier))
        if hits:
            return Found(_occupations(store, hits))
    return Found([], _closest(store, text, candidates, suggest))


def _closest(
    store: Any, text: str, candidates: list[tuple[str, str, str, str]], limit: int
) -> list[Occupation]:
    import difflib

    key = text.casefold()
    scored: dict[tuple[str, str], tuple[float, str]] = {}
    for scheme, iri, label, _ in candidates:
        ratio = difflib.SequenceMatcher(None, key, label.casefold()).ratio()
        if ratio >= 0.7 and ratio > scored.get((scheme, iri), (0.0, ""))[0]:
            scored[(scheme, iri)] = (ratio, label)
    best = sorted(scored, key=lambda place: (-scored[place][0], place))[:limit]
    closest = [(scheme, iri, scored[(scheme, iri)][1]) for scheme, iri in best]
    return _occupations(store, closest, keep_order=True)


def official_skills(store: Any, occupation: Occupation) -> list[OfficialSkill]:
    """Return the occupation's official skills, each with the curated skills it gives.

    Two small queries: the skills with their labels, then the curated links among them.
    """
    occ = f"<{occupation.iri}>"
    links = "VALUES ?match { skos:exactMatch skos:closeMatch }"
    curated = f"GRAPH <{CURATED_GRAPH}> {{ ?curated ?match ?linked }}"
    if occupation.scheme == "esco":
        skills = f"""GRAPH <{ESCO_GRAPH}> {{ {occ} esco:relatedEssentialSkill ?skill
                     BIND("essential" AS ?kind) OPTIONAL {{ ?skill skos:prefLabel ?label }} }}"""
        given = f"""GRAPH <{ESCO_GRAPH}> {{ {occ} esco:relatedEssentialSkill ?skill .
                    ?skill skos:broader* ?linked . ?linked a esco:Skill }} {links} {curated}"""
    else:
        skills = f"""GRAPH <{ONET_GRAPH}> {{
            {{ {occ} gkg:importantSkill/gkg:skill ?skill BIND("important" AS ?kind) }}
            UNION {{ {occ} gkg:usesTechnology ?skill BIND("technology" AS ?kind) }}
            OPTIONAL {{ ?skill skos:prefLabel ?label }} }}"""
        given = f"""GRAPH <{ONET_GRAPH}> {{
            {{ {occ} gkg:importantSkill/gkg:skill ?skill }}
            UNION {{ {occ} gkg:usesTechnology ?skill }}
            BIND(?skill AS ?linked) }} {links} {curated}"""
    found: dict[str, OfficialSkill] = {}
    for row in _select(store, f"SELECT ?skill ?label ?kind WHERE {{ {skills} }}"):
        iri = row["skill"]
        found.setdefault(iri, OfficialSkill(iri, row.get("label") or iri, row["kind"]))
    query = f"SELECT DISTINCT ?skill ?linked ?curated WHERE {{ {given} }}"
    for row in _select(store, query):
        if row["curated"].startswith(SKILL_BASE) and row["skill"] in found:
            curated = row["curated"].removeprefix(SKILL_BASE)
            found[row["skill"]].gives.append((curated, row["linked"]))
    for skill in found.values():
        skill.gives.sort()
    return sorted(found.values(), key=lambda s: (not s.gives, s.kind, s.label.casefold(), s.iri))


def labels_of(store: Any, iris: list[str]) -> dict[str, str]:
    """Return the preferred label of each of ``iris`` that has one."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in iris)
    rows = _select(
        store,
        f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} "
        "GRAPH ?g { ?s skos:prefLabel ?label } }",
    )
    return {row["s"]: row["label"] for row in rows}


def median_wages(store: Any, onet_iris: list[str]) -> dict[str, tuple[float, str, int]]:
    """Return, per O*NET occupation, BLS OEWS's median annual wage: (USD, SOC label, year).

    Empty until OEWS is imported; an occupation BLS publishes no median for is left out.
    """
    if not onet_iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in onet_iris)
    rows = _select(
        store,
        f"""SELECT ?occ ?median ?soc ?label ?year WHERE {{
          VALUES ?occ {{ {values} }}
          GRAPH <{ONET_GRAPH}> {{ ?occ schema:occupationalCategory ?soc }}
          GRAPH <{OEWS_GRAPH}> {{
            ?bls schema:occupationalCategory ?soc ; schema:estimatedSalary ?wages ;
                 skos:prefLabel ?label .
            ?wages schema:median ?median ; gkg:year ?year }}
        }}""",
    )
    return {
        row["occ"]: (float(row["median"]), f"{row['soc']} {row['label']}", int(row["year"]))
        for row in rows
    }


def role_counterparts(store: Any, scheme: str) -> dict[str, str]:
    """Return, per curated role id, the IRI of its ``scheme`` occupation (exact or close)."""
    graph, cls = SCHEMES[scheme]
    rows = _select(
        store,
        f"""SELECT ?role ?occ WHERE {{
          VALUES ?match {{ skos:exactMatch skos:closeMatch }}
          GRAPH <{CURATED_GRAPH}> {{ ?role a gkg:Role ; ?match ?occ }}
          GRAPH <{graph}> {{ ?occ a <{cls}> }}
        }} ORDER BY ?role ?occ""",
    )
    role_base = ID_BASE + "role/"
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(row["role"].removeprefix(role_base), row["occ"])
    return found


# --- the lookups ---------------------------------------------------------------------------


def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


def _schemes() -> list[tuple[str, str, str]]:
    return [(scheme, graph, cls) for scheme, (graph, cls) in SCHEMES.items()]


def _literal(text: str) -> str:
    """Return ``text`` as a plain SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


_TIERS = {"prefLabel": "preferred", "altLabel": "alternative", "notation": "code"}


def _by_value(
    store: Any, values: list[Any], predicates: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    """``(scheme, occupation IRI, how)`` of each occupation whose ``predicates`` hold a value.

    Index lookups (pyoxigraph's ``quads_for_pattern``), one per value and predicate: a
    millisecond in all, where SPARQL's planner scans every label of the graph.
    """
    ox = _ox()
    kind = ox.NamedNode(RDF_TYPE)
    found = []
    for scheme, graph, cls in _schemes():
        graph_node, cls_node = ox.NamedNode(graph), ox.NamedNode(cls)
        for predicate in predicates:
            node = ox.NamedNode(PREFIX_IRIS["skos"] + predicate)
            for value in values:
                for quad in store.quads_for_pattern(None, node, value, graph_node):
                    subject = quad.subject
                    if any(store.quads_for_pattern(subject, kind, cls_node, graph_node)):
                        found.append((scheme, subject.value, _TIERS[predicate]))
    return list(dict.fromkeys(found))


def _candidates(store: Any, text: str) -> list[tuple[str, str, str, str]]:
    """``(scheme, IRI, label, how)`` of the labels holding one of the name's longest words.

    The one scan of labels (about a second over ESCO's and O*NET's 100,000), run only when
    the index lookups found nothing: for a name in other capitals ("Chief nursing officer
    (cno)") and for the near misses.
    """
    words = sorted({w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 3}, key=len)
    if not words:
        return []
    tests = " || ".join(f"CONTAINS(?low, {_literal(w)})" for w in words[-3:])
    found = []
    for scheme, graph, cls in _schemes():
        for row in _select(
            store,
            f"""SELECT ?occ ?predicate ?label WHERE {{
              VALUES ?predicate {{ skos:prefLabel skos:altLabel }}
              GRAPH <{graph}> {{ ?occ a <{cls}> ; ?predicate ?label }}
              BIND(LCASE(STR(?label)) AS ?low) FILTER({tests})
            }}""",
        ):
            how = _TIERS[row["predicate"].removeprefix(PREFIX_IRIS["skos"])]
            found.append((scheme, row["occ"], row["label"], how))
    return found


def _occupations(
    store: Any, found: list[tuple[str, str, str]], *, keep_order: bool = False
) -> list[Occupation]:
    """The occupations of ``(scheme, iri, how)`` that exist, with their code and title."""
    ox = _ox()
    skos = PREFIX_IRIS["skos"]
    label, notation = ox.NamedNode(skos + "prefLabel"), ox.NamedNode(skos + "notation")
    occupations = []
    for scheme, iri, how in found:
        graph, cls = (ox.NamedNode(term) for term in SCHEMES[scheme])
        node = ox.NamedNode(iri)
        if not any(store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), cls, graph)):
            continue
        titles = [q.object.value for q in store.quads_for_pattern(node, label, None, graph)]
        codes = [q.object.value for q in store.quads_for_pattern(node, notation, None, graph)]
        code, title = min(codes, default=""), min(titles, default=iri)
        occupations.append(Occupation(scheme, iri, code, title, how))
    if not keep_order:
        occupations.sort(key=lambda o: (o.scheme, o.code, o.iri))
    return occupations


def _select(store: Any, query: str) -> list[dict[str, str]]:
    """Run a SELECT on the store; each row as ``{variable: value}`` (IRIs and lexical forms)."""
    solutions = store.query(_PREFIXES + query)
    names = [variable.value for variable in solutions.variables]
    rows = []
    for solution in solutions:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        rows.append(row)
    return rows
