"""Time the O*NET and OEWS importers on the real releases in ../shared/datasets.

Run: ``.venv/bin/python bench/bench_import_onet.py [--runs 3] [--no-write]``. Each run times
``read_*`` plus consuming its triples (the parse), then the same into ``replace_graph`` on an
in-memory store and through ``import_graph`` into an on-disk store folder (what ``genai-kg
import`` does). O*NET is timed on the
official Excel edition and on a text edition written from it once, before the runs. Prints a
markdown table (medians) and the per-file share of one Excel parse, and appends them to
bench/RESULTS.md under "## O*NET and OEWS import".
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402
from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

from genai_kg.importers import ImportResult  # noqa: E402
from genai_kg.importers.oews import read_oews  # noqa: E402
from genai_kg.importers.onet import read_onet  # noqa: E402
from genai_kg.importers.onet_release import FILES  # noqa: E402
from genai_kg.paths import bundled  # noqa: E402
from genai_kg.store.database import ensure_curated, import_graph  # noqa: E402
from genai_kg.store.replace import replace_graph  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## O*NET and OEWS import"
DATASETS = ROOT.parent / "shared" / "datasets"


def write_text_edition(excel: Path, target: Path) -> Path:
    """Write the files the importer reads as the tab-delimited text edition."""
    import openpyxl

    target.mkdir(parents=True, exist_ok=True)
    for stem in FILES:
        book = openpyxl.load_workbook(excel / f"{stem}.xlsx", read_only=True)
        with open(target / f"{stem}.txt", "w", encoding="utf-8", newline="") as out:
            for row in book.worksheets[0].iter_rows(values_only=True):
                out.write("\t".join(_field(v) for v in row) + "\n")
        book.close()
    return target


def _field(value: object) -> str:
    # The text edition has no quoting: a tab or line break inside a cell becomes a space.
    return "" if value is None else " ".join(str(value).replace("\t", " ").splitlines())


def timed(read: Callable[[], ImportResult], sink: str, scratch: Path) -> tuple[float, int]:
    """Return the seconds to read and load one release, and its triple count.

    ``disk`` is what ``genai-kg import`` does: ``import_graph`` into a store folder whose
    curated graph is built before the clock starts.
    """
    folder = scratch / f"store-{time.time_ns()}"
    if sink == "disk":
        ensure_curated(bundled("data"), folder)
    start = time.perf_counter()
    result = read()
    if sink == "parse":
        count = sum(1 for _ in result.triples)
    elif sink == "memory":
        store = ox.Store()
        replace_graph(store, result.graph, result.triples)
        count = len(store)
    else:
        count = import_graph(bundled("data"), folder, result.graph, result.triples)
    return time.perf_counter() - start, count


def stage_times(path: Path) -> dict[str, float]:
    """Return the seconds spent on each file in one parse of the release at ``path``."""
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[stage] = time.perf_counter()

    start = time.perf_counter()
    result = read_onet(path, progress)
    opened = time.perf_counter()
    for _ in result.triples:
        pass
    shares = {"open workbooks, check headers": opened - start}
    previous = opened
    for stage, end in marks.items():
        shares[stage] = end - previous
        previous = end
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    onet, oews = DATASETS / "onet-29.2", DATASETS / "oews-2025"
    if not onet.is_dir() or not oews.is_dir():
        sys.exit(f"the releases are not in {DATASETS}")

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        t0 = time.perf_counter()
        text = write_text_edition(onet, scratch / "onet-text")
        print(f"text edition written in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        cases: dict[str, Callable[[], ImportResult]] = {
            "O*NET 29.2, Excel edition": lambda: read_onet(onet),
            "O*NET 29.2, text edition": lambda: read_onet(text),
            "OEWS May 2025": lambda: read_oews(oews),
        }
        rows = []
        for name, read in cases.items():
            medians = []
            count = 0
            for sink in ("parse", "memory", "disk"):
                times = []
                for _ in range(args.runs):
                    seconds, count = timed(read, sink, scratch)
                    times.append(seconds)
                    print(f"{name} {sink}: {seconds:.2f} s", file=sys.stderr)
                medians.append(statistics.median(times))
            rows.append(f"| {name} | {count:,} | " + " | ".join(f"{m:.2f}" for m in medians) + " |")
        shares = stage_times(onet)

    table = "\n".join(
        [
            "| release | triples | parse s | + in-memory store s | + on-disk store s |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    share_table = "\n".join(
        ["| O*NET Excel file | s |", "|---|---|"]
        + [f"| {stage} | {seconds:.2f} |" for stage, seconds in shares.items()]
    )
    print(table)
    print()
    print(share_table)
    if args.no_write:
        return
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    entry = (
        f"\n### {stamp}\n\nMachine: {machine()}  \n"
        f"Command: `.venv/bin/python bench/bench_import_onet.py {' '.join(sys.argv[1:])}`  \n"
        f"Median of {args.runs} runs, wall time in-process: `read_*` and consuming the triples "
        "(parse); the same loaded into an in-memory store by `genai_kg.store.replace_graph` (one "
        "SPARQL update); and into an on-disk store folder by `genai_kg.store.import_graph`, which "
        "is what `genai-kg import` does.\n\n"
        f"{table}\n\nWhere one Excel parse spends its time (openpyxl reading each workbook):\n\n"
        f"{share_table}\n"
    )
    append_section(HEADING, entry.strip("\n"))


if __name__ == "__main__":
    main()
