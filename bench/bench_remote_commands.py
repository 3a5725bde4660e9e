"""``genai-kg path --endpoint`` cold and warm against an Oxigraph server, beside the embedded store.

Run: .venv/bin/python bench/bench_remote_commands.py [--runs 11] [--append]

Starts the Oxigraph server (the ``oxigraph`` dev dependency) on 127.0.0.1 with a temporary
database, pushes the bundled data, then in each round runs, in turn, as fresh processes:
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
        data=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - started


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the Oxigraph server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()
    from genai_kg.graph.namespaces import CURATED_GRAPH
    from genai_kg.query.source import RemoteGraph, graph_query, state_query

    genai_kg = str(BIN / "genai-kg")
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", f"{scratch}/db"]
            + ["--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/", server)
            query = f"{base}/query"
            env = {**os.environ, "XDG_CACHE_HOME": f"{scratch}/cache"}
            store = ["--store", f"{scratch}/store"]
            remote = ["--endpoint", query]
            subprocess.run(
                [genai_kg, "push", "--endpoint", f"{base}/store"], check=True, env=env,
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
            server.terminate()
            server.wait(timeout=10)
    lines = [
        f"Machine: {machine()}; load average {load:.1f} at the end. Command: "
        f"`.venv/bin/python bench/bench_remote_commands.py {' '.join(sys.argv[1:])}` "
        f"({args.runs} rounds, "
        "each command once per round, in turn; Oxigraph server on 127.0.0.1, the bundled data "
        "pushed: 8,666 triples).",
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
