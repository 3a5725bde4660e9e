"""Benchmark `genai-kg sparql NAME --endpoint` against the same request sent with curl.

Run: ``.venv/bin/python bench/bench_remote.py [--runs N] [--no-write]``

1. Servers: an Oxigraph server and Virtuoso 7 started on free ports of 127.0.0.1 as the tests
   start them (``tests/stores.py``), each with the bundled dataset pushed by ``genai-kg push``;
   a server whose program is missing is left out (the report says so). Both are stopped at
   the end.
2. Per named query of ``queries/`` (default parameters) and server, ``--runs`` rounds, the
   order of the ways alternating between rounds:
   (a) ``genai-kg sparql NAME --endpoint URL -f json`` as a fresh process (what a user runs);
   (b) ``curl`` POSTing the very body the client sends (``prepare_query``: checked, bound,
   prefixes declared; ``default-graph-uri`` the pushed graph), output discarded;
   (c) ``query_endpoint`` in this process, warm (the client without process start-up);
   (d) ``curl -G``: the same fields as a GET, to decide between GET and POST.
   The client's overhead is (a) - (b); the part of it that is Python starting and importing
   is (a) - (c) - (b).
3. For reference, (e) ``genai-kg sparql NAME`` on the embedded store, a fresh process.

It prints a markdown report and appends it to bench/RESULTS.md under
"## Remote SPARQL endpoints" (``--no-write`` leaves the file alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from genai_kg.graph.namespaces import CURATED_GRAPH  # noqa: E402
from genai_kg.query.remote import RESULTS_ACCEPT, prepare_query, query_endpoint  # noqa: E402
from genai_kg.query.sparql import bind_params, load_query  # noqa: E402
from stores import RemoteStore, start_oxigraph, start_virtuoso, stop  # noqa: E402

HEADING = "## Remote SPARQL endpoints"
BIN = Path(sys.executable).parent
DATA = ROOT / "data"
QUERIES = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def start(name: str, folder: Path) -> RemoteStore | None:
    try:
        return start_oxigraph(folder) if name == "Oxigraph" else start_virtuoso(folder)
    except BaseException as exc:  # noqa: BLE001 -- pytest's skip: the program is missing
        print(f"{name}: left out ({exc})", file=sys.stderr)
        return None


def measure(store: RemoteStore, runs: int, local: Path) -> list[dict[str, Any]]:
    rows = []
    for name in QUERIES:
        named = load_query(name)
        sent = prepare_query(named.text, bind_params(named, {}))
        fields = [("query", sent), ("default-graph-uri", CURATED_GRAPH)]
        body = urllib.parse.urlencode(fields)
        curl = ["curl", "-sS", "-f", "-o", "/dev/null", "-H", f"Accept: {RESULTS_ACCEPT}"]
        ways = {
            "cli": [str(BIN / "genai-kg"), "sparql", name, "-f", "json"]
            + ["--endpoint", store.query, "--data", str(DATA), "--store", str(local)],
            "curl": curl + ["--data", body, store.query],
            "get": curl + ["-G", "--data", body, store.query],
        }
        times: dict[str, list[float]] = {way: [] for way in [*ways, "client"]}
        for round_ in range(runs):
            order = list(ways) if round_ % 2 == 0 else list(reversed(ways))
            for way in order:
                times[way].append(timed(ways[way]))
            started = time.perf_counter()
            query_endpoint(store.query, named.text, bind_params(named, {}),
                           default_graph=CURATED_GRAPH)  # fmt: skip
            times["client"].append(time.perf_counter() - started)
        rows.append({"query": name, **{w: statistics.median(t) * 1000 for w, t in times.items()}})
        print(f"{store.name} {name}: " + ", ".join(f"{w} {v:.1f}" for w, v in rows[-1].items()
                                                   if w != "query"), file=sys.stderr)  # fmt: skip
    return rows


def embedded(runs: int, local: Path) -> dict[str, float]:
    medians = {}
    for name in QUERIES:
        args = [str(BIN / "genai-kg"), "sparql", name, "-f", "json"]
        args += ["--data", str(DATA), "--store", str(local)]
        medians[name] = statistics.median(timed(args) for _ in range(runs)) * 1000
    return medians


def report(results: dict[str, list[dict[str, Any]]], local: dict[str, float], runs: int) -> str:
    lines = [
        f"### {dt.date.today()}: `sparql NAME --endpoint` against curl ({machine()})",
        "",
        f"`.venv/bin/python bench/bench_remote.py --runs {runs}`: medians of {runs} runs in ms, "
        "servers on 127.0.0.1 holding the bundled dataset (pushed by `genai-kg push`), every "
        "named query with its defaults. cli: `genai-kg sparql NAME --endpoint URL -f json`, a "
        "fresh process; curl: the same URL-encoded POST with curl; client: `query_endpoint` "
        "in a warm process; GET: curl -G with the same fields; embedded: `genai-kg sparql NAME` "
        "on the local store, a fresh process.",
        "",
    ]
    for server, rows in results.items():
        lines += [f"**{server}**", "", "| query | cli | curl | client | GET | embedded |",
                  "|---|--:|--:|--:|--:|--:|"]  # fmt: skip
        for row in rows:
            lines.append(
                f"| {row['query']} | {row['cli']:.0f} | {row['curl']:.1f} | {row['client']:.1f}"
                f" | {row['get']:.1f} | {local[row['query']]:.0f} |"
            )
        cli = statistics.median(r["cli"] for r in rows)
        curl = statistics.median(r["curl"] for r in rows)
        client = statistics.median(r["client"] for r in rows)
        get = statistics.median(r["get"] for r in rows)
        lines += [
            "",
            f"Median over the queries: cli {cli:.0f} ms, curl {curl:.1f} ms, client "
            f"{client:.1f} ms, GET {get:.1f} ms, embedded "
            f"{statistics.median(local.values()):.0f} ms.",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as tmp:
        folder = Path(tmp)
        local = folder / "store"
        timed(
            [
                str(BIN / "genai-kg"),
                "sparql",
                QUERIES[0],
                "--data",
                str(DATA),
                "--store",
                str(local),
            ]
        )
        results: dict[str, list[dict[str, Any]]] = {}
        for name in ("Oxigraph", "Virtuoso"):
            (folder / name).mkdir()
            store = start(name, folder / name)
            if store is None:
                continue
            try:
                timed([str(BIN / "genai-kg"), "push", "--endpoint", store.graph_store]
                      + ["--data", str(DATA)])  # fmt: skip
                results[store.name] = measure(store, args.runs, local)
            finally:
                stop(store.process)
        text = report(results, embedded(args.runs, local), args.runs)
    print(text)
    if not args.no_write:
        append_section(HEADING, text)


if __name__ == "__main__":
    main()
