"""Turn a checked Dataset into one rdflib graph; namespaces and IRI minting live here.

Every node has an IRI (no blank nodes), so the same data always gives the same triples
and serialisations can be byte-identical. Salaries and course prices are nodes of their
own (``<role IRI>#salary-1``, ``<course IRI>#offer``) because they carry several values.

>>> from genai_kg.graph.rdf import entity_iri
>>> str(entity_iri("role", "mlops-engineer"))
'https://w3id.org/genai-kg/id/role/mlops-engineer'
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from genai_kg.dataset.models import (
    CostPer,
    Course,
    Dataset,
    Match,
    Provider,
    Role,
    Skill,
    Source,
    Tool,
)
from genai_kg.graph.namespaces import ID_BASE, PREFIX_IRIS

GKG = Namespace(PREFIX_IRIS["gkg"])
SCHEMA = Namespace(PREFIX_IRIS["schema"])
ESCO = Namespace(PREFIX_IRIS["esco"])
ONET_PAGE = "https://www.onetonline.org/link/summary/"
ONET_ELEMENT_PAGE = "https://www.onetonline.org/find/descriptor/result/"

#: The SKOS mapping property of each ``match`` relation.
MATCH_PREDICATES = {
    "exact": SKOS.exactMatch,
    "close": SKOS.closeMatch,
    "broad": SKOS.broadMatch,
}

#: Prefixes bound on every graph genai-kg writes.
PREFIXES = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}

#: The class of each kind of entity.
CLASSES = {
    "role": GKG.Role,
    "skill": GKG.Skill,
    "tool": GKG.Tool,
    "provider": GKG.Provider,
    "course": GKG.Course,
    "source": GKG.Source,
}
KINDS = tuple(CLASSES)
#: The schema.org class each kind also carries (SPEC), so that tools reading schema.org without
#: inference find roles, skills, providers and courses.
SCHEMA_CLASSES = {
    "role": SCHEMA.Occupation,
    "skill": SCHEMA.DefinedTerm,
    "provider": SCHEMA.Organization,
    "course": SCHEMA.Course,
}


def entity_iri(kind: str, entity_id: str) -> URIRef:
    """Mint the IRI of an entity: ``https://w3id.org/genai-kg/id/{kind}/{id}``."""
    return URIRef(f"{ID_BASE}{kind}/{entity_id}")


def split_iri(iri: str) -> tuple[str, str] | None:
    """Return ``(kind, id)`` for an entity IRI, or None for any other IRI.

    >>> split_iri("https://w3id.org/genai-kg/id/course/ml-intro")
    ('course', 'ml-intro')
    """
    if not iri.startswith(ID_BASE):
        return None
    kind, _, entity_id = iri[len(ID_BASE) :].partition("/")
    if kind not in CLASSES or not entity_id or "/" in entity_id or "#" in entity_id:
        return None
    return kind, entity_id


def match_iri(scheme: str, target: str) -> URIRef:
    """Return the IRI of a taxonomy counterpart: ESCO URIs as is, O*NET codes as their page.

    >>> str(match_iri("onet", "15-2051.00"))
    'https://www.onetonline.org/link/summary/15-2051.00'
    >>> str(match_iri("onet", "2.B.3.e"))
    'https://www.onetonline.org/find/descriptor/result/2.B.3.e'
    """
    if scheme == "onet" and not target.startswith("http"):
        page = ONET_PAGE if "-" in target else ONET_ELEMENT_PAGE
        return URIRef(page + target)
    return URIRef(target)


