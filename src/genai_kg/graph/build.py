"""The build pipeline: dataset folder -> checked Dataset -> RDF graph -> files on disk.

>>> from genai_kg.paths import bundled
>>> built = build_dataset(bundled("data"), shacl=False)
>>> counts(built)["roles"] >= 15
True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from genai_kg.dataset.checks import parse_dataset
from genai_kg.dataset.fingerprint import fingerprint
from genai_kg.dataset.load import load_dataset
from genai_kg.dataset.models import Dataset
from genai_kg.errors import DataError
from genai_kg.graph.export import ExportFormat, export_files
from genai_kg.graph.rdf import build_graph
from genai_kg.paths import DATASET_FILES, write_folder

#: The formats ``build`` writes, besides the manifest.
BUILD_FORMATS = (
    ExportFormat.TURTLE,
    ExportFormat.NTRIPLES,
    ExportFormat.JSONLD,
    ExportFormat.GRAPHML,
)


@dataclass
class Built:
    """A checked dataset and its graph."""

    root: Path
    dataset: Dataset
    graph: Graph

    @property
    def warnings(self) -> list[str]:
        return self.dataset.warnings


def build_dataset(root: str | Path, *, shacl: bool = True) -> Built:
    """Load, check and turn the dataset at ``root`` into a graph.

    Raises:
        DataError: every problem found: YAML, schema, references and (with ``shacl``) shapes.
    """
    root = Path(root)
    dataset = parse_dataset(load_dataset(root))
    graph = build_graph(dataset)
    if shacl:
        from genai_kg.graph.shapes import check_shapes

        problems = check_shapes(graph, dataset)
        if problems:
            raise DataError(problems)
    return Built(root=root, dataset=dataset, graph=graph)


def counts(built: Built) -> dict[str, int]:
    """Return the number of entities of each kind and of triples."""
    dataset = built.dataset
    result = {kind: len(dataset.table(kind)) for kind in DATASET_FILES}
    result["triples"] = len(built.graph)
    return result


def write_build(built: Built, out: Path) -> dict[str, object]:
    """Write the graph's build files and ``manifest.json`` into ``out``; return the manifest.

    The set is replaced whole (``write_folder``): a kill at any instant leaves the old set
    or the new one, each with a manifest that matches its files. The same data gives
    byte-identical files.
    """
    from genai_kg.graph.view import to_networkx

    view = to_networkx(built.graph)
    files: dict[str, bytes] = {}
    for fmt in BUILD_FORMATS:
        files.update(export_files(built.graph, fmt, view))
    manifest: dict[str, object] = {
        "generator": "genai-kg",
        "dataset_sha256": fingerprint(built.root),
        "counts": counts(built)
        | {"nodes": view.number_of_nodes(), "edges": view.number_of_edges()},
        "files": {
            name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        },
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2) + "\n").encode()
    write_folder(out, files)
    return manifest
