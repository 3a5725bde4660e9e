"""Time the Turtle export of the whole store (``genai-kg export -f turtle --with-imports``).

Run: .venv/bin/python bench/bench_export.py [--runs 5] [--append]

Builds two stores from the real releases in ../shared/datasets (curated + ESCO, the issue's
import scenario; and curated + ESCO + O*NET + OEWS) with ``import_graph``, which writes the
Turtle snapshots of the large graphs. Then times, interleaved in each run:

- baseline: ``export.store_file`` reading every graph out of the database (no snapshots);
- in-process: ``export.store_file`` with the store's usable snapshots (checks included);
- CLI: a fresh ``genai-kg export`` process writing the file, end to end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from benchlib import append_section  # noqa: E402 -- bench/ is on sys.path as a script

from genai_kg.graph.export import ExportFormat, store_file
from genai_kg.importers.esco import read_esco
from genai_kg.importers.oews import read_oews
from genai_kg.importers.onet import read_onet
from genai_kg.paths import bundled
from genai_kg.store.database import ensure_curated, import_graph
from genai_kg.store.replace import snapshot_folder
from genai_kg.store.snapshots import usable_snapshots

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parent.parent / "shared" / "datasets"
CLI = str(Path(sys.executable).parent / "genai-kg")


def build(folder: Path, full: bool) -> int:
    data = bundled("data")
    ensure_curated(data, folder)
    releases = [(read_esco, "esco-v1.1.1")]
    if full:
        releases += [(read_onet, "onet-29.2"), (read_oews, "oews-2025")]
    for read, name in releases:
        result = read(DATASETS / name)
        import_graph(data, folder, result.graph, result.triples)
    return len(ox.Store.read_only(str(folder / "oxigraph")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--append", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    if not DATASETS.is_dir():
        sys.exit(f"the releases are not in {DATASETS}")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for label, full in (("curated + ESCO", False), ("curated + ESCO + O*NET + OEWS", True)):
            folder = Path(scratch) / ("full" if full else "esco")
            triples = build(folder, full)
            database = (folder / "oxigraph").resolve()
            store = ox.Store.read_only(str(database))
            snapshots_folder = snapshot_folder(database)
            baseline, inside, outside, size = [], [], [], 0
            for run in range(args.runs):
                started = time.perf_counter()
                plain = store_file(store, ExportFormat.TURTLE)["genai-kg.ttl"]
                baseline.append(time.perf_counter() - started)
                started = time.perf_counter()
                snapshots = usable_snapshots(snapshots_folder, store)
                copied = store_file(store, ExportFormat.TURTLE, snapshots)["genai-kg.ttl"]
                inside.append(time.perf_counter() - started)
                if copied != plain:
                    sys.exit(f"{label}: the export from snapshots differs from the database's")
                size = len(copied)
                target = Path(scratch) / f"out-{run}.ttl"
                started = time.perf_counter()
                subprocess.run(
                    [CLI, "export", "-f", "turtle", "--with-imports", "--store", str(folder),
                     "-o", str(target)],
                    check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                outside.append(time.perf_counter() - started)
                if target.read_bytes() != plain:
                    sys.exit(f"{label}: the CLI's export differs from the database's")
                target.unlink()
            rows.append(
                f"| {label} | {triples:,} | {size / 1e6:.0f} MB | {len(snapshots)} | "
                f"{statistics.median(baseline):.2f} | {statistics.median(inside):.2f} | "
                f"{statistics.median(outside):.2f} |"
            )
    report = "\n".join(
        [
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
            f"Python {sys.version.split()[0]}, pyoxigraph {ox.__version__}; "
            f"`bench/bench_export.py --runs {args.runs}`, medians.",
            "",
            "| store | triples | Turtle | snapshots | baseline: read from the database s "
            "| in-process s | CLI end to end s |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    print(report)
    if args.append:
        append_section("## Turtle export of the whole store", report)


if __name__ == "__main__":
    main()
