"""models.py: schema, value and reference checks, all reported together at their lines.

Each case breaks a copy of tests/data/tiny and checks the problem ``parse_dataset`` raises:
the file, the line of the offending value, the field and the contract words of the message
(the value with ``repr``, and ``did you mean`` where a close valid name exists).
"""

from __future__ import annotations

import string
import unicodedata
import urllib.parse
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

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
    split_problem,
)
from genai_kg.dataset.checks import parse_dataset
from genai_kg.dataset.load import load_dataset
from genai_kg.dataset.models import Salary, Skill
from genai_kg.errors import DataError

# Line numbers below are those of tests/data/tiny; an appended item starts on the line after
# the file's last line (skills.yaml: 31, courses.yaml: 63).
NEW_SKILL_LINE = 31


def new_skill(skill_id: str) -> Edit:
    return append("skills.yaml", f"- id: '{skill_id}'\n  name: Something\n")


def skill_name(yaml_value: str) -> Edit:
    """Set the name of skill 'python' (skills.yaml line 7)."""
    return replace("skills.yaml", "  name: Python\n", f"  name: {yaml_value}\n")


def unknown(
    kind: str, owner: str, noun: str, value: str, suggestion: str | None
) -> tuple[str, ...]:
    words = (f"{kind} {owner!r} names unknown {noun} {value!r}",)
    return (*words, f"did you mean {suggestion!r}") if suggestion else words


