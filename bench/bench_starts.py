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
    # gap runs no planner: what is left is resolving the start and reading its skills.
    'gap "Data Analyst" "MLOps Engineer"': (["gap", "Data Analyst", "MLOps Engineer"], None),
    f'gap "{ESCO_NURSE}" "MLOps Engineer"': (
        ["gap", ESCO_NURSE, "MLOps Engineer"],
        'gap "Data Analyst" "MLOps Engineer"',
    ),
    'gap 29-1141.00 "MLOps Engineer"': (
        ["gap", "29-1141.00", "MLOps Engineer"],
        'gap "Data Analyst" "MLOps Engineer"',
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


COVERAGE = """
PREFIX esco: <http://data.europa.eu/esco/model#>
PREFIX gkg: <https://w3id.org/genai-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT (COUNT(DISTINCT ?occ) AS ?n) WHERE {
  VALUES ?match { skos:exactMatch skos:closeMatch }
  GRAPH <https://w3id.org/genai-kg/graph/curated> { ?curated ?match ?linked }
  FILTER(STRSTARTS(STR(?curated), "https://w3id.org/genai-kg/id/skill/"))
  %s
}"""
# esco:relatedEssentialSkill links skills to skills too (skillSkillRelations.csv): occupations only.
ESCO_DIRECT = """GRAPH <https://w3id.org/genai-kg/graph/esco> {
    ?occ esco:relatedEssentialSkill ?linked . ?occ a esco:Occupation }"""
ESCO_BROADER = """GRAPH <https://w3id.org/genai-kg/graph/esco> {
    ?linked a esco:Skill .
    ?occ esco:relatedEssentialSkill ?skill . ?occ a esco:Occupation .
    ?skill skos:broader* ?linked }"""
ONET = """GRAPH <https://w3id.org/genai-kg/graph/onet> {
    { ?occ gkg:importantSkill/gkg:skill ?linked } UNION { ?occ gkg:usesTechnology ?linked } }"""


def coverage(store: Path) -> list[str]:
    """How many official occupations give at least one curated start skill, as rows."""
    import pyoxigraph

    opened = pyoxigraph.Store.read_only(str(store / "oxigraph"))
    rows = []
    for what, pattern, total in (
        ("ESCO occupations, exact links only", ESCO_DIRECT, "3,007"),
        ("ESCO occupations, with ESCO's broader", ESCO_BROADER, "3,007"),
        ("O*NET occupations", ONET, "1,016"),
    ):
        count = next(iter(opened.query(COVERAGE % pattern)))["n"].value
        rows.append(f"| {what} | {int(count):,} of {total} |")
    return rows


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
        covered = coverage(store)
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
            "",
            "Official occupations that give at least one curated start skill with this data's "
            "`match` links:",
            "",
            "| occupations | giving a curated skill |",
            "|---|---|",
            *covered,
        ]
    )
    print(body)
    if args.append:
        append_section("## Starts from official occupations (issue 12)", body)


if __name__ == "__main__":
    main()
