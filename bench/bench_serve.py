"""Benchmark `genai-kg serve` under concurrent clients, with the Oxigraph server as the anchor.

Run: ``.venv/bin/python bench/bench_serve.py [--seconds S] [--no-write]``

Both servers run on 127.0.0.1 over the same data (the bundled dataset; Oxigraph's copy is
loaded with ``oxigraph load`` from a dump of our store, and served with
``--union-default-graph``, as ours answers). For a point query (one role's label) and a named
query (``role-skills`` with its default role), at 1, 8 and 32 concurrent clients (threads, each
with its own keep-alive ``http.client`` connection, for S seconds, 3 by default), it reports
requests per second, p50 and p99 latency, errors (any status but 200), and each server's peak
RSS (the server and its worker processes). Bounded: a fixed number of points of S seconds each.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import append_section, machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POINT = (
    "SELECT ?label WHERE { <https://w3id.org/genai-kg/id/role/mlops-engineer> "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
)
CLIENTS = (1, 8, 32)


def named_query() -> str:
    from genai_kg.query.sparql import bind_params, load_query

    query = load_query("role-skills")
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in
                      bind_params(query, {}).items())  # fmt: skip
    return f"{query.text}\n{values}"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path + "?query=ASK%7B%7D")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not come up")


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process and its children (the query workers), in MB."""

    def hwm(one: int) -> int:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return (hwm(pid) + sum(hwm(int(child)) for child in children)) / 1024


def load(port: int, path: str, query: str, clients: int, seconds: float) -> dict[str, float]:
    target = path + "?" + urllib.parse.urlencode({"query": query})
    headers = {"Accept": "application/sparql-results+json"}
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = response_of(connection)
                ok = response == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            latencies[index].append(time.perf_counter() - started)
            errors[index] += 0 if ok else 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    every = sorted(t for one in latencies for t in one)
    quantiles = statistics.quantiles(every, n=100) if len(every) > 1 else every * 99
    return {
        "rps": len(every) / elapsed,
        "p50": quantiles[49] * 1000,
        "p99": quantiles[98] * 1000,
        "errors": sum(errors),
        "requests": len(every),
    }


def response_of(connection: http.client.HTTPConnection) -> int:
    response = connection.getresponse()
    response.read()
    return response.status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    queries = {"point": POINT, "named (role-skills)": named_query()}
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        ours_port, ox_port = free_port(), free_port()
        ours = subprocess.Popen(
            [str(BIN / "genai-kg"), "serve", "--port", str(ours_port), "--quiet",
             "--store", f"{tmp}/store", "--data", str(ROOT / "data")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        theirs = None
        try:
            wait_ready(ours_port, "/sparql")
            import pyoxigraph as ox

            dump = Path(tmp) / "dump.nq"
            ox.Store.read_only(str(Path(tmp) / "store" / "oxigraph")).dump(
                str(dump), format=ox.RdfFormat.N_QUADS
            )
            subprocess.run([str(BIN / "oxigraph"), "load", "--location", f"{tmp}/ox",
                            "--file", str(dump)], check=True, capture_output=True)  # fmt: skip
            theirs = subprocess.Popen(
                [str(BIN / "oxigraph"), "serve-read-only", "--location", f"{tmp}/ox",
                 "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            wait_ready(ox_port, "/query")
            for name, query in queries.items():
                for clients in CLIENTS:
                    for label, port, path in (("genai-kg serve", ours_port, "/sparql"),
                                              ("oxigraph serve-read-only", ox_port, "/query")):
                        figures = load(port, path, query, clients, args.seconds)
                        rows.append((name, clients, label, figures))
                        print(f"{name:22} {clients:3} {label:26} {figures['rps']:8.0f} req/s "
                              f"p50 {figures['p50']:6.1f} ms p99 {figures['p99']:6.1f} ms "
                              f"errors {figures['errors']}", flush=True)  # fmt: skip
            rss = {"genai-kg serve": peak_rss_mb(ours.pid),
                   "oxigraph serve-read-only": peak_rss_mb(theirs.pid)}  # fmt: skip
        finally:
            for process in (ours, theirs):
                if process is not None:
                    process.terminate()
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        process.kill()
    print(", ".join(f"{k}: peak RSS {v:.0f} MB" for k, v in rss.items()))
    if args.no_write:
        return
    lines = [
        f"Run: `.venv/bin/python bench/bench_serve.py --seconds {args.seconds:g}` on "
        f"{time.strftime('%Y-%m-%d')}, {machine()}; the bundled data; loopback; "
        "threads with keep-alive http.client connections (the client shares the 2 cores).",
        "",
        "| query | clients | server | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for name, clients, label, f in rows:
        lines.append(f"| {name} | {clients} | {label} | {f['rps']:.0f} | {f['p50']:.1f} | "
                     f"{f['p99']:.1f} | {f['errors']:.0f} of {f['requests']:.0f} |")  # fmt: skip
    lines += ["", "Peak RSS (server and its query workers): "
              + ", ".join(f"{k} {v:.0f} MB" for k, v in rss.items()) + "."]  # fmt: skip
    append_section("## serve under load (bench/bench_serve.py)", "\n".join(lines))


if __name__ == "__main__":
    main()
