"""Commands on the graph itself: validate, build, export, list, show."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import (
    DataOption,
    EndpointOption,
    GraphOption,
    OutputFormat,
    StoreOption,
    _built,
    _data_dir,
    _print_json,
    _warn,
    app,
    reports_errors,
)


@app.command()
@reports_errors
def validate(data: DataOption = None, store: StoreOption = None) -> None:
    """Check the dataset: YAML, schema, references and SHACL shapes; list every problem.

    When ESCO or O*NET is imported into the store, also check that every `match` link
    points at a concept the release has.
    """
    from genai_kg.dataset.coverage import catalog_coverage
    from genai_kg.errors import DataError
    from genai_kg.graph.build import build_dataset, counts
    from genai_kg.store.database import open_store, store_dir
    from genai_kg.store.links import check_matches
    from genai_kg.store.replace import LIVE

    data_dir = _data_dir(data)
    built = build_dataset(data_dir)
    _warn(built.warnings)
    summary = ", ".join(f"{value} {key}" for key, value in counts(built).items())
    if (store_dir(data_dir, store) / LIVE).is_dir():
        problems, checked = check_matches(built.dataset, open_store(data_dir, store, built))
        if problems:
            raise DataError(problems)
        if checked:
            links = ", ".join(f"{count} {scheme}" for scheme, count in checked.items())
            summary += f"; taxonomy links checked against the imports: {links}"
    typer.echo(f"ok: {summary}")
    typer.echo(catalog_coverage(built.dataset).summary())


@app.command()
@reports_errors
def build(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write into.", file_okay=False)
    ] = Path("build"),
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Validate, then write genai-kg.ttl, .nt, .jsonld, .graphml and manifest.json.

    Also brings the store's curated graph up to date, for sparql, serve and show.
    """
    from genai_kg.graph.build import build_dataset, write_build
    from genai_kg.store.database import ensure_curated, store_dir

    data_dir = _data_dir(data)
    built = build_dataset(data_dir)
    _warn(built.warnings)
    manifest = write_build(built, out)
    ensure_curated(data_dir, store_dir(data_dir, store), built)
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
    with_imports: Annotated[
        bool,
        typer.Option(
            "--with-imports",
            help="Export the whole store (curated graph and imports) as one graph; RDF formats.",
        ),
    ] = False,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Export the graph for other tools (Gephi, Cytoscape, Neo4j, RDF stores)."""
    from genai_kg.graph.export import (
        RDF_FORMATS,
        ExportFormat,
        export_files,
        store_file,
    )
    from genai_kg.paths import atomic_write

    try:
        chosen = ExportFormat(fmt.lower())
    except ValueError:
        names = ", ".join(member.value for member in ExportFormat)
        raise typer.BadParameter(f"{fmt!r} is not one of {names}", param_hint="--format") from None
    if with_imports:
        if chosen not in RDF_FORMATS:
            raise typer.BadParameter(
                "--with-imports writes RDF: turtle, ntriples, jsonld or rdfxml",
                param_hint="--format",
            )
        from genai_kg.store.database import open_with_snapshots

        database, snapshots = open_with_snapshots(_data_dir(data), store)
        files = store_file(database, chosen, snapshots)
    else:
        from genai_kg.graph.build import build_dataset

        files = export_files(build_dataset(_data_dir(data), shacl=False).graph, chosen)
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
        str,
        typer.Argument(help="roles, skills, tools, providers, courses, sources or queries."),
    ],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """List every entity of one kind, in id order."""
    from genai_kg.query.describe import list_rows

    if kind.lower().removesuffix("s") == "querie" or kind.lower() == "query":
        _list_queries(fmt)
        return
    table = KIND_NAMES.get(kind.lower().removesuffix("s"))
    if table is None:
        kinds = ", ".join([*KIND_NAMES.values(), "queries"])
        raise typer.BadParameter(f"{kind!r} is not one of {kinds}")
    headers, rows = list_rows(_built(data, endpoint, graph).dataset, table)
    if fmt is OutputFormat.JSON:
        _print_json([dict(zip(headers, row, strict=True)) for row in rows])
    else:
        from genai_kg.render import format_table

        typer.echo(format_table(headers, rows))


def _list_queries(fmt: OutputFormat) -> None:
    from genai_kg.query.sparql import list_queries

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
    from genai_kg.render import format_table

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
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """Show one entity with its values and its links in both directions.

    For a role, once ESCO, O*NET or OEWS is imported, also its official counterparts and
    the BLS wage percentiles beside its curated salary figures.
    """
    from genai_kg.dataset.resolve import dataset_names, resolve
    from genai_kg.query.describe import counterparts, describe, format_description
    from genai_kg.store.database import open_store, store_dir
    from genai_kg.store.replace import LIVE

    data_dir = _data_dir(data)
    built = _built(data, endpoint, graph)
    kind, entity_id = resolve(dataset_names(built.dataset, KIND_NAMES.values()), name)
    description = describe(built, kind, entity_id)
    # The imports live in the embedded store only (push writes the curated graph).
    if endpoint is None and kind == "roles" and (store_dir(data_dir, store) / LIVE).is_dir():
        found = counterparts(open_store(data_dir, store, built), entity_id)
        if found:
            description["counterparts"] = found
    if fmt is OutputFormat.JSON:
        _print_json(description)
    else:
        typer.echo(format_description(description))
