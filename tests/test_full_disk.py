"""A store on a disk that fills up mid-import (issue 10, item 5), on a real small file system.

The store lives on a 2 MB tmpfs mounted for the test (root only; skipped elsewhere, saying
why): the tiny dataset's store fits, the ESCO mini release's new database does not.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import TINY
from tests.test_taxonomies import MINI, do_import

from genai_kg.cli import app

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip() or 'not root'}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def count(runner, store: Path) -> str:
    result = runner.invoke(
        app, ["sparql", "-", "--format", "csv", "--data", str(TINY), "--store", str(store)],
        input=QUERY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_import_onto_a_full_disk_says_so_and_keeps_the_store(runner, small_disk: Path) -> None:
    store = small_disk / "store"
    before = count(runner, store)
    live = (store / "oxigraph").resolve()

    result = do_import(runner, "esco", MINI["esco"], store)

    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: no space left on device while writing the store {str(store)!r}; "
        "it is left as it was before\n"
    )
    assert (store / "oxigraph").resolve() == live
    assert sorted(store.glob("oxigraph-*")) == [live]  # the half-written database is gone
    assert count(runner, store) == before
