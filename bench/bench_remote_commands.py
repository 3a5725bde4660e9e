"""``genai-kg path --endpoint`` cold and warm on Oxigraph server or Virtuoso, beside embedded.

Run: .venv/bin/python bench/bench_remote_commands.py [--runs 11] [--server oxigraph|virtuoso]
[--append]

Starts each server as the tests do (``tests/stores.py``: the ``oxigraph`` dev dependency,
Debian's ``virtuoso-opensource``) on 127.0.0.1 with a temporary database, pushes the bundled
data, then in each round runs, in turn, as fresh processes:
``path`` on the embedded store (its catalog built before the first round), ``path --endpoint``
cold (the remote cache folder removed first: state query, CONSTRUCT, read, catalog) and warm
(the state query only), and the same for ``show``. Beside them, the two queries alone as the
server answers them (urllib, no genai-kg), so the client's share shows. Medians and p90 of wall
time; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchlib import append_section, machine  # noqa: E402 -- bench/ is on sys.path as a script

BIN = Path(sys.executable).parent
PATH_ARGS = ["path", "Data Analyst", "MLOps Engineer"]
SHOW_ARGS = ["show", "data scientist"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def timed_query(endpoint: str, text: str, accept: str) -> float:
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--server", choices=["oxigraph", "virtuoso"], default="oxigraph")
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()
    from genai_kg.graph.namespaces import CURATED_GRAPH
    from genai_kg.query.source import RemoteGraph, graph_query, state_query

    genai_kg = str(BIN / "genai-kg")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import stores  # the tests' own way to start the servers

    start = {"oxigraph": stores.start_oxigraph, "virtuoso": stores.start_virtuoso}[args.server]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "server"
        folder.mkdir()
        server = start(folder)
        try:
            query = server.query
            env = {**os.environ, "XDG_CACHE_HOME": f"{scratch}/cache"}
            store = ["--store", f"{scratch}/store"]
            remote = ["--endpoint", query]
            subprocess.run(
                [genai_kg, "push", "--endpoint", server.graph_store], check=True, env=env,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
            cache = RemoteGraph(query).folder
            timed([genai_kg, *PATH_ARGS, *store], env)  # builds the embedded catalog
            timed([genai_kg, *SHOW_ARGS, *store], env)
            table: dict[str, list[str] | tuple[str, str]] = {
                "`path` embedded store": [genai_kg, *PATH_ARGS, *store],
                "`path --endpoint` cold (nothing kept)": [genai_kg, *PATH_ARGS, *remote],
                "`path --endpoint` warm": [genai_kg, *PATH_ARGS, *remote],
                "`show` embedded store": [genai_kg, *SHOW_ARGS, *store],
                "`show --endpoint` warm": [genai_kg, *SHOW_ARGS, *remote],
                "state query alone (urllib)": (state_query(CURATED_GRAPH), "application/json"),
                "CONSTRUCT of the graph alone (urllib)": (
                    graph_query(CURATED_GRAPH),
                    "application/n-triples",
                ),
            }
            samples: dict[str, list[float]] = {name: [] for name in table}
            for _ in range(args.runs):
                for name, how in table.items():
                    if isinstance(how, tuple):
                        samples[name].append(timed_query(query, *how))
                        continue
                    if "cold" in name:
                        shutil.rmtree(cache, ignore_errors=True)
                    samples[name].append(timed(how, env))
            load = os.getloadavg()[0]
        finally:
            stores.stop(server.process)
    lines = [
        f"Machine: {machine()}; load average {load:.1f} at the end. Command: "
        f"`.venv/bin/python bench/bench_remote_commands.py {' '.join(sys.argv[1:])}` "
        f"({args.runs} rounds, "
        f"each command once per round, in turn; {server.name} on 127.0.0.1, the bundled data "
        "pushed).",
        "",
        "| command | median ms | p90 ms |",
        "|---|---:|---:|",
    ]
    for name, values in samples.items():
        values.sort()
        p90 = values[int(0.9 * (len(values) - 1))]
        lines.append(f"| {name} | {statistics.median(values) * 1000:.0f} | {p90 * 1000:.0f} |")
    report = "\n".join(lines)
    print(report)
    if args.append:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        append_section("## Commands on a remote store (`--endpoint`)", f"### {stamp}\n\n{report}")


if __name__ == "__main__":
    main()
