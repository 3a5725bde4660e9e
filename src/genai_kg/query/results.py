"""Write SPARQL results as a text table, CSV, TSV, W3C SPARQL 1.1 results JSON or XML.

Terms are pyoxigraph terms (or None for an unbound variable). CSV follows the W3C SPARQL
CSV format (plain values), TSV the W3C TSV format (terms in N-Triples syntax), XML the
SPARQL Query Results XML Format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from json.encoder import encode_basestring as _quote  # the escaping of ensure_ascii=False
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from genai_kg.query.sparql import QueryResult
from genai_kg.query.syntax import short_iri, shortener
from genai_kg.render import format_table

FORMATS = ("table", "csv", "tsv", "json", "xml")
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("integer", "decimal", "double", "float", "long", "int")
}


def term_json(term: Any) -> dict[str, str]:
    """Return one term in W3C SPARQL results JSON form."""
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if kind == "Literal":
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def term_xml(term: Any) -> str:
    """Return one term as a SPARQL results XML element.

    >>> import pyoxigraph as ox
    >>> term_xml(ox.Literal("R&D", language="en"))
    '<literal xml:lang="en">R&amp;D</literal>'
    """
    kind = type(term).__name__
    if kind == "NamedNode":
        return f"<uri>{escape(term.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if kind == "Literal":
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
    return "<triple>" + "".join(f"<{n}>{term_xml(t)}</{n}>" for n, t in parts) + "</triple>"


def _xml(result: QueryResult) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{_RESULTS_NS}">']
    if result.kind == "ask":
        lines += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        lines.append("<head>")
        lines += [f"<variable name={quoteattr(name)}/>" for name in result.variables]
        lines += ["</head>", "<results>"]
        for row in result.rows:
            cells = "".join(
                f"<binding name={quoteattr(name)}>{term_xml(term)}</binding>"
                for name, term in zip(result.variables, row, strict=True)
                if term is not None
            )
            lines.append(f"<result>{cells}</result>")
        lines.append("</results>")
    lines.append("</sparql>")
    return "\n".join(lines)


def _compact_json(result: QueryResult) -> str:
    """SELECT results JSON on one line: what ``json.dumps(..., separators=(",", ":"),
    ensure_ascii=False)`` writes of ``term_json``'s objects, written as text directly (a
    server's point query spent more in building and encoding the objects than in the query)."""
    names = [_quote(name) + ":" for name in result.variables]
    rows = [
        "{" + ",".join(name + _term_text(term) for name, term in zip(names, row, strict=True)
                       if term is not None) + "}"
        for row in result.rows
    ]  # fmt: skip
    head = ",".join(_quote(name) for name in result.variables)
    return '{"head":{"vars":[' + head + ']},"results":{"bindings":[' + ",".join(rows) + "]}}"


def _term_text(term: Any) -> str:
    kind = type(term).__name__
    if kind == "Literal":
        value = '{"type":"literal","value":' + _quote(term.value)
        if term.language:
            return value + ',"xml:lang":' + _quote(term.language) + "}"
        datatype = term.datatype.value
        if datatype != _XSD_STRING:
            return value + ',"datatype":' + _quote(datatype) + "}"
        return value + "}"
    if kind == "NamedNode":
        return '{"type":"uri","value":' + _quote(term.value) + "}"
    if kind == "BlankNode":
        return '{"type":"bnode","value":' + _quote(term.value) + "}"
    return '{"type":"triple","value":' + _quote(str(term)) + "}"


def _plain(term: Any, namespaces: Mapping[str, str]) -> Any:
    if term is None:
        return None
    if type(term).__name__ == "NamedNode":
        return short_iri(term.value, namespaces)
    if type(term).__name__ == "Literal" and term.datatype.value in _NUMERIC and not term.language:
        try:
            number = float(term.value)
        except ValueError:
            return term.value
        return int(number) if number.is_integer() else number
    return term.value


def format_result(
    result: QueryResult,
    fmt: str,
    namespaces: Mapping[str, str] | None = None,
    *,
    compact: bool = False,
) -> str:
    """Render a query result in ``fmt`` (table, csv, tsv, json or xml).

    A table shows IRIs as prefixed names (``role:mlops-engineer``) by ``namespaces``
    (``{namespace IRI: prefix}``, default the graph's prefixes); the other formats are the
    W3C ones and keep every IRI whole. ``compact``: JSON on one line, for programs (the
    indented form is written by Python's slow encoder, three times the cost of a point
    query's evaluation).
    """
    if fmt == "xml" and result.kind != "graph":
        return _xml(result)
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean})
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        return "".join(f"{triple} .\n" for triple in result.triples).rstrip("\n")
    if fmt == "json":
        if compact:
            return _compact_json(result)
        bindings = [
            {
                name: term_json(term)
                for name, term in zip(result.variables, row, strict=True)
                if term is not None
            }
            for row in result.rows
        ]
        payload = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(payload, indent=2, ensure_ascii=False)
    if fmt == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows([["" if t is None else t.value for t in row] for row in result.rows])
        return stream.getvalue().rstrip("\r\n")
    if fmt == "tsv":
        lines = ["\t".join(f"?{name}" for name in result.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
        return "\n".join(lines)
    shown = shortener() if namespaces is None else namespaces
    rows = [[_plain(term, shown) for term in row] for row in result.rows]
    return format_table(result.variables, rows)


#: RDF formats for CONSTRUCT and DESCRIBE results -> pyoxigraph's RdfFormat names.
GRAPH_FORMATS = {
    "turtle": "TURTLE",
    "ntriples": "N_TRIPLES",
    "rdfxml": "RDF_XML",
    "jsonld": "JSON_LD",
}


def write_graph(triples: Any, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Write pyoxigraph triples in ``fmt`` (a key of GRAPH_FORMATS); Turtle with our prefixes.

    >>> import pyoxigraph as ox
    >>> node = ox.NamedNode("https://w3id.org/genai-kg/id/role/x")
    >>> write_graph([ox.Triple(node, node, ox.Literal("y"))], "ntriples")
    b'<https://w3id.org/genai-kg/id/role/x> <https://w3id.org/genai-kg/id/role/x> "y" .\\n'
    """
    import pyoxigraph as ox

    from genai_kg.graph.namespaces import PREFIX_IRIS

    rdf_format = getattr(ox.RdfFormat, GRAPH_FORMATS[fmt])
    shown = (prefixes or PREFIX_IRIS) if fmt == "turtle" else None
    return ox.serialize(triples, format=rdf_format, prefixes=shown) or b""
