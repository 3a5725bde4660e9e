"""Cold start of the CLI: a fresh process per run, next to Python's own start in the same run.

Run: .venv/bin/python bench/bench_cli.py [--runs 21] [--append] [--against TREE]

``--against TREE`` (another checkout, e.g. ``git worktree add /tmp/old HEAD~1``) adds
``genai-kg path`` run from TREE's ``src/`` and from this tree's, both as
``python -c 'from genai_kg.cli import app; app()'`` with ``PYTHONPATH`` set, interleaved in
the same rounds: a before/after comparison on the same noisy machine.

Each round runs every command once, in turn, so that machine noise hits all of them alike;
the table gives medians and 90th percentiles of wall time. The store is built before the
first round (that one-off cost is reported separately), so the runs measure what a user
sees on every later call.
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

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


SRC = HERE.parent / "src"
PATH_ARGS = ["path", "Data Analyst", "MLOps Engineer"]


def tree_command(src: Path, store: str) -> list[str]:
    """``genai-kg path`` run from the package in ``src`` (used with ``PYTHONPATH=src``)."""
    code = "import sys; sys.argv[0] = 'genai-kg'; from genai_kg.cli import app; app()"
    return [sys.executable, "-c", code, *PATH_ARGS, "--store", store, f"#src={src}"]


def commands(store: str, against: Path | None = None) -> dict[str, list[str]]:
    genai_kg = str(BIN / "genai-kg")
    trees = {}
    if against is not None:
        trees = {
            f"path from {against} (PYTHONPATH)": tree_command(against / "src", store + "-old"),
            "path from this tree (PYTHONPATH)": tree_command(SRC, store + "-new"),
        }
    return {
        **trees,
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import typer"': [sys.executable, "-c", "import typer"],
        'genai-kg path "Data Analyst" "MLOps Engineer"': [
            genai_kg,
            "path",
            "Data Analyst",
            "MLOps Engineer",
            "--store",
            store,
        ],
        "genai-kg path ... --format json": [
            genai_kg,
            "path",
            "Data Analyst",
            "MLOps Engineer",
            "--format",
            "json",
            "--store",
            store,
        ],
        "genai-kg sparql role-skills": [genai_kg, "sparql", "role-skills", "--store", store],
        # Its comments name FROM, so the safety check parses it with rdflib (issue 10).
        "genai-kg sparql onet-transitions (parsed by the check)": [
            genai_kg,
            "sparql",
            "onet-transitions",
            "--store",
            store,
        ],
        "genai-kg --help": [genai_kg, "--help"],
    }


def timed(argv: list[str]) -> float:
    env = None
    if argv[-1].startswith("#src="):  # a tree_command: its source folder goes on PYTHONPATH
        env = {**os.environ, "PYTHONPATH": argv[-1].removeprefix("#src=")}
        argv = argv[:-1]
    started = time.perf_counter()
    subprocess.run(
        argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    parser.add_argument("--against", type=Path, help="another checkout to compare `path` with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = str(Path(scratch) / "store")
        table = commands(store, args.against)
        first = timed(table['genai-kg path "Data Analyst" "MLOps Engineer"'])
        timed(table["genai-kg sparql role-skills"])  # builds the database once
        for name, argv in table.items():
            if "PYTHONPATH" in name:
                timed(argv)  # each tree builds its own catalog once
        samples: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(args.runs):
            for name, argv in table.items():
                samples[name].append(timed(argv))
    baseline = statistics.median(samples["python -c pass"])
    lines = [
        f"Cold CLI start, {args.runs} rounds, {time.strftime('%Y-%m-%d')}, {machine()}.",
        f"`bench/bench_cli.py {' '.join(sys.argv[1:])}`; "
        f"first run (builds the store): {first * 1000:.0f} ms.",
        "",
        "| command | median ms | p90 ms | median minus `python -c pass` |",
        "|---|---:|---:|---:|",
    ]
    for name, values in samples.items():
        values.sort()
        median = statistics.median(values)
        p90 = values[int(0.9 * (len(values) - 1))]
        extra = (median - baseline) * 1000
        lines.append(f"| `{name}` | {median * 1000:.0f} | {p90 * 1000:.0f} | {extra:.0f} |")
    report = "\n".join(lines)
    print(report)
    if args.append:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        append_section(
            "## CLI cold start (issue: `genai-kg path` at most 150 ms)", f"### {stamp}\n\n{report}"
        )


if __name__ == "__main__":
    main()