def new_graph() -> Graph:
    """Return an empty graph with genai-kg's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def build_graph(dataset: Dataset) -> Graph:
    """Return the RDF graph of a checked dataset.

    >>> from genai_kg.dataset.models import Dataset, Skill
    >>> g = build_graph(Dataset(skills={"sql": Skill(id="sql", name="SQL")}))
    >>> (entity_iri("skill", "sql"), SKOS.prefLabel, Literal("SQL", lang="en")) in g
    True
    """
    graph = new_graph()
    for source in dataset.sources.values():
        _add_source(graph, source)
    for provider in dataset.providers.values():
        _add_provider(graph, provider)
    for skill in dataset.skills.values():
        _add_skill(graph, skill)
    for tool in dataset.tools.values():
        _add_tool(graph, tool)
    for role in dataset.roles.values():
        _add_role(graph, role)
    for course in dataset.courses.values():
        _add_course(graph, course)
    return graph


def _text(value: str) -> Literal:
    return Literal(value, lang="en")


def _number(value: float) -> Literal:
    # Decimal keeps 4.8 as 4.8 in every syntax (a double would print 4.8E0).
    return Literal(Decimal(repr(value)).normalize(), datatype=XSD.decimal)


def _url(value: str) -> Literal:
    return Literal(value, datatype=XSD.anyURI)


def _add_entity(graph: Graph, kind: str, entity_id: str, label: str) -> URIRef:
    node = entity_iri(kind, entity_id)
    graph.add((node, RDF.type, CLASSES[kind]))
    if kind in SCHEMA_CLASSES:
        graph.add((node, RDF.type, SCHEMA_CLASSES[kind]))
    graph.add((node, SKOS.prefLabel, _text(label)))
    graph.add((node, GKG.id, Literal(entity_id)))
    return node


def _add_links(graph: Graph, node: URIRef, predicate: URIRef, kind: str, ids: list[str]) -> None:
    for target in ids:
        graph.add((node, predicate, entity_iri(kind, target)))


def _add_aliases(graph: Graph, node: URIRef, aliases: list[str]) -> None:
    for alias in aliases:
        graph.add((node, SKOS.altLabel, _text(alias)))


def _add_match(graph: Graph, node: URIRef, match: Match | None) -> None:
    if match is None:
        return
    for scheme in ("esco", "onet"):
        target = getattr(match, scheme)
        if target is not None:
            predicate = MATCH_PREDICATES[target.relation.value]
            graph.add((node, predicate, match_iri(scheme, target.id)))


def _add_source(graph: Graph, source: Source) -> None:
    node = _add_entity(graph, "source", source.id, source.title)
    graph.add((node, DCTERMS.title, _text(source.title)))
    if source.url:
        graph.add((node, SCHEMA.url, _url(source.url)))
    if source.publisher:
        graph.add((node, DCTERMS.publisher, Literal(source.publisher)))
    if source.date:
        graph.add((node, DCTERMS.date, Literal(source.date.isoformat(), datatype=XSD.date)))
    if source.note:
        graph.add((node, RDFS.comment, _text(source.note)))


def _add_provider(graph: Graph, provider: Provider) -> None:
    node = _add_entity(graph, "provider", provider.id, provider.name)
    graph.add((node, GKG.providerKind, Literal(provider.kind.value)))
    if provider.url:
        graph.add((node, SCHEMA.url, _url(provider.url)))


def _add_skill(graph: Graph, skill: Skill) -> None:
    node = _add_entity(graph, "skill", skill.id, skill.name)
    _add_aliases(graph, node, skill.aliases)
    if skill.category:
        graph.add((node, GKG.category, Literal(skill.category)))
    if skill.broader:
        graph.add((node, SKOS.broader, entity_iri("skill", skill.broader)))
    if skill.description:
        graph.add((node, SCHEMA.description, _text(skill.description)))
    _add_match(graph, node, skill.match)


def _add_tool(graph: Graph, tool: Tool) -> None:
    node = _add_entity(graph, "tool", tool.id, tool.name)
    graph.add((node, GKG.category, Literal(tool.category)))
    if tool.vendor:
        graph.add((node, SCHEMA.provider, entity_iri("provider", tool.vendor)))
    if tool.url:
        graph.add((node, SCHEMA.url, _url(tool.url)))
    _add_links(graph, node, GKG.standsFor, "skill", tool.skills)


def _add_role(graph: Graph, role: Role) -> None:
    node = _add_entity(graph, "role", role.id, role.name)
    _add_aliases(graph, node, role.aliases)
    if role.description:
        graph.add((node, SCHEMA.description, _text(role.description)))
    if role.track:
        graph.add((node, GKG.track, Literal(role.track)))
    _add_links(graph, node, ESCO.relatedEssentialSkill, "skill", role.skills.essential)
    _add_links(graph, node, ESCO.relatedOptionalSkill, "skill", role.skills.optional)
    _add_links(graph, node, GKG.usesTool, "tool", role.tools)
    _add_links(graph, node, GKG.nextRole, "role", role.next)
    _add_links(graph, node, DCTERMS.source, "source", role.sources)
    _add_match(graph, node, role.match)
    for index, salary in enumerate(role.salary, start=1):
        band = URIRef(f"{node}#salary-{index}")
        graph.add((node, SCHEMA.estimatedSalary, band))
        graph.add((band, RDF.type, SCHEMA.MonetaryAmountDistribution))
        graph.add((band, GKG.careerLevel, Literal(salary.level.value)))
        if salary.min is not None:
            graph.add((band, SCHEMA.minValue, _number(salary.min)))
        if salary.max is not None:
            graph.add((band, SCHEMA.maxValue, _number(salary.max)))
        if salary.or_more:
            graph.add((band, GKG.orMore, Literal(True)))
        graph.add((band, SCHEMA.currency, Literal(salary.currency)))
        if salary.region is not None:
            graph.add((band, GKG.region, Literal(salary.region)))
        graph.add((band, GKG.year, Literal(salary.year, datatype=XSD.integer)))
        graph.add((band, DCTERMS.source, entity_iri("source", salary.source)))


def _add_course(graph: Graph, course: Course) -> None:
    node = _add_entity(graph, "course", course.id, course.title)
    graph.add((node, SCHEMA.name, _text(course.title)))
    if course.url:
        graph.add((node, SCHEMA.url, _url(course.url)))
    graph.add((node, SCHEMA.provider, entity_iri("provider", course.platform)))
    _add_links(graph, node, SCHEMA.creator, "provider", course.creators)
    graph.add((node, SCHEMA.educationalLevel, Literal(course.level.value)))
    if course.hours is not None:
        graph.add((node, GKG.hours, _number(course.hours)))
    if course.cost is not None:
        offer = URIRef(f"{node}#offer")
        graph.add((node, SCHEMA.offers, offer))
        graph.add((offer, RDF.type, SCHEMA.Offer))
        graph.add((offer, SCHEMA.price, _number(course.cost.amount)))
        graph.add((offer, SCHEMA.priceCurrency, Literal(course.cost.currency)))
        if course.cost.per is not CostPer.COURSE:
            graph.add((offer, GKG.pricePer, Literal(course.cost.per.value)))
        if course.cost.note:
            graph.add((offer, SCHEMA.description, _text(course.cost.note)))
    if course.rating is not None:
        graph.add((node, GKG.rating, _number(course.rating)))
    if course.credential:
        graph.add((node, SCHEMA.educationalCredentialAwarded, _text(course.credential)))
    _add_links(graph, node, SCHEMA.teaches, "skill", course.teaches)
    _add_links(graph, node, SCHEMA.coursePrerequisites, "skill", course.requires)
    _add_links(graph, node, GKG.usesTool, "tool", course.tools)
    _add_links(graph, node, DCTERMS.source, "source", course.sources)
