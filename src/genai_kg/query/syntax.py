"""SPARQL as a person types it: the graph's prefixes, prefixed names, the variables' order.

Every query may use the graph's prefixes (``gkg:``, ``schema:``, ``role:`` ...) without
declaring them; a query's own ``PREFIX`` wins. What is read here from a query's text (which
prefixes it declares and uses, where each variable first appears) only explains and
arranges: it decides nothing about safety, which ``check.py`` does from a real parse.

>>> used_prefixes("PREFIX ex: <http://example.org/> SELECT ?c { ?c a schema:Course, ex:X }")
['schema', 'ex']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from genai_kg.graph.namespaces import PREFIX_IRIS

#: The prefixes declared for every query: the graph's, and ``rdf:``.
QUERY_PREFIXES: dict[str, str] = {
    **PREFIX_IRIS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}

# SPARQL's lexical tokens, as far as prefixes and variables need them: comments, strings and
# IRIs are skipped whole (a ``#`` or ``:`` inside them is no comment or prefixed name), and a
# prefixed name is taken with its local part. Order matters: a prefixed name before a word.
_TOKEN = re.compile(
    r"(?P<skip>#[^\n\r]*"
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
    r"|_:[\w.\-]*)"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<pname>(?P<prefix>[^\W\d_](?:[\w.\-]*[\w\-])?)?:(?:[\w\-:%.]|\\.)*)"
    r"|(?P<word>\w+)"
    r"|(?P<other>\S)",
    re.DOTALL,
)


def _tokens(text: str) -> list[re.Match[str]]:
    return [match for match in _TOKEN.finditer(text) if match.lastgroup != "skip"]


def declared_prefixes(text: str) -> dict[str, str]:
    """Return the prefixes a query declares itself (``PREFIX name: <iri>``), in its order.

    >>> declared_prefixes("PREFIX ex: <http://example.org/>\\nSELECT * {}")
    {'ex': 'http://example.org/'}
    """
    declared: dict[str, str] = {}
    for match in re.finditer(r"(?i)(?<!\w)PREFIX\s+([^\s:]*):\s*<([^>]*)>", _blank_skipped(text)):
        declared[match[1]] = match[2]
    return declared


def _blank_skipped(text: str) -> str:
    """The text with comments and strings blanked, so a PREFIX inside them is not read."""
    parts = []
    last = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "skip" and not match.group().startswith("<"):
            parts += [text[last : match.start()], " " * (match.end() - match.start())]
            last = match.end()
    return "".join([*parts, text[last:]])


def used_prefixes(text: str) -> list[str]:
    """Return every prefix the query's prefixed names use, in order of first use."""
    used: dict[str, None] = {}
    previous = ""
    for match in _tokens(text):
        if match.lastgroup == "pname" and previous != "PREFIX":  # not the declaration itself
            used.setdefault(match["prefix"] or "", None)
        previous = match.group().upper()
    return list(used)


def undeclared_prefixes(text: str) -> dict[str, int]:
    """Return ``{prefix: offset of its first use}`` for prefixes no one declares.

    Neither the query nor the graph declares them.
    """
    known = {**QUERY_PREFIXES, **declared_prefixes(text)}
    unknown: dict[str, int] = {}
    for match in _tokens(text):
        if match.lastgroup == "pname" and (match["prefix"] or "") not in known:
            unknown.setdefault(match["prefix"] or "", match.start())
    return unknown


def unknown_prefix_message(text: str) -> str | None:
    """Return ``unknown prefix 'foo:' (declared: ...)`` for a query with one, else None.

    >>> print(unknown_prefix_message("SELECT * { ?c a foo:Course }"))  # doctest: +ELLIPSIS
    unknown prefix 'foo:' (declared: gkg, schema, skos, esco, dct, ..., rdf)
    It is first used at line 1, column 17; you can declare it: PREFIX foo: <...>
    """
    unknown = undeclared_prefixes(text)
    if not unknown:
        return None
    prefix, offset = next(iter(unknown.items()))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    declared = ", ".join(dict.fromkeys([*QUERY_PREFIXES, *declared_prefixes(text)]))
    return (
        f"unknown prefix {prefix + ':'!r} (declared: {declared})\n"
        f"It is first used at line {line}, column {column}; "
        f"you can declare it: PREFIX {prefix}: <...>"
    )


# A query's opening comment lines (a named query's header), kept first when prefixes are
# declared for a remote endpoint: the check reads past them without a parse.


def shortener(text: str | None = None) -> Mapping[str, str]:
    """Return ``{namespace: prefix}`` for shortening IRIs: the graph's and ``text``'s own."""
    prefixes = {**QUERY_PREFIXES, **(declared_prefixes(text) if text else {})}
    return {iri: prefix for prefix, iri in prefixes.items() if iri}


_LOCAL = re.compile(r"[\w:](?:[\w.:\-]*[\w:\-])?")


def short_iri(iri: str, namespaces: Mapping[str, str]) -> str:
    """Return ``iri`` as a prefixed name if a namespace holds it, else the IRI itself.

    The longest namespace wins; an IRI whose rest is no plain local name stays whole.

    >>> short_iri("https://w3id.org/genai-kg/id/role/mlops-engineer", shortener())
    'role:mlops-engineer'
    >>> short_iri("https://w3id.org/genai-kg/id/role/x#salary-1", shortener())
    'https://w3id.org/genai-kg/id/role/x#salary-1'
    """
    best = ""
    for namespace in namespaces:
        if len(namespace) > len(best) and iri.startswith(namespace):
            local = iri[len(namespace) :]
            if _LOCAL.fullmatch(local):
                best = namespace
    return f"{namespaces[best]}:{iri[len(best) :]}" if best else iri


def select_star(text: str) -> bool:
    """Whether the query's first SELECT projects ``*``.

    >>> select_star("SELECT DISTINCT * { ?s ?p ?o }"), select_star("SELECT ?s { ?s ?p ?o }")
    (True, False)
    """
    # asked of every result `serve` sends, mostly of the same few texts: remember short ones
    return _select_star(text) if len(text) <= 16384 else _select_star.__wrapped__(text)


@functools.lru_cache(maxsize=256)
def _select_star(text: str) -> bool:
    tokens = _tokens(text)
    for index, match in enumerate(tokens):
        if match.lastgroup == "word" and match.group().upper() == "SELECT":
            following = [t.group() for t in tokens[index + 1 : index + 3]]
            while following and following[0].upper() in ("DISTINCT", "REDUCED"):
                following.pop(0)
            return bool(following) and following[0] == "*"
    return False


def variable_order(text: str) -> list[str]:
    """Return the query's variables in the order they first appear.

    >>> variable_order("SELECT * { ?c schema:name ?name ; gkg:hours $h . ?c ?p ?name }")
    ['c', 'name', 'h', 'p']
    """
    order: dict[str, None] = {}
    for match in _tokens(text):
        if match.lastgroup == "var":
            order.setdefault(match.group()[1:], None)
    return list(order)


def in_query_order(
    text: str, variables: list[str], rows: list[list[Any]]
) -> tuple[list[str], list[list[Any]]]:
    """Return a ``SELECT *`` result's variables and rows in the order the query names them.

    Engines order ``*`` as they like (pyoxigraph alphabetically); a result of any other
    query is returned as it is.
    """
    if not select_star(text):
        return variables, rows
    rank = {name: index for index, name in enumerate(variable_order(text))}
    order = sorted(range(len(variables)), key=lambda i: (rank.get(variables[i], len(rank)), i))
    if order == list(range(len(variables))):
        return variables, rows
    return [variables[i] for i in order], [[row[i] for i in order] for row in rows]
