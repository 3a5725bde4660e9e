"""Reading a built graph back into a Dataset (graph/read.py): build -> RDF -> read == loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from genai_kg.dataset.models import Dataset
from genai_kg.errors import DataError
from genai_kg.graph.build import build_dataset
from genai_kg.graph.rdf import build_graph
from genai_kg.graph.read import dataset_from_graph
from genai_kg.paths import DATASET_FILES, bundled

TINY = Path(__file__).parent / "data" / "tiny"


def canonical(dataset: Dataset) -> dict[str, dict[str, Any]]:
    """Every entity as JSON with its lists sorted (RDF keeps no order; salary bands keep it)."""

    def sort(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: sort(v, k) for k, v in value.items()}
        if isinstance(value, list):
            items = [sort(item) for item in value]
            return items if key == "salary" else sorted(items, key=repr)
        return value

    return {
        table: {
            entity_id: sort(entity.model_dump(mode="json"))
            for entity_id, entity in sorted(dataset.table(table).items())
        }
        for table in DATASET_FILES
    }


@pytest.mark.parametrize(
    "root", [pytest.param(bundled("data"), id="bundled"), pytest.param(TINY, id="tiny")]
)
def test_the_graph_reads_back_into_the_loaded_dataset(root: Path) -> None:
    built = build_dataset(root, shacl=False)
    back = dataset_from_graph(built.graph)
    assert canonical(back) == canonical(built.dataset)
    for table in DATASET_FILES:  # entities in id order: a store has no file order
        assert list(back.table(table)) == sorted(built.dataset.table(table))
    again = build_graph(back)
    if not isomorphic(again, built.graph):
        _, only_read, only_built = graph_diff(to_isomorphic(again), to_isomorphic(built.graph))
        pytest.fail(
            f"only in the read-back graph:\n{only_read.serialize(format='nt')}\n"
            f"only in the built graph:\n{only_built.serialize(format='nt')}"
        )


def test_numbers_come_back_as_the_models_hold_them() -> None:
    built = build_dataset(TINY, shacl=False)
    back = dataset_from_graph(built.graph)
    for course_id, course in built.dataset.courses.items():
        read = back.courses[course_id]
        assert (type(read.hours), read.hours) == (type(course.hours), course.hours)
        if course.cost is not None:
            assert read.cost is not None
            assert (type(read.cost.amount), read.cost.amount) == (
                type(course.cost.amount),
                course.cost.amount,
            )


def test_salary_bands_keep_their_order() -> None:
    built = build_dataset(bundled("data"), shacl=False)
    back = dataset_from_graph(built.graph)
    several = [role for role in built.dataset.roles.values() if len(role.salary) > 1]
    assert several, "the bundled data has a role with several salary bands"
    for role in several:
        assert back.roles[role.id].salary == role.salary


def test_triples_about_other_things_are_ignored() -> None:
    graph = build_dataset(TINY, shacl=False).graph
    graph.add((URIRef("http://data.europa.eu/esco/skill/x"), SKOS.prefLabel, Literal("x")))
    assert canonical(dataset_from_graph(graph)) == canonical(
        build_dataset(TINY, shacl=False).dataset
    )


def test_an_entity_missing_a_required_value_is_named() -> None:
    graph: Graph = build_dataset(TINY, shacl=False).graph
    role = URIRef("https://w3id.org/genai-kg/id/role/analyst")
    assert (role, SKOS.prefLabel, None) in graph
    graph.remove((role, SKOS.prefLabel, None))
    with pytest.raises(DataError) as raised:
        dataset_from_graph(graph)
    assert f"<{role}>: name" in str(raised.value)
