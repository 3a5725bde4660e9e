"""O*NET's terms as pyoxigraph nodes: the IRIs of occupations and examples, typed literals.

``onet.py`` maps each release file's rows with these; the IRI rules are in its docstring.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from genai_kg.graph.namespaces import GRAPH_BASE
from genai_kg.graph.rdf import GKG, ID_BASE, ONET_PAGE, RDF, SCHEMA, SKOS, XSD

ONET_GRAPH = GRAPH_BASE + "onet"


ONET_ID_BASE = ID_BASE + "onet/"


RDF_TYPE = ox.NamedNode(str(RDF.type))


PREF_LABEL = ox.NamedNode(str(SKOS.prefLabel))


ALT_LABEL = ox.NamedNode(str(SKOS.altLabel))


NOTATION = ox.NamedNode(str(SKOS.notation))


RELATED = ox.NamedNode(str(SKOS.related))


OCCUPATION = ox.NamedNode(str(SCHEMA.Occupation))


DEFINED_TERM = ox.NamedNode(str(SCHEMA.DefinedTerm))


DESCRIPTION = ox.NamedNode(str(SCHEMA.description))


CATEGORY = ox.NamedNode(str(SCHEMA.occupationalCategory))


INTEGER = ox.NamedNode(str(XSD.integer))


DECIMAL = ox.NamedNode(str(XSD.decimal))


def gkg_term(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{GKG}{name}")


CODE_RE = re.compile(r"\d{2}-\d{4}\.\d{2}")


ELEMENT_RE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")


def slug(text: str) -> str:
    """Return the IRI-safe slug of an O*NET example name (see the module docstring)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("+", " plus ").replace("#", " sharp ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def occupation_iri(code: str) -> ox.NamedNode:
    """Return the IRI of an O*NET occupation, its O*NET OnLine page.

    >>> occupation_iri("15-2051.00").value
    'https://www.onetonline.org/link/summary/15-2051.00'
    """
    return ox.NamedNode(ONET_PAGE + code)


def text_literal(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def integer_literal(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=INTEGER)


def decimal_literal(value: Decimal) -> ox.Literal:
    # One lexical form for both editions: Excel's 5 and the text edition's "5.00" give "5".
    lexical = str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"
    return ox.Literal(lexical, datatype=DECIMAL)


@dataclass
class ExampleTerms:
    """Example names of Technology Skills or Tools Used, gathered to write one node each."""

    base: str
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    commodities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, example: str, commodity: str) -> ox.NamedNode:
        key = slug(example) or "x"
        self.labels[key].add(example)
        if commodity:
            self.commodities[key].add(commodity)
        return ox.NamedNode(self.base + key)


Triple = tuple[Any, Any, Any]
