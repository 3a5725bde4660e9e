"""``/sparql`` as a plain ASGI app: the request read from the scope, the answer sent as bytes.

The endpoint is the server's hot path, a point query costing less than the web framework's
request and response objects around it (``bench/bench_serve.py``: Starlette's routing,
middleware, ``Request`` and ``Response`` were a third of the main process's CPU per query), so
``/sparql`` is answered here, in front of the Starlette app that serves the other routes. What
it answers is the same: ``read_operation`` reads the request, the pool answers it, errors are
plain text that tell the client what was wrong with its request and nothing about the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from genai_kg.web.pool import Answer, WorkerPool
from genai_kg.web.protocol import ProtocolError, not_acceptable, read_operation

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_QUERY_BYTES = 1 << 20
ALLOW = "GET, HEAD, POST"
PATH = "/sparql"
TEXT = b"text/plain; charset=utf-8"


class SparqlEndpoint:
    """The ASGI app of ``/sparql`` (GET, HEAD and POST; 405 for other methods)."""

    def __init__(self, pool: WorkerPool, request_timeout: float) -> None:
        self.pool = pool
        self.request_timeout = request_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method not in ("GET", "HEAD", "POST"):
            await _send_error(send, 405, f"{method} is not allowed here (only {ALLOW})",
                              [(b"allow", ALLOW.encode())])  # fmt: skip
            return
        content_type = accept = length = None
        for name, value in scope["headers"]:  # the first of each, as Starlette's Headers.get
            if name == b"accept":
                accept = accept if accept is not None else value.decode("latin-1")
            elif name == b"content-type":
                content_type = content_type if content_type is not None else value.decode("latin-1")
            elif name == b"content-length" and length is None:
                length = value
        body = b""
        if method == "POST":
            read = await read_body(receive, length, self.request_timeout)
            if isinstance(read, Refusal):
                await read.send(send)
                return
            body = read
        try:
            operation = read_operation(
                method, scope.get("query_string", b""), content_type, body, accept
            )
        except ProtocolError as exc:
            await _send_error(send, exc.status, exc.message)
            return
        if operation.query is None:
            if operation.graph_format is None:
                await _send_error(send, 406, not_acceptable("graph"))
                return
            from starlette.requests import Request  # the URL as the client named the host

            endpoint = str(Request(scope).url.replace(query=""))
            answer = await self.pool.describe_async(endpoint, operation.graph_format)
        else:
            answer = await self.pool.run_async(operation)
        await send_answer(send, answer)


def in_front(endpoint: App, app: App) -> App:
    """An ASGI app answering ``/sparql`` with ``endpoint`` and everything else with ``app``."""

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH:
            await endpoint(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch


async def send_answer(send: Send, answer: Answer) -> None:
    """Send a pool's answer: its status, media type, length and body."""
    headers = [(b"x-result-truncated", b"true")] if answer.truncated else []
    headers.append((b"content-length", b"%d" % len(answer.body)))
    headers.append((b"content-type", answer.media_type.encode("latin-1")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


async def _send_error(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = (message + "\n").encode("utf-8")
    head = [*(headers or []), (b"content-length", b"%d" % len(body)), (b"content-type", TEXT)]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


class Refusal:
    """An answer to a body that cannot be read; ``close``: the connection is not reused."""

    def __init__(self, status: int, message: str | None, *, close: bool = True) -> None:
        self.status, self.message, self.close = status, message, close

    async def send(self, send: Send) -> None:
        extra = [(b"connection", b"close")] if self.close else []
        if self.message is None:
            head = [*extra, (b"content-length", b"0")]
            await send({"type": "http.response.start", "status": self.status, "headers": head})
            await send({"type": "http.response.body", "body": b""})
        else:
            await _send_error(send, self.status, self.message, extra)


async def read_body(receive: Receive, length: bytes | None, timeout: float) -> bytes | Refusal:
    """The request body, or the refusal of one too large, short of its length, or gone."""
    too_large = Refusal(413, f"the body is larger than {MAX_QUERY_BYTES} bytes")
    if length is not None and int(length) > MAX_QUERY_BYTES:  # uvicorn checked its syntax
        return too_large
    chunks: list[bytes] = []

    async def read() -> bytes | Refusal:
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return Refusal(400, None, close=False)  # nobody is left to read it
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_QUERY_BYTES:
                return too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    try:
        return await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        return Refusal(400, f"the body did not arrive within {timeout:g} s "
                        "(is Content-Length larger than the body?)")  # fmt: skip
