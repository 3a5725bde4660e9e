"""Benchmark the web explorer of `genai-kg serve`: page time, API throughput, browser load.

Run: ``.venv/bin/python bench/bench_web.py [--requests 200] [--seconds 5] [--no-write]``

The server runs on 127.0.0.1 over the bundled data. It reports: ``/plan`` (Data Analyst ->
MLOps Engineer) warm, one client on a keep-alive connection, p50 and p90 of the time from
request to the last byte (so loopback HTTP included: an upper bound of the server's time);
``/api/plan`` requests per second at 8 concurrent clients for S seconds, for one plan asked
again and again (the server keeps answers) and for a new plan each time (``have`` varies,
so the planner runs for each); and, when
Playwright and the system Chromium are there, the plan page's load event in headless
Chromium (median of 20 fresh loads, cache off) and the bytes of everything the page loads.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_serve import free_port, wait_ready  # noqa: E402
from benchlib import append_section, machine  # noqa: E402

BIN = Path(sys.executable).parent
PLAN = "/plan?from=Data+Analyst&to=MLOps+Engineer"
API = "/api/plan?from=Data+Analyst&to=MLOps+Engineer"


def fresh_paths(base: str) -> Iterator[str]:
    """``base`` with a new ``have`` pair each time: a plan the server has not kept."""
    from genai_kg.paths import bundled
    from genai_kg.plan.catalog import open_catalog

    skills = sorted(open_catalog(bundled("data")).skills)
    for first, second in itertools.permutations(skills, 2):
        yield f"{base}&have={first},{second}"


def timed_gets(port: int, paths: Iterator[str], count: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(count):
        path = next(paths)
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        assert response.status == 200, response.status
    connection.close()
    return times


def throughput(port: int, paths: Iterator[str], clients: int, seconds: float) -> tuple[float, int]:
    done = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            with lock:
                path = next(paths)
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
            page.goto(f"http://127.0.0.1:{port}{PLAN}", wait_until="load")
            times.append(
                page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            )
            sizes.append(
                page.evaluate(
                    "[...performance.getEntriesByType('navigation'),"
                    " ...performance.getEntriesByType('resource')]"
                    ".reduce((sum, e) => sum + e.decodedBodySize, 0)"
                )
            )
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
            timed_gets(port, itertools.repeat(PLAN), 20)  # warm: catalog, HiGHS, templates
            plan = sorted(timed_gets(port, itertools.repeat(PLAN), args.requests))
            fresh = sorted(timed_gets(port, fresh_paths(PLAN), args.requests))
            rate, errors = throughput(port, itertools.repeat(API), 8, args.seconds)
            new_rate, new_errors = throughput(port, fresh_paths(API), 8, args.seconds)
            load = browser_load(port)
        finally:
            server.terminate()
            server.wait(timeout=30)

    def p(times: list[float], share: float) -> float:
        return times[int(len(times) * share)] * 1000

    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python bench/bench_web.py "
        f"--requests {args.requests} --seconds {args.seconds:g}`.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `/plan` warm, the same plan again, 1 client, request to last byte: p50 / p90 "
        f"| {p(plan, 0.5):.1f} ms / {p(plan, 0.9):.1f} ms |",
        f"| `/plan`, a new plan each time (`have` varies): p50 / p90 "
        f"| {p(fresh, 0.5):.1f} ms / {p(fresh, 0.9):.1f} ms |",
        f"| `/api/plan` at 8 clients, the same plan | {rate:.0f} requests/s ({errors} errors) |",
        f"| `/api/plan` at 8 clients, a new plan each time "
        f"| {new_rate:.0f} requests/s ({new_errors} errors) |",
    ]
    if load is not None:
        lines.append(
            f"| plan page load event, headless Chromium, median of 20 | {load[0]:.0f} ms |"
        )  # noqa: E501
        lines.append(f"| bytes the plan page loads (HTML, CSS, icon) | {load[1]:,} |")
    else:
        lines.append("| plan page load in Chromium | not measured (no Playwright or Chromium) |")
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        append_section("## Web explorer", body)


if __name__ == "__main__":
    main()
