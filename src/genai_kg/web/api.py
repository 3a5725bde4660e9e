"""``/api/plan``, ``/api/gap``, ``/api/next``, ``/api/show``: the CLI's ``--format json`` objects.

The parameters are those of the pages (``/plan?from=&to=&by=...``; ``/api/show?name=``),
described at ``/api/openapi.json`` (OpenAPI 3.1). An error is ``{"error": message}`` with
404 for a name nothing is called (the message suggests the closest names, as the CLI's
does) and 400 for any other refused request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from genai_kg.errors import GenaiKgError
from genai_kg.web.explorer import BadRequest, Explorer, status_of


class PrettyJSON(JSONResponse):
    """JSON as the CLI prints it: indented, UTF-8 as it is."""

    def render(self, content: Any) -> bytes:
        import json

        return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def answer_json(
    compute: Callable[[], dict[str, Any]], headers: dict[str, str] | None = None
) -> Response:
    """Return ``compute()`` as JSON, or its error as ``{"error": ...}`` with its status."""
    try:
        return PrettyJSON(compute(), headers=headers)
    except GenaiKgError as exc:
        return PrettyJSON({"error": str(exc)}, status_code=status_of(exc))


def api_routes(explorer: Explorer) -> list[BaseRoute]:
    """Return the JSON routes answered from ``explorer``."""

    def plan(request: Request) -> Response:
        return answer_json(lambda: explorer.plan(request.query_params))

    def gap(request: Request) -> Response:
        return answer_json(lambda: explorer.gap(request.query_params))

    def next_(request: Request) -> Response:
        return answer_json(lambda: explorer.next(request.query_params))

    def show(request: Request) -> Response:
        def compute() -> dict[str, Any]:
            name = request.query_params.get("name", "").strip()
            if not name:
                raise BadRequest("the parameter 'name' is missing (an id, name or alias)")
            return explorer.show(name)

        return answer_json(compute)

    def openapi(request: Request) -> Response:
        from genai_kg import __version__
        from genai_kg.web.openapi import openapi_document

        return PrettyJSON(openapi_document(__version__))

    return [
        Route("/api/openapi.json", openapi),
        Route("/api/plan", plan),
        Route("/api/gap", gap),
        Route("/api/next", next_),
        Route("/api/show", show),
    ]
