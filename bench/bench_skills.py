"""``genai-kg skills`` on a two-page CV with ESCO imported: cold (matcher built) and warm (cached).

Run: .venv/bin/python bench/bench_skills.py [--store DIR] [--runs 21] [--cold-runs 3] [--append]

Without ``--store`` the ESCO release in ../shared/datasets/esco-v1.1.1 is imported into a
temporary store first (about a minute). Figures, medians of wall time:

- cold: ``open_matcher`` with no cache (read ~100,000 labels from the store, build the
  automaton, pickle it), in-process;
- warm: ``open_matcher`` (the cache read back) plus ``find_skills`` on the CV, in a fresh
  interpreter each run, and apart from them the imports of genai_kg.mentions;
- warm CLI: ``genai-kg skills CV`` as a fresh process, beside ``python -c pass``;
- the evaluation set (tests/data/skills-eval) with ESCO imported: precision and recall.
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
ROOT = HERE.parent
CV = HERE / "cv-two-pages.txt"
ESCO = ROOT.parent / "shared" / "datasets" / "esco-v1.1.1"
BIN = Path(sys.executable).parent

WARM = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from genai_kg.mentions.find import find_skills
from genai_kg.mentions.index import open_matcher
from genai_kg.paths import bundled
imported = time.perf_counter()
matcher = open_matcher(bundled("data"), Path(sys.argv[1]))
loaded = time.perf_counter()
answer = find_skills(matcher, Path(sys.argv[2]).read_text(encoding="utf-8"))
done = time.perf_counter()
print(*((b - a) * 1000 for a, b in [(start, imported), (imported, loaded), (loaded, done)]))
print(len(answer["hits"]))
"""


def import_esco(store: Path) -> None:
    command = [str(BIN / "genai-kg"), "import", "esco", str(ESCO), "--store", str(store)]
    subprocess.run(command, check=True, capture_output=True)


def cold(store: Path, runs: int) -> list[float]:
    from genai_kg.mentions.index import CACHE, open_matcher
    from genai_kg.paths import bundled

    times = []
    for _ in range(runs):
        (store / CACHE).unlink(missing_ok=True)
        start = time.perf_counter()
        open_matcher(bundled("data"), store)
        times.append((time.perf_counter() - start) * 1000)
    return times


def warm(store: Path, runs: int) -> tuple[dict[str, list[float]], int]:
    """Fresh interpreters: the imports, the cache read back, the matching, in milliseconds."""
    parts: dict[str, list[float]] = {"imports": [], "load": [], "find": [], "work": []}
    hits = 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", WARM, str(store), str(CV)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        imports, load, find = (float(value) for value in out[:3])
        for name, value in zip(parts, (imports, load, find, load + find), strict=True):
            parts[name].append(value)
        hits = int(out[3])
    return parts, hits


def cli(store: Path, runs: int) -> dict[str, list[float]]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "genai-kg skills CV (warm)": [
            str(BIN / "genai-kg"),
            "skills",
            str(CV),
            "--store",
            str(store),
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def evaluation(store: Path) -> tuple[float, float, int, int, int, int]:
    sys.path.insert(0, str(ROOT))
    from tests.test_mentions_eval import CASES, read_case

    from genai_kg.mentions.find import text_skills
    from genai_kg.mentions.index import open_matcher
    from genai_kg.paths import bundled

    matcher = open_matcher(bundled("data"), store)
    right = wrong = missed = 0
    for path in CASES:
        _, expected, body = read_case(path)
        found = set(text_skills(matcher, body))
        right += len(found & expected)
        wrong += len(found - expected)
        missed += len(expected - found)
    return right / (right + wrong), right / (right + missed), right, wrong, missed, len(CASES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store with ESCO imported (default: new)")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--append", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp(prefix="genai-kg-bench-skills-")) / "store"
        import_esco(store)
    cold_times = cold(store, args.cold_runs)
    parts, hits = warm(store, args.runs)
    cli_times = cli(store, args.runs)
    precision, recall, right, wrong, missed, texts = evaluation(store)
    from genai_kg.mentions.index import CACHE, open_matcher
    from genai_kg.paths import bundled

    matcher = open_matcher(bundled("data"), store)
    words = len(CV.read_text(encoding="utf-8").split())
    size = (store / CACHE).stat().st_size / 1e6

    def median(values: list[float]) -> str:
        return f"{statistics.median(values):.0f}"

    def p90(values: list[float]) -> str:
        return f"{sorted(values)[int(0.9 * (len(values) - 1))]:.0f}"

    rows = [
        ("cold: build the matcher (in-process)", cold_times),
        ("warm, fresh interpreter: open_matcher + find_skills", parts["work"]),
        ("  open_matcher (the cached matcher read back)", parts["load"]),
        ("  find_skills on the CV", parts["find"]),
        ("  before them: importing genai_kg.mentions", parts["imports"]),
        *cli_times.items(),
    ]
    table = "\n".join(
        [
            "| what | runs | median ms | p90 ms |",
            "|---|---:|---:|---:|",
            *[f"| {name} | {len(v)} | {median(v)} | {p90(v)} |" for name, v in rows],
        ]
    )
    load_average = Path("/proc/loadavg").read_text().split()[:3]
    body = "\n".join(
        [
            f"### {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            f"Machine: {machine()}; load average at the end {' '.join(load_average)}  ",
            f"Command: `.venv/bin/python bench/bench_skills.py {' '.join(sys.argv[1:])}`  ",
            f"Store: bundled data + ESCO v1.1.1; matcher {matcher.labels:,} label keys, "
            f"{len(matcher.vocabulary):,} words, cache {size:.1f} MB. CV: bench/cv-two-pages.txt "
            f"({words} words), {hits} hits.",
            "",
            table,
            "",
            f"Evaluation set with ESCO imported ({texts} texts): precision "
            f"{precision:.3f}, recall {recall:.3f} "
            f"({right} right, {wrong} wrong, {missed} missed).",
        ]
    )
    print(body)
    if args.append:
        append_section("## skills from text (issue 12)", body)


if __name__ == "__main__":
    main()
