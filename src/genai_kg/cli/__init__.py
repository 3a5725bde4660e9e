"""The ``genai-kg`` command line: parse, call one library function, print.

One module per group of commands: ``graph`` (validate, build, export, list, show),
``plan`` (path, gap, next), ``mentions`` (skills), ``query`` (sparql, serve, push) and
``taxonomies`` (import).

Heavy libraries (rdflib, networkx, pyshacl, highspy) are imported inside the commands
that need them, so that ``--help`` and the planner start fast.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand

from genai_kg.errors import GenaiKgError


def reflow(help_text: str) -> str:
    r"""Return help text with each paragraph on one line, for the terminal to wrap.

    Typer's rich help keeps the docstring's line breaks after the first paragraph, so a
    terminal narrower or wider than the source breaks lines mid-sentence. A paragraph that
    opens with ``\b`` keeps its lines (click's convention).

    >>> reflow("Do a thing.\n\n    More about\n    it.\n\n    \b\n    a\n    b")
    'Do a thing.\n\nMore about it.\n\na\nb'
    """
    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    return "\n\n".join(
        paragraph.removeprefix("\b\n")
        if paragraph.startswith("\b")
        else " ".join(line.strip() for line in paragraph.splitlines())
        for paragraph in paragraphs
    )


class Command(TyperCommand):
    """A Typer command whose usage line names arguments as click does (``START GOAL``, not
    typer's ``{start} {goal}``) and whose help paragraphs wrap to the terminal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            self.help = reflow(self.help)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").upper()
                name += "..." if param.nargs != 1 else ""
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class Typer(typer.Typer):
    """``typer.Typer`` whose commands are ``Command`` unless told otherwise."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


app = Typer(
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

EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="Answer from this SPARQL 1.1 query endpoint (a store `push` filled, e.g. "
        "http://host:7878/query) instead of the data.",
        show_default=False,
    ),
]
GraphOption = Annotated[
    str | None,
    typer.Option(
        "--graph",
        help="With --endpoint: the named graph to read. "
        "[default: https://w3id.org/genai-kg/graph/curated, the one push writes]",
        show_default=False,
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
    from genai_kg.paths import bundled

    return data if data is not None else bundled("data")


def _remote(endpoint: str | None, graph: str | None, data: Path | None = None) -> Any:
    """The remote graph ``--endpoint`` and ``--graph`` name (``query.source.RemoteGraph``),
    or None for the embedded store (where ``--graph`` is a usage error). ``data`` is the
    ``--data`` of a command that reads the curated data from one place only: with an
    endpoint it would be silently ignored, so it is a usage error too."""
    if endpoint is None:
        if graph is not None:
            raise typer.BadParameter("--graph goes with --endpoint", param_hint="--graph")
        return None
    if data is not None:
        raise typer.BadParameter(
            "not with --endpoint (the curated data is then the graph on the endpoint)",
            param_hint="--data",
        )
    from genai_kg.query.source import RemoteGraph

    return RemoteGraph(endpoint) if graph is None else RemoteGraph(endpoint, graph)


def _catalog(
    data: Path | None, store: Path | None, endpoint: str | None = None, graph: str | None = None
) -> Any:
    """The planner's catalog: of the data (embedded store), or of the graph on ``endpoint``."""
    from genai_kg.plan.catalog import cached_catalog, open_catalog

    remote = _remote(endpoint, graph, data)
    if remote is None:
        return open_catalog(_data_dir(data), store)
    state = remote.state()
    return cached_catalog(remote.folder / "catalog.json", state, lambda: remote.dataset(state))


def _built(data: Path | None, endpoint: str | None = None, graph: str | None = None) -> Any:
    """The checked dataset and its graph (``graph.build.Built``): of the data, or remote."""
    remote = _remote(endpoint, graph, data)
    if remote is None:
        from genai_kg.graph.build import build_dataset

        return build_dataset(_data_dir(data), shacl=False)
    return remote.built(remote.state())


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(warning, err=True)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


# The command modules register their commands on ``app`` when imported.
from . import graph, mentions, plan, query, taxonomies  # noqa: E402

__all__ = ["app", "graph", "mentions", "plan", "query", "taxonomies"]
