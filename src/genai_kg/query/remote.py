"""Remote SPARQL stores over the W3C protocols: query an endpoint, replace a named graph.

What is sent is what every SPARQL 1.1 endpoint must read: the query as a URL-encoded POST
(field ``query``, with ``default-graph-uri`` to name the graph to query), answers asked for
as SPARQL results JSON or XML (N-Triples or Turtle for CONSTRUCT and DESCRIBE), the graph
replaced by one Graph Store Protocol PUT. Every request has a deadline; a store that is
down, slow, not a SPARQL endpoint or answers an error gives an ``EndpointError`` naming the
URL and what came back.

Stores differ in what they send back; what is read here, each seen on a real server:

- ``typed-literal`` bindings (the 2007 JSON draft, Virtuoso 7) read as literals;
- an ASK answered as a one-row table of ``__ASK_RETVAL`` (Virtuoso 7) reads as the boolean;
- an xsd:boolean written ``1`` or ``0`` (Virtuoso 7) reads as ``true`` or ``false``;
- a default graph that is not the union of the named graphs (Oxigraph server): the graph
  ``push`` wrote is named in ``default-graph-uri``, so it is queried as pushed.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

from genai_kg.errors import EndpointError, EndpointTimeout, QueryError
from genai_kg.graph.namespaces import PREFIX_IRIS
from genai_kg.query.check import check_query, normalize_query
from genai_kg.query.sparql import QueryResult
from genai_kg.query.transport import USER_AGENT, Answer, check_url, send

#: The answers read, best first: results for SELECT and ASK, a graph for CONSTRUCT/DESCRIBE.
#: Asked apart, since Virtuoso 7 sends a CONSTRUCT as a results table if JSON is acceptable.
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"


# SPARQL's lexical tokens, enough to find where a query's WHERE group opens. This places the
# VALUES block of remote parameters and decides nothing about safety: the bound text is checked
# by the parser again before it is sent. Comments and strings are skipped; order matters (a
# prefixed name before a word, a language tag before a word).
_TOKEN = re.compile(
    r"(?P<skip>#[^\n\r]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*")'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%.]|\\[_~.\-!$&'()*+,;=/?#@%])*)"
    r"|(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<other>\S)",
    re.DOTALL,
)


def where_offset(text: str) -> int | None:
    """Return the offset just inside the query's WHERE group (its first ``{``), if found.

    >>> text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> text[where_offset(text):]
    ' ?s ?p ?o }'
    """
    found = [
        (match.lastgroup, match.group(), match.start())
        for match in _TOKEN.finditer(text)
        if match.lastgroup != "skip"
    ]
    start = 0
    for index, (kind, value, _) in enumerate(found):
        if kind == "word" and value.upper() == "WHERE":
            start = index
            break
        if kind == "word" and value.upper() == "CONSTRUCT":
            start = -1  # the first group is the template: only WHERE says where the pattern is
    if start < 0:
        return None
    for kind, value, offset in found[start:]:
        if kind == "other" and value == "{":
            return offset + 1
    return None


def values_clause(bindings: Mapping[str, Any]) -> str:
    """Return a ``VALUES`` block binding each variable to its term (N-Triples syntax).

    >>> import pyoxigraph as ox
    >>> values_clause({"skill": ox.NamedNode("https://w3id.org/genai-kg/id/skill/python")})
    ' VALUES (?skill) { (<https://w3id.org/genai-kg/id/skill/python>) } '
    """
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    # str() of a pyoxigraph term is its N-Triples form, with every special character escaped.
    terms = " ".join(str(term) for term in bindings.values())
    return f" VALUES ({names}) {{ ({terms}) }} "


def bind_remote(text: str, bindings: Mapping[str, Any]) -> str:
    """Return ``text`` with the bindings as a VALUES block at the start of its WHERE group.

    Inside the group the values constrain every pattern and FILTER of it, as a local
    substitution does; a block after the query would join only after the FILTERs ran.

    Raises:
        QueryError: the query has parameters but no WHERE group to put them in.
    """
    if not bindings:
        return text
    offset = where_offset(text)
    if offset is None:
        raise QueryError("cannot bind parameters remotely: the query has no WHERE { ... } group")
    return text[:offset] + values_clause(bindings) + text[offset:]


def _tokens(text: str) -> list[tuple[str, str]]:
    return [
        (str(match.lastgroup), match.group())
        for match in _TOKEN.finditer(text)
        if match.lastgroup != "skip"
    ]


def query_form(text: str) -> str:
    """Return the query's form: ``select``, ``ask``, ``construct`` or ``describe``.

    >>> query_form("PREFIX ask: <http://x/> # CONSTRUCT\\nASK { ?s ask:p 'SELECT' }")
    'ask'
    """
    for kind, value in _tokens(text):
        if kind == "word" and value.lower() in ("select", "ask", "construct", "describe"):
            return value.lower()
    return "select"


def declare_prefixes(text: str) -> str:
    """Return ``text`` with a PREFIX line for each of the graph's prefixes it uses undeclared.

    The embedded engine knows the graph's prefixes; another store does not, so they travel
    with the query.

    >>> declare_prefixes("PREFIX gkg: <x:> ASK { ?c schema:name gkg:x }")
    'PREFIX schema: <https://schema.org/> PREFIX gkg: <x:> ASK { ?c schema:name gkg:x }'
    """
    tokens = _tokens(text)
    declared = {
        value.partition(":")[0]
        for (kind, word), (next_kind, value) in zip(tokens, tokens[1:], strict=False)
        if kind == "word" and word.upper() == "PREFIX" and next_kind == "pname"
    }
    used = {value.partition(":")[0] for kind, value in tokens if kind == "pname"}
    # On the query's first line, so that the line numbers of its errors stay the user's.
    lines = [
        f"PREFIX {name}: <{iri}> "
        for name, iri in PREFIX_IRIS.items()
        if name in used and name not in declared
    ]
    return "".join(lines) + text


def prepare_query(text: str, bindings: Mapping[str, Any] | None = None) -> str:
    """Return the text ``query_endpoint`` sends: checked, bound, the graph's prefixes declared.

    Raises:
        QueryError: the query is refused (SERVICE, LOAD, updates) or has nowhere for a binding.

    >>> prepare_query("SELECT ?r { ?r a gkg:Role }")
    'PREFIX gkg: <https://w3id.org/genai-kg/ontology#> SELECT ?r { ?r a gkg:Role }'
    """
    # The bound text is what is sent, so it is the one text the check reads (once: a parse
    # costs up to half a second). Neither the prefixes nor the VALUES block add a line, so
    # a syntax error's line is the user's.
    bound = bind_remote(normalize_query(text), bindings or {})
    return check_query(declare_prefixes(bound), graphs=None)


def query_endpoint(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    timeout: float = 10.0,
    limit: int | None = None,
    default_graph: str | None = None,
) -> QueryResult:
    """Run a query on a SPARQL 1.1 Protocol endpoint and return its result.

    Args:
        endpoint: the query URL (Oxigraph server ``/query``, Virtuoso ``/sparql``, ...).
        text: the query; the graph's prefixes may be used undeclared.
        bindings: values for its variables (sent as a VALUES block, never pasted).
        timeout: seconds for the whole exchange.
        limit: keep at most this many rows or triples (``truncated`` says if cut).
        default_graph: the graph to query (``default-graph-uri``); None: the store's default.

    Raises:
        QueryError: the query is refused (SERVICE, LOAD, updates) or has nowhere for a binding.
        EndpointError: the endpoint is unreachable, too slow, not a SPARQL endpoint, or
            answers an error.
    """
    check_url(endpoint)
    sent = prepare_query(text, bindings)
    form = query_form(sent)
    fields = [("query", sent)]
    if default_graph is not None:
        _check_iri(default_graph, "--graph")
        fields.append(("default-graph-uri", default_graph))
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode(fields).encode("ascii"),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": RESULTS_ACCEPT if form in ("select", "ask") else GRAPH_ACCEPT,
            "User-Agent": USER_AGENT,
        },
    )
    answer = send(request, endpoint, timeout)
    if not answer.ok:
        raise _query_failed(endpoint, answer)
    return read_answer(answer, form, endpoint, limit)


_RESULTS = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/xml": "XML",
}
_GRAPHS = {
    "application/n-triples": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE",
    "application/rdf+xml": "RDF_XML",
}


def read_answer(answer: Answer, form: str, endpoint: str, limit: int | None) -> QueryResult:
    """Read an endpoint's successful answer to a query of ``form`` as a ``QueryResult``.

    Raises:
        EndpointError: the answer is in no format of a SPARQL endpoint, or does not parse.
    """
    import pyoxigraph as ox

    kind = answer.media_type
    if kind not in _RESULTS and kind not in _GRAPHS:
        raise EndpointError(f"{endpoint} is not a SPARQL endpoint: {answer.describe()}")
    try:
        if kind in _GRAPHS:
            fmt = getattr(ox.RdfFormat, _GRAPHS[kind])
            triples = [
                ox.Triple(t.subject, t.predicate, _canonical(t.object))
                for t in ox.parse(answer.body, format=fmt)
            ]
            cut = limit is not None and len(triples) > limit
            return QueryResult(kind="graph", triples=triples[:limit], truncated=cut)
        fmt = getattr(ox.QueryResultsFormat, _RESULTS[kind])
        parsed = ox.parse_query_results(answer.body, format=fmt)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{endpoint}: unreadable answer ({kind}): {exc}") from None
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(parsed))
    variables = [variable.value for variable in parsed.variables]
    rows = [[_canonical(solution[name]) for name in variables] for solution in parsed]
    if form == "ask" and variables == ["__ASK_RETVAL"]:
        # Virtuoso 7's ASK: one row holding 1 when the pattern matches, none or 0 when not.
        return QueryResult(kind="ask", boolean=any(_truthy(row[0]) for row in rows))
    cut = limit is not None and len(rows) > limit
    return QueryResult(kind="select", variables=variables, rows=rows[:limit], truncated=cut)


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _canonical(term: Any) -> Any:
    """Return an xsd:boolean written ``1`` or ``0`` (Virtuoso 7) as ``true`` or ``false``.

    The same value, written as the embedded store and most stores write it, so a remote
    answer prints as the local one does.
    """
    datatype = getattr(term, "datatype", None)
    if datatype is not None and datatype.value == _BOOLEAN and term.value in ("1", "0"):
        import pyoxigraph as ox

        return ox.Literal("true" if term.value == "1" else "false", datatype=datatype)
    return term


def _truthy(term: Any) -> bool:
    return term is not None and getattr(term, "value", "") in ("1", "true")


def _query_failed(endpoint: str, answer: Answer) -> EndpointError:
    if answer.status in (404, 405, 501) or "html" in answer.media_type:
        return EndpointError(f"{endpoint} is not a SPARQL endpoint: {answer.describe()}")
    if answer.status == 400:
        return EndpointError(f"{endpoint} refused the query: {answer.describe()}")
    if answer.status == 406:
        return EndpointError(f"{endpoint} answers in no format genai-kg reads: {answer.describe()}")
    return EndpointError(f"{endpoint}: {answer.describe()}")


def _check_iri(iri: str, option: str) -> None:
    if not iri.startswith(("http://", "https://", "urn:")) or any(c in iri for c in '<>" '):
        raise QueryError(f"{option} {iri!r} is not an absolute IRI")


#: Where the common stores take a Graph Store Protocol PUT, for the hint of a failed push.
GSP_HINT = (
    "push needs the store's Graph Store Protocol URL, e.g. Oxigraph server's "
    "http://HOST:7878/store or Virtuoso's http://HOST:8890/sparql-graph-crud "
    "(genai-kg's own `serve` is read-only)"
)
_RIGHT_URL = f"You can fix this by giving the right URL: {GSP_HINT}."


def push_graph(
    endpoint: str, graph_iri: str, ntriples: Iterable[bytes], *, timeout: float = 60.0
) -> int:
    """Replace the named graph ``graph_iri`` on a Graph Store Protocol endpoint in one PUT.

    One request means the store swaps the graph whole: a failure leaves the old one intact.
    Returns the HTTP status.

    Raises:
        EndpointError: the store is unreachable, too slow, not a graph store, or refused.
    """
    check_url(endpoint)
    _check_iri(graph_iri, "--graph")
    separator = "&" if "?" in endpoint else "?"
    url = f"{endpoint}{separator}graph={urllib.parse.quote(graph_iri, safe='')}"
    request = urllib.request.Request(
        url,
        data=b"".join(ntriples),
        method="PUT",
        headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
    )
    try:
        answer = send(request, endpoint, timeout)
    except EndpointTimeout as exc:
        if urllib.parse.urlsplit(endpoint).path.rstrip("/").endswith(("/sparql", "/query")):
            # Virtuoso's query URL takes a PUT and never answers it
            raise EndpointTimeout(
                f"{exc}\nThat looks like a query URL, which may not take a graph. {_RIGHT_URL}"
            ) from None
        raise
    if answer.ok:
        return answer.status
    if answer.status in (404, 405, 501):
        raise EndpointError(
            f"{endpoint} does not take a graph (Graph Store Protocol PUT): {answer.describe()}"
            f"\n{_RIGHT_URL}"
        )
    if answer.status in (401, 403):
        raise EndpointError(
            f"{endpoint} refused to write the graph: {answer.describe()}\nYou can fix this by "
            'letting the store accept writes (Virtuoso: GRANT SPARQL_UPDATE TO "SPARQL" in isql).'
        )
    raise EndpointError(f"{endpoint} did not take the graph: {answer.describe()}")
