"""Benchmark `genai-kg serve` under concurrent clients, with the Oxigraph server as the anchor.

Run: ``.venv/bin/python bench/bench_serve.py [--seconds S] [--rounds N] [--during-import esco]
[--before-src DIR] [--no-write]``

Both servers run on 127.0.0.1 over the same data (the bundled dataset; Oxigraph's copy is
loaded with ``oxigraph load`` from a dump of our store, and served with
``--union-default-graph``, as ours answers). For a point query (one role's label) and a named
query (``role-skills`` with its default role), at 1, 8 and 32 concurrent clients (threads, each
with its own keep-alive ``http.client`` connection, for S seconds, 3 by default), it reports
requests per second, p50 and p99 latency, errors (any status but 200), and each server's peak
RSS (the server and its worker processes). With ``--rounds N`` every point runs N times, the
servers in turn (the order flips each round), and the medians are reported: the machine is
shared, so only figures taken side by side compare.

``--during-import SOURCE`` (esco, onet) adds a second phase: the release is imported once into
the store ``serve`` serves (the data both servers then hold), Oxigraph's copy is reloaded from
it, and the same points run again while ``genai-kg import SOURCE`` replaces that graph in
another process, over and over (each import switches the store to a new database, which our
workers follow). Oxigraph serving its copy cannot follow the import, so its row is the same
import running beside it, loading the CPU as much. ``--before-src DIR``: also serve from
another source tree (``git archive BASE | tar -x -C DIR``), the "before" in the same run.
Bounded: a fixed number of points of S seconds each; the import is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
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
OURS = "genai-kg serve"
THEIRS = "oxigraph serve-read-only"
RELEASES = {"esco": "esco-v1.1.1", "onet": "onet-29.2"}


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


@dataclass
class Server:
    label: str
    port: int
    path: str
    process: subprocess.Popen[bytes]


def start_ours(label: str, tmp: str, src: Path | None = None) -> Server:
    """``genai-kg serve --quiet`` on the bench's store (from the source tree ``src`` if given)."""
    port = free_port()
    command = [str(BIN / "genai-kg")]
    env = dict(os.environ)
    if src is not None:  # the other tree's package first on the path, our venv's libraries
        command = [sys.executable, "-c", "from genai_kg.cli import app; app()"]
        env["PYTHONPATH"] = str(src / "src")
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--quiet", "--store", f"{tmp}/store",
         "--data", str(ROOT / "data")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    server = Server(label, port, "/sparql", process)
    wait_ready(port, "/sparql")
    return server


