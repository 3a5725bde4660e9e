"""Skills from text: ``skills FILE`` and the ``--from-text FILE`` option of path, gap, next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from . import (
    DataOption,
    EndpointOption,
    GraphOption,
    OutputFormat,
    StoreOption,
    _data_dir,
    _print_json,
    _remote,
    app,
    reports_errors,
)

FromTextOption = Annotated[
    Path | None,
    typer.Option(
        "--from-text",
        help="A CV or job ad (UTF-8 text, - for stdin): the skills it names are held too.",
        dir_okay=False,
    ),
]


def _read(file: Path) -> tuple[str, str]:
    """The text of ``file`` (``-``: standard input) and the name to show for it."""
    from genai_kg.mentions.find import decode_text, read_text

    if str(file) == "-":
        import sys

        return decode_text(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
    return read_text(file), str(file)


def _matcher(
    data: Path | None, store: Path | None, endpoint: str | None, graph: str | None
) -> Any:
    """The matcher of the embedded store, or of the curated graph on ``endpoint``."""
    from genai_kg.mentions.index import graph_matcher, open_matcher

    remote = _remote(endpoint, graph, data)
    if remote is None:
        return open_matcher(_data_dir(data), store)
    from genai_kg.graph.export import to_oxigraph

    state = remote.state()
    return graph_matcher(to_oxigraph(remote.built(state).graph), remote.folder, state)


def skills_in_text(
    file: Path | None,
    data: Path | None,
    store: Path | None,
    endpoint: str | None = None,
    graph: str | None = None,
) -> tuple[str, ...]:
    """The curated skill ids the text at ``file`` names (none without a file)."""
    if file is None:
        return ()
    from genai_kg.mentions.find import text_skills

    text, _ = _read(file)
    return tuple(text_skills(_matcher(data, store, endpoint, graph), text))


@app.command()
@reports_errors
def skills(
    file: Annotated[
        Path, typer.Argument(help="A CV or job ad, UTF-8 text; - for stdin.", dir_okay=False)
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """The skills a text names: curated names and aliases, and ESCO labels once imported.

    With --endpoint, the curated skills of the graph on that store (taxonomies stay local).
    """
    from genai_kg.mentions.find import find_skills

    text, name = _read(file)
    answer = find_skills(_matcher(data, store, endpoint, graph), text, name)
    if fmt is OutputFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.mentions.find import skills_table

    typer.echo(skills_table(answer))
