"""load.py: malformed YAML, YAML's silent coercions, duplicate keys and the dataset's shape.

Each case breaks a copy of tests/data/tiny and checks the problem ``parse_dataset`` raises:
the file, the line of the offending value, the field and the contract words of the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from breakage import (
    Edit,
    Expected,
    append,
    apply,
    expect,
    find_problem,
    parse_ok,
    problems_of,
    replace,
)
from genai_kg.dataset.load import load_dataset
from genai_kg.errors import DataError

MALFORMED = "malformed YAML"


def hours(value: str) -> Edit:
    """Set the first course's hours (courses.yaml line 8)."""
    return replace("courses.yaml", "  hours: 10\n", f"  hours: {value}\n")


MALFORMED_CASES = [
    pytest.param(
        [
            replace(
                "skills.yaml",
                "  name: Python\n  category: programming\n",
                "  name: Python\n category: programming\n",
            )
        ],
        expect("skills.yaml", 8, None, MALFORMED),
        id="bad-indent-dedented",
    ),
    pytest.param(
        [
            replace(
                "skills.yaml", "- id: python\n  name: Python\n", "- id: python\n   name: Python\n"
            )
        ],
        expect("skills.yaml", 7, None, MALFORMED),
        id="bad-indent-indented",
    ),
    pytest.param(
        [replace("skills.yaml", "  name: Python\n", "\tname: Python\n")],
        expect("skills.yaml", 7, None, MALFORMED),
        id="tab-indent",
    ),
    # An unclosed bracket is noticed lines later; the user must be sent to the bracket.
    pytest.param(
        [replace("courses.yaml", "  teaches: [python]\n", "  teaches: [python\n")],
        expect("courses.yaml", 11, None, MALFORMED),
        id="unclosed-bracket",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  cost: {amount: 0, currency: USD}\n",
                "  cost: {amount: 0, currency: USD\n",
            )
        ],
        expect("courses.yaml", 9, None, MALFORMED),
        id="unclosed-brace",
    ),
    pytest.param(
        [replace("skills.yaml", "  name: SQL\n", '  name: "SQL\n')],
        expect("skills.yaml", 3, None, MALFORMED),
        id="unclosed-quote",
    ),
    # A raw control character is refused by the YAML reader itself, before any parsing.
    pytest.param(
        [replace("skills.yaml", "  name: Python\n", "  name: Py\x07thon\n")],
        expect("skills.yaml", 7, None, "control character"),
        id="raw-control-character",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), MALFORMED_CASES)
def test_malformed_yaml_names_file_and_line(
    tiny_copy: Path, edits: list[Edit], expected: Expected
) -> None:
    apply(tiny_copy, edits)
    find_problem(problems_of(tiny_copy), tiny_copy, expected)


def test_malformed_file_does_not_hide_other_files_problems(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            replace("skills.yaml", "  name: Python\n", "   name: Python\n"),
            replace(
                "courses.yaml", "  level: beginner\n  hours: 10\n", "  level: expert\n  hours: 10\n"
            ),
        ],
    )
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("skills.yaml", 7, None, MALFORMED))
    find_problem(problems, tiny_copy, expect("courses.yaml", 7, "level", "'expert'"))


def test_malformed_file_does_not_cascade_into_unknown_references(tiny_copy: Path) -> None:
    # skills.yaml could not be read, so nobody knows whether 'python' exists: saying
    # "unknown skill 'python'" for every course buries the one real problem.
    apply(tiny_copy, [replace("skills.yaml", "  name: Python\n", "   name: Python\n")])
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("skills.yaml", 7, None, MALFORMED))
    assert [problem for problem in problems if "unknown skill" in problem] == []


