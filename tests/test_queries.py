"""The named SPARQL queries in queries/: headers, defaults, determinism and exact answers.

Every query is run on the bundled data loaded into a pyoxigraph store (in a named graph,
queried with the default graph as the union of all graphs, as the product store does), with
its parameters bound through SEP-0007 substitutions, never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.conftest import SHARED_DATASETS

from genai_kg.graph.build import Built, build_dataset
from genai_kg.graph.export import to_oxigraph
from genai_kg.paths import bundled

QUERIES = Path(__file__).resolve().parent.parent / "queries"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))
ID_BASE = "https://w3id.org/genai-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CURATED_GRAPH = ox.NamedNode("https://w3id.org/genai-kg/graph/curated")
ENTITY_TYPES = ("role", "skill", "tool", "course", "provider", "source")
PARAM_TYPES = (*ENTITY_TYPES, "iri", "string", "integer", "decimal")
PARAM_LINE = re.compile(
    r"#\s*param:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)\s*=\s*"
    r"(?P<default>\S(?:.*?\S)?)\s+--\s+(?P<description>\S.*)$"
)
HEADER_LINE = re.compile(r"#\s*(?P<key>title|description|needs):\s*(?P<value>\S.*)$")

#: The queries the article's readers ask for; each must exist.
REQUIRED = {
    "roles-by-salary",
    "role-skills",
    "role-tools",
    "courses-for-skill",
    "courses-by-provider",
    "courses-by-level",
    "shared-skills",
    "skill-gap",
    "roles-for-course",
    "tools-in-demand",
    "prerequisite-chains",
    "providers-per-role",
    "facts-and-sources",
    "skills-without-courses",
    "next-roles",
    "free-courses",
    "skill-hierarchy",
    "role-matches",
    "course-summary",
}


# ----------------------------------------------------------------- header parsing


@dataclass
class Param:
    name: str
    type: str
    default: str
    description: str


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    text: str = ""
    needs: tuple[str, ...] = ()

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


def parse_query(path: Path) -> NamedQuery:
    """Read the header of a .rq file: comment lines at the top, one item per line."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.lstrip("# ").startswith("param:"):
            match = PARAM_LINE.match(line)
            assert match, f"{path.name}: bad param line {line!r}"
            params.append(Param(**match.groupdict()))
            continue
        match = HEADER_LINE.match(line)
        assert match, f"{path.name}: unknown header line {line!r}"
        assert match["key"] not in fields, f"{path.name}: {match['key']} given twice"
        fields[match["key"]] = match["value"]
    assert set(fields) - {"needs"} == {"title", "description"}, f"{path.name}: {sorted(fields)}"
    needs = tuple(part.strip() for part in fields.get("needs", "").split(",") if part.strip())
    assert set(needs) <= {"esco", "onet", "oews"}, f"{path.name}: needs {needs}"
    return NamedQuery(path.stem, fields["title"], fields["description"], params, text, needs)


def param_term(kind: str, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a parameter value of the given type stands for."""
    if kind in ENTITY_TYPES:
        return ox.NamedNode(f"{ID_BASE}{kind}/{value}")
    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "string":
        return ox.Literal(value)
    if kind == "integer":
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(XSD + "decimal"))
    raise AssertionError(f"unknown parameter type {kind!r}")


def projection(text: str) -> list[str]:
    """The variables the outer SELECT clause names (plain or `AS ?var`)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    clause = re.search(r"\bSELECT\b(.*?)\bWHERE\b", body, re.S | re.I)
    assert clause, "no SELECT ... WHERE"
    select = clause.group(1)
    names = re.findall(r"\bAS\s+\?(\w+)", select, re.I)
    while "(" in select:  # drop (expression AS ?var), innermost parentheses first
        select = re.sub(r"\([^()]*\)", " ", select)
    return re.findall(r"\?(\w+)", select) + names


# ----------------------------------------------------------------- running


@pytest.fixture(scope="module")
def built() -> Built:
    return build_dataset(bundled("data"), shacl=False)


@pytest.fixture(scope="module")
def store(built: Built) -> ox.Store:
    store = ox.Store()
    store.extend(
        [ox.Quad(t.subject, t.predicate, t.object, CURATED_GRAPH) for t in to_oxigraph(built.graph)]
    )
    return store


RELEASES = {
    "esco": ("esco-v1.1.1", "genai_kg.importers.esco", "read_esco"),
    "onet": ("onet-29.2", "genai_kg.importers.onet", "read_onet"),
    "oews": ("oews-2025", "genai_kg.importers.oews", "read_oews"),
}


@pytest.fixture(scope="module")
def full_store(built: Built) -> ox.Store:
    """The curated graph plus every official release in ../shared/datasets (skips without)."""
    import importlib

    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"the official releases are not at {SHARED_DATASETS}")
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, CURATED_GRAPH) for t in to_oxigraph(built.graph)
    )
    for folder, module, function in RELEASES.values():
        result = getattr(importlib.import_module(module), function)(SHARED_DATASETS / folder)
        graph = ox.NamedNode(result.graph)
        store.bulk_extend(ox.Quad(s, p, o, graph) for s, p, o in result.triples)
    return store


