"""SPARQL commands: sparql (local or remote), serve, push."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer

from genai_kg.errors import QueryError
from genai_kg.graph.namespaces import CURATED_GRAPH

from . import (
    DataOption,
    EndpointOption,
    GraphOption,
    StoreOption,
    _data_dir,
    _remote,
    app,
    reports_errors,
)


class ResultFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"


def _params(values: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params


@app.command()
@reports_errors
def sparql(
    query: Annotated[
        str,
        typer.Argument(
            help="A named query (see `genai-kg list queries`), a .rq file, or - for stdin."
        ),
    ],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE for a parameter of the query (repeatable)."),
    ] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f")] = ResultFormat.TABLE,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.01, help="Seconds before the query is stopped.")
    ] = 5.0,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="At most this many rows (a note says if cut).")
    ] = 10_000,
    max_memory: Annotated[
        str,
        typer.Option(
            "--max-memory",
            help="Stop a query once genai-kg holds more memory than this (e.g. 512M, 2G).",
        ),
    ] = "1G",
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the local store."
        ),
    ] = None,
    graph: Annotated[
        str,
        typer.Option(
            "--graph",
            help="With --endpoint: the graph to query, sent as default-graph-uri. Default: the "
            "one `push` writes (its IRI: `push --help`); `default` for the store's own default "
            "graph.",
            show_default=False,  # an IRI longer than the column would be cut off
        ),
    ] = CURATED_GRAPH,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query on the graph (named, from a file, or stdin)."""
    from genai_kg.query.results import format_result
    from genai_kg.query.sparql import bind_params, load_query, run_query
    from genai_kg.query.syntax import in_query_order, shortener

    cap = _size(max_memory)
    named = load_query(query, sys.stdin.read() if query == "-" else None)
    if endpoint is not None:
        from genai_kg.query.remote import query_endpoint
        from genai_kg.query.syntax import unknown_prefix_message

        remote_graph = None if graph == "default" else graph

        def ask(text: str) -> Any:
            return query_endpoint(endpoint, text, timeout=timeout, default_graph=remote_graph)

        bindings = bind_params(named, _params(param), _names_in_graph(ask))
        unknown = unknown_prefix_message(named.text)
        if unknown:
            raise QueryError(unknown)
        # query_endpoint declares the graph's prefixes on the query's first line, so the line
        # numbers of a syntax error stay the user's.
        result = query_endpoint(
            endpoint, named.text, bindings, timeout=timeout, limit=limit, default_graph=remote_graph
        )
        if result.kind == "select":
            result.variables, result.rows = in_query_order(
                named.text, result.variables, result.rows
            )
    else:
        from genai_kg.store.database import open_store

        graph_store = open_store(_data_dir(data), store)
        bindings = bind_params(
            named, _params(param), _names_in_graph(lambda text: run_query(graph_store, text))
        )
        result = run_query(
            graph_store,
            named.text,
            bindings,
            limit=limit,
            timeout=timeout,
            on_timeout=lambda: _leave(f"the query did not finish within {timeout:g} s (--timeout)"),
            max_memory=cap,
            on_memory=lambda: _leave(
                f"the query needed more than {max_memory} of memory (--max-memory); it was stopped"
            ),
        )
        _note_missing_imports(named.needs, graph_store)
    typer.echo(format_result(result, fmt.value, shortener(named.text)))
    if result.truncated:
        typer.echo(f"note: the result was cut at {limit:,} rows (--limit)", err=True)


