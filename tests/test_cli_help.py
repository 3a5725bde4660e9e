"""Help as a new user reads it, at a fixed terminal width: usage lines name the arguments as
click does, paragraphs wrap to the terminal (never mid-sentence at the source's line ends),
nothing is cut off, and each command's help says what it takes."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from genai_kg.cli import app

GROUP = typer.main.get_command(app)
COMMANDS = [
    *(
        [name]
        for name, command in sorted(GROUP.commands.items())  # type: ignore[attr-defined]
        if not hasattr(command, "commands")
    ),
    ["profile", "init"],
]
WIDTHS = [60, 80, 120]


def help_text(command: list[str], width: int = 80) -> str:
    # COLUMNS, not TERMINAL_WIDTH: typer reads that once, when its help module is imported
    runner = CliRunner(env={"COLUMNS": str(width)})
    result = runner.invoke(app, [*command, "--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    return result.output


def description_paragraphs(text: str) -> list[list[str]]:
    """The lines of each paragraph between the usage line and the first panel."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("╭")), len(lines))
    paragraphs: list[list[str]] = [[]]
    for line in lines[start:end]:
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_usage_names_arguments_without_braces(command: list[str]) -> None:
    usage = next(line for line in help_text(command).splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage, usage
    assert re.fullmatch(
        rf"Usage: genai-kg {' '.join(command)} \[OPTIONS\]( [A-Z_.\[\]]+)*", usage.strip()
    ), usage


def test_usage_of_path_and_of_a_usage_error() -> None:
    assert "Usage: genai-kg path [OPTIONS] START GOAL" in help_text(["path"])
    result = CliRunner().invoke(app, ["path"])
    assert result.exit_code == 2
    assert "Usage: genai-kg path [OPTIONS] START GOAL" in result.output


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_paragraphs_wrap_to_the_terminal(command: list[str], width: int) -> None:
    """A line of a paragraph ends only where the next word would not have fit."""
    text = help_text(command, width)
    for paragraph in description_paragraphs(text):
        for line, following in zip(paragraph, paragraph[1:], strict=False):
            next_word = following.split()[0]
            # one space of margin each side of the description, as typer prints it
            assert len(line) + 1 + len(next_word) > width - 2, (line, following)


@pytest.mark.parametrize("command", [["show"], ["validate"]], ids=" ".join)
def test_show_and_validate_explain_in_whole_sentences(command: list[str]) -> None:
    paragraphs = description_paragraphs(help_text(command, 200))
    assert len(paragraphs) == 2
    assert all(len(paragraph) == 1 for paragraph in paragraphs), paragraphs
    assert all(paragraph[0].endswith(".") for paragraph in paragraphs), paragraphs


@pytest.mark.parametrize("width", [80, 120])  # at 60, typer cuts long option names
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_nothing_is_cut_off(command: list[str], width: int) -> None:
    assert "…" not in help_text(command, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_push_shows_its_whole_default_graph(width: int) -> None:
    text = help_text(["push"], width)
    assert "https://w3id.org/genai-kg/graph/curated" in text


def test_list_names_every_kind_it_takes() -> None:
    text = " ".join(help_text(["list"], 200).split())
    assert "roles, skills, tools, providers, courses, sources or queries" in text
    result = CliRunner().invoke(app, ["list", "queries"])
    assert result.exit_code == 0 and "role-skills" in result.output
