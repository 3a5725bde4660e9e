"""The SPARQL 1.1 Protocol's request side, without a web framework: what a request asks for.

A request is read into a :class:`Operation` (the query, its dataset and the formats the client
accepts) or refused with a :class:`ProtocolError` carrying the HTTP status and a message for
the client. Everything here is plain data in, plain data out, so it is tested directly.
"""

from __future__ import annotations

import functools
import urllib.parse
from dataclasses import dataclass

#: Media type -> result format for SELECT and ASK; the first is the default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: Media type -> RDF format for CONSTRUCT and DESCRIBE; the first is the default.
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
#: Format -> the media type its answers carry.
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"
UPDATE_TYPE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: updates are refused"


class ProtocolError(Exception):
    """A request the endpoint refuses: ``status`` and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Operation:
    """One query request: its text, its dataset and the formats the client takes.

    ``result_format`` / ``graph_format`` are None when the client accepts no format of that
    kind (the answer is then 406, once the query's kind is known). ``query`` is None for a
    request without one: ``GET /sparql`` asks for the service description.
    """

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    result_format: str | None = "json"
    graph_format: str | None = "turtle"

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` bytes (a query string or a form body).

    >>> parse_params(b"query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fx", "the URL")
    [('query', 'ASK {}'), ('default-graph-uri', 'http://x')]

    Raises:
        ProtocolError: 400 when the bytes or what they percent-encode are not UTF-8.
    """
    try:
        text = raw.decode("utf-8")
        return urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the parameters in {where} are not UTF-8") from None


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type header into its lower-case type and its parameters.

    >>> media_type("Application/SPARQL-Query; charset=UTF-8")
    ('application/sparql-query', {'charset': 'UTF-8'})
    """
    kind, *options = (part.strip() for part in (header or "").split(";"))
    params = {}
    for option in options:
        name, _, value = option.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return kind.lower(), params


def negotiate(accept: str | None, offered: dict[str, str]) -> str | None:
    """Return the format of ``offered`` the Accept header ranks first, or None if none fits.

    Quality first, then the more specific range (``text/csv`` before ``text/*`` before
    ``*/*``), then the order of ``offered``; an absent header accepts anything.

    >>> negotiate("text/csv;q=0.5, text/tab-separated-values", RESULT_TYPES)
    'tsv'
    >>> negotiate("*/*", GRAPH_TYPES), negotiate("image/png", RESULT_TYPES) is None
    ('turtle', True)
    """
    ranges: list[tuple[str, float]] = []
    for part in (accept or "*/*").split(","):
        media, params = media_type(part)
        if not media:
            continue
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append((media, quality))
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, (media, fmt) in enumerate(offered.items()):
        family = media.split("/")[0] + "/*"
        # the most specific range that matches this type decides its quality
        for specificity, pattern in ((2, media), (1, family), (0, "*/*")):
            qualities = [q for m, q in ranges if m == pattern]
            if qualities:
                quality = max(qualities)
                rank = (quality, specificity, -order)
                if quality > 0 and (best is None or rank > best):
                    best, chosen = rank, fmt
                break
    return chosen


def read_operation(
    method: str,
    query_string: bytes,
    content_type: str | None,
    body: bytes,
    accept: str | None,
) -> Operation:
    """Read a GET or POST request to the endpoint into an :class:`Operation`.

    A GET's reading is remembered (the last few hundred short query strings and Accept
    headers): clients repeat the same queries, and reading one costs as much as running a
    point query.

    Raises:
        ProtocolError: 400 for two queries, a body that is not UTF-8 or an empty query;
            403 for an update; 415 for a POST whose Content-Type is not a query's.
    """
    if method != "POST" and len(query_string) + len(accept or "") <= _REMEMBERED_BYTES:
        return _read_get(query_string, accept)
    return _read(method, query_string, content_type, body, accept)


_REMEMBERED_BYTES = 16 << 10  # 256 readings of at most 16 KB: a few MB at worst


@functools.lru_cache(maxsize=256)
def _read_get(query_string: bytes, accept: str | None) -> Operation:
    return _read("GET", query_string, None, b"", accept)


def _read(
    method: str,
    query_string: bytes,
    content_type: str | None,
    body: bytes,
    accept: str | None,
) -> Operation:
    params = parse_params(query_string, "the URL")
    if method == "POST":
        kind, options = media_type(content_type)
        charset = options.get("charset", "utf-8").lower()
        if kind == UPDATE_TYPE:
            raise ProtocolError(403, READ_ONLY)
        if kind not in (QUERY_TYPE, FORM_TYPE):
            shown = repr(kind) if kind else "none"
            raise ProtocolError(
                415, f"Content-Type {shown} is not {QUERY_TYPE} or {FORM_TYPE}"
            )
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(400, f"the body must be UTF-8, not {charset!r}")
        if kind == FORM_TYPE:
            params += parse_params(body, "the body")
        else:
            if any(name == "query" for name, _ in params):
                raise ProtocolError(400, "a query in both the body and the URL")
            try:
                params.append(("query", body.decode("utf-8")))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the body is not UTF-8") from None
    names = [name for name, _ in params]
    if "update" in names:
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, f"{len(queries)} queries in one request; send one")
    if queries and not queries[0].strip():
        raise ProtocolError(400, "the query is empty")
    if not queries and method == "POST":
        raise ProtocolError(400, "no query: POST a query, or a form with query=...")
    result_format, graph_format = formats(accept)
    return Operation(
        query=queries[0] if queries else None,
        default_graphs=tuple(v for n, v in params if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in params if n == "named-graph-uri"),
        result_format=result_format,
        graph_format=graph_format,
    )


def formats(accept: str | None) -> tuple[str | None, str | None]:
    """The result format and the graph format an Accept header picks.

    >>> formats("text/csv, text/turtle;q=0.5")
    ('csv', 'turtle')
    """
    if len(accept or "") > 1024:
        return negotiate(accept, RESULT_TYPES), negotiate(accept, GRAPH_TYPES)
    return _formats(accept)


@functools.lru_cache(maxsize=64)
def _formats(accept: str | None) -> tuple[str | None, str | None]:
    # clients send the same few headers, and ranking one is a third of reading a request
    return negotiate(accept, RESULT_TYPES), negotiate(accept, GRAPH_TYPES)


def not_acceptable(kind: str) -> str:
    """The 406 message for a query of ``kind`` ("graph" or other), listing what it can give."""
    offered = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    return "acceptable types for this query: " + ", ".join(offered)
