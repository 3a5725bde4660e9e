"""Data that parses but cannot be right (issue 10): each an error at FILE:LINE: field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from breakage import Edit, Expected, apply, expect, find_problem, problems_of, replace
from genai_kg.cli import app

LONG_ID = "x" * 20_000
LONG_NAME = "N" * 201

CASES = [
    pytest.param(
        replace("courses.yaml", "  requires: [python, statistics]\n",
                "  requires: [python, machine-learning]\n"),
        expect("courses.yaml", 20, "requires[1]", "course 'ml-intro' requires 'machine-learning'",
               "which it teaches"),
        id="course-requires-what-it-teaches",
    ),
    pytest.param(
        replace("roles.yaml", "  next: [ml-ops]\n", "  next: [analyst]\n"),
        expect("roles.yaml", 9, "next[0]", "role 'analyst' lists itself as its next role"),
        id="role-is-its-own-next",
    ),
    pytest.param(
        replace("skills.yaml", "  name: SQL\n", f"  name: {LONG_NAME}\n"),
        expect("skills.yaml", 3, "name", "is 201 characters long; a name has at most 200"),
        id="name-over-200",
    ),
    pytest.param(
        replace("roles.yaml", "  aliases: [Data Analyst]\n", f"  aliases: [{LONG_NAME}]\n"),
        expect("roles.yaml", 4, "aliases[0]", "a name has at most 200"),
        id="alias-over-200",
    ),
    pytest.param(
        replace("courses.yaml", "  title: Python Basics\n", f"  title: {LONG_NAME}\n"),
        expect("courses.yaml", 3, "title", "a name has at most 200"),
        id="title-over-200",
    ),
    pytest.param(
        replace("skills.yaml", "- id: sql\n", f"- id: {LONG_ID}\n"),
        expect("skills.yaml", 2, "id", "is 20,000 characters long; an id has at most 80"),
        id="id-20kb",
    ),
    pytest.param(
        replace("skills.yaml", "- id: sql\n", f"- id: {'a' * 81}\n"),
        expect("skills.yaml", 2, "id", "is 81 characters long; an id has at most 80"),
        id="id-81",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "expected"), CASES)
def test_problem_is_reported_at_its_place(
    tiny_copy: Path, edit: Edit, expected: Expected
) -> None:
    apply(tiny_copy, [edit])
    found = find_problem(problems_of(tiny_copy), tiny_copy, expected)
    assert len(found) < 400, "the message must not echo a huge value whole"


@pytest.mark.parametrize(("edit", "expected"), CASES)
def test_validate_exits_1_naming_the_place(
    runner: CliRunner, tiny_copy: Path, edit: Edit, expected: Expected
) -> None:
    apply(tiny_copy, [edit])
    result = runner.invoke(app, ["validate", "--data", str(tiny_copy)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    find_problem(result.stderr.splitlines()[1:], tiny_copy, expected)


def test_names_of_200_characters_and_ids_of_80_are_fine(tiny_copy: Path) -> None:
    from breakage import parse_ok

    apply(
        tiny_copy,
        [
            replace("skills.yaml", "  name: SQL\n", f"  name: {'N' * 200}\n"),
            replace("roles.yaml", "- id: prompter\n", f"- id: {'p' * 80}\n"),
        ],
    )
    dataset = parse_ok(tiny_copy)
    assert dataset.skills["sql"].name == "N" * 200
    assert "p" * 80 in dataset.roles
