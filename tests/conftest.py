"""Shared fixtures: the tiny synthetic dataset, a copy to break, a CLI runner, store modes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import genai_kg.store.replace
from genai_kg.graph.build import Built, build_dataset

TESTS = Path(__file__).parent
TINY = TESTS / "data" / "tiny"
REPO = TESTS.parent
#: The official releases (../shared/datasets/README.md); GENAI_KG_DATASETS names another
#: folder of them, e.g. from a worktree that has no ../shared beside it.
SHARED_DATASETS = Path(os.environ.get("GENAI_KG_DATASETS") or REPO.parent / "shared" / "datasets")
#: A learner profile with one problem per line, and the (line, field) each message must name:
#: `--profile` and the web form's upload report them alike.
BAD_PROFILE = (
    "have: [pyton]\nhours_per_week: 0\nmax_level: expert\ncolour: blue\n"
    "max_cost: {amount: 300, currency: EUR}\nfree: yes\n"
)
BAD_PROFILE_PROBLEMS = [
    (1, "have[0]"),
    (2, "hours_per_week"),
    (3, "max_level"),
    (4, "colour"),
    (5, "max_cost.currency"),
    (6, "free"),
]


@pytest.fixture(scope="session")
def tiny_built() -> Built:
    """The tiny dataset, checked and built once per session (do not mutate)."""
    return build_dataset(TINY)


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny dataset, to break on purpose."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def rebuild_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force every import through the rebuild path (a new database, snapshots, the switch)."""
    monkeypatch.setattr(genai_kg.store.replace, "UPDATE_LIMIT", 10)


# The real SPARQL servers (tests/stores.py), for every test file. Imported last: stores.py
# reads TINY's neighbours from this module through nethelp.
from stores import oxigraph, remote_store, virtuoso  # noqa: E402, F401
