"""Check a built graph against the SHACL shapes in ``ontology/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .load import display_path
from .models import Dataset
from .paths import bundled
from .rdf import split_iri


def load_shapes() -> tuple[Graph, Graph]:
    """Return the bundled (shapes, ontology) graphs."""
    folder = bundled("ontology")
    shapes = Graph().parse(folder / "shapes.ttl", format="turtle")
    ontology = Graph().parse(folder / "genai-kg.ttl", format="turtle")
    return shapes, ontology


def check_shapes(graph: Graph, dataset: Dataset | None = None) -> list[str]:
    """Return one message per SHACL violation, placed at the item's file and line if known."""
    from pyshacl import validate  # ~0.3 s to import: only the commands that check pay for it

    shapes, ontology = load_shapes()
    conforms, report, _ = validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
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
