"""SPARQL over the graph: named queries, safe parameters, the embedded engine, result formats.

Named queries live in ``queries/NAME.rq``, each opening with a header::

    # title: Courses that teach a skill
    # description: Every course that teaches SKILL, with its platform, level, hours and cost.
    # param: skill skill = python -- the skill, by id
    # needs: esco            (optional: imported releases the query reads)

A parameter is bound as a value (pyoxigraph substitutions, SEP-0007; a ``VALUES`` block
for remote endpoints), never pasted into the query text. Before anything runs, a query is
checked so that nothing reaches outside the graph: no ``SERVICE``, no ``LOAD``, no
updates, and ``FROM`` only for graphs in the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_kg.errors import NotFoundError, QueryError
from genai_kg.paths import bundled
from genai_kg.query.check import check_query
from genai_kg.query.deadline import WATCHDOG, WORKER
from genai_kg.query.syntax import QUERY_PREFIXES, in_query_order, unknown_prefix_message

ENTITY_TYPES = ("role", "skill", "tool", "course", "provider", "source")
VALUE_TYPES = ("iri", "string", "integer", "decimal")
_ID_BASE = "https://w3id.org/genai-kg/id/"
_XSD = "http://www.w3.org/2001/XMLSchema#"

_PARAM = re.compile(
    r"(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)\s*=\s*(?P<default>.*?)\s*(--\s*(?P<doc>.*))?"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A query with its header; ``name`` is the file stem, or ``-`` for standard input."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    #: Imported releases the query reads ("esco", "onet", "oews"); it finds nothing without them.
    needs: tuple[str, ...] = ()


@dataclass
class QueryResult:
    """What a query returned: variables and rows (SELECT), a boolean (ASK) or triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False


