"""What interrupted runs leave behind is removed by the next run that owns it (issue 10, item 4).

A killed import leaves a half-filled database folder in the store; a killed export or build
leaves a ``.NAME.PID-XXXX.tmp`` file beside its target. Neither is in anyone's way, but both take
disk space (hundreds of MB for ESCO) that nothing else would ever give back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import TINY
from tests.test_taxonomies import import_ok

from genai_kg.cli import app
from genai_kg.paths import atomic_write


def dead_pid() -> int:
    """Return the pid of a process that has ended (and been reaped)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def _orphans(store: Path) -> list[Path]:
    orphans = [store / "oxigraph-17", store / "snapshots-17"]  # as a kill mid-fill leaves them
    for orphan in orphans:
        orphan.mkdir()
        (orphan / "000012.sst").write_bytes(b"\0" * 4096)
    return orphans


def test_the_next_import_removes_a_killed_import_s_database(runner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    import_ok(runner, "oews", store)
    live = (store / "oxigraph").resolve()
    orphans = _orphans(store)

    import_ok(runner, "onet", store)

    assert not any(orphan.exists() for orphan in orphans)
    current = (store / "oxigraph").resolve()
    assert current.is_dir() and current != live
    assert sorted(path.name for path in store.glob("oxigraph-*")) == [current.name]


def test_a_curated_refresh_removes_them_too(runner, tmp_path: Path) -> None:
    """The refresh after a data edit is a writer too; the store then holds one database."""
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(TINY, data)
    import_ok(runner, "oews", store, data)
    orphans = _orphans(store)
    with (data / "sources.yaml").open("a") as stream:
        stream.write("# an edit: the curated graph is refreshed by the next command\n")

    result = runner.invoke(
        app, ["sparql", "role-skills", "--data", str(data), "--store", str(store)]
    )

    assert result.exit_code == 0, result.output
    assert not any(orphan.exists() for orphan in orphans)
    current = (store / "oxigraph").resolve()
    assert sorted(path.name for path in store.glob("oxigraph-*")) == [current.name]


def test_a_write_removes_temporaries_of_dead_writers_of_the_same_file(tmp_path: Path) -> None:
    target = tmp_path / "genai-kg.ttl"
    dead = tmp_path / f".genai-kg.ttl.{dead_pid()}-k1ll3d.tmp"
    alive = tmp_path / f".genai-kg.ttl.{os.getpid()}-wr1t1ng.tmp"  # a writer still at work
    other = tmp_path / f".genai-kg.nt.{dead_pid()}-0th3r.tmp"  # another file's: its own write
    foreign = tmp_path / ".genai-kg.ttl.notes.tmp"  # not a name atomic_write makes
    for path in (dead, alive, other, foreign):
        path.write_bytes(b"half")

    atomic_write(target, b"whole")

    assert target.read_bytes() == b"whole"
    assert not dead.exists()
    assert alive.exists() and other.exists() and foreign.exists()
    assert sorted(p.name for p in tmp_path.glob(".genai-kg.ttl.*.tmp")) == sorted(
        [alive.name, foreign.name]
    )
