"""The safety check of a query: nothing it sends may reach outside the graph or change it.

Refuses ``SERVICE``, ``LOAD`` and updates, and ``FROM`` / ``FROM NAMED`` for graphs the
store does not hold, by reading the query's parse tree from rdflib's SPARQL parser, never
its tokens by hand. Two parsers read a query here: rdflib's for the check, the engine's
(pyoxigraph) to run it. Where they could read the same text differently, the text is first
made unambiguous, and that text is the one that runs:

- ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes stand anywhere in SPARQL, keywords included
  (rdflib expands them all before parsing; the engine only inside IRIs and strings). They are
  expanded once; an escape that spells another escape is refused.
- A comment ends at a carriage return for the engine, at a line feed only for rdflib: line
  ends become line feeds.
- A query rdflib cannot parse is refused (fail closed), even if the engine would run it.

A query whose text, so made, holds none of the keywords that could reach out or write, in
any case and not even inside a string or a comment (other than the comment lines it opens
with), cannot use them whatever a parser makes of it: it skips the parse (a quarter of a
second to import rdflib's parser, then 20-100 ms a query; ``bench/bench_check.py``), which
keeps ``genai-kg sparql`` fast for the queries that need no check.

pyoxigraph 0.5 has no switch to turn SERVICE off or to plug in a handler for it, so the
engine itself cannot be made to refuse federation: this check is the only gate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from genai_kg.errors import QueryError
from genai_kg.query.syntax import QUERY_PREFIXES

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_UPDATE = "updates are not allowed on a reading command"
_SERVICE = "SERVICE (federated queries) would reach outside the graph"
_LOAD = "LOAD would read data from outside the graph"

#: Every keyword by which a query could reach outside the graph or change it. A text that
#: holds none of them after its header comments (upper-cased as rdflib compares keywords, so
#: also strings and other comments count) is safe without a parse.
_KEYWORDS = ("SERVICE", "FROM", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY",
             "MOVE", "ADD")  # fmt: skip


def normalize_query(text: str) -> str:
    """Return ``text`` as both parsers will read it alike: escapes expanded, ``\\n`` line ends.

    Raises:
        QueryError: an escape names no character, or expands into another escape.

    >>> normalize_query("SELECT * { ?s ?p \\"\\\\u0041\\" }\\r# note")
    'SELECT * { ?s ?p "A" }\\n# note'
    """
    try:
        expanded = _ESCAPE.sub(_unescape, text)
    except ValueError as exc:
        raise QueryError(f"{exc}; the query is refused") from None
    again = _ESCAPE.search(expanded)
    if again:
        raise QueryError(
            f"an escape expands into another escape ({again.group()!r}); the query is refused"
        )
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"the escape {match.group()!r} names no character")
    return chr(code)


def check_query(text: str, graphs: Iterable[str] | None = ()) -> str:
    """Refuse queries that would reach outside the graph or change it; return the text to run.

    The graph's prefixes (``gkg:``, ``role:``, ...) count as declared, as they are for the
    engine.

    Raises:
        QueryError: the query uses SERVICE, LOAD, an update, or FROM a graph not in ``graphs``
            (``graphs=None``: a remote store, whose graphs FROM may name); or the check cannot
            parse it.

    >>> check_query('SELECT * { ?s ?p "SERVICE" }')
    'SELECT * { ?s ?p "SERVICE" }'
    >>> check_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    genai_kg.errors.QueryError: SERVICE (federated queries) would reach outside the graph; ...
    """
    normal = normalize_query(text)
    if not _may_use_keywords(normal):
        return normal
    kind, tree = _parse(normal)
    names = {node.name for node in _nodes(tree)}
    if kind == "update":
        raise QueryError(f"{_LOAD if 'Load' in names else _UPDATE}; it is refused")
    if "ServiceGraphPattern" in names:
        raise QueryError(f"{_SERVICE}; it is refused")
    if graphs is not None and "DatasetClause" in names:
        _check_dataset(tree, set(graphs))
    return normal


# The comment lines a query opens with (a named query's header): before the first token, a
# line whose first non-blank is ``#`` is a comment to any SPARQL parser, to its end.
_HEADER = re.compile(r"(?:[ \t]*(?:#[^\n\r]*)?\n)*")


def _may_use_keywords(normal: str) -> bool:
    """Whether the text after its header holds a risky keyword anywhere, as rdflib folds case."""
    body = normal[_HEADER.match(normal).end() :].upper()  # type: ignore[union-attr]
    return any(keyword in body for keyword in _KEYWORDS)


def _parse(text: str) -> tuple[str, Any]:
    """Return ("query" or "update", rdflib's parse tree); refuse what neither reads."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return "query", parseQuery(text)
    except Exception as exc:  # noqa: BLE001 -- fail closed: whatever stops the parser refuses
        query_error = exc
    try:
        return "update", parseUpdate(text)
    except Exception:  # noqa: BLE001, S110 -- the query's own error is the one to report
        pass
    if isinstance(query_error, ParseBaseException):
        where = f"line {query_error.lineno}, column {query_error.col}"
        raise QueryError(
            f"SPARQL syntax error at {where}: {query_error.msg}; the query is refused"
        ) from None
    if isinstance(query_error, RecursionError):
        raise QueryError("the query is nested too deeply to check; it is refused") from None
    raise QueryError(f"the query cannot be checked ({query_error}); it is refused") from None


def _nodes(tree: Any) -> Iterator[Any]:
    """Yield every named node (rdflib ``CompValue``) of a parse tree, without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(dict.values(item))
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)


def _check_dataset(tree: Any, allowed: set[str]) -> None:
    from rdflib.plugins.sparql.algebra import translatePrologue

    prologue, query = tree[0], tree[1]
    try:
        resolved = translatePrologue(prologue, None, initNs=QUERY_PREFIXES)
    except Exception as exc:  # noqa: BLE001 -- fail closed
        raise QueryError(f"the query's prologue cannot be read ({exc}); it is refused") from None
    for clause in query.get("datasetClause") or []:
        term = clause["named"] if "named" in clause else clause["default"]
        try:
            iri = str(resolved.absolutize(term))
        except Exception:  # noqa: BLE001 -- an unknown prefix names no graph either
            iri = None
        if iri is None or iri not in allowed:
            shown = f"<{iri}>" if iri else _pname(term)
            raise QueryError(
                f"FROM {shown} names no graph of the store; it is refused "
                "(genai-kg never fetches data from URLs or files)"
            )


def _pname(term: Any) -> str:
    try:
        return f"{term['prefix'] or ''}:{term['localname'] or ''}"
    except (KeyError, TypeError):
        return repr(term)