def parse_query(text: str, name: str) -> NamedQuery:
    """Read a query's header comments (title, description, params).

    >>> q = parse_query("# title: T\\n# param: skill skill = python -- a skill\\nSELECT * {}", "x")
    >>> q.title, q.params[0].default
    ('T', 'python')
    """
    title = description = ""
    params = []
    needs: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, _, value = stripped.lstrip("#").strip().partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description = value
        elif key == "needs":
            needs = tuple(part.strip() for part in value.split(",") if part.strip())
        elif key == "param":
            match = _PARAM.fullmatch(value)
            kind = match.group("type") if match else ""
            if not match or kind not in ENTITY_TYPES + VALUE_TYPES:
                raise QueryError(
                    f"{name}:{number}: param: expected 'NAME TYPE = DEFAULT -- description' "
                    f"with TYPE in {', '.join(ENTITY_TYPES + VALUE_TYPES)}, got {value!r}"
                )
            params.append(Param(match["name"], kind, match["default"], match["doc"] or ""))
    return NamedQuery(name, text, title, description, tuple(params), needs)


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Return the named queries of ``folder`` (default: the bundled ``queries/``), by name."""
    folder = folder or bundled("queries")
    return [
        parse_query(path.read_text(encoding="utf-8"), path.stem)
        for path in sorted(folder.glob("*.rq"))
    ]


def load_query(spec: str, stdin_text: str | None = None) -> NamedQuery:
    """Return the query named by ``spec``: a name from ``queries/``, a ``.rq`` file, or ``-``.

    Raises:
        NotFoundError: no such named query or file (the closest names are suggested).
    """
    if spec == "-":
        return parse_query(stdin_text or "", "<stdin>")
    path = Path(spec)
    if spec.endswith(".rq") or path.is_file():
        try:
            return parse_query(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise NotFoundError(f"cannot read query file {spec!r}: {exc}") from None
    candidate = bundled("queries") / f"{spec}.rq"
    if candidate.is_file():
        return parse_query(candidate.read_text(encoding="utf-8"), spec)
    import difflib

    names = [query.name for query in list_queries()]
    close = difflib.get_close_matches(spec, names, n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(repr(n) for n in close)}?)" if close else ""
    raise NotFoundError(
        f"no named query {spec!r}{hint}\nYou can list them with: genai-kg list queries"
    )


def bind_params(
    query: NamedQuery,
    values: Mapping[str, str],
    resolve_name: Callable[[str, str], str] | None = None,
) -> dict[str, Any]:
    """Return ``{variable name: pyoxigraph term}`` for every parameter (defaults filled in).

    ``resolve_name(kind, value)`` turns what a user typed for an entity parameter (an id, a
    name or an alias, as every command takes them) into its id, raising ``NotFoundError``
    with the closest names; without it a value must be the id. Defaults are ids already.

    Raises:
        QueryError: a value names no parameter or does not fit its type.
        NotFoundError: ``resolve_name`` found nothing called so.
    """
    import pyoxigraph as ox

    declared = {param.name: param for param in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {known})"
        )
    bound: dict[str, Any] = {}
    for name, param in declared.items():
        raw = values.get(name, param.default)
        if name in values and param.type in ENTITY_TYPES and resolve_name is not None:
            try:
                raw = resolve_name(param.type, raw)
            except NotFoundError as exc:
                raise NotFoundError(f"--param {name}={raw!r}: {exc}") from None
        bound[name] = _term(ox, param, raw)
    return bound


def _term(ox: Any, param: Param, raw: str) -> Any:
    try:
        if param.type in ENTITY_TYPES:
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", raw):
                raise ValueError(
                    f"{raw!r} is not a {param.type} id (kebab-case, e.g. 'mlops-engineer')"
                )
            return ox.NamedNode(f"{_ID_BASE}{param.type}/{raw}")
        if param.type == "iri":
            return ox.NamedNode(raw)
        if param.type == "integer":
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(_XSD + "integer"))
        if param.type == "decimal":
            float(raw)
            return ox.Literal(raw, datatype=ox.NamedNode(_XSD + "decimal"))
        return ox.Literal(raw)
    except ValueError as exc:
        raise QueryError(f"--param {param.name}={raw!r}: {exc}") from None


def run_query(
    store: Any,
    text: str,
    substitutions: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
    timeout: float | None = None,
    on_timeout: Callable[[], None] | None = None,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    max_memory: int | None = None,
    on_memory: Callable[[], None] | None = None,
    graphs: frozenset[str] | None = None,
) -> QueryResult:
    """Run a checked query on a pyoxigraph store; the default graph is the union of all graphs.

    ``default_graphs`` / ``named_graphs`` (graph IRIs of the store) set the query's dataset
    instead, as the SPARQL Protocol's ``default-graph-uri`` and ``named-graph-uri`` do: the
    default graph is their merge, and ``GRAPH`` sees only the named ones; either given alone
    leaves the other empty. They override the query's own ``FROM``.

    A query past its ``timeout`` cannot be cancelled inside pyoxigraph, so there are two ways:

    - ``on_timeout`` given (a process that will end, like the CLI): the query runs on the
      calling thread and a watchdog calls ``on_timeout`` at the deadline, which must not
      return (it exits the process). This adds nothing measurable to a query.
    - otherwise: the query runs on a long-lived worker thread (pyoxigraph releases the GIL
      while it evaluates, so the wait is honoured) and ``QueryTimeout`` is raised at the
      deadline; the overrunning worker is abandoned and a fresh one takes the next query.

    ``max_memory`` (bytes of the process's resident memory) is watched by the same watchdog,
    which calls ``on_memory`` (it must not return either) once the process holds more: a
    query such as ORDER BY over a cartesian product would otherwise grow until the system
    kills something.

    ``graphs``: the IRIs of the store's named graphs, when the caller knows them (a worker
    holding a read-only store, whose graphs never change, lists them once, not per query).

    Raises:
        QueryError: a syntax error (with line and column), a refused query, or the timeout.
    """
    import pyoxigraph as ox

    if graphs is None:
        graphs = frozenset(graph.value for graph in store.named_graphs())
    text = _check_once(text, graphs)  # what runs is the text the check read
    variables = {ox.Variable(name): term for name, term in (substitutions or {}).items()}
    dataset: dict[str, Any] = {"use_default_graph_as_union": True}
    if default_graphs is not None or named_graphs is not None:
        dataset = _dataset(ox, graphs, default_graphs or (), named_graphs or ())

    def evaluate() -> QueryResult:
        try:
            answer = store.query(text, prefixes=_prefixes(text), substitutions=variables, **dataset)
            result = _collect(ox, answer, limit)
        except SyntaxError as exc:
            # the engine's message lists the tokens it expected; a missing PREFIX is likelier
            message = unknown_prefix_message(text) or f"SPARQL syntax error: {exc}"
            raise QueryError(message) from None
        except RuntimeError as exc:
            # e.g. a parameter whose variable the SELECT does not project (SEP-0007 needs it)
            raise QueryError(f"the query cannot run: {exc}") from None
        except OSError as exc:
            raise QueryError(f"the query failed: {exc}") from None
        if result.kind == "select":
            result.variables, result.rows = in_query_order(text, result.variables, result.rows)
        return result

    if timeout is None:
        return evaluate()
    if on_timeout is not None:
        with WATCHDOG.armed(timeout, on_timeout, max_memory, on_memory):
            return evaluate()
    return WORKER.run(evaluate, timeout)


def _dataset(
    ox: Any, present: frozenset[str], default_graphs: Sequence[str], named_graphs: Sequence[str]
) -> dict[str, Any]:
    """The ``store.query`` arguments for a dataset of the store's graphs (as FROM is checked)."""
    for kind, names in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for name in names:
            if name not in present:
                raise QueryError(
                    f"{kind} {name!r} names no graph of the store; it is refused "
                    "(genai-kg never fetches data from URLs or files)"
                )
    return {
        # an empty default graph is the store's default graph, which nothing is written to
        "default_graph": [ox.NamedNode(name) for name in default_graphs] or ox.DefaultGraph(),
        "named_graphs": [ox.NamedNode(name) for name in named_graphs],
    }


