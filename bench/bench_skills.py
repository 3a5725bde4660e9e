"""``genai-kg skills`` on a two-page CV with ESCO imported: cold (matcher built) and warm (cached).

Run: .venv/bin/python bench/bench_skills.py [--store DIR] [--runs 21] [--cold-runs 3] [--append]
       [--baseline SRC --baseline-store DIR]

Without ``--store`` the ESCO release in ../shared/datasets/esco-v1.1.1 is imported into a
temporary store first (about a minute). Figures, medians of wall time:

- cold: ``open_matcher`` with no cache (read ~100,000 labels from the store, build the
  automaton, pickle it), in-process;
- warm: ``open_matcher`` (the cache read back) plus ``find_skills`` on the CV, in a fresh
  interpreter each run, and apart from them the imports of genai_kg.mentions;
- warm CLI: ``genai-kg skills CV`` as a fresh process, beside ``python -c pass``;
- the evaluation set (tests/data/skills-eval) with ESCO imported: precision and recall.

``--baseline SRC`` (another checkout's ``src``, e.g. ``git archive main src | tar -x -C /tmp/b``)
runs the warm measure of that code too, on ``--baseline-store`` (a copy of the store: the two
caches differ), alternating with this tree's run by run, so that before and after share the
machine's load.
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


Side = tuple[Path, dict[str, str] | None]  # a store, and the environment of its runs


def warm(sides: list[Side], runs: int) -> list[tuple[dict[str, list[float]], int]]:
    """Fresh interpreters: the imports, the cache read back, the matching, in milliseconds;
    for each side, the sides taking turns (in alternating order) run by run."""
    parts: list[dict[str, list[float]]] = [
        {"imports": [], "load": [], "find": [], "work": []} for _ in sides
    ]
    hits = [0] * len(sides)
    for run in range(runs):
        order = range(len(sides)) if run % 2 == 0 else reversed(range(len(sides)))
        for n in order:
            store, env = sides[n]
            out = subprocess.run(
                [sys.executable, "-c", WARM, str(store), str(CV)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout.split()
            imports, load, find = (float(value) for value in out[:3])
            for name, value in zip(parts[n], (imports, load, find, load + find), strict=True):
                parts[n][name].append(value)
            hits[n] = int(out[3])
    return list(zip(parts, hits, strict=True))


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
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ to compare")
    parser.add_argument("--baseline-store", type=Path, help="its store (a copy of --store)")
    args = parser.parse_args()
    if (args.baseline is None) != (args.baseline_store is None):
        parser.error("--baseline and --baseline-store go together")
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp(prefix="genai-kg-bench-skills-")) / "store"
        import_esco(store)
    cold_times = cold(store, args.cold_runs)
    sides: list[Side] = [(store, None)]
    if args.baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
        sides.append((args.baseline_store, env))
    (parts, hits), *baseline = warm(sides, args.runs)
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
    for base_parts, base_hits in baseline:
        rows += [
            (
                f"baseline {args.baseline} ({base_hits} hits): open_matcher + find_skills",
                base_parts["work"],
            ),
            ("  open_matcher", base_parts["load"]),
            ("  find_skills on the CV", base_parts["find"]),
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
