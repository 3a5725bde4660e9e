"""The RDF graph of the tiny dataset: IRIs, vocabulary, salary and price nodes, golden file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, SKOS

from genai_kg.errors import DataError
from genai_kg.graph.build import Built, build_dataset
from genai_kg.graph.rdf import ESCO, GKG, ONET_PAGE, SCHEMA, entity_iri
from genai_kg.paths import bundled

TESTS = Path(__file__).parent
TINY = TESTS / "data" / "tiny"
GOLDEN = TESTS / "data" / "tiny-golden.ttl"

ID = "https://w3id.org/genai-kg/id/"


def iri(kind: str, entity_id: str) -> URIRef:
    """The IRI the spec fixes, written out here rather than taken from the code under test."""
    return URIRef(f"{ID}{kind}/{entity_id}")


def decimal(lexical: str) -> Literal:
    return Literal(lexical, datatype=XSD.decimal)


@pytest.fixture(scope="module")
def g(tiny_built: Built) -> Graph:
    return tiny_built.graph


@pytest.mark.parametrize(
    ("kind", "entity_id", "cls"),
    [
        pytest.param("role", "ml-ops", GKG.Role, id="role"),
        pytest.param("skill", "machine-learning", GKG.Skill, id="skill"),
        pytest.param("tool", "dockerd", GKG.Tool, id="tool"),
        pytest.param("provider", "learnhub", GKG.Provider, id="provider"),
        pytest.param("course", "py-basics", GKG.Course, id="course"),
        pytest.param("source", "fixture", GKG.Source, id="source"),
    ],
)
def test_entity_iris_are_minted_from_kind_and_id(
    g: Graph, kind: str, entity_id: str, cls: URIRef
) -> None:
    node = iri(kind, entity_id)
    assert entity_iri(kind, entity_id) == node
    assert (node, RDF.type, cls) in g
    assert (node, GKG.id, Literal(entity_id)) in g


def test_every_entity_of_the_dataset_has_its_iri(tiny_built: Built) -> None:
    typed = set(tiny_built.graph.subjects(RDF.type, None))
    for kind in ("role", "skill", "tool", "provider", "course", "source"):
        for entity_id in tiny_built.dataset.table(kind + "s"):
            assert iri(kind, entity_id) in typed, (kind, entity_id)


def test_labels_and_aliases(g: Graph) -> None:
    analyst = iri("role", "analyst")
    assert (analyst, SKOS.prefLabel, Literal("Analyst", lang="en")) in g
    assert (analyst, SKOS.altLabel, Literal("Data Analyst", lang="en")) in g
    docker = iri("skill", "docker")
    assert (docker, SKOS.prefLabel, Literal("Containerisation with Docker", lang="en")) in g
    assert (docker, SKOS.altLabel, Literal("containers", lang="en")) in g


def test_role_skills_use_esco_relations(g: Graph) -> None:
    role = iri("role", "ml-ops")
    for skill in ("python", "machine-learning", "docker", "model-deployment"):
        assert (role, ESCO.relatedEssentialSkill, iri("skill", skill)) in g
    assert (role, ESCO.relatedOptionalSkill, iri("skill", "deep-learning")) in g
    assert (role, ESCO.relatedEssentialSkill, iri("skill", "deep-learning")) not in g
    assert set(g.objects(role, ESCO.relatedEssentialSkill)) == {
        iri("skill", s) for s in ("python", "machine-learning", "docker", "model-deployment")
    }


def test_role_tools_next_roles_and_sources(g: Graph) -> None:
    assert (iri("role", "ml-ops"), GKG.usesTool, iri("tool", "dockerd")) in g
    assert (iri("role", "analyst"), GKG.nextRole, iri("role", "ml-ops")) in g
    assert (iri("role", "analyst"), DCTERMS.source, iri("source", "fixture")) in g


def test_salary_band_with_both_bounds(g: Graph) -> None:
    role = iri("role", "analyst")
    bands = list(g.objects(role, SCHEMA.estimatedSalary))
    assert len(bands) == 1
    band = bands[0]
    assert isinstance(band, URIRef)
    assert (band, RDF.type, SCHEMA.MonetaryAmountDistribution) in g
    assert (band, SCHEMA.minValue, decimal("50000")) in g
    assert (band, SCHEMA.maxValue, decimal("70000")) in g
    assert g.value(band, SCHEMA.minValue).toPython() == Decimal(50000)
    assert (band, SCHEMA.currency, Literal("USD")) in g
    assert (band, DCTERMS.source, iri("source", "fixture")) in g
    assert (band, GKG.careerLevel, Literal("any")) in g
    assert (band, GKG.region, Literal("US")) in g
    assert (band, GKG.year, Literal(2026, datatype=XSD.integer)) in g


def test_salary_band_without_min_has_no_min_value(g: Graph) -> None:
    band = g.value(iri("role", "ml-ops"), SCHEMA.estimatedSalary)
    assert (band, RDF.type, SCHEMA.MonetaryAmountDistribution) in g
    assert (band, SCHEMA.maxValue, decimal("200000")) in g
    assert g.value(band, SCHEMA.minValue) is None
    assert (band, GKG.careerLevel, Literal("senior")) in g


def test_role_without_salary_has_no_band(g: Graph) -> None:
    assert g.value(iri("role", "prompter"), SCHEMA.estimatedSalary) is None


def test_course_structure(g: Graph) -> None:
    course = iri("course", "ml-intro")
    assert (course, RDF.type, GKG.Course) in g
    assert (course, SCHEMA.teaches, iri("skill", "machine-learning")) in g
    assert (course, SCHEMA.coursePrerequisites, iri("skill", "python")) in g
    assert (course, SCHEMA.coursePrerequisites, iri("skill", "statistics")) in g
    assert (course, SCHEMA.provider, iri("provider", "learnhub")) in g
    assert (course, SCHEMA.educationalLevel, Literal("intermediate")) in g
    assert (course, GKG.hours, decimal("20")) in g
    assert (course, DCTERMS.source, iri("source", "fixture")) in g


def test_course_offer_carries_price(g: Graph) -> None:
    offer = g.value(iri("course", "ml-intro"), SCHEMA.offers)
    assert isinstance(offer, URIRef)
    assert (offer, RDF.type, SCHEMA.Offer) in g
    assert (offer, SCHEMA.price, decimal("49")) in g
    assert (offer, SCHEMA.priceCurrency, Literal("USD")) in g
    assert (offer, SCHEMA.description, Literal("per month", lang="en")) in g


def test_free_course_has_price_zero(g: Graph) -> None:
    offer = g.value(iri("course", "py-basics"), SCHEMA.offers)
    assert (offer, SCHEMA.price, decimal("0")) in g


def test_course_without_cost_has_no_offer(g: Graph) -> None:
    assert g.value(iri("course", "docker-course"), SCHEMA.offers) is None
    assert g.value(iri("course", "prompt-course"), GKG.hours) is None


def test_course_creators_tools_and_rating(g: Graph) -> None:
    assert (iri("course", "py-basics"), SCHEMA.creator, iri("provider", "acme-ai")) in g
    assert (iri("course", "py-basics"), GKG.rating, decimal("4.5")) in g
    assert (iri("course", "mlops-all"), GKG.usesTool, iri("tool", "dockerd")) in g


def test_tool_vendor_and_skills(g: Graph) -> None:
    tool = iri("tool", "dockerd")
    assert (tool, SCHEMA.provider, iri("provider", "acme-ai")) in g
    assert (tool, GKG.standsFor, iri("skill", "docker")) in g


def test_skill_broader(g: Graph) -> None:
    assert (iri("skill", "deep-learning"), SKOS.broader, iri("skill", "machine-learning")) in g
    assert g.value(iri("skill", "machine-learning"), SKOS.broader) is None


def test_plain_match_is_exact(g: Graph) -> None:
    skill = iri("skill", "machine-learning")
    target = URIRef("http://data.europa.eu/esco/skill/fixture-ml")
    assert (skill, SKOS.exactMatch, target) in g
    assert (skill, SKOS.closeMatch, target) not in g


@pytest.mark.parametrize(
    ("match_yaml", "predicate", "target"),
    [
        pytest.param(
            "esco: {id: http://data.europa.eu/esco/skill/x, relation: close}",
            SKOS.closeMatch,
            URIRef("http://data.europa.eu/esco/skill/x"),
            id="esco-close-mapping",
        ),
        pytest.param(
            "esco: {id: http://data.europa.eu/esco/skill/x, relation: exact}",
            SKOS.exactMatch,
            URIRef("http://data.europa.eu/esco/skill/x"),
            id="esco-exact-mapping",
        ),
        pytest.param(
            "onet: '15-2051.00'",
            SKOS.exactMatch,
            URIRef(ONET_PAGE + "15-2051.00"),
            id="onet-code",
        ),
        pytest.param(
            "onet: {id: '15-2051.00', relation: close}",
            SKOS.closeMatch,
            URIRef("https://www.onetonline.org/link/summary/15-2051.00"),
            id="onet-close-mapping",
        ),
        pytest.param(
            "onet: {id: '15-2051.00', relation: broad}",
            SKOS.broadMatch,
            URIRef("https://www.onetonline.org/link/summary/15-2051.00"),
            id="onet-broad-mapping",
        ),
        pytest.param(
            "onet: https://w3id.org/genai-kg/id/onet/technology/pytorch",
            SKOS.exactMatch,
            URIRef("https://w3id.org/genai-kg/id/onet/technology/pytorch"),
            id="onet-technology-example",
        ),
    ],
)
def test_match_relation(
    tiny_copy: Path, match_yaml: str, predicate: URIRef, target: URIRef
) -> None:
    skills = tiny_copy / "skills.yaml"
    text = skills.read_text()
    old = "  match:\n    esco: http://data.europa.eu/esco/skill/fixture-ml\n"
    assert old in text
    skills.write_text(text.replace(old, f"  match:\n    {match_yaml}\n"))
    graph = build_dataset(tiny_copy, shacl=False).graph
    skill = iri("skill", "machine-learning")
    assert (skill, predicate, target) in graph
    for other in {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch} - {predicate}:
        assert (skill, other, target) not in graph


@pytest.mark.parametrize(
    "onet",
    [
        pytest.param("https://w3id.org/genai-kg/id/onet/technology/PyTorch", id="not-a-slug"),
        pytest.param("https://w3id.org/genai-kg/id/onet/tool/pliers", id="a-tool-not-a-technology"),
        pytest.param("https://www.onetonline.org/link/summary/15-2051.00", id="a-page-not-a-code"),
    ],
)
def test_onet_match_must_be_a_code_element_or_technology(tiny_copy: Path, onet: str) -> None:
    skills = tiny_copy / "skills.yaml"
    text = skills.read_text()
    old = "  match:\n    esco: http://data.europa.eu/esco/skill/fixture-ml\n"
    skills.write_text(text.replace(old, f"  match:\n    onet: {onet}\n"))
    with pytest.raises(DataError, match="nor a technology example"):
        build_dataset(tiny_copy, shacl=False)


def _blank_nodes(graph: Graph) -> list[tuple]:
    return [t for t in graph if any(isinstance(term, BNode) for term in t)]


def test_no_blank_nodes_in_tiny(g: Graph) -> None:
    assert _blank_nodes(g) == []


def test_no_blank_nodes_in_bundled_data() -> None:
    graph = build_dataset(bundled("data"), shacl=False).graph
    assert len(graph) > 0
    assert _blank_nodes(graph) == []


def _dump(triples: Graph) -> str:
    return "\n".join(sorted(f"  {s.n3()} {p.n3()} {o.n3()}" for s, p, o in triples)) or "  (none)"


def test_golden_graph() -> None:
    """The tiny dataset's graph equals tests/data/tiny-golden.ttl (checked by hand).

    Roles, skills, providers and courses carry their schema.org class too (SPEC).
    """
    built = build_dataset(TINY).graph
    golden = Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(built, golden):
        _, in_built, in_golden = graph_diff(to_isomorphic(built), to_isomorphic(golden))
        pytest.fail(
            "graph differs from tests/data/tiny-golden.ttl\n"
            f"in built graph only:\n{_dump(in_built)}\n"
            f"in golden file only:\n{_dump(in_golden)}"
        )


def test_prefixes_name_the_standard_vocabularies() -> None:
    from rdflib.namespace import OWL, RDFS

    from genai_kg.graph.namespaces import ID_BASE, PREFIX_IRIS
    from genai_kg.graph.rdf import PREFIXES

    assert {prefix: str(namespace) for prefix, namespace in PREFIXES.items()} == PREFIX_IRIS
    standard = {"skos": SKOS, "dct": DCTERMS, "rdfs": RDFS, "owl": OWL, "xsd": XSD}
    for prefix, namespace in standard.items():
        assert PREFIX_IRIS[prefix] == str(namespace), prefix
    assert PREFIX_IRIS["course"] == str(entity_iri("course", "x"))[:-1] == ID_BASE + "course/"


def test_or_more_subscription_and_no_region(tiny_copy: Path) -> None:
    """ "or more", a monthly price and a salary without a region, as the data says them."""
    roles = tiny_copy / "roles.yaml"
    roles.write_text(
        roles.read_text().replace(
            "{level: senior, max: 200000, currency: USD, region: US,",
            "{level: senior, max: 200000, or_more: true, currency: USD,",
        )
    )
    courses = tiny_copy / "courses.yaml"
    text = courses.read_text()
    first_cost = text.index("  cost: {amount: ")
    end = text.index("}", first_cost)
    courses.write_text(text[:end] + ", per: month" + text[end:])
    built = build_dataset(tiny_copy)  # with SHACL: the shapes accept both
    g = built.graph
    band = URIRef(f"{entity_iri('role', 'ml-ops')}#salary-1")
    assert (band, GKG.orMore, Literal(True)) in g
    assert not list(g.objects(band, GKG.region))
    offers = list(g.subjects(GKG.pricePer, Literal("month")))
    assert len(offers) == 1
    # a band without or_more carries no gkg:orMore at all
    analyst = URIRef(f"{entity_iri('role', 'analyst')}#salary-1")
    assert not list(g.objects(analyst, GKG.orMore))


def test_instances_carry_their_schema_org_class(g: Graph) -> None:
    """Tools that read schema.org without inference find every role, skill, provider, course."""
    for kind, schema_class in (
        ("role", SCHEMA.Occupation),
        ("skill", SCHEMA.DefinedTerm),
        ("provider", SCHEMA.Organization),
        ("course", SCHEMA.Course),
    ):
        typed = set(g.subjects(RDF.type, GKG[kind.capitalize()]))
        assert typed and typed == set(g.subjects(RDF.type, schema_class)), kind