def _prefixes(text: str) -> dict[str, str]:
    """The undeclared prefixes a query may use: those whose ``name:`` is in its text.

    The engine reads every prefix it is given for every query (15 of them, a quarter of a
    point query's evaluation); a prefixed name ``p:x`` holds ``p:``, so none is left out.

    >>> _prefixes("SELECT * { ?s skos:prefLabel ?o }")
    {'skos': 'http://www.w3.org/2004/02/skos/core#'}
    """
    return {name: iri for name, iri in QUERY_PREFIXES.items() if name + ":" in text}


def _check_once(text: str, graphs: frozenset[str]) -> str:
    """``check_query``, remembering short texts that passed against the same set of graphs
    (at most 1,025 texts of 16 KiB: a worker's memory cap is not spent on the cache)."""
    if len(text) > _REMEMBERED_LENGTH:
        return check_query(text, graphs)
    key = (text, graphs)
    checked = _CHECKED.get(key)
    if checked is None:
        checked = check_query(text, graphs)
        if len(_CHECKED) > 1024:
            _CHECKED.clear()
        _CHECKED[key] = checked
    return checked


_CHECKED: dict[tuple[str, frozenset[str]], str] = {}
_REMEMBERED_LENGTH = 16384


def _collect(ox: Any, answer: Any, limit: int | None) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples: list[Any] = []
        for triple in answer:
            if limit is not None and len(triples) >= limit:
                return QueryResult(kind="graph", triples=triples, truncated=True)
            triples.append(triple)
        return QueryResult(kind="graph", triples=triples)
    variables = [variable.value for variable in answer.variables]
    rows: list[list[Any]] = []
    for solution in answer:
        if limit is not None and len(rows) >= limit:
            return QueryResult(kind="select", variables=variables, rows=rows, truncated=True)
        rows.append(list(solution))  # by position, None where unbound (by name cost 0.1 ms)
    return QueryResult(kind="select", variables=variables, rows=rows)
