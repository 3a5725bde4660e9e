"""``/query``: the SPARQL page. Pick a named query, fill its parameters, or write one; see a table.

The query runs where ``/sparql``'s do (the worker pool: same check, time limit and row cap),
so the page and the endpoint answer alike. A named query's parameters are bound by a
trailing ``VALUES`` clause that the editor shows: what runs is what the visitor sees.
IRIs show as prefixed names (``gkg:Role``), an entity's linked to its page; downloads are
the endpoint's own CSV and JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from genai_kg.errors import GenaiKgError
from genai_kg.graph.namespaces import PREFIX_IRIS
from genai_kg.web.pool import WorkerPool
from genai_kg.web.protocol import MEDIA, Operation

#: Entity IRIs, longest namespace first, so ``role:`` wins over a shorter base.
_NAMESPACES = sorted(PREFIX_IRIS.items(), key=lambda item: -len(item[1]))
_PAGES = {"role", "skill", "tool", "provider", "course", "source"}


def named_text(name: str, values: dict[str, str]) -> tuple[Any, str]:
    """Return the named query and its text with its parameters bound by a ``VALUES`` clause.

    Raises:
        QueryError: no such query, or a value that does not fit its parameter.
    """
    from genai_kg.query.sparql import bind_params, load_query

    query = load_query(name)
    bound = bind_params(query, {key: value for key, value in values.items() if value})
    clauses = "".join(f"\nVALUES ?{variable} {{ {term} }}" for variable, term in bound.items())
    return query, query.text.rstrip("\n") + "\n" + clauses.lstrip("\n") if clauses else query.text


def short(iri: str) -> dict[str, str | None]:
    """Return an IRI as a prefixed name, and the explorer page of an entity's IRI.

    >>> short("https://w3id.org/genai-kg/ontology#Role")["text"]
    'gkg:Role'
    """
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            href = f"/{prefix}/{local}" if prefix in _PAGES else None
            return {"text": f"{prefix}:{local}", "href": href}
    return {"text": iri, "href": None}


def _cell(term: dict[str, str] | None) -> dict[str, str | None]:
    if term is None:
        return {"text": "", "href": None}
    if term.get("type") == "uri":
        return short(term["value"])
    return {"text": term.get("value", ""), "href": None}


def query_routes(render: Callable[..., Response], pool: WorkerPool | None) -> list[BaseRoute]:
    """Return ``/query`` and its downloads ``/query.csv``, ``/query.json``."""
    from genai_kg.query.sparql import list_queries

    queries = {query.name: query for query in list_queries()}

    def text_of(request: Request) -> tuple[Any, str]:
        params = request.query_params
        name = params.get("name", "")
        if params.get("query", "").strip():
            return queries.get(name), params["query"]
        if name:
            values = {
                p[len("param.") :]: v for p, v in params.multi_items() if p.startswith("param.")
            }
            return named_text(name, values)
        return None, ""

    def run(text: str, fmt: str) -> Any:
        assert pool is not None
        return pool.run(Operation(query=text, result_format=fmt, graph_format="turtle"))

    def page(request: Request) -> Response:
        context: dict[str, Any] = {"queries": list(queries.values()), "chosen": None, "text": ""}
        try:
            context["chosen"], context["text"] = text_of(request)
        except GenaiKgError as exc:
            return render("query.html", 400, error=str(exc), **context)
        context["values"] = {
            key[len("param.") :]: value
            for key, value in request.query_params.items()
            if key.startswith("param.")
        }
        if not context["text"]:
            return render("query.html", **context)
        if pool is None:
            return render("query.html", 503, error="this server runs no SPARQL", **context)
        answer = run(context["text"], "json")
        if answer.status != 200:
            return render("query.html", answer.status, error=answer.body.decode().strip(),
                          **context)  # fmt: skip
        context["download"] = urlencode({"query": context["text"]})
        if not answer.media_type.startswith(MEDIA["json"]):  # CONSTRUCT, DESCRIBE: Turtle
            return render("query.html", graph=answer.body.decode("utf-8"), **context)
        results = json.loads(answer.body)
        if "boolean" in results:
            return render("query.html", boolean=results["boolean"], **context)
        variables = results["head"]["vars"]
        rows = [
            [_cell(binding.get(name)) for name in variables]
            for binding in results["results"]["bindings"]
        ]
        return render("query.html", variables=variables, rows=rows,
                      truncated=answer.truncated, **context)  # fmt: skip

    def download(fmt: str) -> Callable[[Request], Response]:
        def send(request: Request) -> Response:
            try:
                _, text = text_of(request)
            except GenaiKgError as exc:
                return Response(f"Error: {exc}\n", 400, media_type="text/plain")
            if not text or pool is None:
                return Response("Error: no query\n", 400, media_type="text/plain")
            answer = run(text, fmt)
            headers = {"Content-Disposition": f'attachment; filename="results.{fmt}"'}
            return Response(answer.body, answer.status, headers, media_type=answer.media_type)

        return send

    return [
        Route("/query", page),
        Route("/query.csv", download("csv")),
        Route("/query.json", download("json")),
    ]
