"""Remote SPARQL stores over the W3C protocols: query an endpoint, replace a named graph.

Plain ``urllib`` is enough for both protocols, so no HTTP client is added. Every request
has a deadline; a store that is down, slow or answers an error gives an ``EndpointError``
naming the endpoint and the cause.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

from genai_kg.errors import EndpointError, QueryError
from genai_kg.query.check import check_query
from genai_kg.query.sparql import QueryResult

USER_AGENT = "genai-kg (+https://w3id.org/genai-kg)"


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


def _request(
    request: urllib.request.Request, endpoint: str, timeout: float
) -> tuple[int, bytes, str]:
    """Send ``request``; return (status, body, content type) within ``timeout`` s in all.

    A socket timeout bounds each read, not the whole answer (an endpoint that trickles a
    byte at a time would never time out), so the exchange runs in a helper thread that is
    abandoned at the deadline.
    """
    outcome: dict[str, Any] = {}

    def exchange() -> None:
        try:
            outcome["answer"] = _exchange(request, endpoint, timeout)
        except BaseException as exc:  # noqa: BLE001 -- handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=exchange, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise EndpointError(f"{endpoint}: no complete answer within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    answer: tuple[int, bytes, str] = outcome["answer"]
    return answer


def _exchange(
    request: urllib.request.Request, endpoint: str, timeout: float
) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip().splitlines()
        reason = detail[0] if detail else exc.reason
        raise EndpointError(f"{endpoint}: HTTP {exc.code}: {reason}") from None
    except urllib.error.URLError as exc:
        raise EndpointError(f"{endpoint}: cannot connect: {exc.reason}") from None
    except TimeoutError:
        raise EndpointError(f"{endpoint}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise EndpointError(f"{endpoint}: {exc}") from None


def _check_url(endpoint: str) -> None:
    scheme = urllib.parse.urlsplit(endpoint).scheme
    if scheme not in ("http", "https"):
        raise EndpointError(f"{endpoint!r} is not an http(s) URL")


def query_endpoint(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    timeout: float = 10.0,
    limit: int | None = None,
) -> QueryResult:
    """Run a query on a SPARQL 1.1 Protocol endpoint and return its result.

    Raises:
        QueryError: the query is refused (SERVICE, LOAD, updates).
        EndpointError: the endpoint is unreachable, too slow, or answers an error.
    """
    import pyoxigraph as ox

    _check_url(endpoint)
    text = check_query(text, graphs=None)
    # The bound text is what is sent, so it is what the check must read.
    body = check_query(bind_remote(text, bindings or {}), graphs=None).encode("utf-8")
    request = urllib.request.Request(
        endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/sparql-query; charset=utf-8",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            "User-Agent": USER_AGENT,
        },
    )
    _, payload, content_type = _request(request, endpoint, timeout)
    try:
        if "n-triples" in content_type or "turtle" in content_type:
            fmt = ox.RdfFormat.TURTLE if "turtle" in content_type else ox.RdfFormat.N_TRIPLES
            triples = list(ox.parse(payload, format=fmt))
            cut = limit is not None and len(triples) > limit
            return QueryResult(kind="graph", triples=triples[:limit], truncated=cut)
        parsed = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{endpoint}: unreadable answer ({content_type}): {exc}") from None
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(parsed))
    variables = [variable.value for variable in parsed.variables]
    rows = [[solution[name] for name in variables] for solution in parsed]
    cut = limit is not None and len(rows) > limit
    return QueryResult(kind="select", variables=variables, rows=rows[:limit], truncated=cut)


def push_graph(
    endpoint: str, graph_iri: str, ntriples: Iterable[bytes], *, timeout: float = 60.0
) -> int:
    """Replace the named graph ``graph_iri`` on a Graph Store Protocol endpoint in one PUT.

    One request means the store swaps the graph whole: a failure leaves the old one intact.
    Returns the HTTP status.

    Raises:
        EndpointError: the store is unreachable, too slow, or refused the graph.
    """
    _check_url(endpoint)
    if not graph_iri.startswith(("http://", "https://", "urn:")) or any(
        c in graph_iri for c in '<>" '
    ):
        raise QueryError(f"--graph {graph_iri!r} is not an absolute IRI")
    separator = "&" if "?" in endpoint else "?"
    url = f"{endpoint}{separator}graph={urllib.parse.quote(graph_iri, safe='')}"
    request = urllib.request.Request(
        url,
        data=b"".join(ntriples),
        method="PUT",
        headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
    )
    status, _, _ = _request(request, endpoint, timeout)
    return status
