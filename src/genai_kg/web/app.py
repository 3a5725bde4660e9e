"""The web app: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` (Starlette, ASGI).

``make_app(settings, pool)`` returns the app; more routes (the web explorer) go in through
``routes``. Queries go to the worker pool (``web.pool``), awaited on the event loop, which keeps
serving other clients while one waits; ``/sparql`` itself is a plain ASGI app
(``web.endpoint``). Errors tell the client what was wrong with its request and nothing about
the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from genai_kg.web.endpoint import (
    ALLOW,
    MAX_QUERY_BYTES,
    PATH,
    App,
    Refusal,
    SparqlEndpoint,
    in_front,
)
from genai_kg.web.endpoint import read_body as read_endpoint_body
from genai_kg.web.pool import WorkerPool

__all__ = ["MAX_QUERY_BYTES", "ServerSettings", "make_app", "read_body"]


@dataclass(frozen=True)
class ServerSettings:
    """What ``serve`` was told: the store, the limits per query, and the HTTP limits."""

    store_path: Path
    #: The dataset folder and store folder the explorer answers from (None: no explorer).
    data_dir: Path | None = None
    store: Path | None = None
    timeout: float = 10.0
    max_rows: int = 10_000
    #: Bytes of resident memory a query worker may hold; past it the query gets 503.
    max_memory: int | None = 1 << 30
    workers: int = 2
    cors_origin: str | None = None
    #: Seconds a client has to send a request's headers, and then its body.
    request_timeout: float = 10.0
    #: Seconds an idle keep-alive connection stays open.
    keep_alive: float = 5.0
    #: Connections (and requests) at once; past it new requests get 503.
    max_connections: int = 256
    quiet: bool = False
    #: A remote SPARQL endpoint and graph to answer from instead of the store (``--endpoint``).
    endpoint: str | None = None
    graph: str | None = None


def make_app(settings: ServerSettings, pool: WorkerPool, routes: Sequence[BaseRoute] = ()) -> App:
    """Return the ASGI app: ``/sparql`` (GET, POST) answered by ``pool``, then ``routes``.

    ``/sparql`` itself is answered in front of Starlette (``web.endpoint``); its route here
    only sends ``/sparql/`` there.
    """
    endpoint = SparqlEndpoint(pool, settings.request_timeout)

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return _error(404, "genai-kg: no page here (the explorer is at /, the SPARQL endpoint "
                          "at /sparql)")  # fmt: skip
        if status == 405:
            allow = getattr(exc, "headers", None) or {"Allow": ALLOW}
            return _error(405, f"{request.method} is not allowed here (only {allow['Allow']})",
                          allow)  # fmt: skip
        return _error(status, "the request was refused")

    app: App = in_front(
        endpoint,
        Starlette(
            routes=[Route(PATH, endpoint, methods=["GET", "POST"]), *routes],
            exception_handlers={HTTPException: refused},
        ),
    )
    if settings.cors_origin:  # around both, so that errors carry the header too
        app = CORSMiddleware(
            app,
            allow_origins=[settings.cors_origin],
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept"],
            expose_headers=["X-Result-Truncated"],
        )
    return app


async def read_body(request: Request, timeout: float) -> bytes | Response:
    """The request body, or the error answer: too large, short of its length, or gone (read as
    ``/sparql`` reads it, ``endpoint.read_body``)."""
    length = request.headers.get("content-length")
    read = await read_endpoint_body(
        request.receive, None if length is None else length.encode("latin-1"), timeout
    )
    if not isinstance(read, Refusal):
        return read
    if read.message is None:
        return Response(status_code=read.status)
    return _error(read.status, read.message, close=read.close)


def _error(
    status: int, message: str, headers: dict[str, Any] | None = None, *, close: bool = False
) -> Response:
    extra = dict(headers or {})
    if close:  # the rest of the request may still come: do not read it as the next one
        extra["Connection"] = "close"
    return Response(message + "\n", status, extra, media_type="text/plain; charset=utf-8")
