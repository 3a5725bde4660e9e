"""The ``genai-kg`` command line: parse, call one library function, print.

Heavy libraries (rdflib, networkx, pyshacl, highspy) are imported inside the commands
that need them, so that ``--help`` and the planner start fast.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from .errors import GenaiKgError

app = typer.Typer(
    name="genai-kg",
    help="Build, check, query and export the Generative-AI careers knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Dataset folder (sources.yaml ... courses.yaml). Default: the bundled data/.",
        file_okay=False,
    ),
]
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Folder of the embedded store built from the data. Default: under the user's cache.",
        file_okay=False,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn genai-kg's own errors into ``Error: ...`` on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GenaiKgError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _data_dir(data: Path | None) -> Path:
    from .paths import bundled

    return data if data is not None else bundled("data")


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(warning, err=True)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


@app.command()
@reports_errors
def validate(data: DataOption = None, store: StoreOption = None) -> None:
    """Check the dataset: YAML, schema, references and SHACL shapes; list every problem."""
    from .build import build_dataset, counts

    built = build_dataset(_data_dir(data))
    _warn(built.warnings)
    summary = ", ".join(f"{value} {key}" for key, value in counts(built).items())
    typer.echo(f"ok: {summary}")


@app.command()
@reports_errors
def build(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write into.", file_okay=False)
    ] = Path("build"),
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Validate, then write genai-kg.ttl, .nt, .jsonld, .graphml and manifest.json."""
    from .build import build_dataset, write_build

    built = build_dataset(_data_dir(data))
    _warn(built.warnings)
    manifest = write_build(built, out)
    counted = manifest["counts"]
    assert isinstance(counted, dict)
    typer.echo(f"built {out}/: " + ", ".join(f"{value} {key}" for key, value in counted.items()))
    files = manifest["files"]
    assert isinstance(files, dict)
    for name, info in files.items():
        typer.echo(f"  {name}  {info['bytes']:,} bytes  sha256 {info['sha256'][:16]}")


@app.command()
@reports_errors
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="turtle, ntriples, jsonld, rdfxml, graphml, gexf, csv, dot."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File to write (a folder for csv). Default: stdout."),
    ] = None,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Export the graph for other tools (Gephi, Cytoscape, Neo4j, RDF stores)."""
    from .build import build_dataset
    from .export import ExportFormat, atomic_write, export_files

    try:
        chosen = ExportFormat(fmt.lower())
    except ValueError:
        names = ", ".join(member.value for member in ExportFormat)
        raise typer.BadParameter(f"{fmt!r} is not one of {names}", param_hint="--format") from None
    built = build_dataset(_data_dir(data), shacl=False)
    files = export_files(built.graph, chosen)
    if output is None:
        if len(files) > 1:
            raise typer.BadParameter("csv writes two files: give a folder with -o", param_hint="-o")
        sys.stdout.buffer.write(next(iter(files.values())))
        return
    if chosen is ExportFormat.CSV:
        for name, payload in files.items():
            atomic_write(output / name, payload)
        typer.echo(f"wrote {', '.join(str(output / name) for name in files)}", err=True)
    else:
        atomic_write(output, next(iter(files.values())))
        typer.echo(f"wrote {output}", err=True)


KIND_NAMES = {
    "role": "roles",
    "skill": "skills",
    "tool": "tools",
    "provider": "providers",
    "course": "courses",
    "source": "sources",
}


@app.command("list")
@reports_errors
def list_(
    kind: Annotated[
        str, typer.Argument(help="roles, skills, tools, providers, courses or sources.")
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """List every entity of one kind."""
    from .build import build_dataset
    from .describe import list_rows

    if kind.lower().removesuffix("s") == "querie" or kind.lower() == "query":
        _list_queries(fmt)
        return
    table = KIND_NAMES.get(kind.lower().removesuffix("s"))
    if table is None:
        kinds = ", ".join([*KIND_NAMES.values(), "queries"])
        raise typer.BadParameter(f"{kind!r} is not one of {kinds}")
    built = build_dataset(_data_dir(data), shacl=False)
    headers, rows = list_rows(built.dataset, table)
    if fmt is OutputFormat.JSON:
        _print_json([dict(zip(headers, row, strict=True)) for row in rows])
    else:
        from .render import format_table

        typer.echo(format_table(headers, rows))


def _list_queries(fmt: OutputFormat) -> None:
    from .sparql import list_queries

    queries = list_queries()
    if fmt is OutputFormat.JSON:
        _print_json(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "params": [p.__dict__ for p in q.params],
                }
                for q in queries
            ]
        )
        return
    from .render import format_table

    rows = [
        [q.name, q.title, ", ".join(f"{p.name}={p.default}" for p in q.params)] for q in queries
    ]
    typer.echo(format_table(["name", "title", "params (defaults)"], rows))


@app.command()
@reports_errors
def show(
    name: Annotated[str, typer.Argument(help="An id, name or alias (any case).")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Show one entity with its values and its links in both directions."""
    from .build import build_dataset
    from .describe import describe, format_description
    from .resolve import dataset_names, resolve

    built = build_dataset(_data_dir(data), shacl=False)
    kind, entity_id = resolve(dataset_names(built.dataset, KIND_NAMES.values()), name)
    description = describe(built, kind, entity_id)
    if fmt is OutputFormat.JSON:
        _print_json(description)
    else:
        typer.echo(format_description(description))


class PlanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MERMAID = "mermaid"


class LevelChoice(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class MeasureChoice(StrEnum):
    COURSES = "courses"
    HOURS = "hours"
    COST = "cost"


FromArgument = Annotated[
    str, typer.Argument(help="The role the learner has now (id, name or alias).")
]
ToArgument = Annotated[str, typer.Argument(help="The role the learner wants.")]
ByOption = Annotated[
    MeasureChoice,
    typer.Option("--by", help="What to minimise; ties break on the other two, then course id."),
]
HaveOption = Annotated[
    list[str] | None,
    typer.Option("--have", help="A skill the learner already has (repeatable)."),
]
OptionalOption = Annotated[
    bool, typer.Option("--with-optional", help="Aim for the goal role's optional skills too.")
]


def _catalog(data: Path | None, store: Path | None) -> Any:
    from .store import open_catalog

    return open_catalog(_data_dir(data), store)


@app.command()
@reports_errors
def path(
    start: FromArgument,
    goal: ToArgument,
    by: ByOption = MeasureChoice.COURSES,
    have: HaveOption = None,
    with_optional: OptionalOption = False,
    provider: Annotated[
        list[str] | None,
        typer.Option("--provider", help="Only courses on this platform (repeatable)."),
    ] = None,
    max_level: Annotated[
        LevelChoice | None, typer.Option("--max-level", help="Leave out harder courses.")
    ] = None,
    free: Annotated[bool, typer.Option("--free", help="Only courses known to be free.")] = False,
    alternatives: Annotated[
        int,
        typer.Option("--alternatives", "-k", min=0, max=20, help="Also show up to K more plans."),
    ] = 0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.01, help="Seconds the solver may spend.")
    ] = 10.0,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """The optimal course sequence from one role to another (fewest courses, hours or dollars)."""
    from .advise import Request, plan_between
    from .planner import Measure

    catalog = _catalog(data, store)
    request = Request(
        start=start,
        goal=goal,
        by=Measure(by.value),
        have=have or (),
        with_optional=with_optional,
        providers=provider or (),
        max_level=max_level.value if max_level else None,
        free=free,
        alternatives=alternatives,
        time_limit=time_limit,
    )
    answer = plan_between(catalog, request)
    if fmt is PlanFormat.JSON:
        _print_json(answer)
        return
    from .plan_text import plan_mermaid, plan_table

    typer.echo(
        plan_mermaid(catalog, answer) if fmt is PlanFormat.MERMAID else plan_table(catalog, answer)
    )


