"""The README is part of the contract: its commands and examples must stay true."""

from __future__ import annotations

import re
import shlex

import pytest
from tests.conftest import REPO

from genai_kg.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_first_block_holds_the_two_setup_commands() -> None:
    first = re.search(r"```\w*\n(.*?)```", README, flags=re.DOTALL)
    assert first is not None
    commands = [line for line in first.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.parametrize("code", _blocks("python"), ids=lambda code: code.splitlines()[0][:40])
def test_python_examples_run(code: str) -> None:
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 -- the README's own example


@pytest.mark.parametrize(
    "block", [b for b in _blocks("text") if b.startswith("$ ")], ids=lambda b: b.splitlines()[0]
)
def test_pasted_output_is_real(block: str, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    command, *expected = block.rstrip("\n").splitlines()
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[0].endswith("genai-kg")
    result = runner.invoke(app, [*argv[1:], "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip("\n").splitlines() == expected
