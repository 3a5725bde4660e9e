"""How near one client's point queries can come to the Oxigraph server: the HTTP stack's floor.

Run: ``.venv/bin/python bench/bench_serve_floor.py [--seconds S] [--rounds N] [--no-write]``

Three servers on 127.0.0.1, one keep-alive client each in turn (the order flips each round),
the point query of ``bench_serve.py``: ``genai-kg serve``; a do-nothing ASGI app on uvicorn with
serve's HTTP settings (httptools, uvloop, no access log) that sends the point query's answer
without any query, the floor any ASGI server of ours stands on; and
``oxigraph serve-read-only`` on the same data. The do-nothing app against Oxigraph is what the
Python HTTP stack alone costs; ``serve`` against the do-nothing app is what the query costs,
with its check, its worker process and its result writer. Medians of N rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_serve import (  # noqa: E402
    POINT,
    Server,
    free_port,
    load,
    start_ours,
    start_oxigraph,
    stop,
    wait_ready,
)
from benchlib import append_section, machine  # noqa: E402

FLOOR = "do-nothing ASGI app on uvicorn"
#: The point query's answer from ``serve``, sent as it is by the do-nothing app.
ANSWER = (
    b'{"head":{"vars":["label"]},"results":{"bindings":[{"label":{"type":"literal",'
    b'"value":"MLOps Engineer","xml:lang":"en"}}]}}'
)
APP = textwrap.dedent(
    f"""
    import sys
    import uvicorn

    BODY = {ANSWER!r}
    HEAD = [(b"content-length", b"%d" % len(BODY)),
            (b"content-type", b"application/sparql-results+json")]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({{"type": "http.response.start", "status": 200, "headers": HEAD}})
        await send({{"type": "http.response.body", "body": BODY}})

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), http="httptools",
                loop="uvloop", log_level="warning", access_log=False)
    """
)


def start_floor(tmp: str) -> Server:
    script = Path(tmp) / "floor.py"
    script.write_text(APP, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(script), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(port, "/sparql")
    return Server(FLOOR, port, "/sparql", process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rates: dict[str, list[float]] = {}
    servers: list[Server] = []
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        try:
            servers = [start_ours("genai-kg serve", tmp), start_floor(tmp)]  # ours builds the store
            servers.append(start_oxigraph(tmp, "ox"))
            for round_ in range(args.rounds):
                for server in servers if round_ % 2 == 0 else reversed(servers):
                    figures = load(server.port, server.path, POINT, 1, args.seconds)
                    if figures["errors"]:
                        raise SystemExit(f"{server.label}: {figures['errors']:.0f} errors")
                    rates.setdefault(server.label, []).append(figures["rps"])
        finally:
            for server in servers:
                stop(server.process)
    anchor = statistics.median(rates["oxigraph serve-read-only"])
    lines = ["| server | req/s (median) | against Oxigraph | rounds |", "|---|---:|---:|---|"]
    for label, values in rates.items():
        median = statistics.median(values)
        each = ", ".join(f"{v:.0f}" for v in values)
        lines.append(f"| {label} | {median:.0f} | {median / anchor:.2f}x | {each} |")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        body = (
            f"Run: `.venv/bin/python bench/bench_serve_floor.py --seconds {args.seconds:g} "
            f"--rounds {args.rounds}` on {machine()}; load average {load_average:.1f} at the "
            "start; one keep-alive client, the point query, the servers in turn.\n\n" + table
        )
        append_section("## serve: the HTTP stack's floor at one client", body)


if __name__ == "__main__":
    main()
