"""Cost of the query safety check: the old hand tokenizer against rdflib's parser (issue 10).

Run: .venv/bin/python bench/bench_check.py [--runs 31] [--old REV] [--append]

For every named query: the median time of one ``check_query`` call, as it runs (a text that
holds none of the risky keywords skips the parse), and with the parse forced; next to the
check of ``REV`` (default: the commit before the parser came in), loaded from git into a
module of its own. The parser's import is timed in fresh processes (it is paid once per
process that parses). Machine noise hits all variants alike: each round runs all of them.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CURATED = "https://w3id.org/genai-kg/graph/curated"
OLD = "b48fa57"


def old_check(rev: str) -> ModuleType:
    """Return ``genai_kg.query.check`` as it was at ``rev``, as a module named ``old_check``."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:src/genai_kg/query/check.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("old_check", handle.name)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_us(function: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def import_ms(runs: int) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        "import rdflib.plugins.sparql.parser; print(time.perf_counter() - t)"
    )
    samples = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True).stdout)
        for _ in range(runs)
    ]  # fmt: skip
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--old", default=OLD, help="git revision of the old check")
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()

    from genai_kg.query import check
    from genai_kg.query.sparql import list_queries

    old = old_check(args.old)
    queries = list_queries()
    graphs = [CURATED]

    def forced(text: str) -> None:
        kind, tree = check._parse(check.normalize_query(text))
        names = {node.name for node in check._nodes(tree)}
        if "DatasetClause" in names:
            check._check_dataset(tree, set(graphs))

    for query in queries:  # warm up: imports, regexes, rdflib's grammar
        check.check_query(query.text, graphs)
        forced(query.text)
        old.check_query(query.text, graphs)
    rows = []
    for query in queries:
        text = query.text
        skips = not check._may_use_keywords(check.normalize_query(text))
        rows.append(
            (
                query.name,
                len(text),
                median_us(lambda text=text: old.check_query(text, graphs), args.runs),
                median_us(lambda text=text: check.check_query(text, graphs), args.runs),
                median_us(lambda text=text: forced(text), max(5, args.runs // 3)),
                "skipped" if skips else "parsed",
            )
        )
    imported = import_ms(7)
    lines = [
        f"Query check per named query, median of {args.runs} calls, {time.strftime('%Y-%m-%d')}, "
        f"{machine()}.",
        f"`bench/bench_check.py {' '.join(sys.argv[1:])}`; old check: `{args.old}`'s tokenizer. "
        f"Importing rdflib's SPARQL parser (paid once per process that parses): "
        f"{imported:.0f} ms (median of 7 fresh processes).",
        "",
        "| query | chars | old tokenizer µs | new check µs | new, parse forced µs | new path |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, chars, old_us, new_us, parse_us, path in rows:
        lines.append(
            f"| `{name}` | {chars} | {old_us:.0f} | {new_us:.0f} | {parse_us:.0f} | {path} |"
        )
    columns = zip(*(row[2:5] for row in rows), strict=True)
    medians = [statistics.median(column) for column in columns]
    lines.append(
        f"| **median** | | {medians[0]:.0f} | {medians[1]:.0f} | {medians[2]:.0f} | "
        f"{sum(row[5] == 'skipped' for row in rows)} of {len(rows)} skipped |"
    )
    report = "\n".join(lines)
    print(report)
    if args.append:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        append_section("## Query safety check (issue 10)", f"### {stamp}\n\n{report}")


if __name__ == "__main__":
    main()