def store_for(query: NamedQuery, request: pytest.FixtureRequest) -> ox.Store:
    """The curated store, or the one with the official releases for a query that needs them."""
    name = "full_store" if query.needs else "store"
    chosen: ox.Store = request.getfixturevalue(name)
    return chosen


def plain(term: object) -> str | None:
    """A result cell as a string: the IRI of a node, the lexical form of a literal."""
    if term is None:
        return None
    value = term.value  # type: ignore[attr-defined]
    return str(value)


def run(store: ox.Store, name: str, **values: str) -> list[dict[str, str | None]]:
    """Run a named query with its defaults, overridden by ``values``; rows as dicts."""
    query = parse_query(QUERIES / f"{name}.rq")
    substitutions = {}
    for param in query.params:
        value = values.pop(param.name, param.default)
        substitutions[ox.Variable(param.name)] = param_term(param.type, value)
    assert not values, f"{name} has no parameter(s) {sorted(values)}"
    solutions = store.query(
        query.text, use_default_graph_as_union=True, substitutions=substitutions
    )
    assert isinstance(solutions, ox.QuerySolutions), f"{name} is not a SELECT query"
    names = [v.value for v in solutions.variables]
    return [{n: plain(row[n]) for n in names} for row in solutions]


def column(rows: list[dict[str, str | None]], name: str) -> list[str | None]:
    return [row[name] for row in rows]


def iri(kind: str, entity_id: str) -> str:
    return f"{ID_BASE}{kind}/{entity_id}"


# ----------------------------------------------------------------- every query


def test_the_library_has_the_required_queries() -> None:
    names = {path.stem for path in QUERY_FILES}
    assert names >= REQUIRED, f"missing queries: {sorted(REQUIRED - names)}"
    assert len(names) >= 18


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_header(path: Path, built: Built) -> None:
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", path.stem), "name is not kebab-case"
    query = parse_query(path)
    assert query.title and query.description
    names = [p.name for p in query.params]
    assert len(names) == len(set(names)), f"duplicate parameters {names}"
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    selected = projection(query.text)
    for param in query.params:
        assert param.type in PARAM_TYPES, f"{param.name}: unknown type {param.type!r}"
        assert param.default and param.description
        assert re.search(rf"\?{param.name}\b", body), f"?{param.name} is not in the query"
        # pyoxigraph substitutes only variables of the outer projection.
        assert param.name in selected, f"?{param.name} is not in the SELECT projection"
        param_term(param.type, param.default)  # the default has the parameter's type
        if param.type in ENTITY_TYPES:
            table = built.dataset.table(param.type + "s")
            assert param.default in table, f"default {param.type} {param.default!r} is unknown"
    assert re.search(r"^SELECT\b", body, re.M), "not a SELECT query"
    assert re.search(r"^ORDER BY\b", body, re.M), "no ORDER BY: output order is not fixed"
    for variable in selected:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", variable), f"column ?{variable} is not snake_case"
    assert len(selected) == len(set(selected)), f"a column is selected twice: {selected}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_runs_with_defaults_and_is_deterministic(
    path: Path, request: pytest.FixtureRequest
) -> None:
    store = store_for(parse_query(path), request)
    first = run(store, path.stem)
    assert first, f"{path.stem} returned no rows with its defaults on the bundled data"
    assert run(store, path.stem) == first, f"{path.stem} gave two different answers"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_parameters_are_really_bound(path: Path, request: pytest.FixtureRequest) -> None:
    """A value that matches nothing gives no rows, so every parameter takes effect."""
    store = store_for(parse_query(path), request)
    unknown = {
        "iri": "https://example.org/no-such-thing",
        "string": "no-such-value",
        "integer": str(10**12),
        "decimal": "-1",
    }
    for param in parse_query(path).params:
        value = unknown.get(param.type, "no-such-id")
        rows = run(store, path.stem, **{param.name: value})
        assert rows == [], f"{path.stem} ignores ?{param.name}={value!r}: {rows[:3]}"


