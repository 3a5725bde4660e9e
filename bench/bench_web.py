"""Benchmark the web explorer of `genai-kg serve`: page time, API throughput, browser load.

Run: ``.venv/bin/python bench/bench_web.py [--requests 200] [--seconds 5] [--no-write]``

The server runs on 127.0.0.1 over the bundled data. It reports: ``/plan`` (Data Analyst ->
MLOps Engineer) warm, one client on a keep-alive connection, p50 and p90 of the time from
request to the last byte (so loopback HTTP included: an upper bound of the server's time);
``/api/plan`` requests per second at 8 concurrent clients for S seconds; and, when
Playwright and the system Chromium are there, the plan page's load event in headless
Chromium (median of 20 fresh loads, cache off) and the bytes of everything the page loads.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_serve import free_port, wait_ready  # noqa: E402
from benchlib import append_section, machine  # noqa: E402

BIN = Path(sys.executable).parent
PLAN = "/plan?from=Data+Analyst&to=MLOps+Engineer"
API = "/api/plan?from=Data+Analyst&to=MLOps+Engineer"


def timed_gets(port: int, path: str, count: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        assert response.status == 200, response.status
    connection.close()
    return times


def throughput(port: int, path: str, clients: int, seconds: float) -> tuple[float, int]:
    done = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            done[index] += 1
            errors[index] += response.status != 200
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - start), sum(errors)


def browser_load(port: int, loads: int = 20) -> tuple[float, int] | None:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        times, sizes = [], []
        for _ in range(loads + 1):  # the first warms Chromium itself; not counted
            context = browser.new_context()
            page = context.new_page()
            loaded: list[int] = []
            page.on("response", lambda r, loaded=loaded: loaded.append(len(r.body())))
            page.goto(f"http://127.0.0.1:{port}{PLAN}", wait_until="load")
            times.append(
                page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            )
            sizes.append(sum(loaded))
            context.close()
        browser.close()
    return statistics.median(times[1:]), max(sizes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as store:
        server = subprocess.Popen(
            [str(BIN / "genai-kg"), "serve", "--port", str(port), "--quiet", "--store", store],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, "/sparql", timeout=120)
            timed_gets(port, PLAN, 20)  # warm: catalog, HiGHS, templates
            plan = sorted(timed_gets(port, PLAN, args.requests))
            rate, errors = throughput(port, API, 8, args.seconds)
            load = browser_load(port)
        finally:
            server.terminate()
            server.wait(timeout=30)
    p50, p90 = plan[len(plan) // 2] * 1000, plan[int(len(plan) * 0.9)] * 1000
    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python bench/bench_web.py "
        f"--requests {args.requests} --seconds {args.seconds:g}`.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `/plan` warm, 1 client, request to last byte: p50 / p90 | {p50:.1f} ms / {p90:.1f} ms |",
        f"| `/api/plan` at 8 clients | {rate:.0f} requests/s ({errors} errors) |",
    ]
    if load is not None:
        lines.append(f"| plan page load event, headless Chromium, median of 20 | {load[0]:.0f} ms |")
        lines.append(f"| bytes the plan page loads (HTML, CSS, icon) | {load[1]:,} |")
    else:
        lines.append("| plan page load in Chromium | not measured (no Playwright or Chromium) |")
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        append_section("## Web explorer", body)


if __name__ == "__main__":
    main()
