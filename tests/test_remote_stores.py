"""Every named query gives the same rows from a real shared store as from the embedded one.

For each server of tests/stores.py (Oxigraph server, Virtuoso 7): `push` the bundled
dataset (its named queries' defaults name its roles and skills), then
`genai-kg sparql NAME --endpoint URL` for every query of queries/ against
`genai-kg sparql NAME` on the embedded store. Rows compare as terms (a literal's value,
datatype and language tag all count), as multisets, and where the query says ORDER BY also
in order: the sequence of its sort keys, since rows tied on every key may come in any order.

What SPARQL leaves open is compared as the standard allows, on every server:
- GROUP_CONCAT joins its values in no set order: its parts compare as a multiset.

Where Virtuoso 7.2 differs for a reason of its own, the difference is named and allowed
here (``virtuoso_forms``) rather than compared away for every server:
- an empty GROUP_CONCAT is "" where the embedded store leaves the variable unbound;
- a whole xsd:decimal given in the query (a decimal ``--param``) comes back typed
  xsd:integer, while ``"20.0"^^xsd:decimal`` (a way round it) fails with SR128 "Numeric
  value out of range": such a column compares by value.
- ORDER BY a stored string does not always follow code point order: among the bundled ids,
  ``ORDER BY ?id`` puts ``microsoft-learn-build-enterprise-tool-ecosystems-mcp-azure``
  before ``microsoft-learn-build-an-ai-ready-culture`` (``ORDER BY STR(?id)`` orders them
  right). A query whose rows come in another order there is an expected failure, its rows
  still equal as a multiset.
Read by the client, so equal here with nothing allowed: Virtuoso's ASK (a one-row table)
and its booleans written ``1`` / ``0``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from conftest import REPO
from genai_kg.cli import app
from genai_kg.graph.build import build_dataset
from genai_kg.graph.export import to_oxigraph
from genai_kg.graph.namespaces import CURATED_GRAPH
from genai_kg.query.sparql import load_query
from stores import RemoteStore

DATA = REPO / "data"
QUERIES = sorted(path.stem for path in (REPO / "queries").glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"
VIRTUOSO_ORDER = (
    "Virtuoso 7.2 orders some stored strings out of code point order (ORDER BY ?id, where "
    "ORDER BY STR(?id) is right); the rows are equal as a multiset"
)


@pytest.fixture(scope="session")
def pushed(remote_store: RemoteStore) -> RemoteStore:
    """The server with the bundled dataset in the curated graph, as `push` writes by default."""
    result = CliRunner().invoke(
        app, ["push", "--endpoint", remote_store.graph_store, "--data", str(DATA)]
    )
    assert result.exit_code == 0, result.stderr
    assert remote_store.count(CURATED_GRAPH) == len(to_oxigraph(build_dataset(DATA).graph))
    return remote_store


@pytest.fixture(scope="module")
def local_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedded") / "store"


def run_sparql(store: Path, *args: str, stdin: str | None = None) -> Any:
    result = CliRunner().invoke(
        app,
        ["sparql", *args, "-f", "json", "--data", str(DATA), "--store", str(store)],
        input=stdin,
    )
    assert result.exit_code == 0, result.stderr
    return result


def rows(text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    parsed = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return ["(ask)"], [(bool(parsed),)]
    names = [v.value for v in parsed.variables]
    return names, [tuple(solution[n] for n in names) for solution in parsed]


def query_text(name: str) -> str:
    text = (REPO / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def sort_keys(name: str, names: list[str]) -> list[int]:
    """The columns among ``names`` that the query's ORDER BY reads, in its order."""
    found = re.search(r"\bORDER\s+BY\b(.*)", query_text(name), re.IGNORECASE | re.DOTALL)
    if not found:
        return []
    used = re.findall(r"[?$](\w+)", re.split(r"\b(?:LIMIT|OFFSET)\b", found[1])[0])
    return [names.index(v) for v in dict.fromkeys(used) if v in names]


def concatenated(name: str) -> set[str]:
    """The variables the query binds to a GROUP_CONCAT."""
    return set(re.findall(r"GROUP_CONCAT\([^)]*\)\s+AS\s+\?(\w+)", query_text(name), re.I))


def parts(term: Any) -> Any:
    if isinstance(term, ox.Literal):
        return ("GROUP_CONCAT", tuple(sorted(term.value.split(", "))))
    return term