def _names_in_graph(ask: Callable[[str], Any]) -> Callable[[str, str], str]:
    """Resolve a parameter's value among the labels of the graph the query runs on.

    The names are the entities' ``skos:prefLabel`` and ``skos:altLabel``: the dataset's
    names and aliases, so a value resolves as every other command resolves it (by id, name
    or alias, any case, with the closest names suggested), locally or on an endpoint.
    """

    def resolve_name(kind: str, value: str) -> str:
        from genai_kg.dataset.resolve import resolve
        from genai_kg.graph.namespaces import ID_BASE

        base = f"{ID_BASE}{kind}/"
        text = (
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?entity ?label ?rank WHERE {\n"
            "  { ?entity skos:prefLabel ?label BIND(0 AS ?rank) }\n"
            "  UNION { ?entity skos:altLabel ?label BIND(1 AS ?rank) }\n"
            f'  FILTER(STRSTARTS(STR(?entity), "{base}"))\n'
            "} ORDER BY ?entity ?rank ?label"
        )
        index: dict[str, list[str]] = {}
        for entity, label, _ in ask(text).rows:
            entity_id = entity.value[len(base) :]
            if "/" not in entity_id and "#" not in entity_id:
                index.setdefault(entity_id, []).append(label.value)
        return resolve({f"{kind}s": index}, value)[1]

    return resolve_name


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")
    ] = 7878,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.01, help="Seconds per query.")
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Result cap per query.")
    ] = 10_000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Query processes.")] = 2,
    max_memory: Annotated[
        str,
        typer.Option(
            "--max-memory",
            help="Stop a query once its worker holds more memory than this (e.g. 512M, 2G).",
        ),
    ] = "1G",
    cors: Annotated[
        str | None, typer.Option("--cors", help="Allow browsers from this origin (off by default).")
    ] = None,
    max_connections: Annotated[
        int,
        typer.Option("--limit-concurrency", min=1, help="Connections at once (past it: 503)."),
    ] = 256,
    request_timeout: Annotated[
        float,
        typer.Option("--request-timeout", min=0.1, help="Seconds a client has to send a request."),
    ] = 10.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No access log.")] = False,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """Serve the web explorer at / and a read-only SPARQL 1.1 endpoint at /sparql.

    With --endpoint, answer from that store (the graph push wrote) and forward /sparql
    queries to it after the same checks: any number of servers can share one store.
    """
    from genai_kg.store.database import open_store, store_dir
    from genai_kg.web.app import ServerSettings
    from genai_kg.web.server import bind
    from genai_kg.web.server import serve as serve_app

    cap = _size(max_memory)
    data_dir = _data_dir(data)
    remote = _remote(endpoint, graph)
    if remote is None:
        open_store(data_dir, store)  # refresh the store before the workers open it read-only
    else:
        remote.built(remote.state())  # fail now, not at the first visitor, if it is not there
    settings = ServerSettings(
        endpoint=endpoint,
        graph=graph,
        store_path=store_dir(data_dir, store) / "oxigraph",
        data_dir=data_dir,
        store=store,
        timeout=timeout,
        max_rows=max_rows,
        max_memory=cap,
        workers=workers,
        cors_origin=cors,
        max_connections=max_connections,
        request_timeout=request_timeout,
        quiet=quiet,
    )
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc}") from None

    def announce(url: str) -> None:
        typer.echo(
            f"genai-kg: web explorer at {url} , SPARQL endpoint at {url}sparql (Ctrl-C stops)",
            err=True,
        )

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the server is stopped
        serve_app(sock, settings, announce)
    typer.echo("stopped", err=True)


@app.command()
@reports_errors
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint", help="The store's Graph Store Protocol URL (e.g. http://host:7878/store)."
        ),
    ],
    graph: Annotated[
        str,
        typer.Option(
            "--graph",
            help="The named graph to replace. Default: the curated graph (above).",
            show_default=False,  # an IRI longer than the column would be cut off
        ),
    ] = "https://w3id.org/genai-kg/graph/curated",
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds for the upload.")
    ] = 60.0,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Replace a named graph on a remote store with the built graph (one atomic PUT).

    Without --graph the graph replaced is https://w3id.org/genai-kg/graph/curated, where
    genai-kg keeps the curated data.
    """
    from genai_kg.graph.build import build_dataset
    from genai_kg.graph.export import to_oxigraph
    from genai_kg.query.remote import push_graph

    built = build_dataset(_data_dir(data))
    triples = to_oxigraph(built.graph)
    status = push_graph(endpoint, graph, (f"{t} .\n".encode() for t in triples), timeout=timeout)
    typer.echo(f"pushed {len(triples):,} triples to <{graph}> at {endpoint} (HTTP {status})")


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _size(text: str) -> int:
    """Read a size such as ``512M`` or ``1G`` (bytes when bare); a usage error otherwise."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if not match or float(match[1]) <= 0:
        raise typer.BadParameter(
            f"{text!r} is not a size such as 512M or 1G", param_hint="--max-memory"
        )
    return int(float(match[1]) * _UNITS[match[2]])


def _leave(message: str) -> None:
    """Exit at once with ``Error: message``: pyoxigraph cannot stop a query it is evaluating."""
    typer.echo(f"Error: {message}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


def _note_missing_imports(needs: tuple[str, ...], graph_store: Any) -> None:
    from genai_kg.store.database import imported_sources

    present = imported_sources(graph_store)
    for source in needs:
        if source not in present:
            typer.echo(
                f"note: this query reads the {source} import, which the store lacks; "
                f"run `genai-kg import {source} PATH` first",
                err=True,
            )