CASES = [
    # --- keys
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  title: Deep Learning\n",
                "  title: Deep Learning\n  tittle: Deep\n",
            )
        ],
        [expect("courses.yaml", 24, "tittle", "unknown key 'tittle'", "did you mean 'title'")],
        id="unknown-key-tittle",
    ),
    pytest.param(
        [replace("courses.yaml", "note: per month}", "notes: per month}")],
        [expect("courses.yaml", 18, "cost.notes", "unknown key 'notes'", "did you mean 'note'")],
        id="unknown-key-in-cost",
    ),
    pytest.param(
        [replace("roles.yaml", "max: 200000, currency: USD", "max: 200000, currncy: USD")],
        [
            expect(
                "roles.yaml",
                20,
                "salary[0].currncy",
                "unknown key 'currncy'",
                "did you mean 'currency'",
            ),
            expect("roles.yaml", 20, "salary[0].currency", "missing"),
        ],
        id="unknown-key-in-salary",
    ),
    pytest.param(
        [replace("skills.yaml", "    esco: http", "    escoo: http")],
        [expect("skills.yaml", 16, "match.escoo", "unknown key 'escoo'", "did you mean 'esco'")],
        id="unknown-key-in-match",
    ),
    pytest.param(
        [
            replace(
                "skills.yaml", "  name: Prompt design\n", "  name: Prompt design\n  colour: red\n"
            )
        ],
        [expect("skills.yaml", 30, "colour", "unknown key 'colour'")],
        id="unknown-key-no-suggestion",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  level: beginner\n  teaches: [prompting]\n",
                "  teaches: [prompting]\n",
            )
        ],
        [expect("courses.yaml", 57, "level", "required key is missing")],
        id="missing-required-key",
    ),
    pytest.param(
        [replace("roles.yaml", "    essential: [prompting]\n", "    optional: [prompting]\n")],
        [expect("roles.yaml", 24, "skills.essential", "required key is missing")],
        id="missing-nested-required-key",
    ),
    # --- references, one case per reference field
    pytest.param(
        [replace("skills.yaml", "  broader: machine-learning\n", "  broader: machine-lerning\n")],
        [
            expect(
                "skills.yaml",
                20,
                "broader",
                *unknown("skill", "deep-learning", "skill", "machine-lerning", "machine-learning"),
            )
        ],
        id="dangling-skill-broader",
    ),
    pytest.param(
        [replace("tools.yaml", "  vendor: acme-ai\n", "  vendor: acme\n")],
        [
            expect(
                "tools.yaml",
                5,
                "vendor",
                *unknown("tool", "dockerd", "provider", "acme", "acme-ai"),
            )
        ],
        id="dangling-tool-vendor",
    ),
    pytest.param(
        [replace("tools.yaml", "  skills: [docker]\n", "  skills: [dockr]\n")],
        [
            expect(
                "tools.yaml",
                6,
                "skills[0]",
                *unknown("tool", "dockerd", "skill", "dockr", "docker"),
            )
        ],
        id="dangling-tool-skill",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "    essential: [sql, statistics]\n",
                "    essential: [sql, statistcs]\n",
            )
        ],
        [
            expect(
                "roles.yaml",
                6,
                "skills.essential[1]",
                *unknown("role", "analyst", "skill", "statistcs", "statistics"),
            )
        ],
        id="dangling-role-essential",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml", "    optional: [deep-learning]\n", "    optional: [deep-learnin]\n"
            )
        ],
        [
            expect(
                "roles.yaml",
                17,
                "skills.optional[0]",
                *unknown("role", "ml-ops", "skill", "deep-learnin", "deep-learning"),
            )
        ],
        id="dangling-role-optional",
    ),
    pytest.param(
        [replace("roles.yaml", "  tools: [dockerd]\n", "  tools: [dokerd]\n")],
        [
            expect(
                "roles.yaml",
                18,
                "tools[0]",
                *unknown("role", "ml-ops", "tool", "dokerd", "dockerd"),
            )
        ],
        id="dangling-role-tool",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "year: 2026, source: fixture}\n  next",
                "year: 2026, source: fixtures}\n  next",
            )
        ],
        [
            expect(
                "roles.yaml",
                8,
                "salary[0].source",
                *unknown("role", "analyst", "source", "fixtures", "fixture"),
            )
        ],
        id="dangling-salary-source",
    ),
    pytest.param(
        [replace("roles.yaml", "  next: [ml-ops]\n", "  next: [mlops]\n")],
        [
            expect(
                "roles.yaml", 9, "next[0]", *unknown("role", "analyst", "role", "mlops", "ml-ops")
            )
        ],
        id="dangling-role-next",
    ),
    pytest.param(
        [replace("roles.yaml", "  next: [ml-ops]\n", "  next: [astronaut]\n")],
        [
            expect(
                "roles.yaml", 9, "next[0]", *unknown("role", "analyst", "role", "astronaut", None)
            )
        ],
        id="dangling-role-next-no-suggestion",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "    essential: [prompting]\n  sources: [fixture]\n",
                "    essential: [prompting]\n  sources: [fixure]\n",
            )
        ],
        [
            expect(
                "roles.yaml",
                26,
                "sources[0]",
                *unknown("role", "prompter", "source", "fixure", "fixture"),
            )
        ],
        id="dangling-role-source",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  platform: learnhub\n  creators:",
                "  platform: learnhb\n  creators:",
            )
        ],
        [
            expect(
                "courses.yaml",
                5,
                "platform",
                *unknown("course", "py-basics", "provider", "learnhb", "learnhub"),
            )
        ],
        id="dangling-course-platform",
    ),
    pytest.param(
        [replace("courses.yaml", "  creators: [acme-ai]\n", "  creators: [acme]\n")],
        [
            expect(
                "courses.yaml",
                6,
                "creators[0]",
                *unknown("course", "py-basics", "provider", "acme", "acme-ai"),
            )
        ],
        id="dangling-course-creator",
    ),
    pytest.param(
        [
            append("skills.yaml", "- id: kubernetes\n  name: Kubernetes\n"),
            replace("courses.yaml", "  teaches: [docker]\n", "  teaches: [docker, kubernets]\n"),
        ],
        [
            expect(
                "courses.yaml",
                46,
                "teaches[1]",
                *unknown("course", "docker-course", "skill", "kubernets", "kubernetes"),
            )
        ],
        id="dangling-course-teaches",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  requires: [python, statistics]\n",
                "  requires: [python, statistic]\n",
            )
        ],
        [
            expect(
                "courses.yaml",
                20,
                "requires[1]",
                *unknown("course", "ml-intro", "skill", "statistic", "statistics"),
            )
        ],
        id="dangling-course-requires",
    ),
    pytest.param(
        [replace("courses.yaml", "  tools: [dockerd]\n", "  tools: [dokerd]\n")],
        [
            expect(
                "courses.yaml",
                39,
                "tools[0]",
                *unknown("course", "mlops-all", "tool", "dokerd", "dockerd"),
            )
        ],
        id="dangling-course-tool",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  teaches: [prompting]\n  sources: [fixture]\n",
                "  teaches: [prompting]\n  sources: [fixtur]\n",
            )
        ],
        [
            expect(
                "courses.yaml",
                62,
                "sources[0]",
                *unknown("course", "prompt-course", "source", "fixtur", "fixture"),
            )
        ],
        id="dangling-course-source",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  teaches: [docker, model-deployment, machine-learning]\n",
                "  teaches:\n    - docker\n    - model-deploymnt\n    - machine-learning\n",
            )
        ],
        [
            expect(
                "courses.yaml",
                39,
                "teaches[1]",
                *unknown("course", "mlops-all", "skill", "model-deploymnt", "model-deployment"),
            )
        ],
        id="dangling-in-block-list",
    ),
    # --- numbers and their ranges
    pytest.param(
        [replace("roles.yaml", "min: 50000, max: 70000", "min: 80000, max: 70000")],
        [expect("roles.yaml", 8, "salary[0]", "min 80000 is above max 70000")],
        id="salary-min-above-max",
    ),
    pytest.param(
        [replace("roles.yaml", "{level: senior, max: 200000, ", "{level: senior, ")],
        [expect("roles.yaml", 20, "salary[0]", "at least one of min and max")],
        id="salary-without-min-or-max",
    ),
    pytest.param(
        [replace("roles.yaml", "min: 50000, max: 70000", "min: -5, max: 70000")],
        [expect("roles.yaml", 8, "salary[0].min", "at least 0", "-5")],
        id="salary-negative-min",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "region: US, year: 2026, source: fixture}\n  next",
                "region: US, year: 1850, source: fixture}\n  next",
            )
        ],
        [expect("roles.yaml", 8, "salary[0].year", "at least 1900", "1850")],
        id="salary-year-out-of-range",
    ),
    pytest.param(
        [replace("courses.yaml", "  rating: 4.5\n", "  rating: 7\n")],
        [expect("courses.yaml", 10, "rating", "at most 5", "7")],
        id="rating-above-5",
    ),
    pytest.param(
        [replace("courses.yaml", "  rating: 4.5\n", "  rating: -0.5\n")],
        [expect("courses.yaml", 10, "rating", "at least 0", "-0.5")],
        id="rating-below-0",
    ),
    pytest.param(
        [replace("courses.yaml", "  hours: 10\n", "  hours: -3\n")],
        [expect("courses.yaml", 8, "hours", "at least 0", "-3")],
        id="negative-hours",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  cost: {amount: 49, currency: USD}\n",
                "  cost: {amount: -49, currency: USD}\n",
            )
        ],
        [expect("courses.yaml", 27, "cost.amount", "at least 0", "-49")],
        id="negative-cost",
    ),
    # --- strict types: a number where text is meant, text where a number is meant
    pytest.param(
        [replace("courses.yaml", "  title: Python Basics\n", "  title: 2026\n")],
        [expect("courses.yaml", 3, "title", "expected text, got 2026", "quote it")],
        id="number-as-title",
    ),
    pytest.param(
        [replace("courses.yaml", "  hours: 10\n", '  hours: "10"\n')],
        [expect("courses.yaml", 8, "hours", "expected a number, got '10'")],
        id="quoted-number",
    ),
    pytest.param(
        [
            replace(
                "roles.yaml",
                "region: US, year: 2026, source: fixture}\n  next",
                "region: US, year: '2026', source: fixture}\n  next",
            )
        ],
        [expect("roles.yaml", 8, "salary[0].year", "expected a number, got '2026'")],
        id="quoted-year",
    ),
    pytest.param(
        [replace("sources.yaml", "  date: 2026-01-31\n", "  date: 20260131\n")],
        [expect("sources.yaml", 6, "date", "ISO date", "20260131")],
        id="date-as-number",
    ),
    pytest.param(
        [replace("sources.yaml", "  date: 2026-01-31\n", "  date: 2026-13-01\n")],
        [expect("sources.yaml", 6, "date", "'2026-13-01'")],
        id="impossible-date",
    ),
    pytest.param(
        [replace("courses.yaml", "  teaches: [docker]\n", "  teaches: docker\n")],
        [expect("courses.yaml", 46, "teaches", "expected a list, got 'docker'")],
        id="text-instead-of-list",
    ),
    pytest.param(
        [replace("courses.yaml", "  cost: {amount: 20, currency: USD}\n", "  cost: 20\n")],
        [expect("courses.yaml", 53, "cost", "expected a mapping, got 20")],
        id="number-instead-of-mapping",
    ),
    # --- lists that must not be empty
    pytest.param(
        [replace("courses.yaml", "  teaches: [prompting]\n", "  teaches: []\n")],
        [expect("courses.yaml", 61, "teaches", "at least one")],
        id="empty-teaches",
    ),
    pytest.param(
        [replace("roles.yaml", "    essential: [prompting]\n", "    essential: []\n")],
        [expect("roles.yaml", 25, "skills.essential", "at least one")],
        id="empty-essential",
    ),
    # --- closed vocabularies
    pytest.param(
        [
            replace(
                "courses.yaml", "  level: beginner\n  hours: 10\n", "  level: expert\n  hours: 10\n"
            )
        ],
        [
            expect(
                "courses.yaml", 7, "level", "'expert'", "'beginner'", "'intermediate'", "'advanced'"
            )
        ],
        id="wrong-course-level",
    ),
    pytest.param(
        [replace("providers.yaml", "  kind: platform\n", "  kind: school\n")],
        [expect("providers.yaml", 4, "kind", "'school'", "'platform'", "'university'")],
        id="wrong-provider-kind",
    ),
    pytest.param(
        [replace("roles.yaml", "{level: any,", "{level: junior,")],
        [expect("roles.yaml", 8, "salary[0].level", "'junior'", "'entry'", "'senior'")],
        id="wrong-salary-level",
    ),
    pytest.param(
        [
            replace(
                "courses.yaml",
                "  cost: {amount: 20, currency: USD}\n",
                "  cost: {amount: 20, currency: usd}\n",
            )
        ],
        [expect("courses.yaml", 53, "cost.currency", "'usd'", "currency code")],
        id="lowercase-currency",
    ),
    pytest.param(
        [replace("roles.yaml", "max: 200000, currency: USD", "max: 200000, currency: dollars")],
        [expect("roles.yaml", 20, "salary[0].currency", "'dollars'", "currency code")],
        id="currency-word",
    ),
    # --- urls
    pytest.param(
        [
            replace(
                "courses.yaml", "  url: https://example.org/py\n", "  url: ftp://example.org/py\n"
            )
        ],
        [expect("courses.yaml", 4, "url", "'ftp://example.org/py'", "http(s) URL")],
        id="ftp-url",
    ),
    pytest.param(
        [replace("courses.yaml", "  url: https://example.org/py\n", "  url: example.org/py\n")],
        [expect("courses.yaml", 4, "url", "'example.org/py'", "http(s) URL")],
        id="url-without-scheme",
    ),
    pytest.param(
        [
            replace(
                "providers.yaml",
                "  url: https://example.org/learnhub\n",
                "  url: javascript:alert(1)\n",
            )
        ],
        [expect("providers.yaml", 5, "url", "'javascript:alert(1)'", "http(s) URL")],
        id="javascript-url",
    ),
    pytest.param(
        [
            replace(
                "sources.yaml",
                "  url: https://example.org/fixture\n",
                "  url: https://example.org/a fixture\n",
            )
        ],
        [expect("sources.yaml", 4, "url", "'https://example.org/a fixture'", "http(s) URL")],
        id="url-with-space",
    ),
    # --- labels: control characters and bidi overrides make text lie about itself
    pytest.param(
        [skill_name('"Py\\athon"')],
        [expect("skills.yaml", 7, "name", "'Py\\x07thon'", "control character U+0007")],
        id="bell-in-label",
    ),
    pytest.param(
        [skill_name('"Py\\e[31mthon"')],
        [expect("skills.yaml", 7, "name", "control character U+001B")],
        id="terminal-escape-in-label",
    ),
    pytest.param(
        [skill_name("Py\u202ethon")],
        [expect("skills.yaml", 7, "name", "'Py\\u202ethon'", "bidirectional", "U+202E")],
        id="bidi-override-in-label",
    ),
    pytest.param(
        [skill_name('"Py\\u2066thon"')],
        [expect("skills.yaml", 7, "name", "'Py\\u2066thon'", "bidirectional", "U+2066")],
        id="bidi-isolate-in-label",
    ),
    pytest.param(
        [
            replace(
                "skills.yaml",
                "  aliases: [Structured Query Language]\n",
                "  aliases: [Structured Query \u202eLanguage]\n",
            )
        ],
        [expect("skills.yaml", 4, "aliases[0]", "bidirectional", "U+202E")],
        id="bidi-override-in-alias",
    ),
    pytest.param(
        [replace("courses.yaml", "  title: Intro to ML\n", "  title: Intro\u2067 to ML\n")],
        [expect("courses.yaml", 14, "title", "bidirectional", "U+2067")],
        id="bidi-isolate-in-title",
    ),
    pytest.param(
        [skill_name("'  '")],
        [expect("skills.yaml", 7, "name", "must not be empty")],
        id="blank-label",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_bad_value_is_reported_at_its_line(
    tiny_copy: Path, edits: list[Edit], expected: list[Expected]
) -> None:
    apply(tiny_copy, edits)
    problems = problems_of(tiny_copy)
    for one in expected:
        find_problem(problems, tiny_copy, one)
    assert len(set(problems)) == len(problems), "a problem is reported twice"


@pytest.mark.parametrize(
    "bad_id",
    [
        pytest.param("big data", id="space"),
        pytest.param("BigData", id="uppercase"),
        pytest.param("ci/cd", id="slash"),
        pytest.param("c#", id="hash"),
        pytest.param("ml?ops", id="question-mark"),
        pytest.param("<ml>", id="angle-brackets"),
        pytest.param("ml%20ops", id="percent"),
        pytest.param("ml_ops", id="underscore"),
        pytest.param("café", id="non-ascii"),
        pytest.param("-ml", id="leading-hyphen"),
        pytest.param("ml--ops", id="double-hyphen"),
        pytest.param("", id="empty"),
    ],
)
def test_id_that_breaks_iris_or_kebab_case(tiny_copy: Path, bad_id: str) -> None:
    apply(tiny_copy, [new_skill(bad_id)])
    find_problem(
        problems_of(tiny_copy),
        tiny_copy,
        expect("skills.yaml", NEW_SKILL_LINE, "id", f"{bad_id!r} is not a valid id", "kebab-case"),
    )


def test_duplicate_id_names_both_places(tiny_copy: Path) -> None:
    apply(tiny_copy, [append("courses.yaml", "- id: py-basics\n  title: Again\n")])
    problem = find_problem(
        problems_of(tiny_copy),
        tiny_copy,
        expect("courses.yaml", 63, "id", "duplicate id 'py-basics'", "first defined at "),
    )
    first = problem.split("first defined at ", 1)[1].removesuffix(")")
    file, line, _ = split_problem(first + ": ")
    assert (Path(file).resolve(), line) == ((tiny_copy / "courses.yaml").resolve(), 2)


def test_same_id_in_different_files_is_fine(tiny_copy: Path) -> None:
    # ids are unique within their file: a skill and a tool may share one (their IRIs differ)
    apply(
        tiny_copy, [append("tools.yaml", "- id: python\n  name: CPython\n  category: language\n")]
    )
    dataset = parse_ok(tiny_copy)
    assert "python" in dataset.skills
    assert "python" in dataset.tools


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            [replace("skills.yaml", "  broader: machine-learning\n", "  broader: deep-learning\n")],
            [expect("skills.yaml", 20, "broader", "'deep-learning'")],
            id="self",
        ),
        pytest.param(
            [
                replace(
                    "skills.yaml",
                    "  category: ml\n  match:\n",
                    "  category: ml\n  broader: deep-learning\n  match:\n",
                )
            ],
            [
                expect("skills.yaml", 15, "broader", "'machine-learning'"),
                expect("skills.yaml", 21, "broader", "'deep-learning'"),
            ],
            id="two-skills",
        ),
    ],
)
def test_broader_cycle(tiny_copy: Path, edits: list[Edit], expected: list[Expected]) -> None:
    apply(tiny_copy, edits)
    problems = problems_of(tiny_copy)
    for one in expected:
        find_problem(problems, tiny_copy, one)