DUPLICATE_KEY_CASES = [
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  title: Python Basics\n",
                "  title: Python Basics\n  title: Python Again\n",
            )
        ],
        expect("courses.yaml", 4, "title", "duplicate key 'title'", "first at line 3"),
        id="top-level",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  cost: {amount: 0, currency: USD}\n",
                "  cost: {amount: 0, amount: 5, currency: USD}\n",
            )
        ],
        expect("courses.yaml", 9, "cost.amount", "duplicate key 'amount'", "first at line 9"),
        id="flow-mapping",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "    essential: [sql, statistics]\n",
                "    essential: [sql, statistics]\n    essential: [sql]\n",
            )
        ],
        expect("roles.yaml", 7, "skills.essential", "duplicate key 'essential'", "first at line 6"),
        id="nested-block",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), DUPLICATE_KEY_CASES)
def test_duplicate_key(tiny_copy: Path, edits: list[Edit], expected: Expected) -> None:
    apply(tiny_copy, edits)
    find_problem(problems_of(tiny_copy), tiny_copy, expected)


# YAML 1.1 reads these plain scalars as something other than what was typed (or YAML 1.2
# would): each is reported once, at its line, instead of being guessed.
COERCION_CASES = [
    pytest.param(
        [replace("skills.yaml", "  name: SQL\n", "  name: NO\n")],
        expect("skills.yaml", 3, "name", "'NO'", "boolean", "quote it"),
        id="NO-as-text",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "region: US, year: 2026, source: fixture}\n  next",
                "region: NO, year: 2026, source: fixture}\n  next",
            )
        ],
        expect("roles.yaml", 8, "salary[0].region", "'NO'", "boolean", "quote it"),
        id="norway-region",
    ),
    pytest.param(
        [replace("roles.yaml", "  track: engineering\n", "  track: on\n")],
        expect("roles.yaml", 14, "track", "'on'", "boolean", "quote it"),
        id="on-as-text",
    ),
    pytest.param(
        [replace("courses.yaml", "  rating: 4.5\n", "  rating: 4.5\n  credential: yes\n")],
        expect("courses.yaml", 11, "credential", "'yes'", "boolean", "quote it"),
        id="yes-as-text",
    ),
    pytest.param(
        [replace("skills.yaml", "  name: SQL\n", "  name: true\n")],
        expect("skills.yaml", 3, "name", "expected text", "True", "quote it"),
        id="true-as-text",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "{level: senior, max: 200000,",
                "{level: senior, max: 200000, or_more: yes,",
            )
        ],
        expect("roles.yaml", 20, "salary[0].or_more", "'yes'", "write true or false"),
        id="yes-as-boolean",
    ),
    pytest.param(
        [hours("1e3")],
        expect("courses.yaml", 8, "hours", "'1e3'", "plain decimal number"),
        id="exponent-number",
    ),
    pytest.param(
        [hours("0123")],
        expect("courses.yaml", 8, "hours", "'0123'", "plain decimal number"),
        id="octal-looking",
    ),
    pytest.param(
        [hours("0o17")],
        expect("courses.yaml", 8, "hours", "'0o17'", "plain decimal number"),
        id="yaml12-octal",
    ),
    pytest.param(
        [hours("0x10")],
        expect("courses.yaml", 8, "hours", "'0x10'", "plain decimal number"),
        id="hex",
    ),
    pytest.param(
        [hours("1_000")],
        expect("courses.yaml", 8, "hours", "'1_000'", "plain decimal number"),
        id="underscore-number",
    ),
    pytest.param(  # YAML 1.1 reads 1:30 as 90 (base 60)
        [hours("1:30")],
        expect("courses.yaml", 8, "hours", "'1:30'", "plain decimal number"),
        id="sexagesimal",
    ),
    pytest.param(
        [replace("courses.yaml", "  rating: 4.5\n", "  rating: .inf\n")],
        expect("courses.yaml", 10, "rating", "'.inf'", "plain decimal number"),
        id="infinity",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), COERCION_CASES)
def test_ambiguous_scalar_is_reported_once(
    tiny_copy: Path, edits: list[Edit], expected: Expected
) -> None:
    apply(tiny_copy, edits)
    find_problem(problems_of(tiny_copy), tiny_copy, expected)


