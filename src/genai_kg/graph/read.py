"""Read a graph that ``build_graph`` wrote back into a Dataset: the inverse of ``rdf.py``.

A store that ``push`` filled holds the curated graph and nothing else of the dataset, so the
commands that answer from a remote store (``path --endpoint``, ``show --endpoint``, ...) read
the graph back into the same models the YAML gives and then run the very code they run on the
embedded store. RDF keeps no order: entities come back in id order and every list in sorted
order (salary bands in the order of their ``#salary-N`` IRIs), which no output depends on
(``list`` prints id order, ``show`` and the planner sort).

>>> from genai_kg.dataset.models import Dataset, Skill
>>> from genai_kg.graph.rdf import build_graph
>>> back = dataset_from_graph(build_graph(Dataset(skills={"sql": Skill(id="sql", name="SQL")})))
>>> back.skills["sql"]
Skill(id='sql', name='SQL', aliases=[], category=None, broader=None, description=None, match=None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from genai_kg.dataset.models import MODELS, Dataset
from genai_kg.errors import DataError
from genai_kg.graph.rdf import (
    CLASSES,
    ESCO,
    GKG,
    MATCH_PREDICATES,
    ONET_ELEMENT_PAGE,
    ONET_PAGE,
    SCHEMA,
    split_iri,
)

_ESCO_BASE = "http://data.europa.eu/esco/"
#: O*NET publishes no IRI per technology example; the importer's (``importers.onet``).
ONET_TECHNOLOGY = "https://w3id.org/genai-kg/id/onet/technology/"


def dataset_from_graph(graph: Graph) -> Dataset:
    """Return the Dataset whose ``build_graph`` is ``graph`` (up to order, see above).

    Triples about anything but genai-kg's entities (another graph's, an import's) are ignored.

    Raises:
        DataError: an entity's triples do not make a valid record, each problem named by IRI.
    """
    reader = _Reader(graph)
    dataset = Dataset()
    problems: list[str] = []
    kinds = {iri: kind for kind, iri in CLASSES.items()}
    found: list[tuple[str, str, URIRef]] = []
    for subject, cls in graph.subject_objects(RDF.type):
        kind = kinds.get(cls) if isinstance(cls, URIRef) else None
        parts = split_iri(str(subject)) if kind else None
        if parts is not None and parts[0] == kind and isinstance(subject, URIRef):
            found.append((kind, parts[1], subject))
    for kind, entity_id, node in sorted(found):
        table = kind + "s"
        record = _RECORDS[kind](reader, node) | {"id": entity_id}
        try:
            entity = MODELS[table].model_validate(record)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                problems.append(f"<{node}>: {where}: {error['msg']}")
            continue
        dataset.table(table)[entity_id] = entity
    if problems:
        raise DataError(problems)
    return dataset


class _Reader:
    """The values of one node in ``graph``, as the models take them."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def text(self, node: URIRef, predicate: URIRef) -> str | None:
        value = self.graph.value(node, predicate)
        return None if value is None else str(value)

    def number(self, node: URIRef, predicate: URIRef) -> float | None:
        value = self.graph.value(node, predicate)
        return float(value.toPython()) if isinstance(value, Literal) else None

    def texts(self, node: URIRef, predicate: URIRef) -> list[str]:
        return sorted(str(value) for value in self.graph.objects(node, predicate))

    def ids(self, node: URIRef, predicate: URIRef) -> list[str]:
        """The ids of the entities ``node`` links to by ``predicate``, sorted."""
        return sorted(
            parts[1]
            for value in self.graph.objects(node, predicate)
            if (parts := split_iri(str(value))) is not None
        )

    def id(self, node: URIRef, predicate: URIRef) -> str | None:
        found = self.ids(node, predicate)
        return found[0] if found else None

    def optional(self, record: dict[str, Any], **values: Any) -> dict[str, Any]:
        """``record`` with the values that are present (the models' defaults stand for None)."""
        return record | {key: value for key, value in values.items() if value is not None}

    def match(self, node: URIRef) -> dict[str, Any] | None:
        match: dict[str, Any] = {}
        for relation, predicate in MATCH_PREDICATES.items():
            for target in sorted(str(value) for value in self.graph.objects(node, predicate)):
                if target.startswith(_ESCO_BASE):
                    match["esco"] = {"id": target, "relation": relation}
                elif target.startswith((ONET_PAGE, ONET_ELEMENT_PAGE)):
                    code = target.removeprefix(ONET_PAGE).removeprefix(ONET_ELEMENT_PAGE)
                    match["onet"] = {"id": code, "relation": relation}
                elif target.startswith(ONET_TECHNOLOGY):  # an O*NET technology example, by IRI
                    match["onet"] = {"id": target, "relation": relation}
        return match or None


