"""``/sparql`` on a remote store (``serve --endpoint URL``): queries forwarded after the checks.

Every query passes the same check as on the embedded store before it leaves (no SERVICE, no
LOAD, no update: ``query_endpoint`` runs ``check_query``), is sent with the pushed graph as
its default graph (``default-graph-uri``) unless the client named graphs of its own, and comes
back capped and written in the format the client asked for, as the worker pool writes it. The
store does the work: any number of ``serve`` processes on any number of machines can share it.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from pathlib import Path
from typing import Any

from genai_kg.errors import EndpointError, QueryError
from genai_kg.web.pool import Answer, WorkerPool, result_answer
from genai_kg.web.protocol import MEDIA, Operation


class RemotePool(WorkerPool):
    """The worker pool's interface (``run``, ``describe``, ``close``) over a remote endpoint.

    No processes: the remote store evaluates, and a query past ``timeout`` is abandoned here
    (the store's own limits stop it there).
    """

    def __init__(self, endpoint: str, graph: str, timeout: float, max_rows: int) -> None:
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout
        self.max_rows = max_rows
        self.store_path = Path()

    def run(self, operation: Operation) -> Answer:
        """Answer a query from the remote store: its results in the client's format, or an error."""
        from genai_kg.query.remote import query_endpoint

        if operation.has_dataset:
            defaults, named = operation.default_graphs, operation.named_graphs
        else:
            defaults, named = (self.graph,), ()
        params = [("default-graph-uri", iri) for iri in defaults]
        params += [("named-graph-uri", iri) for iri in named]
        separator = "&" if "?" in self.endpoint else "?"
        url = f"{self.endpoint}{separator}{urllib.parse.urlencode(params)}"
        try:
            result = query_endpoint(
                url, operation.query or "", timeout=self.timeout, limit=self.max_rows
            )
        except QueryError as exc:
            return Answer.error(400, str(exc))
        except EndpointError as exc:
            return Answer.error(502, f"the store behind this server failed: {exc}")
        return result_answer(result, operation)

    async def run_async(self, operation: Operation) -> Answer:
        """``run`` on a thread, so the event loop serves other requests while the store works."""
        return await asyncio.to_thread(self.run, operation)

    async def describe_async(self, endpoint: str, fmt: str) -> Answer:
        """``describe`` on a thread."""
        return await asyncio.to_thread(self.describe, endpoint, fmt)

    def describe(self, endpoint: str, fmt: str) -> Answer:
        """The service description of ``endpoint``: the pushed graph is its one named graph."""
        import pyoxigraph as ox

        from genai_kg.web.description import describe_service

        return Answer(200, describe_service(ox, _Graphs(ox, self.graph), endpoint, fmt), MEDIA[fmt])

    def close(self) -> None:
        pass


class _Graphs:
    """What ``describe_service`` asks of a store: its named graphs."""

    def __init__(self, ox: Any, graph: str) -> None:
        self.graphs = [ox.NamedNode(graph)]

    def named_graphs(self) -> list[Any]:
        return self.graphs
