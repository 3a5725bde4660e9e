"""Time the curated graph's refresh after a data edit, on a store with the taxonomies imported.

Run: ``.venv/bin/python bench/bench_refresh.py --store COPY [--runs 7] [--no-write]``, where
COPY is a store folder with ESCO and O*NET imported that this script may change (copy one:
``cp -a STORE COPY``). Each run edits a copy of the bundled data (a comment, so the
fingerprint changes) and refreshes: ``ensure_curated`` as it is (the curated graph replaced in a
linked copy of the database, switched in, so a running ``serve`` follows it), beside the
earlier way in the same run (one SPARQL update in place in the live database, which the
workers' read-only handles never see). Prints medians and appends them to bench/RESULTS.md
under "## Curated refresh".
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

from genai_kg.dataset.fingerprint import fingerprint  # noqa: E402
from genai_kg.graph.build import build_dataset  # noqa: E402
from genai_kg.graph.export import to_oxigraph  # noqa: E402
from genai_kg.graph.namespaces import CURATED_GRAPH  # noqa: E402
from genai_kg.paths import bundled  # noqa: E402
from genai_kg.store.database import ensure_curated  # noqa: E402
from genai_kg.store.replace import LIVE, open_writable, replace_graph, writer_lock  # noqa: E402

HEADING = "## Curated refresh"


def in_place(data: Path, folder: Path) -> None:
    """The refresh before issue 10 item 2: one update in the live database, no switch."""
    built = build_dataset(data, shacl=False)
    triples = [(t.subject, t.predicate, t.object) for t in to_oxigraph(built.graph)]
    with writer_lock(folder):
        database = open_writable(folder / LIVE)
        replace_graph(database, CURATED_GRAPH, triples)
        database.flush()
        del database
        (folder / "fingerprint").write_text(fingerprint(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store folder to change")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    if not (args.store / LIVE).is_dir():
        sys.exit(f"{args.store}: not a store folder (no {LIVE} link)")
    size = sum(p.stat().st_size for p in (args.store / LIVE).resolve().rglob("*") if p.is_file())
    times: dict[str, list[float]] = {"switched (now)": [], "in place (before)": []}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(bundled("data"), data)
        for run in range(args.runs):
            ways = (("switched (now)", ensure_curated), ("in place (before)", in_place))
            for name, refresh in ways:
                with (data / "sources.yaml").open("a") as stream:
                    stream.write(f"# edit {run} {name}\n")
                started = time.perf_counter()
                refresh(data, args.store)
                times[name].append(time.perf_counter() - started)
    rows = [f"| {name} | {statistics.median(values) * 1000:.0f} ms | {min(values) * 1000:.0f} ms |"
            for name, values in times.items()]  # fmt: skip
    body = "\n".join(
        [
            f"{dt.date.today().isoformat()}, {machine()}; store database {size / 1e6:.0f} MB "
            f"(ESCO and O*NET imported), {args.runs} runs each, alternating; "
            "`bench/bench_refresh.py --store COPY`. Each run: build the bundled data, replace "
            "the curated graph.",
            "",
            "| curated refresh | median | best |",
            "|---|---|---|",
            *rows,
        ]
    )
    print(body)
    if not args.no_write:
        append_section(HEADING, body)


if __name__ == "__main__":
    main()