# ----------------------------------------------------------------- exact answers


def test_role_skills_equal_the_yaml(built: Built, store: ox.Store) -> None:
    for role in built.dataset.roles.values():
        rows = run(store, "role-skills", role=role.id)
        expected = sorted(
            [("essential", s) for s in role.skills.essential]
            + [("optional", s) for s in role.skills.optional]
        )
        assert [(r["importance"], r["skill_id"]) for r in rows] == expected, role.id
        assert set(column(rows, "role")) == {iri("role", role.id)}


def test_courses_for_python(built: Built, store: ox.Store) -> None:
    rows = run(store, "courses-for-skill")
    expected = {c.id for c in built.dataset.courses.values() if "python" in c.teaches}
    assert set(column(rows, "course_id")) == expected
    assert len(rows) == len(expected)
    ranks = {"beginner": 0, "intermediate": 1, "advanced": 2}
    assert [ranks[str(level)] for level in column(rows, "level")] == sorted(
        ranks[str(level)] for level in column(rows, "level")
    )


def test_skills_without_courses(built: Built, store: ox.Store) -> None:
    data = built.dataset
    taught = {skill for course in data.courses.values() for skill in course.teaches}
    rows = run(store, "skills-without-courses")
    assert set(column(rows, "skill_id")) == set(data.skills) - taught
    needed = {
        r["skill_id"]: sum(r["skill_id"] in role.skills.essential for role in data.roles.values())
        for r in rows
    }
    assert {r["skill_id"]: int(str(r["essential_for_roles"])) for r in rows} == needed


@pytest.mark.parametrize(
    ("role_a", "role_b"),
    [
        ("data-scientist", "mlops-engineer"),
        ("prompt-engineer", "ai-content-creator"),
        ("data-analyst", "business-analyst"),
    ],
)
def test_shared_skills(built: Built, store: ox.Store, role_a: str, role_b: str) -> None:
    roles = built.dataset.roles

    def skills(role_id: str) -> dict[str, str]:
        role = roles[role_id]
        return dict.fromkeys(role.skills.essential, "essential") | dict.fromkeys(
            role.skills.optional, "optional"
        )

    a, b = skills(role_a), skills(role_b)
    rows = run(store, "shared-skills", role_a=role_a, role_b=role_b)
    assert {r["skill_id"]: (r["importance_a"], r["importance_b"]) for r in rows} == {
        s: (a[s], b[s]) for s in a.keys() & b.keys()
    }
    assert len(rows) == len(a.keys() & b.keys())


@pytest.mark.parametrize(
    ("start", "goal"),
    [("data-analyst", "mlops-engineer"), ("data-scientist", "generative-ai-engineer")],
)
def test_skill_gap(built: Built, store: ox.Store, start: str, goal: str) -> None:
    data = built.dataset
    held = set(data.roles[start].skills.essential)
    gap = [s for s in data.roles[goal].skills.essential if s not in held]
    rows = run(store, "skill-gap", start=start, goal=goal)
    assert set(column(rows, "skill_id")) == set(gap)
    for skill in gap:
        teachers = {c.id for c in data.courses.values() if skill in c.teaches}
        found = {r["course_id"] for r in rows if r["skill_id"] == skill}
        assert found == (teachers or {None}), skill


def test_tools_in_demand(built: Built, store: ox.Store) -> None:
    data = built.dataset
    rows = run(store, "tools-in-demand")
    expected = {
        tool: (
            sum(tool in role.tools for role in data.roles.values()),
            sum(tool in course.tools for course in data.courses.values()),
        )
        for tool in data.tools
    }
    assert {r["tool_id"]: (int(str(r["roles"])), int(str(r["courses"]))) for r in rows} == expected
    ranks = [int(str(r["roles"])) for r in rows]
    assert ranks == sorted(ranks, reverse=True)


def test_roles_for_course(built: Built, store: ox.Store) -> None:
    data = built.dataset
    course = data.courses["coursera-mlops-platforms-sagemaker-azure-ml"]
    rows = run(store, "roles-for-course")
    expected = {
        role.id: (len(set(course.teaches) & set(role.skills.essential)), len(role.skills.essential))
        for role in data.roles.values()
        if set(course.teaches) & set(role.skills.essential)
    }
    got = {
        r["role_id"]: (int(str(r["skills_taught"])), int(str(r["essential_skills"]))) for r in rows
    }
    assert got == expected