def start_oxigraph(tmp: str, name: str) -> Server:
    """Oxigraph server over a copy of the bench's store as it is now (dumped, then loaded)."""
    import pyoxigraph as ox

    dump = Path(tmp) / f"{name}.nq"
    ox.Store.read_only(str(Path(tmp) / "store" / "oxigraph")).dump(
        str(dump), format=ox.RdfFormat.N_QUADS
    )
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", f"{tmp}/{name}",
                    "--file", str(dump)], check=True, capture_output=True)  # fmt: skip
    dump.unlink()
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve-read-only", "--location", f"{tmp}/{name}",
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = Server(THEIRS, port, "/query", process)
    wait_ready(port, "/query")
    return server


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ImportLoop:
    """``genai-kg import SOURCE RELEASE`` into the bench's store, again each time it ends."""

    def __init__(self, source: str, release: Path, tmp: str) -> None:
        self.command = [str(BIN / "genai-kg"), "import", source, str(release),
                        "--data", str(ROOT / "data"), "--store", f"{tmp}/store"]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None
        self.done = self.failed = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def run_once(self) -> float:
        """Import once, to the end; return its wall time in seconds."""
        started = time.monotonic()
        subprocess.run(self.command, check=True, capture_output=True, timeout=600)
        return time.monotonic() - started

    def start(self) -> None:
        self.thread.start()

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.process = subprocess.Popen(
                self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            code = self.process.wait()
            if not self.stopping.is_set():
                self.done += code == 0
                self.failed += code != 0

    def stop(self) -> None:
        self.stopping.set()
        stop(self.process)  # an import cut short leaves the live database as it was
        self.thread.join(timeout=30)


Figures = dict[str, float]


def run_points(
    servers: list[Server], queries: dict[str, str], rounds: int, seconds: float, phase: str
) -> list[tuple[str, str, int, str, Figures]]:
    """Every query at every client count on every server, ``rounds`` times side by side."""
    rows = []
    for name, query in queries.items():
        for clients in CLIENTS:
            taken: dict[str, list[Figures]] = {server.label: [] for server in servers}
            for index in range(rounds):
                for server in servers if index % 2 == 0 else servers[::-1]:
                    figures = load(server.port, server.path, query, clients, seconds)
                    taken[server.label].append(figures)
            for label, runs in taken.items():
                median = {key: statistics.median(run[key] for run in runs)
                          for key in ("rps", "p50", "p99")}  # fmt: skip
                median["errors"] = sum(run["errors"] for run in runs)
                median["requests"] = sum(run["requests"] for run in runs)
                rows.append((phase, name, clients, label, median))
                print(f"{phase:7} {name:20} {clients:3} {label:28} {median['rps']:7.0f} req/s "
                      f"p50 {median['p50']:6.1f} ms p99 {median['p99']:6.1f} ms "
                      f"errors {median['errors']:.0f}", flush=True)  # fmt: skip
    return rows


def default_release(source: str) -> Path:
    shared = os.environ.get("GENAI_KG_DATASETS") or ROOT.parent / "shared" / "datasets"
    return Path(shared) / RELEASES[source]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--during-import", choices=sorted(RELEASES), default=None)
    parser.add_argument("--release", type=Path, default=None, help="the release to import")
    parser.add_argument(
        "--before-src", type=Path, default=None, help="also serve from this source tree"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    release = args.release or (default_release(args.during_import) if args.during_import else None)
    if release is not None and not release.exists():
        raise SystemExit(f"Error: the release {release} is not there (--release PATH)")
    queries = {"point": POINT, "named (role-skills)": named_query()}
    before_label = f"{OURS} (before: {args.before_src.name})" if args.before_src else None
    rows: list[tuple[str, str, int, str, Figures]] = []
    rss: dict[str, dict[str, float]] = {}
    imports = ""
    load_averages = [os.getloadavg()[0]]
    servers: list[Server] = []
    importer = None
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        try:
            servers.append(start_ours(OURS, tmp))
            if args.before_src is not None:
                servers.append(start_ours(before_label or "", tmp, args.before_src))
            servers.append(start_oxigraph(tmp, "ox"))
            rows += run_points(servers, queries, args.rounds, args.seconds, "quiet")
            rss["quiet"] = {server.label: peak_rss_mb(server.process.pid) for server in servers}
            if args.during_import and release is not None:
                importer = ImportLoop(args.during_import, release, tmp)
                first = importer.run_once()  # the data every server holds from here on
                stop(servers.pop().process)
                servers.append(start_oxigraph(tmp, "ox-imported"))
                importer.start()
                rows += run_points(servers, queries, args.rounds, args.seconds, "import")
                importer.stop()
                rss["import"] = {s.label: peak_rss_mb(s.process.pid) for s in servers}
                imports = (f"`genai-kg import {args.during_import} {release.name}`: "
                           f"{first:.1f} s alone; {importer.done} more finished and "
                           f"{importer.failed} failed while the points ran (the last, cut "
                           "short at the end, not counted)")  # fmt: skip
        finally:
            if importer is not None:
                importer.stop()
            for server in servers:
                stop(server.process)
    load_averages.append(os.getloadavg()[0])
    for phase, peaks in rss.items():
        print(phase, ", ".join(f"{k}: peak RSS {v:.0f} MB" for k, v in peaks.items()))
    if imports:
        print(imports)
    if args.no_write:
        return
    command = f"--seconds {args.seconds:g} --rounds {args.rounds}"
    if args.during_import:
        command += f" --during-import {args.during_import}"
    if args.before_src:
        command += f" --before-src {args.before_src}"
    lines = [
        f"Run: `.venv/bin/python bench/bench_serve.py {command}` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {machine()}; load average "
        f"{load_averages[0]:.1f} at the start, {load_averages[1]:.1f} at the end (the machine "
        "is shared); the bundled data; loopback; threads with keep-alive http.client "
        "connections (the client shares the 2 cores). "
        + (f"Medians of {args.rounds} rounds, the servers side by side. " if args.rounds > 1
           else "")  # fmt: skip
        + ("Phase `import`: the same points while the release is imported again and again "
           "into the store `serve` serves (both servers hold it; Oxigraph its copy, with "
           "the same import running beside it). " if imports else ""),  # fmt: skip
        "",
        "| phase | query | clients | server | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for phase, name, clients, label, f in rows:
        lines.append(f"| {phase} | {name} | {clients} | {label} | {f['rps']:.0f} | "
                     f"{f['p50']:.1f} | {f['p99']:.1f} | {f['errors']:.0f} of "
                     f"{f['requests']:.0f} |")  # fmt: skip
    lines.append("")
    for phase, peaks in rss.items():
        lines.append(f"Peak RSS after the {phase} points (server and its query workers): "
                     + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()) + ".")  # fmt: skip
    if imports:
        lines.append(imports + ".")
    append_section("## serve under load (bench/bench_serve.py)", "\n".join(lines))


if __name__ == "__main__":
    main()
