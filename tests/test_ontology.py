"""The OWL ontology and SHACL shapes in ontology/ against the graph genai-kg builds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SH, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from genai_kg.dataset.checks import parse_dataset
from genai_kg.dataset.load import load_dataset
from genai_kg.graph.rdf import ESCO, GKG, SCHEMA, build_graph, entity_iri

REPO = Path(__file__).parents[1]
ONTOLOGY_DIR = REPO / "ontology"
ONTOLOGY = ONTOLOGY_DIR / "genai-kg.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
TINY = Path(__file__).parent / "data" / "tiny"
ONTOLOGY_IRI = URIRef("https://w3id.org/genai-kg/ontology")
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def tiny_graph() -> Graph:
    return build_graph(parse_dataset(load_dataset(TINY)))


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    return conforms, results, text


def english(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    return [
        str(value)
        for value in graph.objects(subject, predicate)
        if isinstance(value, Literal) and value.language == "en" and str(value).strip()
    ]


# (a) both files parse ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [pytest.param(ONTOLOGY, id="ontology"), pytest.param(SHAPES, id="shapes")],
)
def test_parses_in_rdflib(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


@pytest.mark.parametrize(
    "path",
    [pytest.param(ONTOLOGY, id="ontology"), pytest.param(SHAPES, id="shapes")],
)
def test_parses_in_pyoxigraph(path: Path) -> None:
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(Graph().parse(path, format="turtle"))


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert english(ontology, ONTOLOGY_IRI, DCTERMS.title)
    assert english(ontology, ONTOLOGY_IRI, DCTERMS.description)
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.1.0")) in ontology
    license_ = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (ONTOLOGY_IRI, DCTERMS.license, license_) in ontology


# (b) every term the built graph uses is declared ----------------------------------------------


def used_classes(graph: Graph) -> set[Node]:
    return set(graph.objects(None, RDF.type))


def used_predicates(graph: Graph) -> set[Node]:
    return set(graph.predicates()) - {RDF.type}


def test_tiny_graph_uses_the_terms_of_rdf_py(tiny_graph: Graph) -> None:
    # Guards test (b): the fixture must exercise every kind of node and most predicates.
    assert {GKG.Role, GKG.Skill, GKG.Tool, GKG.Provider, GKG.Course, GKG.Source} <= (
        used_classes(tiny_graph)
    )
    assert {SCHEMA.MonetaryAmountDistribution, SCHEMA.Offer} <= used_classes(tiny_graph)
    assert {ESCO.relatedOptionalSkill, SKOS.broader, GKG.standsFor, SCHEMA.creator} <= (
        used_predicates(tiny_graph)
    )


def test_every_used_class_is_declared(ontology: Graph, tiny_graph: Graph) -> None:
    missing = [
        str(cls)
        for cls in sorted(used_classes(tiny_graph))
        if (cls, RDF.type, OWL.Class) not in ontology
        or not english(ontology, cls, RDFS.label)
        or not english(ontology, cls, RDFS.comment)
    ]
    assert not missing, f"classes not declared with an English label and comment: {missing}"


def test_every_used_predicate_is_declared(ontology: Graph, tiny_graph: Graph) -> None:
    missing = [
        str(predicate)
        for predicate in sorted(used_predicates(tiny_graph))
        if not set(ontology.objects(predicate, RDF.type)) & PROPERTY_TYPES
        or not english(ontology, predicate, RDFS.label)
        or not english(ontology, predicate, RDFS.comment)
    ]
    assert not missing, f"properties not declared with an English label and comment: {missing}"


@pytest.mark.parametrize(
    ("subclass", "superclass"),
    [
        pytest.param(GKG.Role, SCHEMA.Occupation, id="role-occupation"),
        pytest.param(GKG.Skill, SCHEMA.DefinedTerm, id="skill-defined-term"),
        pytest.param(GKG.Skill, SKOS.Concept, id="skill-concept"),
        pytest.param(GKG.Course, SCHEMA.Course, id="course-course"),
        pytest.param(GKG.Provider, SCHEMA.Organization, id="provider-organization"),
        pytest.param(GKG.Tool, SCHEMA.SoftwareApplication, id="tool-software"),
        pytest.param(GKG.Source, SCHEMA.CreativeWork, id="source-creative-work"),
    ],
)
def test_gkg_classes_reuse_schema_and_skos(
    ontology: Graph, subclass: URIRef, superclass: URIRef
) -> None:
    assert (subclass, RDFS.subClassOf, superclass) in ontology


def test_each_property_has_one_owl_kind(ontology: Graph) -> None:
    kinds = {
        str(subject): kinds
        for subject in set(ontology.subjects(RDF.type, None))
        if len(kinds := set(ontology.objects(subject, RDF.type)) & PROPERTY_TYPES) > 1
    }
    assert not kinds, f"properties declared as more than one kind: {kinds}"


def test_every_gkg_class_is_targeted(shapes: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetClass))
    gkg_classes = {GKG.Role, GKG.Skill, GKG.Tool, GKG.Provider, GKG.Course, GKG.Source}
    assert gkg_classes <= targeted


def test_every_shape_is_readable(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    assert node_shapes and property_shapes
    unnamed = [
        shape
        for shape in node_shapes | property_shapes
        if not english(shapes, shape, SH.name) and not english(shapes, shape, SH.message)
    ]
    assert not unnamed, f"shapes without an sh:name or sh:message: {unnamed}"


# (c) the tiny graph conforms ----------------------------------------------------------------


def test_tiny_graph_conforms(tiny_graph: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, _, text = validate(tiny_graph, shapes, ontology)
    assert conforms, text


# (d) broken graphs do not conform -----------------------------------------------------------

ROLE_ANALYST = entity_iri("role", "analyst")
ROLE_PROMPTER = entity_iri("role", "prompter")
ANALYST_SALARY = URIRef(f"{ROLE_ANALYST}#salary-1")
MLOPS_SALARY = URIRef(f"{entity_iri('role', 'ml-ops')}#salary-1")
COURSE_PY = entity_iri("course", "py-basics")
COURSE_DOCKER = entity_iri("course", "docker-course")
COURSE_ML = entity_iri("course", "ml-intro")
PY_OFFER = URIRef(f"{COURSE_PY}#offer")
SKILL_DEEP = entity_iri("skill", "deep-learning")
SKILL_ML = entity_iri("skill", "machine-learning")
SKILL_SQL = entity_iri("skill", "sql")
TOOL_DOCKER = entity_iri("tool", "dockerd")
PROVIDER_LEARNHUB = entity_iri("provider", "learnhub")
PROVIDER_ACME = entity_iri("provider", "acme-ai")
SOURCE = entity_iri("source", "fixture")

Mutation = Callable[[Graph], None]


def replace(subject: Node, predicate: URIRef, value: Node) -> Mutation:
    def mutate(graph: Graph) -> None:
        graph.set((subject, predicate, value))

    return mutate


def drop(subject: Node, predicate: URIRef) -> Mutation:
    def mutate(graph: Graph) -> None:
        graph.remove((subject, predicate, None))

    return mutate


def add(subject: Node, predicate: URIRef, value: Node) -> Mutation:
    def mutate(graph: Graph) -> None:
        graph.add((subject, predicate, value))

    return mutate


def decimal(value: str) -> Literal:
    return Literal(value, datatype=XSD.decimal)


def text(value: str) -> Literal:
    return Literal(value, lang="en")


# (mutation, focus node, result path or None for a node-level result, constraint component)
BROKEN = [
    pytest.param(
        drop(ROLE_PROMPTER, ESCO.relatedEssentialSkill),
        ROLE_PROMPTER,
        ESCO.relatedEssentialSkill,
        SH.MinCountConstraintComponent,
        id="role-without-essential-skills",
    ),
    pytest.param(
        replace(ROLE_ANALYST, ESCO.relatedEssentialSkill, TOOL_DOCKER),
        ROLE_ANALYST,
        ESCO.relatedEssentialSkill,
        SH.ClassConstraintComponent,
        id="role-essential-skill-is-a-tool",
    ),
    pytest.param(
        drop(ROLE_ANALYST, DCTERMS.source),
        ROLE_ANALYST,
        DCTERMS.source,
        SH.MinCountConstraintComponent,
        id="role-without-source",
    ),
    pytest.param(
        replace(ROLE_ANALYST, GKG.nextRole, SKILL_SQL),
        ROLE_ANALYST,
        GKG.nextRole,
        SH.ClassConstraintComponent,
        id="next-role-is-a-skill",
    ),
    pytest.param(
        replace(ANALYST_SALARY, SCHEMA.minValue, decimal("80000")),
        ANALYST_SALARY,
        SCHEMA.minValue,
        SH.LessThanOrEqualsConstraintComponent,
        id="salary-min-above-max",
    ),
    pytest.param(
        drop(MLOPS_SALARY, SCHEMA.maxValue),
        MLOPS_SALARY,
        None,
        SH.OrConstraintComponent,
        id="salary-without-bounds",
    ),
    pytest.param(
        add(ANALYST_SALARY, SCHEMA.currency, Literal("EUR")),
        ANALYST_SALARY,
        SCHEMA.currency,
        SH.MaxCountConstraintComponent,
        id="salary-two-currencies",
    ),
    pytest.param(
        replace(ANALYST_SALARY, GKG.careerLevel, Literal("junior")),
        ANALYST_SALARY,
        GKG.careerLevel,
        SH.InConstraintComponent,
        id="salary-level-junior",
    ),
    pytest.param(
        replace(ANALYST_SALARY, GKG.year, Literal("2026")),
        ANALYST_SALARY,
        GKG.year,
        SH.DatatypeConstraintComponent,
        id="salary-year-as-text",
    ),
    pytest.param(
        replace(COURSE_PY, SCHEMA.educationalLevel, Literal("expert")),
        COURSE_PY,
        SCHEMA.educationalLevel,
        SH.InConstraintComponent,
        id="course-level-expert",
    ),
    pytest.param(
        replace(COURSE_DOCKER, SCHEMA.teaches, TOOL_DOCKER),
        COURSE_DOCKER,
        SCHEMA.teaches,
        SH.ClassConstraintComponent,
        id="course-teaches-a-tool",
    ),
    pytest.param(
        drop(COURSE_DOCKER, SCHEMA.teaches),
        COURSE_DOCKER,
        SCHEMA.teaches,
        SH.MinCountConstraintComponent,
        id="course-teaches-nothing",
    ),
    pytest.param(
        add(COURSE_ML, SCHEMA.coursePrerequisites, COURSE_PY),
        COURSE_ML,
        SCHEMA.coursePrerequisites,
        SH.ClassConstraintComponent,
        id="course-requires-a-course",
    ),
    pytest.param(
        replace(COURSE_PY, GKG.rating, decimal("7")),
        COURSE_PY,
        GKG.rating,
        SH.MaxInclusiveConstraintComponent,
        id="course-rating-7",
    ),
    pytest.param(
        replace(COURSE_PY, GKG.hours, decimal("-1")),
        COURSE_PY,
        GKG.hours,
        SH.MinInclusiveConstraintComponent,
        id="course-negative-hours",
    ),
    pytest.param(
        add(COURSE_PY, SCHEMA.provider, PROVIDER_ACME),
        COURSE_PY,
        SCHEMA.provider,
        SH.MaxCountConstraintComponent,
        id="course-two-platforms",
    ),
    pytest.param(
        replace(PY_OFFER, SCHEMA.price, decimal("-5")),
        PY_OFFER,
        SCHEMA.price,
        SH.MinInclusiveConstraintComponent,
        id="offer-negative-price",
    ),
    pytest.param(
        add(COURSE_PY, SCHEMA.teach, SKILL_SQL),
        COURSE_PY,
        SCHEMA.teach,
        SH.ClosedConstraintComponent,
        id="course-misspelt-predicate",
    ),
    pytest.param(
        replace(SKILL_DEEP, SKOS.broader, TOOL_DOCKER),
        SKILL_DEEP,
        SKOS.broader,
        SH.ClassConstraintComponent,
        id="broader-is-a-tool",
    ),
    pytest.param(
        add(SKILL_ML, SKOS.broader, SKILL_DEEP),
        SKILL_ML,
        SKOS.broader,
        SH.SPARQLConstraintComponent,
        id="broader-cycle",
    ),
    pytest.param(
        replace(PROVIDER_LEARNHUB, GKG.providerKind, Literal("school")),
        PROVIDER_LEARNHUB,
        GKG.providerKind,
        SH.InConstraintComponent,
        id="provider-kind-school",
    ),
    pytest.param(
        drop(TOOL_DOCKER, GKG.category),
        TOOL_DOCKER,
        GKG.category,
        SH.MinCountConstraintComponent,
        id="tool-without-category",
    ),
    pytest.param(
        replace(TOOL_DOCKER, GKG.standsFor, PROVIDER_ACME),
        TOOL_DOCKER,
        GKG.standsFor,
        SH.ClassConstraintComponent,
        id="tool-stands-for-a-provider",
    ),
    pytest.param(
        drop(SOURCE, DCTERMS.title),
        SOURCE,
        DCTERMS.title,
        SH.MinCountConstraintComponent,
        id="source-without-title",
    ),
    pytest.param(
        replace(SOURCE, SCHEMA.url, Literal("https://example.org/fixture")),
        SOURCE,
        SCHEMA.url,
        SH.DatatypeConstraintComponent,
        id="source-url-as-string",
    ),
    pytest.param(
        add(SKILL_SQL, SKOS.prefLabel, text("Structured Query Language")),
        SKILL_SQL,
        SKOS.prefLabel,
        SH.MaxCountConstraintComponent,
        id="two-names",
    ),
    pytest.param(
        replace(SKILL_SQL, SKOS.prefLabel, Literal("SQL")),
        SKILL_SQL,
        SKOS.prefLabel,
        SH.DatatypeConstraintComponent,
        id="name-without-language",
    ),
    pytest.param(
        replace(SKILL_SQL, GKG.id, Literal("SQL_Basics")),
        SKILL_SQL,
        GKG.id,
        SH.PatternConstraintComponent,
        id="id-not-kebab-case",
    ),
    pytest.param(
        replace(SKILL_SQL, GKG.id, Literal("python")),
        SKILL_SQL,
        GKG.id,
        SH.SPARQLConstraintComponent,
        id="id-not-in-iri",
    ),
    pytest.param(
        drop(ROLE_ANALYST, GKG.id),
        ROLE_ANALYST,
        GKG.id,
        SH.MinCountConstraintComponent,
        id="role-without-id",
    ),
]


@pytest.mark.parametrize(("mutate", "focus", "path", "component"), BROKEN)
def test_broken_graph_does_not_conform(
    tiny_graph: Graph,
    shapes: Graph,
    ontology: Graph,
    mutate: Mutation,
    focus: URIRef,
    path: URIRef | None,
    component: URIRef,
) -> None:
    broken = Graph()
    for triple in tiny_graph:
        broken.add(triple)
    mutate(broken)
    assert len(broken ^ tiny_graph) > 0, "the mutation changed nothing"

    conforms, results, text = validate(broken, shapes, ontology)

    assert not conforms
    found = [
        (result_path, result_component)
        for result in results.subjects(RDF.type, SH.ValidationResult)
        if results.value(result, SH.focusNode) == focus
        for result_path in [results.value(result, SH.resultPath)]
        for result_component in [results.value(result, SH.sourceConstraintComponent)]
    ]
    assert (path, component) in found, text
    for result in results.subjects(RDF.type, SH.ValidationResult):
        assert results.value(result, SH.resultSeverity) == SH.Violation
        assert results.value(result, SH.resultMessage) is not None, text