def test_quoted_scalars_are_text(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            replace(
                "roles.yaml",
                "region: US, year: 2026, source: fixture}\n  next",
                "region: 'NO', year: 2026, source: fixture}\n  next",
            ),
            replace("roles.yaml", "  track: engineering\n", '  track: "on"\n'),
        ],
    )
    dataset = parse_ok(tiny_copy)
    assert dataset.roles["analyst"].salary[0].region == "NO"
    assert dataset.roles["ml-ops"].track == "on"


def test_recursive_alias_is_a_problem_not_a_crash(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            replace(
                "skills.yaml",
                "  aliases: [Structured Query Language]\n",
                "  aliases: &loop [Structured Query Language, *loop]\n",
            )
        ],
    )
    find_problem(problems_of(tiny_copy), tiny_copy, expect("skills.yaml", 4, "aliases[1]"))


# --- the shape of a dataset: a folder of six files, each a list of mappings


def test_file_that_is_not_a_list(tiny_copy: Path) -> None:
    (tiny_copy / "providers.yaml").write_text(
        "# providers\nlearnhub:\n  name: LearnHub\n  kind: platform\n", encoding="utf-8"
    )
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("providers.yaml", 2, None, "expected a list"))


@pytest.mark.parametrize(
    ("item", "words"),
    [
        pytest.param("- just-a-string\n", ("expected a mapping", "'just-a-string'"), id="scalar"),
        pytest.param("- [learnhub, acme-ai]\n", ("expected a mapping",), id="list"),
    ],
)
def test_list_item_that_is_not_a_mapping(
    tiny_copy: Path, item: str, words: tuple[str, ...]
) -> None:
    apply(tiny_copy, [append("providers.yaml", item)])
    problem = find_problem(
        problems_of(tiny_copy), tiny_copy, expect("providers.yaml", 9, None, *words)
    )
    assert "Node(" not in problem, "the message shows YAML internals instead of the value"


def test_missing_dataset_file(tiny_copy: Path) -> None:
    (tiny_copy / "tools.yaml").unlink()
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("tools.yaml", None, None, "missing"))


def test_missing_file_does_not_stop_the_other_checks(tiny_copy: Path) -> None:
    (tiny_copy / "tools.yaml").unlink()
    apply(
        tiny_copy,
        [
            replace(
                "courses.yaml", "  level: advanced\n  hours: 30\n", "  level: expert\n  hours: 30\n"
            )
        ],
    )
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("tools.yaml", None, None, "missing"))
    find_problem(problems, tiny_copy, expect("courses.yaml", 25, "level", "'expert'"))


def test_missing_dataset_folder(tmp_path: Path) -> None:
    folder = tmp_path / "no-such-dataset"
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{folder}: ")
    assert "not a dataset folder" in problem
    assert "courses.yaml" in problem  # says what a dataset folder holds


def test_file_given_as_dataset_folder(tiny_copy: Path) -> None:
    with pytest.raises(DataError, match="not a dataset folder"):
        load_dataset(tiny_copy / "roles.yaml")


def test_empty_file_is_an_empty_list(tiny_copy: Path) -> None:
    (tiny_copy / "tools.yaml").write_text("# no tools yet\n", encoding="utf-8")
    apply(
        tiny_copy,
        [
            replace("roles.yaml", "  tools: [dockerd]\n", ""),
            replace("courses.yaml", "  tools: [dockerd]\n", ""),
        ],
    )
    assert parse_ok(tiny_copy).tools == {}


def test_records_remember_lines(tiny_copy: Path) -> None:
    raw = load_dataset(tiny_copy)
    assert raw.problems == []
    course = raw.records["courses"][1]
    assert (course.id, course.line) == ("ml-intro", 13)
    assert course.line_of(("requires", 1)) == 20
    assert course.line_of(("cost", "note")) == 18
    assert course.line_of(("no-such-key",)) == 13