def test_problems_in_several_files_are_reported_together(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            replace("courses.yaml", "  rating: 4.5\n", "  rating: 7\n"),
            replace("tools.yaml", "  vendor: acme-ai\n", "  vendor: acme\n"),
            replace("providers.yaml", "  kind: platform\n", "  kind: school\n"),
            replace("skills.yaml", "  name: SQL\n", "  name: NO\n"),
        ],
    )
    with pytest.raises(DataError) as caught:
        parse_dataset(load_dataset(tiny_copy))
    problems = caught.value.problems
    assert len(problems) == 4, "\n".join(problems)
    for one in [
        expect("courses.yaml", 10, "rating", "7"),
        expect("tools.yaml", 5, "vendor", "'acme'"),
        expect("providers.yaml", 4, "kind", "'school'"),
        expect("skills.yaml", 3, "name", "'NO'"),
    ]:
        find_problem(problems, tiny_copy, one)
    assert str(caught.value).splitlines() == ["4 problems in the data:", *problems]


def test_one_item_with_several_problems_reports_each(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            replace(
                "courses.yaml", "  level: advanced\n  hours: 30\n", "  level: expert\n  hours: -1\n"
            ),
            replace("courses.yaml", "  teaches: [deep-learning]\n", "  teaches: [deep-lerning]\n"),
        ],
    )
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("courses.yaml", 25, "level", "'expert'"))
    find_problem(problems, tiny_copy, expect("courses.yaml", 26, "hours", "-1"))
    find_problem(
        problems,
        tiny_copy,
        expect("courses.yaml", 28, "teaches[0]", "'deep-lerning'", "did you mean 'deep-learning'"),
    )


