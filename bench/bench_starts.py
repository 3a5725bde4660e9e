"""Cold starts from official occupations (issue 12) beside the curated baseline, in one run.

Run: .venv/bin/python bench/bench_starts.py [--runs 11] [--store DIR] [--append]

The store holds the bundled data with ESCO v1.1.1, O*NET 29.2 and OEWS May 2025 imported:
``--store DIR`` reuses one (e.g. after ``genai-kg import esco|onet|oews ... --store DIR``);
without it the releases in ../shared/datasets (or $GENAI_KG_DATASETS) are imported into a
temporary store first (minutes; not measured). Each round runs every command once, in turn,
as a fresh process, so the machine's noise hits all alike; the table gives the median and
90th percentile of wall time and each command's median against its baseline's.
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
GENAI_KG = str(Path(sys.executable).parent / "genai-kg")
DATASETS = Path(os.environ.get("GENAI_KG_DATASETS") or HERE.parent.parent / "shared" / "datasets")
RELEASES = {"esco": "esco-v1.1.1", "onet": "onet-29.2", "oews": "oews-2025"}
ESCO_NURSE = "nurse responsible for general care"

#: name -> (arguments, the name of the baseline it is compared with)
COMMANDS = {
    'path "Data Analyst" "MLOps Engineer"': (["path", "Data Analyst", "MLOps Engineer"], None),
    f'path "{ESCO_NURSE}" "MLOps Engineer"': (
        ["path", ESCO_NURSE, "MLOps Engineer"],
        'path "Data Analyst" "MLOps Engineer"',
    ),
    'path "Registered Nurses" "MLOps Engineer"': (
        ["path", "Registered Nurses", "MLOps Engineer"],
        'path "Data Analyst" "MLOps Engineer"',
    ),
    'path 29-1141.00 "MLOps Engineer"': (
        ["path", "29-1141.00", "MLOps Engineer"],
        'path "Data Analyst" "MLOps Engineer"',
    ),
    'path - "MLOps Engineer"': (
        ["path", "-", "MLOps Engineer"],
        'path "Data Analyst" "MLOps Engineer"',
    ),
    'next "Data Analyst"': (["next", "Data Analyst"], None),
    f'next "{ESCO_NURSE}"': (["next", ESCO_NURSE], 'next "Data Analyst"'),
    'next "Registered Nurses"': (["next", "Registered Nurses"], 'next "Data Analyst"'),
}


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def import_releases(store: Path) -> None:
    for source, folder in RELEASES.items():
        release = DATASETS / folder
        if not release.is_dir():
            sys.exit(f"no {release}: pass --store DIR with the releases imported")
        subprocess.run(
            [GENAI_KG, "import", source, str(release), "--store", str(store)], check=True
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--store", type=Path, help="a store with ESCO, O*NET and OEWS imported")
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = args.store
        if store is None:
            store = Path(scratch) / "store"
            import_releases(store)
        argvs = {
            name: [GENAI_KG, *argv, "--store", str(store)] for name, (argv, _) in COMMANDS.items()
        }
        for argv in argvs.values():
            timed(argv)  # the catalog and the store's curated graph, once
        samples: dict[str, list[float]] = {name: [] for name in argvs}
        for _ in range(args.runs):
            for name, argv in argvs.items():
                samples[name].append(timed(argv))
    load = os.getloadavg()[0]
    rows = ["| command | median | p90 | against its baseline |", "|---|---|---|---|"]
    for name, (_, baseline) in COMMANDS.items():
        median = statistics.median(samples[name])
        p90 = statistics.quantiles(samples[name], n=10)[-1] if len(samples[name]) > 1 else median
        ratio = (
            f"{median / statistics.median(samples[baseline]):.2f}x `{baseline}`"
            if baseline
            else "(baseline)"
        )
        rows.append(
            f"| `genai-kg {name}` | {median * 1000:.0f} ms | {p90 * 1000:.0f} ms | {ratio} |"
        )
    body = "\n".join(
        [
            f"### {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            f"Machine: {machine()}; load average {load:.1f} at the end. Command: "
            f"`.venv/bin/python bench/bench_starts.py --runs {args.runs}"
            + (" --store DIR" if args.store else "")
            + "`, "
            f"{args.runs} rounds, every command a fresh process, the store holding the bundled "
            "data with ESCO v1.1.1, O*NET 29.2 and OEWS May 2025 imported.",
            "",
            *rows,
        ]
    )
    print(body)
    if args.append:
        append_section("## Starts from official occupations (issue 12)", body)


if __name__ == "__main__":
    main()
