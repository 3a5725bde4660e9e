"""The safety check of a query: nothing it sends may reach outside the graph or change it.

Refuses ``SERVICE``, ``LOAD`` and updates, and ``FROM`` / ``FROM NAMED`` for graphs the
store does not hold. It reads the query's tokens (comments and strings are data).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from genai_kg.errors import QueryError

# The lexical tokens of SPARQL that matter for the safety check. Comments and strings are
# data, IRIs and prefixed names are names; only bare words can be keywords. Order matters:
# a prefixed name is tried before a word, a language tag before a word.
_TOKEN = re.compile(
    r"(?P<skip>#[^\n]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*")'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%.]*[\w\-:%])?)"
    r"|(?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<other>\S)",
    re.DOTALL,
)


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


_UPDATE = "updates are not allowed on a reading command"


_FORBIDDEN = {
    "SERVICE": "SERVICE (federated queries) would reach outside the graph",
    "LOAD": "LOAD would read data from outside the graph",
    **dict.fromkeys(
        ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD"), _UPDATE
    ),
}


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def tokens(text: str) -> list[tuple[str, str, int]]:
    """Return the query's tokens as ``(kind, text, offset)``, without comments and strings.

    >>> [(kind, value) for kind, value, _ in tokens('SELECT ?s { ?s ex:p "x"@en . }')][:4]
    [('word', 'SELECT'), ('var', '?s'), ('other', '{'), ('var', '?s')]
    """
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "skip":
            found.append((kind, match.group(), match.start()))
    return found


def check_query(text: str, graphs: Iterable[str] | None = ()) -> None:
    """Refuse queries that would reach outside the graph or change it.

    Raises:
        QueryError: the query uses SERVICE, LOAD, an update, or FROM a graph not in ``graphs``
            (``graphs=None``: a remote store, whose graphs FROM may name).

    >>> check_query('SELECT * { ?s ?p "SERVICE" }')
    >>> check_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    genai_kg.errors.QueryError: SERVICE (federated queries) would reach outside the graph; ...
    """
    # SPARQL lets \\uXXXX escapes stand anywhere, keywords included; read them as the engine may.
    found = tokens(_ESCAPE.sub(_unescape, text))
    for kind, value, _ in found:
        reason = _FORBIDDEN.get(value.upper()) if kind == "word" else None
        if reason:
            raise QueryError(f"{reason}; it is refused")
    if graphs is None:
        return
    allowed = set(graphs)
    prefixes = _prefixes(found)
    for index, (kind, value, _) in enumerate(found):
        if kind != "word" or value.upper() != "FROM":
            continue
        following = found[index + 1 : index + 3]
        if following and following[0][1].upper() == "NAMED":
            following = following[1:]
        target = following[0] if following else ("other", "", 0)
        iri = _expand(target, prefixes)
        if iri is None or iri not in allowed:
            raise QueryError(
                f"FROM {target[1]} names no graph of the store; it is refused "
                "(genai-kg never fetches data from URLs or files)"
            )


def _prefixes(found: list[tuple[str, str, int]]) -> dict[str, str]:
    prefixes = {}
    for index, (kind, value, _) in enumerate(found[:-2]):
        if kind == "word" and value.upper() == "PREFIX":
            name, iri = found[index + 1], found[index + 2]
            if name[0] == "pname" and iri[0] == "iri":
                prefixes[name[1].rstrip(":")] = iri[1][1:-1]
    return prefixes


def _expand(token: tuple[str, str, int], prefixes: Mapping[str, str]) -> str | None:
    kind, value, _ = token
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def where_offset(text: str) -> int | None:
    """Return the offset just inside the query's WHERE group (its first ``{``), if found.

    >>> text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> text[where_offset(text):]
    ' ?s ?p ?o }'
    """
    found = tokens(text)
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