def test_item_without_a_valid_id_is_named_by_its_line(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            append(
                "courses.yaml",
                "- title: Orphan\n  platform: nowhere\n"
                "  level: beginner\n  teaches: [python]\n"
                "  sources: [fixture]\n",
            )
        ],
    )
    problems = problems_of(tiny_copy)
    find_problem(problems, tiny_copy, expect("courses.yaml", 63, "id", "required key is missing"))
    dangling = find_problem(
        problems, tiny_copy, expect("courses.yaml", 64, "platform", "'nowhere'")
    )
    assert "None" not in dangling, "an item without an id is called None"


def test_tiny_dataset_is_clean() -> None:
    dataset = parse_dataset(load_dataset(Path(__file__).parent / "data" / "tiny"))
    assert dataset.warnings == []
    assert len(dataset.courses) == 7


def test_course_nobody_can_take_is_a_warning(tiny_copy: Path) -> None:
    apply(
        tiny_copy,
        [
            append("skills.yaml", "- id: rust\n  name: Rust\n"),
            replace(
                "courses.yaml",
                "  teaches: [prompting]\n",
                "  teaches: [prompting]\n  requires: [rust]\n",
            ),
        ],
    )
    dataset = parse_ok(tiny_copy)
    assert "prompt-course" in dataset.courses
    (warning,) = dataset.warnings
    file, line, rest = split_problem(warning)
    assert (Path(file).resolve(), line) == ((tiny_copy / "courses.yaml").resolve(), 62)
    assert rest.startswith("requires: ")
    assert "warning" in rest
    assert "'prompt-course'" in rest
    assert "'rust'" in rest


