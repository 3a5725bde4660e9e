"""Cold start of the CLI: a fresh process per run, next to Python's own start in the same run.

Run: .venv/bin/python bench/bench_cli.py [--runs 21] [--append]

Each round runs every command once, in turn, so that machine noise hits all of them alike;
the table gives medians and 90th percentiles of wall time. The store is built before the
first round (that one-off cost is reported separately), so the runs measure what a user
sees on every later call.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def commands(store: str) -> dict[str, list[str]]:
    genai_kg = str(BIN / "genai-kg")
    return {
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
        "genai-kg --help": [genai_kg, "--help"],
    }


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = str(Path(scratch) / "store")
        first = timed(commands(store)['genai-kg path "Data Analyst" "MLOps Engineer"'])
        timed(commands(store)["genai-kg sparql role-skills"])  # builds the database once
        table = commands(store)
        samples: dict[str, list[float]] = {name: [] for name in table}
        for _ in range(args.runs):
            for name, argv in table.items():
                samples[name].append(timed(argv))
    baseline = statistics.median(samples["python -c pass"])
    lines = [
        f"Cold CLI start, {args.runs} rounds, {time.strftime('%Y-%m-%d')}, {machine()}.",
        f"`bench/bench_cli.py --runs {args.runs}`; "
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
