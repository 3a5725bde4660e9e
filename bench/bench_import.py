"""Benchmark the importers end to end against pyoxigraph's own bulk loader.

Run: ``.venv/bin/python bench/bench_import.py esco`` (``--runs N``, ``--no-write`` to leave
bench/RESULTS.md alone). For each release it times, in a fresh child process each run:

- the import: ``read_<source>`` streamed through ``genai_kg.store.import_graph`` into a fresh
  on-disk pyoxigraph store, flushed, its Turtle snapshot written (what ``genai-kg import``
  does, without the CLI);
- the baseline: ``Store.bulk_load(path=..., format=N_TRIPLES, to_graph=...)`` of the N-Triples
  the import produced (written once to a temporary file beforehand), flushed.

It reports the median wall time of the runs, the peak RSS of each child (``VmHWM``), and the
ratio, then appends them with the machine and the command to bench/RESULTS.md under
"## ESCO import" (one section per source).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATASETS = ROOT.parent / "shared" / "datasets"

#: source -> (release path, reader "module:function", RESULTS.md section, targets)
SOURCES = {
    "esco": (
        DATASETS / "esco-v1.1.1",
        "genai_kg.importers.esco:read_esco",
        "## ESCO import",
        {"ratio": 4.0, "seconds": 10.0, "rss_mb": 800.0},
    ),
}


def _reader(spec: str):  # type: ignore[no-untyped-def]
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(source: str, store_dir: str) -> dict[str, float]:
    """In a child: import ``source`` into a fresh store folder, as ``genai-kg import`` does.

    The store's curated graph is built before the clock starts; the time is the release
    read, streamed into a new database, snapshotted and switched live
    (``genai_kg.store.import_graph``).
    """
    from pathlib import Path

    from genai_kg.paths import bundled
    from genai_kg.store.database import ensure_curated, import_graph

    folder = Path(store_dir)
    ensure_curated(bundled("data"), folder)
    release, spec, _, _ = SOURCES[source]
    started = time.perf_counter()
    result = _reader(spec)(release)
    count = import_graph(bundled("data"), folder, result.graph, result.triples)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": count, "rss_mb": _peak_rss_mb()}


def child_bulk(source: str, store_dir: str, ntriples: str) -> dict[str, float]:
    """In a child: bulk-load the N-Triples file into a fresh store at ``store_dir``."""
    import pyoxigraph as ox

    from genai_kg.graph.namespaces import GRAPH_BASE

    started = time.perf_counter()
    store = ox.Store(store_dir)
    store.bulk_load(
        path=ntriples,
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode(GRAPH_BASE + source),
    )
    store.flush()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": len(store), "rss_mb": _peak_rss_mb()}


def write_ntriples(source: str, path: Path) -> int:
    """Write the triples of the import to ``path`` as N-Triples; return their number."""
    import pyoxigraph as ox

    release, spec, _, _ = SOURCES[source]
    triples = [ox.Triple(s, p, o) for s, p, o in _reader(spec)(release).triples]
    ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
    return len(triples)


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(source: str, runs: int) -> tuple[str, list[str]]:
    """Run the benchmark of ``source``; return its markdown table and missed targets."""
    release, _, _, targets = SOURCES[source]
    if not release.exists():
        raise SystemExit(f"{release} is absent: nothing to benchmark")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        ntriples = Path(tmp) / f"{source}.nt"
        count = write_ntriples(source, ntriples)
        size_mb = ntriples.stat().st_size / 1e6
        print(f"{source}: {count:,} triples, {size_mb:.0f} MB of N-Triples", file=sys.stderr)
        imports, bulks = [], []
        for k in range(runs):
            imports.append(run_child("import", source, f"{tmp}/import-{k}"))
            bulks.append(run_child("bulk", source, f"{tmp}/bulk-{k}", str(ntriples)))
            print(
                f"  run {k + 1}: import {imports[-1]['seconds']:.2f} s "
                f"{imports[-1]['rss_mb']:.0f} MB, bulk load {bulks[-1]['seconds']:.2f} s "
                f"{bulks[-1]['rss_mb']:.0f} MB",
                file=sys.stderr,
            )
    t_import = statistics.median(r["seconds"] for r in imports)
    t_bulk = statistics.median(r["seconds"] for r in bulks)
    rss_import = max(r["rss_mb"] for r in imports)
    rss_bulk = max(r["rss_mb"] for r in bulks)
    loaded = {int(r["triples"]) for r in imports} | {int(r["triples"]) for r in bulks}
    ratio = t_import / t_bulk
    missed = []
    if ratio > targets["ratio"]:
        missed.append(f"import/bulk-load ratio {ratio:.1f} > {targets['ratio']:g}")
    if t_import > targets["seconds"]:
        missed.append(f"import {t_import:.1f} s > {targets['seconds']:g} s")
    if rss_import > targets["rss_mb"]:
        missed.append(f"import peak RSS {rss_import:.0f} MB > {targets['rss_mb']:g} MB")
    table = "\n".join(
        [
            "| step | median wall s | peak RSS MB | triples |",
            "|---|---|---|---|",
            f"| `read_{source}` -> `import_graph` (on-disk store) | {t_import:.2f} | "
            f"{rss_import:.0f} | {count:,} |",
            f"| `Store.bulk_load` of the same N-Triples ({size_mb:.0f} MB) | {t_bulk:.2f} | "
            f"{rss_bulk:.0f} | {count:,} |",
            f"| ratio import / bulk load | {ratio:.2f} | {rss_import / rss_bulk:.2f} | |",
        ]
    )
    if loaded != {count}:
        missed.append(f"stores hold {sorted(loaded)} triples, expected {count}")
    return table, missed


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *args = sys.argv[2:]
        result = child_import(*args) if kind == "import" else child_bulk(*args)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", choices=sorted(SOURCES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    for source in args.sources:
        table, missed = bench(source, args.runs)
        verdict = "Targets (import within 4x of bulk load, <= 10 s, <= 800 MB): " + (
            "all met." if not missed else "MISSED: " + "; ".join(missed) + "."
        )
        print(table)
        print(verdict)
        if args.no_write:
            continue
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        body = (
            f"### {stamp}\n\nMachine: {machine()}  \n"
            f"Command: `.venv/bin/python bench/bench_import.py {' '.join(sys.argv[1:])}`  \n"
            f"Release: {SOURCES[source][0].relative_to(ROOT.parent)} (the official zips); "
            f"median of {args.runs} runs, each in a fresh child process and a fresh store; "
            "peak RSS is the child's VmHWM (Python, pyoxigraph and RocksDB included).\n\n"
            f"{table}\n\n{verdict}"
        )
        append_section(SOURCES[source][2], body)


if __name__ == "__main__":
    main()
