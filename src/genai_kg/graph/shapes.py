"""Check a built graph against the SHACL shapes in ``ontology/shapes.ttl`` (pySHACL).

pySHACL evaluates a SPARQL-based constraint once per focus node, and rdflib parses the
query text every time: on the bundled data that was 7 of the 7.5 seconds ``validate``
took. The data graph handed to pySHACL therefore keeps each query it has parsed
(``_PreparedQueryGraph``), which brings the check down to a fraction of a second. The
shapes rely on the graph's own ``rdf:type`` triples, so the ontology is not mixed in
(which would also make pySHACL copy the graph).
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from genai_kg.dataset.load import display_path
from genai_kg.dataset.models import Dataset
from genai_kg.graph.rdf import split_iri
from genai_kg.paths import bundled


def load_shapes() -> tuple[Graph, Graph]:
    """Return the bundled (shapes, ontology) graphs."""
    folder = bundled("ontology")
    shapes = Graph().parse(folder / "shapes.ttl", format="turtle")
    ontology = Graph().parse(folder / "genai-kg.ttl", format="turtle")
    return shapes, ontology


def check_shapes(graph: Graph, dataset: Dataset | None = None) -> list[str]:
    """Return one message per SHACL violation, placed at the item's file and line if known."""
    from pyshacl import validate  # ~0.3 s to import: only the commands that check pay for it

    shapes, _ = load_shapes()
    data = _PreparedQueryGraph(bind_namespaces="none")
    data += graph
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    assert isinstance(report, Graph)
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        field = _short(path) if isinstance(path, URIRef) else "(shape)"
        shown = f" (got {value})" if value is not None else ""
        problems.append(f"{_place(str(focus), dataset)}: {field}: SHACL: {message}{shown}")
    return sorted(problems)


class _PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once and reuses the parsed query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepared: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            from rdflib.plugins.sparql import prepareQuery

            namespaces = kwargs.get("initNs") or {}
            key = (query_object, tuple(sorted((k, str(v)) for k, v in namespaces.items())))
            if key not in self._prepared:
                self._prepared[key] = prepareQuery(query_object, initNs=namespaces or None)
            query_object = self._prepared[key]
        return super().query(query_object, *args, **kwargs)


def _place(focus: str, dataset: Dataset | None) -> str:
    parts = split_iri(focus.split("#", 1)[0])
    if parts is not None and dataset is not None:
        record = dataset.records.get((f"{parts[0]}s", parts[1]))
        if record is not None:
            return f"{display_path(record.file)}:{record.line}"
    return f"<{focus}>"


def _short(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
