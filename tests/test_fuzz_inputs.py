"""Generated bad input against `validate` and the three importers (issue 10, item 8).

Each example starts from a valid fixture (the tiny dataset, the ESCO, O*NET and OEWS mini
releases) and breaks it the way a hand edit or a damaged download does: a value swapped for a
huge number, NaN, an empty or 20 KB string, a control character or an odd type; a key renamed or
dropped; a record or row repeated; a line cut short; raw text spliced into the file. Whatever
comes in, the outcome is success or a ``GenaiKgError`` (which the CLI prints as ``Error: ...``
with exit 1) that names the file: never another exception, which would be a traceback.

``GENAI_KG_FUZZ=N`` runs N examples per target instead of the quick default.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from genai_kg.cli import app
from genai_kg.errors import GenaiKgError
from genai_kg.graph.build import build_dataset
from genai_kg.importers.esco import read_esco
from genai_kg.importers.oews import read_oews
from genai_kg.importers.onet import read_onet

FIXTURES = Path(__file__).parent / "data"
EXAMPLES = int(os.environ.get("GENAI_KG_FUZZ", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a hand edit or a broken export puts where a good one was.
ODD_TEXT = st.sampled_from(
    [
        "", " ", "\t", "\x00", "\x1b[31m", "\ufeff", "\u202e", "é", "😀", "a" * 20_000,
        "1e999", "-1e999", "nan", "inf", "-0", "9" * 5000, "0x1F", "1_000", "12,5", "--",
        "'", '"', "\\", "\n", "\r\n", "#", ":", "- x", "[", "{", "&a", "*a", "!!python/object",
        "null", "~", "yes", "no", "2026-13-45", "Analyst", "analyst", "python", "fixture",
        "http://", "javascript:alert(1)", "../../etc/passwd", "<x>", "%00",
    ]
)  # fmt: skip
ODD_VALUE = st.one_of(
    ODD_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(ODD_TEXT, max_size=3),
    st.dictionaries(ODD_TEXT, ODD_TEXT, max_size=2),
)


def _expect_clean(action: Callable[[], Any]) -> None:
    """Run ``action``; a ``GenaiKgError`` must say something, any other exception fails."""
    try:
        action()
    except GenaiKgError as exc:
        assert str(exc).strip(), "an error with no message"


# --- validate --------------------------------------------------------------------------------

TINY = FIXTURES / "tiny"
TINY_FILES = sorted(path.stem for path in TINY.glob("*.yaml"))


def _records(stem: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load((TINY / f"{stem}.yaml").read_text())
    return loaded


@st.composite
def broken_yaml(draw: st.DrawFn) -> tuple[str, str]:
    """Return (file stem, new text): one tiny-dataset file with one to three edits."""
    stem = draw(st.sampled_from(TINY_FILES))
    records = _records(stem)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        record = records[draw(st.integers(min_value=0, max_value=len(records) - 1))]
        key = draw(st.sampled_from(sorted(record)))
        edit = draw(st.sampled_from(["value", "drop", "rename", "repeat", "nest"]))
        if edit == "value":
            record[key] = draw(ODD_VALUE)
        elif edit == "drop":
            del record[key]
        elif edit == "rename":
            record[draw(ODD_TEXT) or "x"] = record.pop(key)
        elif edit == "repeat":
            records.append(dict(record))
        elif isinstance(record[key], dict):
            inner = record[key]
            inner[draw(ODD_TEXT)] = draw(ODD_VALUE)
        else:
            record[key] = {key: record[key]}
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):  # raw damage the YAML writer would never make
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + draw(ODD_TEXT) + text[cut:]
    return stem, text


def _dataset_with(tmp: Path, stem: str, text: str) -> Path:
    folder = tmp / "data"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(TINY, folder)
    (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return folder


@FUZZ
@given(broken_yaml())
def test_broken_yaml_is_reported_never_raised(tmp_path: Path, case: tuple[str, str]) -> None:
    folder = _dataset_with(tmp_path, *case)
    _expect_clean(lambda: build_dataset(folder, shacl=False))


@settings(FUZZ, max_examples=max(EXAMPLES // 10, 10))
@given(broken_yaml())
def test_validate_command_on_broken_yaml_exits_0_or_1(
    tmp_path: Path, case: tuple[str, str]
) -> None:
    """The whole command, SHACL included: `Error: ...` and exit 1, or a clean exit 0."""
    folder = _dataset_with(tmp_path, *case)
    result = CliRunner().invoke(
        app, ["validate", "--data", str(folder), "--store", str(tmp_path / "store")]
    )
    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    if result.exit_code == 1:
        assert "Error:" in result.output


# --- importers -------------------------------------------------------------------------------


@st.composite
def broken_table(draw: st.DrawFn, folder: Path, delimiter: str) -> tuple[str, str]:
    """Return (file name, new text): one release file with rows damaged or repeated."""
    name = draw(st.sampled_from(sorted(p.name for p in folder.iterdir() if p.suffix != ".md")))
    if name.endswith(".json"):  # the OEWS manifest: damage its text
        text = (folder / name).read_text()
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        return name, text[:cut] + draw(ODD_TEXT) + text[cut:]
    rows = list(csv.reader(io.StringIO((folder / name).read_text()), delimiter=delimiter))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        row = rows[draw(st.integers(min_value=0, max_value=len(rows) - 1))]
        edit = draw(st.sampled_from(["cell", "cell", "repeat", "short", "long", "empty"]))
        if edit == "cell" and row:
            row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = draw(ODD_TEXT)
        elif edit == "repeat":
            rows.append(list(row))
        elif edit == "short":
            del row[draw(st.integers(min_value=0, max_value=len(row))) :]
        elif edit == "long":
            row.append(draw(ODD_TEXT))
        elif edit == "empty":
            del rows[1:]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return name, out.getvalue()


def _release_with(tmp: Path, source: Path, name: str, text: str) -> Path:
    folder = tmp / source.name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _consume(reader: Callable[[Path], Any], folder: Path) -> Callable[[], None]:
    def run() -> None:
        result = reader(folder)
        for _ in result.triples:
            pass

    return run


IMPORTERS = {
    "esco": (read_esco, FIXTURES / "esco-mini", ","),
    "onet": (read_onet, FIXTURES / "onet-mini", "\t"),
    "oews": (read_oews, FIXTURES / "oews-mini", ","),
}


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_broken_release_is_reported_never_raised(tmp_path: Path, kind: str) -> None:
    reader, source, delimiter = IMPORTERS[kind]

    @FUZZ
    @given(broken_table(source, delimiter))
    def check(case: tuple[str, str]) -> None:
        folder = _release_with(tmp_path, source, *case)
        _expect_clean(_consume(reader, folder))

    check()


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_the_fixtures_themselves_import(tmp_path: Path, kind: str) -> None:
    """The starting points are valid, so a failure above comes from the damage."""
    reader, source, _ = IMPORTERS[kind]
    result = reader(source)
    assert sum(1 for _ in result.triples) > 0
