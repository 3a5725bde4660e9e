"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query).

It says, in the W3C ``sd:`` vocabulary, what a client may send: SPARQL 1.1 Query only, the
result formats, that the default graph is the union of the named graphs, and which graphs the
store holds (the names ``FROM``, ``default-graph-uri`` and ``named-graph-uri`` accept).
"""

from __future__ import annotations

from typing import Any

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_FORMATS = "http://www.w3.org/ns/formats/"
#: The W3C format IRIs (https://www.w3.org/ns/formats/) of what the endpoint writes.
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)


def describe_service(ox: Any, store: Any, endpoint: str, fmt: str) -> bytes:
    """Return the service description of ``endpoint`` over ``store``, written in ``fmt``."""
    from genai_kg.query.results import write_graph

    def sd(name: str) -> Any:
        return ox.NamedNode(SD + name)

    service = ox.NamedNode(endpoint)
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, ox.NamedNode(RDF_TYPE), sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"),
                  ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),  # fmt: skip
        *(
            ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name))
            for name in RESULT_FORMATS
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, ox.NamedNode(RDF_TYPE), sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, ox.NamedNode(RDF_TYPE), sd("Graph")),
    ]
    for graph in sorted(store.named_graphs(), key=lambda node: node.value):
        named = ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, ox.NamedNode(RDF_TYPE), sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph.value)),
        ]
    return write_graph(triples, fmt, {"sd": SD, "formats": _FORMATS})
