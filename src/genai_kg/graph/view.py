"""A NetworkX view of the RDF graph: one node per entity, one edge per link between two.

Nodes are named ``kind:id`` (``role:mlops-engineer``) and carry only scalar attributes
(a ``kind``, a ``label``, an ``iri`` and the entity's plain values), so GraphML and GEXF
readers (Gephi, yEd, Cytoscape, igraph) show them as they are. Salary bands and course
prices, which are nodes in RDF, become attributes of their role or course. Edges are keyed
by relation and carry a readable ``label``.

>>> from genai_kg.dataset.models import Dataset, Skill
>>> from genai_kg.graph.rdf import build_graph
>>> skills = {"ml": Skill(id="ml", name="ML"), "dl": Skill(id="dl", name="DL", broader="ml")}
>>> view = to_networkx(build_graph(Dataset(skills=skills)))
>>> sorted(view.edges(keys=True, data="label"))
[('skill:dl', 'skill:ml', 'broader', 'broader skill')]
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import networkx as nx
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from genai_kg.graph.rdf import ESCO, GKG, SCHEMA, split_iri

#: RDF predicates between entities -> (edge key, edge label).
RELATIONS: dict[URIRef, tuple[str, str]] = {
    ESCO.relatedEssentialSkill: ("essential_skill", "essential skill"),
    ESCO.relatedOptionalSkill: ("optional_skill", "optional skill"),
    GKG.usesTool: ("uses_tool", "uses tool"),
    GKG.nextRole: ("next_role", "next role"),
    GKG.standsFor: ("stands_for", "stands for skill"),
    SCHEMA.teaches: ("teaches", "teaches"),
    SCHEMA.coursePrerequisites: ("requires", "requires"),
    SCHEMA.provider: ("provider", "provided by"),
    SCHEMA.creator: ("creator", "created by"),
    SKOS.broader: ("broader", "broader skill"),
    DCTERMS.source: ("source", "source"),
}

#: RDF predicates with a literal value -> node attribute name.
ATTRIBUTES: dict[URIRef, str] = {
    SCHEMA.description: "description",
    SCHEMA.url: "url",
    SCHEMA.educationalLevel: "level",
    SCHEMA.educationalCredentialAwarded: "credential",
    GKG.hours: "hours",
    GKG.rating: "rating",
    GKG.category: "category",
    GKG.providerKind: "provider_kind",
    GKG.track: "track",
    DCTERMS.publisher: "publisher",
    DCTERMS.date: "date",
    RDFS.comment: "note",
}


def node_name(kind: str, entity_id: str) -> str:
    """Return the view's name of an entity node."""
    return f"{kind}:{entity_id}"


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Return the entity view of ``graph``, nodes and edges in sorted order."""
    view = nx.MultiDiGraph()
    entities = sorted(
        (str(subject), parts)
        for subject in set(graph.subjects(RDF.type, None))
        if (parts := split_iri(str(subject))) is not None
    )
    for iri, (kind, entity_id) in entities:
        view.add_node(
            node_name(kind, entity_id), **_attributes(graph, URIRef(iri), kind, entity_id)
        )
    edges = []
    for predicate, (key, label) in RELATIONS.items():
        for subject, obj in graph.subject_objects(predicate):
            start, end = split_iri(str(subject)), split_iri(str(obj))
            if start and end:
                edges.append((node_name(*start), node_name(*end), key, label))
    for start_name, end_name, key, label in sorted(edges):
        if start_name in view and end_name in view:
            view.add_edge(start_name, end_name, key=key, label=label)
    return view


def _attributes(graph: Graph, node: URIRef, kind: str, entity_id: str) -> dict[str, Any]:
    label = graph.value(node, SKOS.prefLabel)
    attributes: dict[str, Any] = {
        "kind": kind,
        "label": str(label) if label is not None else entity_id,
        "iri": str(node),
    }
    for predicate, name in ATTRIBUTES.items():
        value = graph.value(node, predicate)
        if value is not None:
            attributes[name] = _scalar(value)
    aliases = sorted(str(alias) for alias in graph.objects(node, SKOS.altLabel))
    if aliases:
        attributes["aliases"] = "; ".join(aliases)
    for predicate, name in (
        (SKOS.exactMatch, "exact_match"),
        (SKOS.closeMatch, "close_match"),
        (SKOS.broadMatch, "broad_match"),
    ):
        matches = sorted(str(match) for match in graph.objects(node, predicate))
        if matches:
            attributes[name] = " ".join(matches)
    offer = graph.value(node, SCHEMA.offers)
    if offer is not None:
        attributes["cost"] = _scalar(graph.value(offer, SCHEMA.price))
        attributes["currency"] = str(graph.value(offer, SCHEMA.priceCurrency))
    bands = list(graph.objects(node, SCHEMA.estimatedSalary))
    lows = [_scalar(v) for band in bands if (v := graph.value(band, SCHEMA.minValue)) is not None]
    highs = [_scalar(v) for band in bands if (v := graph.value(band, SCHEMA.maxValue)) is not None]
    if lows:
        attributes["salary_min"] = min(lows)
    if highs:
        attributes["salary_max"] = max(highs)
    return attributes


def _scalar(value: Any) -> Any:
    """Return a GraphML-friendly Python value: numbers as float, everything else as text."""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, (Decimal, int, float)) and not isinstance(python, bool):
            return float(python)
        return str(value)
    return str(value)
