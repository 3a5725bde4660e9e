"""Every export format reads back in other tools, the bytes are stable, writes are atomic."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import igraph
import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from genai_kg.errors import DataError
from genai_kg.graph.build import Built, build_dataset
from genai_kg.graph.export import ExportFormat, dot_bytes, export_files
from genai_kg.graph.view import to_networkx
from genai_kg.paths import atomic_write

TINY = Path(__file__).parent / "data" / "tiny"
REPO = Path(__file__).parent.parent

RDFLIB_FORMATS = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.NTRIPLES: "nt",
    ExportFormat.JSONLD: "json-ld",
    ExportFormat.RDFXML: "xml",
}
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
OX_FORMATS = {
    ExportFormat.TURTLE: ox.RdfFormat.TURTLE,
    ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
    ExportFormat.RDFXML: ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def view(tiny_built: Built) -> nx.MultiDiGraph:
    return to_networkx(tiny_built.graph)


def only_file(files: dict[str, bytes]) -> bytes:
    assert len(files) == 1, sorted(files)
    return next(iter(files.values()))


# --- RDF syntaxes -------------------------------------------------------------------------


def _rdflib_term(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype == XSD_STRING:
        # RDF 1.1: a simple literal is an xsd:string; rdflib keeps it without a datatype.
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def parse_with_rdflib(data: bytes, fmt: ExportFormat) -> Graph:
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser still builds a ConjunctiveGraph inside (rdflib 7.x).
        warnings.filterwarnings(
            "ignore", "ConjunctiveGraph is deprecated", category=DeprecationWarning
        )
        return Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])


def parse_with_oxigraph(data: bytes, fmt: ExportFormat) -> Graph:
    graph = Graph()
    for quad in ox.parse(data, format=OX_FORMATS[fmt]):
        assert quad.graph_name == ox.DefaultGraph(), quad
        graph.add(
            (_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object))
        )
    return graph


PARSERS = {"rdflib": parse_with_rdflib, "pyoxigraph": parse_with_oxigraph}


def assert_isomorphic(actual: Graph, expected: Graph) -> None:
    if isomorphic(actual, expected):
        return
    _, in_actual, in_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
    only_actual = "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in in_actual))
    only_expected = "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in in_expected))
    pytest.fail(f"re-parsed only:\n{only_actual}\nbuilt graph only:\n{only_expected}")


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("fmt", list(RDFLIB_FORMATS), ids=lambda fmt: fmt.value)
def test_rdf_export_reparses_isomorphic(tiny_built: Built, fmt: ExportFormat, parser: str) -> None:
    data = only_file(export_files(tiny_built.graph, fmt))
    reparsed = PARSERS[parser](data, fmt)
    assert len(reparsed) == len(tiny_built.graph)
    assert_isomorphic(reparsed, tiny_built.graph)


@pytest.mark.parametrize("fmt", list(RDFLIB_FORMATS), ids=lambda fmt: fmt.value)
def test_rdf_export_file_names(tiny_built: Built, fmt: ExportFormat) -> None:
    suffix = {"turtle": ".ttl", "ntriples": ".nt", "jsonld": ".jsonld", "rdfxml": ".rdf"}
    assert list(export_files(tiny_built.graph, fmt)) == [f"genai-kg{suffix[fmt.value]}"]


def test_jsonld_is_json(tiny_built: Built) -> None:
    json.loads(only_file(export_files(tiny_built.graph, ExportFormat.JSONLD)))


# --- GraphML, GEXF -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graphml_path(tiny_built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("graphml") / "genai-kg.graphml"
    path.write_bytes(only_file(export_files(tiny_built.graph, ExportFormat.GRAPHML)))
    return path


def test_graphml_reads_back_in_networkx(graphml_path: Path, view: nx.MultiDiGraph) -> None:
    read = nx.read_graphml(graphml_path)
    assert read.is_directed()
    assert read.number_of_nodes() == view.number_of_nodes()
    assert read.number_of_edges() == view.number_of_edges()
    assert set(read.nodes) == set(view.nodes)
    for name, data in read.nodes(data=True):
        assert data.get("label"), name
        assert data.get("kind") == name.split(":")[0], name
    for source, target, data in read.edges(data=True):
        assert data.get("label"), (source, target)
    assert read.nodes["role:analyst"]["salary_min"] == 50000
    assert read.nodes["course:py-basics"]["rating"] == 4.5


def test_graphml_reads_back_in_igraph(graphml_path: Path, view: nx.MultiDiGraph) -> None:
    read = igraph.Graph.Read_GraphML(str(graphml_path))
    assert read.is_directed()
    assert read.vcount() == view.number_of_nodes()
    assert read.ecount() == view.number_of_edges()
    assert all(read.vs["label"])
    assert all(read.vs["kind"])
    assert sorted(read.vs["id"]) == sorted(view.nodes)
    assert all(read.es["label"])


def test_gexf_reads_back_in_networkx(
    tiny_built: Built, view: nx.MultiDiGraph, tmp_path: Path
) -> None:
    path = tmp_path / "genai-kg.gexf"
    path.write_bytes(only_file(export_files(tiny_built.graph, ExportFormat.GEXF)))
    read = nx.read_gexf(path)
    assert read.is_directed()
    assert read.number_of_nodes() == view.number_of_nodes()
    assert read.number_of_edges() == view.number_of_edges()
    for name, data in read.nodes(data=True):
        assert data.get("label"), name
        assert data.get("kind") == name.split(":")[0], name


# --- Neo4j CSV -----------------------------------------------------------------------------


def _read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    assert reader.fieldnames is not None
    return list(reader.fieldnames), rows


#: How neo4j-admin import reads each header type (its docs, "Import header format").
NEO4J_TYPES = {
    "string": str,
    "int": int,
    "long": int,
    "float": float,
    "double": float,
    "boolean": lambda text: text.lower() == "true",
    "date": dt.date.fromisoformat,
}


def read_neo4j_csv(data: bytes, array_delimiter: str = ";") -> list[dict[str, object]]:
    """Read an admin-import file as Neo4j does: ``name:type`` headers, ``type[]`` arrays
    split on the array delimiter, an empty cell sets nothing; ``:ID`` and the other special
    fields are kept under their header as text."""
    header, rows = _read_csv(data)
    records = []
    for row in rows:
        record: dict[str, object] = {}
        for column in header:
            text = row[column]
            name, _, kind = column.rpartition(":")
            if not name or kind.isupper() or kind == "ID":  # :LABEL, :TYPE, id:ID ...
                record[column] = text
                continue
            if text == "":
                continue
            if kind.endswith("[]"):
                convert = NEO4J_TYPES[kind[:-2]]
                record[name] = [convert(item) for item in text.split(array_delimiter)]
            else:
                record[name] = NEO4J_TYPES[kind](text)
        records.append(record)
    return records


def test_csv_neo4j_admin_import(tiny_built: Built, view: nx.MultiDiGraph) -> None:
    files = export_files(tiny_built.graph, ExportFormat.CSV)
    assert sorted(files) == ["nodes.csv", "relationships.csv"]

    node_header, nodes = _read_csv(files["nodes.csv"])
    id_columns = [column for column in node_header if column.endswith(":ID")]
    assert len(id_columns) == 1, node_header
    assert ":LABEL" in node_header
    entities = [row for row in nodes if row[":LABEL"] != "Salary"]
    assert len(entities) == view.number_of_nodes()
    node_ids = [row[id_columns[0]] for row in nodes]
    assert len(set(node_ids)) == len(node_ids)
    assert {row[id_columns[0]] for row in entities} == set(view.nodes)
    for row in entities:
        assert row[":LABEL"].lower() == view.nodes[row[id_columns[0]]]["kind"]

    rel_header, relationships = _read_csv(files["relationships.csv"])
    for column in (":START_ID", ":END_ID", ":TYPE"):
        assert column in rel_header
    bands = len(nodes) - len(entities)
    # every view edge, and per salary band one link from its role and one to its source
    assert len(relationships) == view.number_of_edges() + 2 * bands
    for row in relationships:
        assert row[":START_ID"] in node_ids, row
        assert row[":END_ID"] in node_ids, row
        assert row[":TYPE"], row
    assert {(row[":START_ID"], row[":END_ID"], row[":TYPE"]) for row in relationships} >= {
        ("role:ml-ops", "skill:python", "ESSENTIAL_SKILL"),
        ("role:ml-ops", "role:ml-ops#salary-1", "ESTIMATED_SALARY"),
        ("role:ml-ops#salary-1", "source:fixture", "SOURCE"),
    }


@pytest.fixture(scope="module")
def bundled_built() -> Built:
    return build_dataset(REPO / "data", shacl=False)


@pytest.mark.parametrize("which", ["tiny", "bundled"])
def test_csv_reads_back_with_its_header_types(
    which: str, tiny_built: Built, bundled_built: Built
) -> None:
    built = tiny_built if which == "tiny" else bundled_built
    files = export_files(built.graph, ExportFormat.CSV)
    nodes = {str(row["id:ID"]): row for row in read_neo4j_csv(files["nodes.csv"])}
    dataset = built.dataset

    for course in dataset.courses.values():
        row = nodes[f"course:{course.id}"]
        assert row.get("hours") == (None if course.hours is None else float(course.hours))
        assert row.get("rating") == course.rating
        assert row.get("cost") == (None if course.cost is None else float(course.cost.amount))
    for kind, table in (("role", dataset.roles), ("skill", dataset.skills)):
        for entity in table.values():
            row = nodes[f"{kind}:{entity.id}"]
            assert row.get("aliases", []) == sorted(entity.aliases), entity.id
    for source in dataset.sources.values():
        assert nodes[f"source:{source.id}"].get("date") == source.date
    for role in dataset.roles.values():
        for index, salary in enumerate(role.salary, start=1):
            band = nodes[f"role:{role.id}#salary-{index}"]
            assert band[":LABEL"] == "Salary"
            assert band["year"] == salary.year
            assert band.get("salary_min") == (None if salary.min is None else float(salary.min))
            assert band.get("salary_max") == (None if salary.max is None else float(salary.max))
            assert band["or_more"] is salary.or_more
            assert band["career_level"] == salary.level.value
            assert band["currency"] == salary.currency
            assert band.get("region") == salary.region
    if which == "bundled":  # the tiny data has no list of two, nor an O*NET match
        assert any(len(row.get("aliases", [])) > 1 for row in nodes.values())
        assert any(row.get("close_match") for row in nodes.values())


def test_csv_array_delimiter_in_an_alias_is_an_error(tiny_copy: Path) -> None:
    skills = tiny_copy / "skills.yaml"
    skills.write_text(
        skills.read_text().replace("[Structured Query Language]", '["SQL; the language"]')
    )
    graph = build_dataset(tiny_copy, shacl=False).graph
    with pytest.raises(DataError, match="skill:sql: aliases item 'SQL; the language' holds ';'"):
        export_files(graph, ExportFormat.CSV)


# --- DOT -----------------------------------------------------------------------------------


def _render_svg(dot: bytes) -> str:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def test_dot_renders_with_graphviz(tiny_built: Built) -> None:
    svg = _render_svg(only_file(export_files(tiny_built.graph, ExportFormat.DOT)))
    assert "<svg" in svg
    assert "ML Ops Engineer" in svg


def _tricky_view(label: str) -> nx.MultiDiGraph:
    view = nx.MultiDiGraph()
    view.add_node("skill:a", kind="skill", label=label)
    view.add_node("skill:b", kind="skill", label="plain")
    view.add_edge("skill:a", "skill:b", key="broader", label=label)
    return view


@pytest.mark.parametrize(
    "label",
    [
        pytest.param('say "hi"', id="quotes"),
        pytest.param("C:\\path\\to", id="backslashes"),
        pytest.param('a \\"quoted\\" b', id="backslash-before-quote"),
        pytest.param("ends with \\", id="trailing-backslash"),
    ],
)
def test_dot_label_with_quotes_and_backslashes_survives(label: str) -> None:
    dot = dot_bytes(_tricky_view(label))
    if shutil.which("dot") is None:
        pytest.skip("Graphviz dot not installed")
    # -Tcanon re-emits the parsed graph; -Tjson gives the parsed attribute values directly.
    result = subprocess.run(["dot", "-Tjson0"], input=dot, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    parsed = json.loads(result.stdout)
    labels = {obj["name"]: obj["label"] for obj in parsed["objects"]}
    # Graphviz keeps label escapes (\\ for a backslash) in the attribute; undo them.
    assert labels["skill:a"].replace("\\\\", "\\") == label
    assert [edge["label"].replace("\\\\", "\\") for edge in parsed["edges"]] == [label]


# --- Determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda fmt: fmt.value)
def test_two_builds_give_identical_bytes(fmt: ExportFormat) -> None:
    first = export_files(build_dataset(TINY, shacl=False).graph, fmt)
    second = export_files(build_dataset(TINY, shacl=False).graph, fmt)
    assert first == second


def test_build_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"seed-{seed}"
        env = os.environ | {"PYTHONHASHSEED": seed}
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from genai_kg.cli import app; app()",
                "build",
                "--data",
                str(TINY),
                "--out",
                str(out),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(out)
    first, second = outputs
    names = sorted(path.name for path in first.iterdir())
    assert "manifest.json" in names
    assert names == sorted(path.name for path in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- Atomic write --------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_atomic_write_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "genai-kg.ttl"
    target.write_bytes(b"old contents\n")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(f"simulated {failing} failure")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="simulated"):
        atomic_write(target, b"new contents that never land\n" * 1000)
    monkeypatch.undo()
    assert target.read_bytes() == b"old contents\n"
    assert [path.name for path in tmp_path.iterdir()] == ["genai-kg.ttl"]


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.nt"
    atomic_write(target, b"one\n")
    atomic_write(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [path.name for path in target.parent.iterdir()] == ["out.nt"]
