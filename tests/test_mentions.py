"""The label matcher of ``genai-kg skills``: words, boundaries, numbers, short labels, overlaps.

Built from a handful of labels with ``MatcherBuilder``, without a store; the store, the cache
and the CLI are in tests/test_cli_skills.py.
"""

from __future__ import annotations

import pickle

import pytest

from genai_kg.mentions.matcher import Matcher, MatcherBuilder, Target

CURATED = {
    "java": ["Java"],
    "javascript": ["JavaScript"],
    "python": ["Python"],
    "r-programming": ["R", "R language"],
    "sql": ["SQL"],
    "ai": ["AI"],
    "data-pipelines": ["Data pipelines", "ETL"],
    "llms": ["Large language models", "LLM"],
    "fine-tuning": ["Model fine-tuning", "fine-tuning"],
    "prompt-engineering": ["Prompt engineering"],
    "software-testing": ["Software testing", "unit testing"],
    "data-modeling": ["Data modeling"],
    "debugging": ["Debugging"],
    "digital-marketing": ["Digital marketing"],
    "rag": ["Retrieval-augmented generation"],
    "ml": ["Machine learning"],
    "mlops": ["Machine learning operations"],
    "learning": ["learning"],
    "technology": ["technology"],
    "statistics": ["Statistics"],
    "news": ["news"],
    "process": ["process"],
    "cpp": ["C++"],
    "ci-cd": ["CI/CD"],
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    builder = MatcherBuilder()
    for skill, labels in CURATED.items():
        number = builder.target(Target("curated", skill, labels[0], (skill,)))
        for label in labels:
            builder.add(label, number, rank=0)
            builder.add_verb_forms(label, number, rank=3)  # as index.matcher_from_store does
    return builder.build()


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    """(text as written, skill) of every hit."""
    return [(hit.text, hit.target.id) for hit in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("JavaScript dev", [("JavaScript", "javascript")], id="java-in-javascript"),
        pytest.param("Java, then Python.", [("Java", "java"), ("Python", "python")], id="java"),
        pytest.param("Pythonic code", [], id="prefix-of-a-word"),
        pytest.param("PYTHON and python", [("PYTHON", "python"), ("python", "python")], id="case"),
        pytest.param("C++ and CI/CD", [("C++", "cpp"), ("CI/CD", "ci-cd")], id="signs"),
        pytest.param("ci / cd", [("ci / cd", "ci-cd")], id="spaces-around-signs"),
    ],
)
def test_whole_words_only(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Python, R, SQL", ["python", "r-programming", "sql"], id="in-a-list"),
        pytest.param("Python and R.", ["python", "r-programming"], id="before-a-full-stop"),
        pytest.param("Python/R", ["python", "r-programming"], id="after-a-slash"),
        pytest.param("Python, r, SQL", ["python", "sql"], id="lowercase-r"),
        pytest.param("Python in our R&D lab", ["python"], id="r-and-d"),
        pytest.param("Python, R-squared", ["python"], id="r-squared"),
        pytest.param("Python. R.I.P.", ["python"], id="initials"),
        pytest.param("Plan R", [], id="alone-on-its-line"),
        pytest.param("AI and SQL", ["ai", "sql"], id="two-letters-in-a-list"),
        pytest.param("Python: the AI's view", ["python"], id="possessive"),
        pytest.param("AI", [], id="two-letters-alone"),
        pytest.param("sql and Python", ["python"], id="three-letters-in-lowercase"),
        pytest.param("ETL and ELT", ["data-pipelines"], id="three-letters-in-capitals"),
        pytest.param("R language", ["r-programming"], id="longer-alias-needs-no-context"),
    ],
)
def test_short_labels_need_their_case_and_a_list(
    matcher: Matcher, text: str, expected: list[str]
) -> None:
    """One- or two-letter labels count standing apart on a line naming another skill; up to
    three letters only in their own case or capitals."""
    assert [skill for _, skill in found(matcher, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("data pipeline", [("data pipeline", "data-pipelines")], id="singular"),
        pytest.param("LLMs and an LLM", [("LLMs", "llms"), ("LLM", "llms")], id="short-plural"),
        pytest.param("large language model", [("large language model", "llms")], id="label-plural"),
        pytest.param("technologies", [("technologies", "technology")], id="y-ies"),
        pytest.param("processes", [("processes", "process")], id="es"),
        pytest.param("Statistic", [], id="no-number-for-ics"),
        pytest.param("a new role", [], id="news-is-no-plural"),
    ],
)
def test_simple_plurals(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    ["fine-tuning", "fine tuning", "Fine-Tuning", "fine\u2011tuning", "fine -  tuning"],
)
def test_hyphens_and_spaces_are_the_same(matcher: Matcher, text: str) -> None:
    assert found(matcher, text) == [(text, "fine-tuning")]


