"""The NetworkX view: kind:id nodes with scalar attributes, labelled edges keyed by relation."""

from __future__ import annotations

import networkx as nx
import pytest

from genai_kg.graph.build import Built
from genai_kg.graph.view import to_networkx


@pytest.fixture(scope="module")
def view(tiny_built: Built) -> nx.MultiDiGraph:
    return to_networkx(tiny_built.graph)


def test_nodes_are_named_kind_colon_id(tiny_built: Built, view: nx.MultiDiGraph) -> None:
    expected = {
        f"{kind}:{entity_id}"
        for kind in ("role", "skill", "tool", "provider", "course", "source")
        for entity_id in tiny_built.dataset.table(kind + "s")
    }
    assert set(view.nodes) == expected


def test_every_node_has_kind_and_label(view: nx.MultiDiGraph) -> None:
    for name, data in view.nodes(data=True):
        kind, _, _ = name.partition(":")
        assert data["kind"] == kind, name
        assert isinstance(data["label"], str), name
        assert data["label"], name


def test_labels_are_preferred_labels(view: nx.MultiDiGraph) -> None:
    assert view.nodes["role:ml-ops"]["label"] == "ML Ops Engineer"
    assert view.nodes["course:py-basics"]["label"] == "Python Basics"
    assert view.nodes["skill:docker"]["label"] == "Containerisation with Docker"


def test_every_edge_has_a_label(view: nx.MultiDiGraph) -> None:
    assert view.number_of_edges() > 0
    for source, target, key, data in view.edges(keys=True, data=True):
        assert isinstance(data.get("label"), str), (source, target, key)
        assert data["label"], (source, target, key)


def test_attribute_values_are_scalar(view: nx.MultiDiGraph) -> None:
    for name, data in view.nodes(data=True):
        for attribute, value in data.items():
            assert type(value) in (str, int, float), (name, attribute, value)
    for source, target, data in view.edges(data=True):
        for attribute, value in data.items():
            assert type(value) in (str, int, float), (source, target, attribute, value)


def test_only_entities_are_nodes(view: nx.MultiDiGraph) -> None:
    """Salary bands and offers are folded into their role or course, not nodes."""
    for name in view.nodes:
        assert "#" not in name
        assert name.split(":")[0] in {"role", "skill", "tool", "provider", "course", "source"}


def test_salary_folded_into_role(view: nx.MultiDiGraph) -> None:
    analyst = view.nodes["role:analyst"]
    assert analyst["salary_min"] == 50000
    assert analyst["salary_max"] == 70000
    ml_ops = view.nodes["role:ml-ops"]
    assert "salary_min" not in ml_ops
    assert ml_ops["salary_max"] == 200000
    assert "salary_min" not in view.nodes["role:prompter"]
    assert "salary_max" not in view.nodes["role:prompter"]


def test_offer_folded_into_course(view: nx.MultiDiGraph) -> None:
    course = view.nodes["course:ml-intro"]
    assert course["cost"] == 49
    assert course["currency"] == "USD"
    assert view.nodes["course:py-basics"]["cost"] == 0
    assert "cost" not in view.nodes["course:docker-course"]


def test_plain_values_become_attributes(view: nx.MultiDiGraph) -> None:
    course = view.nodes["course:py-basics"]
    assert course["hours"] == 10
    assert course["rating"] == 4.5
    assert course["level"] == "beginner"
    assert course["url"] == "https://example.org/py"
    assert view.nodes["skill:sql"]["aliases"] == "Structured Query Language"
    assert view.nodes["skill:machine-learning"]["exact_match"] == (
        "http://data.europa.eu/esco/skill/fixture-ml"
    )
    assert view.nodes["role:ml-ops"]["iri"] == "https://w3id.org/genai-kg/id/role/ml-ops"


@pytest.mark.parametrize(
    ("source", "target", "key"),
    [
        pytest.param("role:ml-ops", "skill:python", "essential_skill", id="essential"),
        pytest.param("role:ml-ops", "skill:deep-learning", "optional_skill", id="optional"),
        pytest.param("role:ml-ops", "tool:dockerd", "uses_tool", id="uses-tool"),
        pytest.param("role:analyst", "role:ml-ops", "next_role", id="next-role"),
        pytest.param("tool:dockerd", "skill:docker", "stands_for", id="stands-for"),
        pytest.param("tool:dockerd", "provider:acme-ai", "provider", id="vendor"),
        pytest.param("course:ml-intro", "skill:machine-learning", "teaches", id="teaches"),
        pytest.param("course:ml-intro", "skill:statistics", "requires", id="requires"),
        pytest.param("course:ml-intro", "provider:learnhub", "provider", id="provider"),
        pytest.param("course:py-basics", "provider:acme-ai", "creator", id="creator"),
        pytest.param("skill:deep-learning", "skill:machine-learning", "broader", id="broader"),
        pytest.param("role:analyst", "source:fixture", "source", id="source"),
    ],
)
def test_edges_keyed_by_relation(view: nx.MultiDiGraph, source: str, target: str, key: str) -> None:
    assert view.has_edge(source, target, key=key)


def test_essential_and_optional_are_distinct_keys(view: nx.MultiDiGraph) -> None:
    assert not view.has_edge("role:ml-ops", "skill:deep-learning", key="essential_skill")
    keys = set(view["role:ml-ops"]["skill:python"])
    assert keys == {"essential_skill"}


def test_edge_count_matches_links(tiny_built: Built, view: nx.MultiDiGraph) -> None:
    """One edge per entity-to-entity link: count them from the dataset itself."""
    data = tiny_built.dataset
    expected = 0
    for role in data.roles.values():
        expected += len(role.skills.essential) + len(role.skills.optional)
        expected += len(role.tools) + len(role.next) + len(role.sources)
    for course in data.courses.values():
        expected += len(course.teaches) + len(course.requires) + len(course.tools)
        expected += 1 + len(course.creators) + len(course.sources)
    for tool in data.tools.values():
        expected += len(tool.skills) + (tool.vendor is not None)
    for skill in data.skills.values():
        expected += skill.broader is not None
    assert view.number_of_edges() == expected