# --- properties: every id the model accepts is safe inside an IRI; every label it accepts
# holds no control or bidi character. Judged by independent definitions, not by the model's.

BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


@given(
    st.text(
        alphabet=st.sampled_from(string.ascii_letters + string.digits + "-_ /#?%<>.:é"), max_size=12
    )
)
def test_accepted_ids_make_plain_iris(candidate: str) -> None:
    try:
        skill = Skill.model_validate({"id": candidate, "name": "x"})
    except ValidationError:
        return
    assert urllib.parse.quote(skill.id, safe="") == skill.id
    assert skill.id == skill.id.lower()
    pyoxigraph.NamedNode(f"https://w3id.org/genai-kg/id/skill/{skill.id}")


@given(st.text(min_size=1, max_size=8))
def test_accepted_labels_hold_no_control_or_bidi_character(label: str) -> None:
    try:
        skill = Skill.model_validate({"id": "x", "name": label})
    except ValidationError:
        return
    for char in skill.name:
        assert char not in BIDI
        assert unicodedata.category(char) != "Cc" or char in "\n\t"


def test_salary_ranges_keep_sources_apart_and_say_or_more() -> None:
    from genai_kg.dataset.models import Role, Salary, salary_range, salary_ranges

    bands = [
        Salary(level="mid", min=140000, currency="USD", year=2026, source="article"),
        Salary(
            level="senior", max=220000, or_more=True, currency="USD", year=2026, source="article"
        ),
        Salary(level="any", min=85660, max=158880, currency="USD", year=2025, source="bls"),
    ]
    role = Role.model_construct(salary=bands)
    assert [(r.source, r.low, r.high, r.or_more) for r in salary_ranges(role)] == [
        ("article", 140000, 220000, True),
        ("bls", 85660, 158880, False),
    ]
    assert salary_range(role) == (
        "$140,000-$220,000+ (article, 2026); $85,660-$158,880 (bls, 2025)"
    )


def test_or_more_needs_a_max() -> None:
    with pytest.raises(ValueError, match="or_more qualifies the max"):
        Salary(level="mid", min=1, or_more=True, currency="USD", year=2026, source="s")
