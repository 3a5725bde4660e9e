"""ESCO's vocabulary as pyoxigraph terms, and the helpers that turn a concept row into triples.

The ESCO model (``esco:`` = ``http://data.europa.eu/esco/model#``), SKOS and Dublin Core terms
the importer writes; ``esco.py`` maps each release file's rows with them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from genai_kg.graph.namespaces import GRAPH_BASE

GRAPH = GRAPH_BASE + "esco"


_ESCO = "http://data.europa.eu/esco/model#"


_SKOS = "http://www.w3.org/2004/02/skos/core#"


_DCT = "http://purl.org/dc/terms/"


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


OCCUPATION = ox.NamedNode(_ESCO + "Occupation")


SKILL = ox.NamedNode(_ESCO + "Skill")


SKILL_GROUP = ox.NamedNode(_ESCO + "SkillGroup")


ISCO_GROUP = ox.NamedNode(_ESCO + "ISCOGroup")


SKILL_TYPE = ox.NamedNode(_ESCO + "skillType")


SKILL_REUSE_LEVEL = ox.NamedNode(_ESCO + "skillReuseLevel")


MEMBER_OF_ISCO_GROUP = ox.NamedNode(_ESCO + "memberOfISCOGroup")


RELATED_ESSENTIAL_SKILL = ox.NamedNode(_ESCO + "relatedEssentialSkill")


RELATED_OPTIONAL_SKILL = ox.NamedNode(_ESCO + "relatedOptionalSkill")


PREF_LABEL = ox.NamedNode(_SKOS + "prefLabel")


ALT_LABEL = ox.NamedNode(_SKOS + "altLabel")


HIDDEN_LABEL = ox.NamedNode(_SKOS + "hiddenLabel")


NOTATION = ox.NamedNode(_SKOS + "notation")


DEFINITION = ox.NamedNode(_SKOS + "definition")


SCOPE_NOTE = ox.NamedNode(_SKOS + "scopeNote")


BROADER = ox.NamedNode(_SKOS + "broader")


DESCRIPTION = ox.NamedNode(_DCT + "description")


SKILL_TYPES = {
    "skill/competence": ox.NamedNode("http://data.europa.eu/esco/skill-type/skill"),
    "knowledge": ox.NamedNode("http://data.europa.eu/esco/skill-type/knowledge"),
}


REUSE_LEVELS = {
    level: ox.NamedNode(f"http://data.europa.eu/esco/skill-reuse-level/{level}")
    for level in ("transversal", "cross-sector", "sector-specific", "occupation-specific")
}


RELATIONS = {"essential": RELATED_ESSENTIAL_SKILL, "optional": RELATED_OPTIONAL_SKILL}


#: Text columns of a concept file: (column, predicate, one value per line?).
TEXT_COLUMNS = (
    ("altLabels", ALT_LABEL, True),
    ("hiddenLabels", HIDDEN_LABEL, True),
    ("description", DESCRIPTION, False),
    ("definition", DEFINITION, False),
    ("scopeNote", SCOPE_NOTE, False),
)


Triple = tuple[Any, Any, Any]


def text_literal(value: str) -> ox.Literal:
    return ox.Literal(value.strip(), language="en")


def concept_triples(
    node: ox.NamedNode,
    cls: ox.NamedNode,
    label: str,
    cells: list[str],
    texts: list[tuple[int, ox.NamedNode, bool]],
    code_at: int | None = None,
) -> Iterator[Triple]:
    yield node, RDF_TYPE, cls
    if label:
        yield node, PREF_LABEL, ox.Literal(label, language="en")
    code = cells[code_at].strip() if code_at is not None else ""
    if code:
        yield node, NOTATION, ox.Literal(code)
    for at, predicate, multi in texts:
        value = cells[at]
        if not value:
            continue
        if multi:
            for item in dict.fromkeys(part.strip() for part in value.split("\n")):
                if item and item != label:
                    yield node, predicate, ox.Literal(item, language="en")
        elif value.strip():
            yield node, predicate, text_literal(value)


def named_node(uri: str) -> ox.NamedNode | None:
    if not uri:
        return None
    try:
        return ox.NamedNode(uri)
    except ValueError:
        return None


def examples(counter: Counter[str]) -> str:
    shown = [
        f"<{uri}>" + (f" ({n} rows)" if len(counter) > 1 else "")
        for uri, n in counter.most_common(3)
    ]
    return ", ".join(shown) + (", ..." if len(counter) > 3 else "")