def test_a_hyphenated_label_matches_with_spaces(matcher: Matcher) -> None:
    text = "retrieval augmented generation"
    assert found(matcher, text) == [(text, "rag")]


def test_the_longest_match_wins_without_overlaps(matcher: Matcher) -> None:
    # "machine learning", "learning" and "machine learning operations" all occur here.
    assert found(matcher, "Machine learning operations and learning") == [
        ("Machine learning operations", "mlops"),
        ("learning", "learning"),
    ]
    assert found(matcher, "model fine-tuning") == [("model fine-tuning", "fine-tuning")]


def test_hits_carry_their_line_and_column(matcher: Matcher) -> None:
    hits = matcher.find("Summary\n\n  Python and SQL\r\nJava")
    assert [(h.line, h.column, h.text) for h in hits] == [
        (3, 3, "Python"),
        (3, 14, "SQL"),
        (4, 1, "Java"),
    ]


def test_a_curated_label_wins_over_an_esco_one() -> None:
    builder = MatcherBuilder()
    esco = builder.target(Target("esco", "http://data.europa.eu/esco/skill/x", "python"))
    curated = builder.target(Target("curated", "python", "Python", ("python",)))
    builder.add("Python", esco, rank=1)
    builder.add("Python", curated, rank=0)
    assert [hit.target.kind for hit in builder.build().find("Python")] == ["curated"]


def test_a_cased_label_counts_only_in_its_case_or_capitals() -> None:
    builder = MatcherBuilder()
    source = builder.target(Target("esco", "http://data.europa.eu/esco/skill/s", "Source"))
    builder.add("Source", source, rank=2, cased=True)
    found = builder.build().find("Source and SOURCE, not open-source")
    assert [hit.text for hit in found] == ["Source", "SOURCE"]


def test_a_pickled_matcher_finds_the_same(matcher: Matcher) -> None:
    text = "Python, R and Machine learning operations; JavaScript; data pipelines"
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy.find(text) == matcher.find(text)
    assert copy.labels == matcher.labels


