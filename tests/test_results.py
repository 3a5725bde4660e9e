"""Result formats: the server's one-line JSON is the W3C JSON of every kind of term."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from genai_kg.query.results import format_result, term_json
from genai_kg.query.sparql import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    "term",
    [
        pytest.param(ox.NamedNode("https://example.org/a?b=c&d#é"), id="iri"),
        pytest.param(ox.BlankNode("b0"), id="blank"),
        pytest.param(ox.Literal("MLOps Engineer", language="en"), id="language"),
        pytest.param(ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")), id="typed"),
        pytest.param(ox.Literal('say "hi"\n\ttab \\ back \x01 ctl'), id="escapes"),
        pytest.param(ox.Literal("Zürich – 東京 \u2028 😀"), id="not-ascii"),
        pytest.param(None, id="unbound"),
    ],
)
def test_compact_json_is_what_the_json_module_writes(term: ox.Literal | None) -> None:
    result = QueryResult(kind="select", variables=["x", "y"], rows=[[term, ox.Literal("z")]])
    expected = {
        "head": {"vars": ["x", "y"]},
        "results": {"bindings": [{
            **({"x": term_json(term)} if term is not None else {}),
            "y": {"type": "literal", "value": "z"},
        }]},
    }  # fmt: skip
    written = format_result(result, "json", compact=True)
    assert written == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(written) == json.loads(format_result(result, "json"))


def test_compact_json_of_no_rows_and_of_ask() -> None:
    empty = QueryResult(kind="select", variables=["a"], rows=[])
    assert json.loads(format_result(empty, "json", compact=True)) == {
        "head": {"vars": ["a"]}, "results": {"bindings": []}
    }  # fmt: skip
    ask = QueryResult(kind="ask", boolean=True)
    assert json.loads(format_result(ask, "json", compact=True)) == {"head": {}, "boolean": True}