@app.command()
@reports_errors
def gap(
    start: FromArgument,
    goal: ToArgument,
    have: HaveOption = None,
    with_optional: OptionalOption = False,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """The goal role's skills the learner has, lacks, and which of those courses teach."""
    from .advise import Request, skill_gap

    catalog = _catalog(data, store)
    answer = skill_gap(
        catalog, Request(start=start, goal=goal, have=have or (), with_optional=with_optional)
    )
    if fmt is PlanFormat.JSON:
        _print_json(answer)
        return
    from .plan_text import gap_text

    typer.echo(gap_text(catalog, answer, mermaid=fmt is PlanFormat.MERMAID))


@app.command("next")
@reports_errors
def next_(
    role: Annotated[str, typer.Argument(help="The role the learner has now.")],
    by: ByOption = MeasureChoice.COURSES,
    have: HaveOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Roles reachable from ROLE, ranked by their optimal plan, with the salary change."""
    from .advise import Request, next_roles
    from .planner import Measure

    catalog = _catalog(data, store)
    answer = next_roles(
        catalog, Request(start=role, goal=role, by=Measure(by.value), have=have or ())
    )
    if fmt is OutputFormat.JSON:
        _print_json(answer)
        return
    from .plan_text import next_table

    typer.echo(next_table(answer))


class ResultFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"


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
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the local store."
        ),
    ] = None,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query on the graph (named, from a file, or stdin)."""
    from .errors import QueryTimeout
    from .results import format_result
    from .sparql import bind_params, load_query, run_query

    named = load_query(query, sys.stdin.read() if query == "-" else None)
    bindings = bind_params(named, _params(param))
    try:
        if endpoint is not None:
            from .remote import query_endpoint

            result = query_endpoint(endpoint, named.text, bindings, timeout=timeout, limit=limit)
        else:
            from .store import open_store

            graph_store = open_store(_data_dir(data), store)
            result = run_query(graph_store, named.text, bindings, limit=limit, timeout=timeout)
    except QueryTimeout as exc:
        # The query's worker thread cannot be cancelled: leave at once rather than wait for it.
        typer.echo(f"Error: {exc}", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
    typer.echo(format_result(result, fmt.value))
    if result.truncated:
        typer.echo(f"note: the result was cut at {limit:,} rows (--limit)", err=True)


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
    cors: Annotated[
        str | None, typer.Option("--cors", help="Allow browsers from this origin (off by default).")
    ] = None,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint at /sparql (GET and POST)."""
    from .server import ServerSettings, make_server, serve_forever
    from .store import open_store, store_dir

    data_dir = _data_dir(data)
    open_store(data_dir, store)  # refresh the store before the workers open it read-only
    settings = ServerSettings(
        store_path=store_dir(data_dir, store) / "oxigraph",
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors_origin=cors,
    )
    try:
        server, pool = make_server(host, port, settings)
    except OSError as exc:
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc}") from None
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    bound_port = server.server_address[1]
    typer.echo(
        f"genai-kg: SPARQL endpoint at http://{host}:{bound_port}/sparql (Ctrl-C stops)",
        err=True,
    )
    try:
        serve_forever(server, pool)
    except KeyboardInterrupt:
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
        str, typer.Option("--graph", help="The named graph to replace.")
    ] = "https://w3id.org/genai-kg/graph/curated",
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds for the upload.")
    ] = 60.0,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Replace a named graph on a remote store with the built graph (one atomic PUT)."""
    from .build import build_dataset
    from .export import to_oxigraph
    from .remote import push_graph

    built = build_dataset(_data_dir(data))
    triples = to_oxigraph(built.graph)
    status = push_graph(endpoint, graph, (f"{t} .\n".encode() for t in triples), timeout=timeout)
    typer.echo(f"pushed {len(triples):,} triples to <{graph}> at {endpoint} (HTTP {status})")
