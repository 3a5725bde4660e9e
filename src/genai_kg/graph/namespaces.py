"""The prefixes genai-kg binds on every graph it writes, as plain strings.

Kept apart from ``rdf.py`` so that writers that only need the prefixes (the whole-store
export) do not import rdflib, which costs a quarter of a second at start-up.
"""

from __future__ import annotations

ID_BASE = "https://w3id.org/genai-kg/id/"

#: The store's named graphs: the curated graph, and one per imported release.
GRAPH_BASE = "https://w3id.org/genai-kg/graph/"
CURATED_GRAPH = GRAPH_BASE + "curated"
#: The official releases ``genai-kg import`` reads, each into the graph ``GRAPH_BASE + name``.
IMPORT_SOURCES = ("esco", "onet", "oews")

#: Prefix -> namespace IRI, in the order they are bound.
PREFIX_IRIS = {
    "gkg": "https://w3id.org/genai-kg/ontology#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "esco": "http://data.europa.eu/esco/model#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{
        kind: f"{ID_BASE}{kind}/"
        for kind in ("role", "skill", "tool", "provider", "course", "source")
    },
}
