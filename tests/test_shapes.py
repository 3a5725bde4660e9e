"""shapes.check_shapes: the SHACL check the CLI runs, with its placed messages."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from genai_kg.graph.build import Built
from genai_kg.graph.rdf import GKG, SCHEMA, entity_iri
from genai_kg.graph.shapes import check_shapes


def test_the_tiny_graph_conforms(tiny_built: Built) -> None:
    assert check_shapes(tiny_built.graph, tiny_built.dataset) == []


def _broader_cycle(graph):  # type: ignore[no-untyped-def]
    graph.add(
        (
            entity_iri("skill", "machine-learning"),
            SKOS.broader,
            entity_iri("skill", "deep-learning"),
        )
    )


def _wrong_id(graph):  # type: ignore[no-untyped-def]
    graph.set((entity_iri("skill", "sql"), GKG.id, Literal("not-sql")))


def _bad_level(graph):  # type: ignore[no-untyped-def]
    graph.set((entity_iri("course", "ml-intro"), SCHEMA.educationalLevel, Literal("expert")))


def _teaches_a_tool(graph):  # type: ignore[no-untyped-def]
    graph.add((entity_iri("course", "ml-intro"), SCHEMA.teaches, entity_iri("tool", "dockerd")))


@pytest.mark.parametrize(
    ("breakage", "place", "field"),
    [
        pytest.param(_broader_cycle, "skills.yaml:", "broader", id="broader-cycle-sparql"),
        pytest.param(_wrong_id, "skills.yaml:", "id", id="id-not-in-iri-sparql"),
        pytest.param(_bad_level, "courses.yaml:", "educationalLevel", id="level-not-in-list"),
        pytest.param(_teaches_a_tool, "courses.yaml:", "teaches", id="teaches-a-tool"),
    ],
)
def test_violations_are_found_and_placed(tiny_built: Built, breakage, place, field) -> None:  # type: ignore[no-untyped-def]
    graph = tiny_built.graph.__class__()
    graph += tiny_built.graph
    breakage(graph)
    problems = check_shapes(graph, tiny_built.dataset)
    assert problems, "the broken graph passed the shapes"
    assert any(place in problem and f": {field}: SHACL:" in problem for problem in problems), (
        problems
    )


def test_unknown_focus_nodes_are_named_by_iri(tiny_built: Built) -> None:
    graph = tiny_built.graph.__class__()
    graph += tiny_built.graph
    stray = URIRef("https://example.org/stray")
    graph.add((stray, GKG.id, Literal("other")))  # not the last segment of its IRI
    graph.add((stray, SKOS.prefLabel, Literal("Stray", lang="en")))
    graph.add((stray, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), GKG.Skill))
    problems = check_shapes(graph, tiny_built.dataset)
    assert any(problem.startswith("<https://example.org/stray>") for problem in problems), problems