def test_prerequisite_chains(built: Built, store: ox.Store) -> None:
    data = built.dataset
    start = "datatalks-mlops-zoomcamp"
    # Breadth-first over course -> required skill -> courses teaching it.
    reached, frontier = {start}, [start]
    while frontier:
        course = data.courses[frontier.pop()]
        for skill in course.requires:
            for other in data.courses.values():
                if skill in other.teaches and other.id not in reached:
                    reached.add(other.id)
                    frontier.append(other.id)
    with_requirements = {c for c in reached if data.courses[c].requires}
    rows = run(store, "prerequisite-chains", course=start)
    assert set(column(rows, "step_id")) == with_requirements
    assert rows[0]["step_id"] == start
    pairs = {(r["step_id"], r["requires_id"]) for r in rows}
    assert pairs == {(c, s) for c in with_requirements for s in data.courses[c].requires}


def test_roles_by_salary(built: Built, store: ox.Store) -> None:
    bands = [
        (role.id, band)
        for role in built.dataset.roles.values()
        for band in role.salary
        if band.currency == "USD"
    ]
    rows = run(store, "roles-by-salary")
    assert len(rows) == len(bands)
    maxima = [Decimal(str(m)) for m in column(rows, "max_salary") if m is not None]
    assert maxima == sorted(maxima, reverse=True)
    assert maxima[0] == Decimal(str(max(b.max for _, b in bands if b.max is not None)))
    # Bands without a maximum come last.
    present = [m is not None for m in column(rows, "max_salary")]
    assert present == sorted(present, reverse=True)
    # "or more" and the region come through as the data says them (region only where given).
    assert sum(1 for v in column(rows, "or_more") if v is not None) == sum(
        band.or_more for _, band in bands
    )
    assert sum(1 for v in column(rows, "region") if v is None) == sum(
        band.region is None for _, band in bands
    )


def test_free_courses_and_summary(built: Built, store: ox.Store) -> None:
    data = built.dataset
    free = {c.id for c in data.courses.values() if c.cost is not None and c.cost.amount == 0}
    assert set(column(run(store, "free-courses"), "course_id")) == free
    summary = {r["platform_id"]: r for r in run(store, "course-summary")}
    assert set(summary) == {c.platform for c in data.courses.values()}
    for platform, row in summary.items():
        courses = [c for c in data.courses.values() if c.platform == platform]
        assert int(str(row["courses"])) == len(courses)
        assert int(str(row["hours_known"])) == sum(c.hours is not None for c in courses)
        assert int(str(row["cost_known"])) == sum(c.cost is not None for c in courses)
        assert int(str(row["free_courses"])) == sum(c.id in free for c in courses)
        hours = sum(Decimal(str(c.hours)) for c in courses if c.hours is not None)
        assert Decimal(str(row["known_hours_total"])) == hours


def test_skill_hierarchy(built: Built, store: ox.Store) -> None:
    skills = built.dataset.skills
    chain, current = [], skills["retrieval-augmented-generation"].broader  # the default
    while current is not None:
        chain.append(current)
        current = skills[current].broader
    rows = run(store, "skill-hierarchy")
    assert column(rows, "broader_id") == chain
    assert [int(str(s)) for s in column(rows, "steps_up")] == list(range(1, len(chain) + 1))


def test_next_roles(built: Built, store: ox.Store) -> None:
    roles = built.dataset.roles
    rows = run(store, "next-roles", role="data-scientist")
    assert {r["role_id"] for r in rows if r["step"] == "next"} == set(roles["data-scientist"].next)
    assert {r["role_id"] for r in rows if r["step"] == "current"} == {"data-scientist"}
    assert rows[0]["step"] == "current"


def test_facts_and_sources(built: Built, store: ox.Store) -> None:
    data = built.dataset
    rows = run(store, "facts-and-sources")
    cited = {(r["kind"], r["entity_id"], r["source_id"]) for r in rows if r["fact"] == r["kind"]}
    expected = {("role", r.id, s) for r in data.roles.values() for s in r.sources} | {
        ("course", c.id, s) for c in data.courses.values() for s in c.sources
    }
    assert cited == expected
    for row in rows:
        source = data.sources[str(row["source_id"])]
        assert row["source_title"] == source.title
        assert row["source_url"] == source.url