def virtuoso_forms(name: str, names: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Virtuoso 7's own forms (module docstring) as the embedded store writes them."""
    decimals = {p.name for p in load_query(name).params if p.type == "decimal"}
    out = []
    for column, term in zip(names, row, strict=True):
        if column in concatenated(name) and term == ox.Literal(""):
            term = None
        if (
            column in decimals
            and isinstance(term, ox.Literal)
            and term.datatype.value == XSD + "integer"
        ):
            term = ox.Literal(term.value, datatype=ox.NamedNode(XSD + "decimal"))
        out.append(term)
    return tuple(out)


def comparable(name: str, names: list[str], row: tuple[Any, ...]) -> tuple[Any, ...]:
    joined = concatenated(name)
    return tuple(parts(t) if n in joined else t for n, t in zip(names, row, strict=True))


@pytest.mark.parametrize("name", QUERIES)
def test_named_query_gives_the_embedded_rows(
    pushed: RemoteStore, local_store: Path, name: str
) -> None:
    names, local_rows = rows(run_sparql(local_store, name).stdout)
    remote_names, remote_rows = rows(
        run_sparql(local_store, name, "--endpoint", pushed.query).stdout
    )
    assert remote_names == names
    if pushed.name == "Virtuoso":
        remote_rows = [virtuoso_forms(name, names, row) for row in remote_rows]
    local_rows = [comparable(name, names, row) for row in local_rows]
    remote_rows = [comparable(name, names, row) for row in remote_rows]
    assert Counter(remote_rows) == Counter(local_rows)
    keys = sort_keys(name, names)
    remote_order = [[row[k] for k in keys] for row in remote_rows]
    local_order = [[row[k] for k in keys] for row in local_rows]
    if remote_order != local_order and pushed.name == "Virtuoso":
        pytest.xfail(VIRTUOSO_ORDER)
    assert remote_order == local_order


def test_some_named_queries_find_rows(pushed: RemoteStore, local_store: Path) -> None:
    """The equality above is not only of empty answers: most queries find rows remotely."""
    found = [
        name
        for name in QUERIES
        if rows(run_sparql(local_store, name, "--endpoint", pushed.query).stdout)[1]
    ]
    assert len(found) >= len(QUERIES) * 2 // 3, found


def test_the_store_default_graph_is_not_asked_for_by_default(
    pushed: RemoteStore, local_store: Path
) -> None:
    """Without --graph the pushed graph is queried; `--graph default` asks for the store's own.

    Oxigraph server's own default graph is empty; Virtuoso's is the union of all its graphs,
    its system graphs among them: neither is the pushed graph.
    """
    query = "role-skills"
    _, pushed_rows = rows(run_sparql(local_store, query, "--endpoint", pushed.query).stdout)
    _, own = rows(
        run_sparql(local_store, query, "--endpoint", pushed.query, "--graph", "default").stdout
    )
    assert pushed_rows
    if pushed.name == "Oxigraph":
        assert own == []
    else:  # Virtuoso's default graph: the union, the pushed graph among the rest
        assert Counter(own) == Counter(pushed_rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ASK { ?r a gkg:Role }", True, id="ask-true"),
        pytest.param("ASK { ?r a gkg:NoSuchClass }", False, id="ask-false"),
    ],
)
def test_ask(pushed: RemoteStore, local_store: Path, text: str, expected: bool) -> None:
    result = CliRunner().invoke(
        app,
        ["sparql", "-", "-f", "json", "--endpoint", pushed.query, "--data", str(DATA)]
        + ["--store", str(local_store)],
        input=text,
    )
    assert result.exit_code == 0, result.stderr
    assert rows(result.stdout) == (["(ask)"], [(expected,)])


def test_construct_gives_the_embedded_triples(pushed: RemoteStore, local_store: Path) -> None:
    text = "CONSTRUCT { ?c schema:name ?n } WHERE { ?c a gkg:Course ; schema:name ?n }"
    outputs = []
    for extra in ([], ["--endpoint", pushed.query]):
        result = CliRunner().invoke(
            app,
            ["sparql", "-", "-f", "json", "--data", str(DATA), "--store", str(local_store)] + extra,
            input=text,
        )
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout)
    local, remote = (set(output.splitlines()) for output in outputs)
    assert local
    assert remote == local


def test_push_to_the_query_url_says_which_url_takes_a_graph(remote_store: RemoteStore) -> None:
    """Oxigraph refuses a PUT on its query URL; Virtuoso's never answers one: either way the
    error names the Graph Store Protocol URLs, within the --timeout."""
    result = CliRunner().invoke(
        app,
        ["push", "--endpoint", remote_store.query, "--data", str(DATA), "--timeout", "3"],
    )
    assert result.exit_code == 1, result.stderr
    assert f"Error: {remote_store.query}" in result.stderr
    assert "You can fix this by giving the right URL" in result.stderr
    assert "/sparql-graph-crud" in result.stderr and "/store" in result.stderr
    assert "Traceback" not in result.stderr
