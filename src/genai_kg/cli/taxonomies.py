"""The import command: official releases into named graphs of the store."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import (
    DataOption,
    StoreOption,
    _data_dir,
    _warn,
    app,
    reports_errors,
)


class ImportSource(StrEnum):
    ESCO = "esco"
    ONET = "onet"
    OEWS = "oews"


def _progress_printer() -> Callable[[str, int, int], None]:
    """Return a progress callback: a one-line counter on a terminal, silence when piped."""
    if not sys.stderr.isatty():
        from genai_kg.progress import no_progress

        return no_progress

    def show(stage: str, done: int, total: int) -> None:
        if not done and not total:
            sys.stderr.write(f"\r\x1b[K  {stage} ...")
            sys.stderr.flush()
            return
        if total:
            filled = min(20, 20 * done // total)
            amount = f"[{'#' * filled}{'.' * (20 - filled)}] {done:,}/{total:,} rows"
        else:
            amount = f"{done:,} rows"
        sys.stderr.write(f"\r\x1b[K  {stage}: {amount}")
        sys.stderr.flush()

    return show


@app.command("import")
@reports_errors
def import_(
    source: Annotated[ImportSource, typer.Argument(help="Which release: esco, onet or oews.")],
    release: Annotated[
        Path, typer.Argument(help="The official release: its zip(s) or the folder they unpack to.")
    ],
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Import an official release into its own named graph of the store (replacing it)."""
    import importlib
    import time

    from genai_kg.store.database import import_graph, store_dir

    module = importlib.import_module(f"genai_kg.importers.{source.value}")
    read = getattr(module, f"read_{source.value}")
    data_dir = _data_dir(data)
    started = time.perf_counter()
    progress = _progress_printer()
    result = read(release, progress)
    folder = store_dir(data_dir, store)
    loaded = import_graph(data_dir, folder, result.graph, result.triples, progress)
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    elapsed = time.perf_counter() - started
    summary = f"{loaded:,} triples in {elapsed:.1f} s"
    typer.echo(f"imported {source.value} into <{result.graph}>: {summary}")
    for name, count in result.counts.items():
        typer.echo(f"  read {count:,} {name}")
    for name, count in result.skipped.items():
        typer.echo(f"  skipped {count:,} {name}")
    _warn([f"warning: {warning}" for warning in result.warnings])
