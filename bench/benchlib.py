"""What the benchmark scripts share: the machine's description and writing RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """Describe the machine: CPU model, cores, memory, Python."""

    def run(command: str) -> str:
        try:
            done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
        except OSError:
            return "?"
        return done.stdout.strip() or "?"

    model = run("lscpu | grep 'Model name' | sed 's/.*: *//'")
    memory = run("free -h | awk '/Mem:/ {print $2}'")
    return f"{model}, {os.cpu_count()} cores, {memory} RAM, Python {platform.python_version()}"


def append_section(heading: str, body: str) -> None:
    """Add ``body`` at the end of the ``heading`` section of RESULTS.md, leaving others alone."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    lines = text.splitlines()
    if heading not in lines:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{body}\n"
    else:
        start = lines.index(heading)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = ["", *body.splitlines()]
        text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
