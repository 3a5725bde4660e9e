"""Write the graph in every export format, each file through one atomic-write helper.

RDF syntaxes are written by pyoxigraph from triples in N-Triples order, so the same
graph always gives the same bytes (and pyoxigraph writes Turtle tens of times faster than
rdflib). Graph formats (GraphML, GEXF, DOT, Neo4j CSV) are written from the NetworkX view.
"""

from __future__ import annotations

import enum
import io
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from genai_kg.paths import atomic_write

if TYPE_CHECKING:  # imported where used: a whole-store export needs neither (0.3 s at start-up)
    import networkx as nx
    from rdflib import Graph

__all__ = ["ExportFormat", "atomic_write", "export_files", "serialize_rdf", "to_oxigraph"]


class ExportFormat(enum.StrEnum):
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"
    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"
    DOT = "dot"


RDF_FORMATS = {
    ExportFormat.TURTLE: ox.RdfFormat.TURTLE,
    ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
    ExportFormat.RDFXML: ox.RdfFormat.RDF_XML,
}

#: The file suffix of each format.
SUFFIXES = {
    ExportFormat.TURTLE: ".ttl",
    ExportFormat.NTRIPLES: ".nt",
    ExportFormat.JSONLD: ".jsonld",
    ExportFormat.RDFXML: ".rdf",
    ExportFormat.GRAPHML: ".graphml",
    ExportFormat.GEXF: ".gexf",
    ExportFormat.CSV: "",
    ExportFormat.DOT: ".dot",
}


def to_oxigraph(graph: Graph) -> list[ox.Triple]:
    """Return the triples of ``graph`` as pyoxigraph triples, sorted as N-Triples lines."""
    triples = [
        ox.Triple(_ox_term(subject), ox.NamedNode(str(predicate)), _ox_term(obj))
        for subject, predicate, obj in graph
    ]
    triples.sort(key=str)
    return triples


def _ox_term(term: Any) -> Any:
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.BlankNode(str(term))


def store_prefixes() -> dict[str, str]:
    """Return the prefixes bound in every RDF document genai-kg writes, as strings."""
    from genai_kg.graph.namespaces import PREFIX_IRIS

    return dict(PREFIX_IRIS)


def serialize_rdf(triples: Iterable[ox.Triple], fmt: ExportFormat) -> bytes:
    """Serialise triples in an RDF format, with genai-kg's prefixes where the format has them."""
    data = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=store_prefixes())
    assert data is not None  # no output stream given, so pyoxigraph returns the bytes
    return data


def dump_graph(store: Any, graph_iri: str, fmt: ExportFormat, output: Path | None = None) -> bytes:
    """Write one named graph of a pyoxigraph store with pyoxigraph's native writer.

    Returns the document, or ``b""`` when it went to ``output``. The native writer releases
    the GIL, so graphs dumped on separate threads use separate cores.
    """
    graph = ox.NamedNode(graph_iri)
    prefixes = store_prefixes()
    return store.dump(output, RDF_FORMATS[fmt], from_graph=graph, prefixes=prefixes) or b""


def graphml_bytes(view: nx.MultiDiGraph) -> bytes:
    """Return the view as GraphML (scalar attributes only, as networkx and igraph read it)."""
    import networkx as nx

    stream = io.BytesIO()
    nx.write_graphml(view, stream, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return stream.getvalue()


def gexf_bytes(view: nx.MultiDiGraph) -> bytes:
    """Return the view as GEXF 1.2 for Gephi, without the writer's date stamp."""
    import networkx as nx

    stream = io.BytesIO()
    nx.write_gexf(view, stream, encoding="utf-8", prettyprint=True)
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", stream.getvalue(), count=1)


def dot_bytes(view: nx.MultiDiGraph) -> bytes:
    """Return the view in Graphviz DOT, one cluster-free digraph with labelled nodes and edges."""
    shapes = {"role": "box", "skill": "ellipse", "tool": "component", "course": "note"}
    lines = ["digraph genai_kg {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for name, data in view.nodes(data=True):
        shape = shapes.get(data["kind"], "hexagon")
        lines.append(f"  {_dot_id(name)} [label={_dot_id(data['label'])}, shape={shape}];")
    for source, target, data in view.edges(data=True):
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [label={_dot_id(data['label'])}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _dot_id(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def store_file(
    store: Any, fmt: ExportFormat, snapshots: Mapping[str, Path] | None = None
) -> dict[str, bytes]:
    """Return every graph of a pyoxigraph store, merged into one, in an RDF format.

    Turtle and N-Triples documents can be concatenated, so each named graph is written on
    its own thread and the parts are joined in graph order. A graph with a Turtle snapshot
    (``snapshots``: graph IRI -> file, see ``store/snapshots.py``) is copied from it: the same
    bytes, without reading the graph back out of the database. JSON-LD and RDF/XML need
    one document, written from the store's quads. Either way the store's own index order is
    kept: it is fixed for the same contents, so the same store gives the same bytes.
    """
    name = f"genai-kg{SUFFIXES[fmt]}"
    if fmt in (ExportFormat.TURTLE, ExportFormat.NTRIPLES):
        from concurrent.futures import ThreadPoolExecutor

        ready = dict(snapshots or {}) if fmt is ExportFormat.TURTLE else {}
        graphs = sorted(graph.value for graph in store.named_graphs())

        def part(graph_iri: str) -> bytes:
            if graph_iri in ready:
                try:
                    return ready[graph_iri].read_bytes()
                except OSError:  # removed meanwhile (an import switched databases): read it
                    pass
            return dump_graph(store, graph_iri, fmt)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            return {name: b"".join(pool.map(part, graphs))}
    quads = store.quads_for_pattern(None, None, None)
    return {name: serialize_rdf((ox.Triple(q.subject, q.predicate, q.object) for q in quads), fmt)}


def export_files(
    graph: Graph, fmt: ExportFormat, view: nx.MultiDiGraph | None = None
) -> dict[str, bytes]:
    """Return the file(s) of one export as ``{file name: bytes}``; CSV gives two files."""
    if fmt in RDF_FORMATS:
        return {f"genai-kg{SUFFIXES[fmt]}": serialize_rdf(to_oxigraph(graph), fmt)}
    if view is None:
        from genai_kg.graph.view import to_networkx

        view = to_networkx(graph)
    if fmt is ExportFormat.GRAPHML:
        return {"genai-kg.graphml": graphml_bytes(view)}
    if fmt is ExportFormat.GEXF:
        return {"genai-kg.gexf": gexf_bytes(view)}
    if fmt is ExportFormat.DOT:
        return {"genai-kg.dot": dot_bytes(view)}
    from genai_kg.graph.neo4j import neo4j_csv

    return neo4j_csv(graph, view)