def _source(read: _Reader, node: URIRef) -> dict[str, Any]:
    title = read.text(node, DCTERMS.title) or read.text(node, SKOS.prefLabel)
    return read.optional(
        {"title": title},
        url=read.text(node, SCHEMA.url),
        publisher=read.text(node, DCTERMS.publisher),
        date=read.text(node, DCTERMS.date),
        note=read.text(node, RDFS.comment),
    )


def _provider(read: _Reader, node: URIRef) -> dict[str, Any]:
    return read.optional(
        {"name": read.text(node, SKOS.prefLabel), "kind": read.text(node, GKG.providerKind)},
        url=read.text(node, SCHEMA.url),
    )


def _skill(read: _Reader, node: URIRef) -> dict[str, Any]:
    return read.optional(
        {"name": read.text(node, SKOS.prefLabel), "aliases": read.texts(node, SKOS.altLabel)},
        category=read.text(node, GKG.category),
        broader=read.id(node, SKOS.broader),
        description=read.text(node, SCHEMA.description),
        match=read.match(node),
    )


def _tool(read: _Reader, node: URIRef) -> dict[str, Any]:
    return read.optional(
        {
            "name": read.text(node, SKOS.prefLabel),
            "category": read.text(node, GKG.category),
            "skills": read.ids(node, GKG.standsFor),
        },
        vendor=read.id(node, SCHEMA.provider),
        url=read.text(node, SCHEMA.url),
    )


def _role(read: _Reader, node: URIRef) -> dict[str, Any]:
    return read.optional(
        {
            "name": read.text(node, SKOS.prefLabel),
            "aliases": read.texts(node, SKOS.altLabel),
            "skills": {
                "essential": read.ids(node, ESCO.relatedEssentialSkill),
                "optional": read.ids(node, ESCO.relatedOptionalSkill),
            },
            "tools": read.ids(node, GKG.usesTool),
            "next": read.ids(node, GKG.nextRole),
            "sources": read.ids(node, DCTERMS.source),
            "salary": _salary(read, node),
        },
        description=read.text(node, SCHEMA.description),
        track=read.text(node, GKG.track),
        match=read.match(node),
    )


def _band_index(band: object) -> tuple[int, str]:
    # ``<role>#salary-3``: the band's place in the role's list.
    _, _, index = str(band).rpartition("#salary-")
    return (int(index), str(band)) if index.isdigit() else (1 << 30, str(band))


def _salary(read: _Reader, node: URIRef) -> list[dict[str, Any]]:
    bands = []
    for band in sorted(read.graph.objects(node, SCHEMA.estimatedSalary), key=_band_index):
        if not isinstance(band, URIRef):  # build_graph mints every band an IRI
            continue
        or_more = read.graph.value(band, GKG.orMore)
        year = read.graph.value(band, GKG.year)
        bands.append(
            read.optional(
                {
                    "level": read.text(band, GKG.careerLevel),
                    "currency": read.text(band, SCHEMA.currency),
                    "year": year.toPython() if isinstance(year, Literal) else None,
                    "source": read.id(band, DCTERMS.source),
                    "or_more": isinstance(or_more, Literal) and or_more.toPython() is True,
                },
                min=read.number(band, SCHEMA.minValue),
                max=read.number(band, SCHEMA.maxValue),
                region=read.text(band, GKG.region),
            )
        )
    return bands


def _course(read: _Reader, node: URIRef) -> dict[str, Any]:
    offer = read.graph.value(node, SCHEMA.offers)
    cost = None
    if isinstance(offer, URIRef):
        cost = read.optional(
            {
                "amount": read.number(offer, SCHEMA.price),
                "currency": read.text(offer, SCHEMA.priceCurrency),
            },
            per=read.text(offer, GKG.pricePer),
            note=read.text(offer, SCHEMA.description),
        )
    return read.optional(
        {
            "title": read.text(node, SCHEMA.name) or read.text(node, SKOS.prefLabel),
            "platform": read.id(node, SCHEMA.provider),
            "creators": read.ids(node, SCHEMA.creator),
            "level": read.text(node, SCHEMA.educationalLevel),
            "teaches": read.ids(node, SCHEMA.teaches),
            "requires": read.ids(node, SCHEMA.coursePrerequisites),
            "tools": read.ids(node, GKG.usesTool),
            "sources": read.ids(node, DCTERMS.source),
        },
        url=read.text(node, SCHEMA.url),
        hours=read.number(node, GKG.hours),
        cost=cost,
        rating=read.number(node, GKG.rating),
        credential=read.text(node, SCHEMA.educationalCredentialAwarded),
    )


_RECORDS: dict[str, Callable[[_Reader, URIRef], dict[str, Any]]] = {
    "source": _source,
    "provider": _provider,
    "skill": _skill,
    "tool": _tool,
    "role": _role,
    "course": _course,
}
