"""The CLI on bad input: every problem on stderr as ``Error: ...``, exit 1, nothing written.

Usage errors (an unknown option, a value outside a choice) exit 2, as Typer does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from breakage import apply, expect, find_problem, replace
from genai_kg.cli import app

TINY = Path(__file__).parent / "data" / "tiny"

#: Three problems in three files of tests/data/tiny, and where each must be reported.
BREAKS = [
    replace("courses.yaml", "  rating: 4.5\n", "  rating: 7\n"),
    replace("tools.yaml", "  vendor: acme-ai\n", "  vendor: acme\n"),
    replace("skills.yaml", "  name: SQL\n", "  name: NO\n"),
]
REPORTED = [
    expect("courses.yaml", 10, "rating", "at most 5", "7"),
    expect("tools.yaml", 5, "vendor", "unknown provider 'acme'", "did you mean 'acme-ai'"),
    expect("skills.yaml", 3, "name", "'NO'", "boolean"),
]


@pytest.fixture
def broken(tiny_copy: Path) -> Path:
    apply(tiny_copy, BREAKS)
    return tiny_copy


def test_validate_lists_every_problem(runner: CliRunner, broken: Path) -> None:
    result = runner.invoke(app, ["validate", "--data", str(broken)])
    assert result.exit_code == 1
    assert result.stdout == ""
    head, *problems = result.stderr.splitlines()
    assert head == "Error: 3 problems in the data:"
    for expected in REPORTED:
        find_problem(problems, broken, expected)


def test_build_with_broken_data_writes_nothing(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--data", str(broken), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: 3 problems in the data:")
    find_problem(result.stderr.splitlines()[1:], broken, REPORTED[0])
    assert not out.exists()


def test_build_with_broken_data_leaves_an_earlier_build_alone(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = {"genai-kg.ttl": b"# an earlier build\n", "manifest.json": b'{"counts": {}}\n'}
    for name, payload in before.items():
        (out / name).write_bytes(payload)
    result = runner.invoke(app, ["build", "--data", str(broken), "--out", str(out)])
    assert result.exit_code == 1
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_build_writes_where_told_when_data_is_good(runner: CliRunner, tmp_path: Path) -> None:
    # the control for the two tests above: the same command does write with good data
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--data", str(TINY), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert (out / "manifest.json").is_file()


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["list", "roles"], id="list"),
        pytest.param(["show", "python"], id="show"),
        pytest.param(["export", "--format", "turtle"], id="export"),
    ],
)
def test_every_command_reports_broken_data(
    runner: CliRunner, broken: Path, command: list[str]
) -> None:
    result = runner.invoke(app, [*command, "--data", str(broken)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: 3 problems in the data:")


def test_validate_good_data(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--data", str(TINY)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    assert result.stderr == ""


def test_validate_prints_warnings_on_stderr_and_succeeds(
    runner: CliRunner, tiny_copy: Path
) -> None:
    apply(
        tiny_copy,
        [
            replace(
                "courses.yaml",
                "  teaches: [prompting]\n",
                "  teaches: [prompting]\n  requires: [rust]\n",
            )
        ],
    )
    (tiny_copy / "skills.yaml").write_text(
        (tiny_copy / "skills.yaml").read_text(encoding="utf-8") + "- id: rust\n  name: Rust\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--data", str(tiny_copy)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    assert "'prompt-course'" in result.stderr
    assert "'rust'" in result.stderr


def test_validate_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "not a dataset folder" in result.stderr


def test_unknown_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--data", str(TINY), "--bogus"])
    assert result.exit_code == 2
    assert "--bogus" in result.stderr
    assert result.stdout == ""


def test_export_unknown_format_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "graph.out"
    result = runner.invoke(
        app, ["export", "--format", "nope", "--data", str(TINY), "-o", str(target)]
    )
    assert result.exit_code == 2
    assert "'nope'" in result.stderr
    assert "turtle" in result.stderr
    assert not target.exists()


def test_show_unknown_name(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "NOPE", "--data", str(TINY)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "'NOPE'" in result.stderr


def test_show_near_miss_suggests_the_closest_name(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "pyton", "--data", str(TINY)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert "'pyton'" in result.stderr
    assert "did you mean" in result.stderr
    assert "python" in result.stderr


# --- files that cannot be read or written (issue 10) ------------------------------------------


def test_a_symlink_loop_in_the_data_is_named(runner: CliRunner, tiny_copy: Path) -> None:
    (tiny_copy / "courses.yaml").unlink()
    (tiny_copy / "courses.yaml").symlink_to("courses.yaml")
    for command in (["validate"], ["path", "analyst", "ml-ops"]):
        result = runner.invoke(app, [*command, "--data", str(tiny_copy)])
        assert result.exit_code == 1, command
        assert "courses.yaml: is a symlink loop" in result.stderr
        assert "Traceback" not in result.stderr


def test_an_unreadable_data_file_is_named(
    runner: CliRunner, tiny_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root reads any file whatever its mode, so the refusal is simulated where the bytes are read.
    courses = tiny_copy / "courses.yaml"
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == courses:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    store = str(tmp_path / "store")
    for command in (["path", "analyst", "ml-ops"], ["sparql", "role-skills"]):
        result = runner.invoke(app, [*command, "--data", str(tiny_copy), "--store", store])
        assert result.exit_code == 1, command
        assert result.stderr == (
            f"Error: 1 problem in the data:\n{courses}: cannot be read: permission denied\n"
        )


def test_build_into_a_path_under_a_file_says_so(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "--data", str(TINY), "--out", str(blocker / "out")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: not a directory while writing {str(blocker / 'out')!r}\n"
    )


@pytest.mark.parametrize("command", ["build", "export"])
def test_a_full_disk_names_the_file_and_keeps_the_old_one(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    import errno
    import os

    out = tmp_path / "out"
    target = out / "genai-kg.ttl"
    args = (
        ["build", "--out", str(out)]
        if command == "build"
        else ["export", "-f", "turtle", "-o", str(target), "--store", str(tmp_path / "store")]
    )
    args += ["--data", str(TINY)]
    assert runner.invoke(app, args).exit_code == 0
    before = target.read_bytes()

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: no space left on device while writing {str(target)!r}\n"
    assert target.read_bytes() == before
    assert not [path for path in out.iterdir() if path.name.endswith(".tmp")]
