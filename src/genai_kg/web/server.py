"""Run the web app on uvicorn: bounded connections, timeouts for idle and slow clients, a log.

uvicorn parses HTTP (httptools), answers a malformed request (a ``Content-Length`` that is not
a number, say) with 400 at once, closes idle keep-alive connections after ``keep_alive``
seconds, and answers 503 past ``max_connections``. What it leaves open, a connection that
never sends its request headers or sends them a byte at a time, is closed here after
``request_timeout`` seconds; a body that never comes is the app's to time out.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from genai_kg.graph.namespaces import CURATED_GRAPH
from genai_kg.web.app import ServerSettings, make_app
from genai_kg.web.pool import WorkerPool

BACKLOG = 1024
ACCESS_FORMAT = '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s'


class _HeaderDeadline(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing a connection whose request headers are late."""

    request_timeout = 10.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's headers are due in time too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout, self._late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _late(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


def _log_config(quiet: bool) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"format": "%(asctime)s %(levelname)s %(message)s"},
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": ACCESS_FORMAT,
                       "use_colors": False},  # fmt: skip
        },
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default",
                        "stream": "ext://sys.stderr"},  # fmt: skip
            "access": {"class": "logging.StreamHandler", "formatter": "access",
                       "stream": "ext://sys.stderr"},  # fmt: skip
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "WARNING" if quiet else "INFO",
                        "propagate": False},  # fmt: skip
            "uvicorn.error": {"level": "WARNING" if quiet else "INFO"},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def bind(host: str, port: int) -> socket.socket:
    """Listen on ``host:port`` (port 0: a free one).

    Raises:
        OSError: the address cannot be bound (in use, not an address of this host).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that
    # say they are TCP; without it every keep-alive answer waited 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(sock: socket.socket, settings: ServerSettings, announce: Callable[[str], None]) -> None:
    """Start the workers, call ``announce(url)``, serve on ``sock`` until Ctrl-C or SIGTERM.

    ``url`` is the server's root (``http://127.0.0.1:7878/``): the explorer, when
    ``settings.data_dir`` is given, with the SPARQL endpoint at ``sparql`` below it.
    """
    remote: Any = None
    if settings.endpoint is not None:  # serve --endpoint: the remote store answers
        from genai_kg.query.source import RemoteGraph
        from genai_kg.web.remote import RemotePool

        remote = RemoteGraph(settings.endpoint, settings.graph or CURATED_GRAPH, settings.timeout)
        pool: WorkerPool = RemotePool(
            settings.endpoint, remote.graph, settings.timeout, settings.max_rows
        )
    else:
        before = None
        if settings.data_dir is not None:
            from genai_kg.store.database import follow_data

            before = follow_data(settings.data_dir, settings.store)
        pool = WorkerPool(
            settings.store_path,
            settings.workers,
            settings.timeout,
            settings.max_rows,
            before,
            settings.max_memory,
        )
    try:
        routes: list[Any] = []
        if settings.data_dir is not None:
            from genai_kg.web.explorer import Explorer
            from genai_kg.web.pages import page_routes

            explorer = Explorer(settings.data_dir, settings.store, remote)
            explorer.warm()
            routes = page_routes(explorer, pool)
        protocol = type(
            "HttpProtocol", (_HeaderDeadline,), {"request_timeout": settings.request_timeout}
        )
        config = uvicorn.Config(
            make_app(settings, pool, routes),
            http=protocol,
            loop="auto",  # uvloop where it is installed (not on Windows), else asyncio
            lifespan="off",
            log_config=_log_config(settings.quiet),
            access_log=not settings.quiet,
            timeout_keep_alive=int(max(1, settings.keep_alive)),
            limit_concurrency=settings.max_connections,
            backlog=BACKLOG,
            server_header=False,  # do not advertise what runs here
            proxy_headers=False,
        )
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{port}/")
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
