"""Neo4j admin-import files: ``nodes.csv`` and ``relationships.csv`` with typed columns.

Each header cell is ``name:type`` as ``neo4j-admin database import`` reads it: numbers are
``double`` (Neo4j's ``float`` is 32 bits, so a price of 4.7 would read back as
4.699999809265137), years ``int``, dates ``date``, flags ``boolean``, and list values are
``string[]`` arrays whose items are joined by ``;``, the importer's default
``--array-delimiter``. An empty cell sets no property. Entities come from the NetworkX view;
a role's salary bands, which the view folds into a range, are nodes of their own here
(label ``Salary``, linked by ``ESTIMATED_SALARY``) because each has its own level, year and
source.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from genai_kg.errors import DataError

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph, URIRef

__all__ = ["ARRAY_DELIMITER", "NODE_COLUMNS", "neo4j_csv"]

#: neo4j-admin's default ``--array-delimiter``: the files import with no delimiter option.
ARRAY_DELIMITER = ";"

#: Node property -> its Neo4j import type, in column order.
NODE_COLUMNS: dict[str, str] = {
    "label": "string",
    "iri": "string",
    "description": "string",
    "url": "string",
    "level": "string",
    "hours": "double",
    "cost": "double",
    "currency": "string",
    "rating": "double",
    "credential": "string",
    "category": "string",
    "provider_kind": "string",
    "track": "string",
    "publisher": "string",
    "date": "date",
    "note": "string",
    "aliases": "string[]",
    "exact_match": "string[]",
    "close_match": "string[]",
    "salary_min": "double",
    "salary_max": "double",
    # Salary nodes only: the career level, whether the max is open-ended, where and when.
    "career_level": "string",
    "or_more": "boolean",
    "region": "string",
    "year": "int",
}

RELATIONSHIP_HEADER = [":START_ID", ":END_ID", ":TYPE", "label"]


def neo4j_csv(graph: Graph, view: nx.MultiDiGraph) -> dict[str, bytes]:
    """Return Neo4j admin-import files: ``nodes.csv`` and ``relationships.csv``.

    Import with ``neo4j-admin database import full --nodes=nodes.csv
    --relationships=relationships.csv``; labels are the entity kinds (``Role``, ``Course`` ...)
    and ``Salary``.

    Raises:
        DataError: a list item holds the array delimiter, which Neo4j cannot escape.
    """
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    lists = {
        "aliases": SKOS.altLabel,
        "exact_match": SKOS.exactMatch,
        "close_match": SKOS.closeMatch,
    }
    nodes: list[tuple[str, str, dict[str, Any]]] = []
    relationships = [
        [source, target, key.upper(), data["label"]]
        for source, target, key, data in view.edges(keys=True, data=True)
    ]
    for name, data in view.nodes(data=True):
        properties = {column: data.get(column) for column in NODE_COLUMNS}
        iri = URIRef(data["iri"])
        for column, predicate in lists.items():
            properties[column] = sorted(str(value) for value in graph.objects(iri, predicate))
        nodes.append((name, data["kind"].capitalize(), properties))
        if data["kind"] == "role":
            for band_name, band in _salary_bands(graph, iri, name, data["label"]):
                nodes.append((band_name, "Salary", band))
                relationships.append([name, band_name, "ESTIMATED_SALARY", "estimated salary"])
                source = band.pop("source")
                if source in view:
                    relationships.append([band_name, source, "SOURCE", "source"])
    problems: list[str] = []
    rows = [[name, label] + _cells(name, properties, problems) for name, label, properties in nodes]
    if problems:
        raise DataError(problems, what="the Neo4j export")
    header = ["id:ID", ":LABEL"] + [f"{column}:{kind}" for column, kind in NODE_COLUMNS.items()]
    return {
        "nodes.csv": _csv_bytes(header, rows),
        "relationships.csv": _csv_bytes(RELATIONSHIP_HEADER, relationships),
    }


def _salary_bands(
    graph: Graph, role: URIRef, name: str, label: str
) -> list[tuple[str, dict[str, Any]]]:
    from rdflib.namespace import DCTERMS

    from genai_kg.graph.rdf import GKG, SCHEMA, split_iri
    from genai_kg.graph.view import node_name

    bands = []
    for band in sorted(graph.objects(role, SCHEMA.estimatedSalary), key=str):
        fragment = str(band).rpartition("#")[2]
        level = graph.value(band, GKG.careerLevel)
        source = split_iri(str(graph.value(band, DCTERMS.source)))
        properties = {
            "label": f"{label} salary ({level})",
            "iri": str(band),
            "salary_min": _number(graph.value(band, SCHEMA.minValue)),
            "salary_max": _number(graph.value(band, SCHEMA.maxValue)),
            "or_more": graph.value(band, GKG.orMore) is not None,
            "currency": graph.value(band, SCHEMA.currency),
            "career_level": level,
            "region": graph.value(band, GKG.region),
            "year": _number(graph.value(band, GKG.year), int),
            "source": node_name(*source) if source else None,
        }
        bands.append((f"{name}#{fragment}", properties))
    return bands


def _number(value: Any, kind: type = float) -> Any:
    return None if value is None else kind(value.toPython())


def _cells(name: str, properties: dict[str, Any], problems: list[str]) -> list[str]:
    cells = []
    for column in NODE_COLUMNS:
        value = properties.get(column)
        if isinstance(value, list):
            for item in value:
                if ARRAY_DELIMITER in item:
                    problems.append(
                        f"{name}: {column} item {item!r} holds {ARRAY_DELIMITER!r}, the Neo4j "
                        "array delimiter, which an import cannot escape\n"
                        f"You can fix this by taking the {ARRAY_DELIMITER!r} out of it."
                    )
            cells.append(ARRAY_DELIMITER.join(value))
        else:
            cells.append(_cell(value))
    return cells


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")