def test_empty_and_blank_texts_have_no_hits(matcher: Matcher) -> None:
    assert matcher.find("") == []
    assert matcher.find("\n \n\t\n") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("We use machine\nlearning daily", [("machine\nlearning", "ml")], id="space"),
        pytest.param("machine\r\nlearning", [("machine\r\nlearning", "ml")], id="crlf"),
        pytest.param("Machine   \n    learning", [("Machine   \n    learning", "ml")], id="indent"),
        pytest.param("fine-\ntuning", [("fine-\ntuning", "fine-tuning")], id="hyphen-kept"),
        pytest.param("data pipe-\n  lines", [("data pipe-\n  lines", "data-pipelines")], id="cut"),
        pytest.param("new tech-\nnology", [("tech-\nnology", "technology")], id="cut-word"),
        pytest.param(
            "Machine learning\noperations", [("Machine learning\noperations", "mlops")],
            id="longest-across",
        ),
    ],
)
def test_a_hit_may_cross_a_line_break(
    matcher: Matcher, text: str, expected: list[tuple[str, str]]
) -> None:
    """A CV or an ad wrapped at its margin still names its skills, hyphenated or not."""
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("machine\n\nlearning", [("learning", "learning")], id="blank-line"),
        pytest.param("machine\n \t\nlearning", [("learning", "learning")], id="blank-spaces"),
        pytest.param("- Machine\n- learning", [("learning", "learning")], id="dash-items"),
        pytest.param("  - Machine\n  - learning", [("learning", "learning")], id="indented-dashes"),
        pytest.param("\u2022 Machine\n\u2022 learning", [("learning", "learning")], id="bullets"),
        pytest.param("* Machine\n* learning", [("learning", "learning")], id="stars"),
        pytest.param("1. Machine\n2. learning", [("learning", "learning")], id="numbered"),
        pytest.param("Machine,\nlearning", [("learning", "learning")], id="comma"),
        pytest.param("tech-\n\nnology", [], id="no-cut-over-a-blank-line"),
    ],
)
def test_a_paragraph_or_a_list_item_ends_a_hit(
    matcher: Matcher, text: str, expected: list[tuple[str, str]]
) -> None:
    """Two paragraphs or two list items never merge into one skill."""
    assert found(matcher, text) == expected


def test_a_hit_across_lines_is_placed_where_it_starts(matcher: Matcher) -> None:
    hits = matcher.find("Summary\n\n  Python and machine\n  learning; SQL\nJava")
    assert [(h.line, h.last_line, h.column, h.text) for h in hits] == [
        (3, 3, 3, "Python"),
        (3, 4, 14, "machine\n  learning"),
        (4, 4, 13, "SQL"),
        (5, 5, 1, "Java"),
    ]


def test_a_short_label_needs_another_skill_on_its_own_line(matcher: Matcher) -> None:
    # The list rule is about a line: a skill on the next line does not make "AI" a list.
    assert found(matcher, "AI\nPython") == [("Python", "python")]
    assert [s for _, s in found(matcher, "AI, Python\nJava")] == ["ai", "python", "java"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("We fine-tuned Llama", [("fine-tuned", "fine-tuning")], id="past"),
        pytest.param("Fine-tune models", [("Fine-tune", "fine-tuning")], id="bare"),
        pytest.param("she fine tunes", [("fine tunes", "fine-tuning")], id="third-person"),
        pytest.param("prompt-engineered", [("prompt-engineered", "prompt-engineering")], id="ed"),
        pytest.param("wrote unit tests", [("unit tests", "software-testing")], id="plural"),
        pytest.param("software tested", [("software tested", "software-testing")], id="tested"),
        pytest.param("the data model", [("data model", "data-modeling")], id="data-model"),
        pytest.param("data modeled", [("data modeled", "data-modeling")], id="modeled"),
    ],
)
def test_an_ing_label_matches_its_other_verb_forms(
    matcher: Matcher, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Prompt Engineer, 2024", id="a-person-not-the-skill"),
        pytest.param("the digital market", id="a-market-not-marketing"),
        pytest.param("machine learned", id="learning-is-a-field"),
        pytest.param("debugged the code", id="one-word-labels-keep-their-form"),
    ],
)
def test_verb_forms_that_name_something_else_do_not_count(matcher: Matcher, text: str) -> None:
    assert found(matcher, text) == []


def test_a_label_beats_another_skills_verb_form() -> None:
    builder = MatcherBuilder()
    testing = builder.target(Target("curated", "software-testing", "Unit testing"))
    tests = builder.target(Target("esco", "http://data.europa.eu/esco/skill/t", "unit test"))
    builder.add("unit testing", testing, rank=0)
    builder.add_verb_forms("unit testing", testing, rank=3)
    builder.add("unit test", tests, rank=2)
    hits = builder.build().find("unit tests and unit tested")
    assert [hit.target.kind for hit in hits] == ["esco", "curated"]
