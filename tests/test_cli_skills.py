"""``genai-kg skills FILE`` and ``--from-text FILE`` through CliRunner, on the tiny dataset.

ESCO labels come from tests/data/esco-mini imported into a store under tmp_path; tiny's
statistics skill is pointed at ESCO "statistics" and its sql skill at ESCO "query
languages", the broader skill of ESCO's SPARQL and LINQ.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genai_kg.cli import app
from genai_kg.mentions.index import CACHE

TESTS = Path(__file__).parent
TINY = TESTS / "data" / "tiny"
ESCO_MINI = TESTS / "data" / "esco-mini"
ESCO_STATISTICS = "http://data.europa.eu/esco/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
ESCO_QUERY_LANGUAGES = "http://data.europa.eu/esco/skill/9cf681c7-89ec-470c-b651-7fe03786f586"
ESCO_SPARQL_LABEL = "SPARQL"

CV = """Jane Doe, data analyst
Skills: SQL, Python and statistics
Deployed models with containers; Machine learning on Python.
"""


def invoke(runner: CliRunner, *args: Any, data: Path = TINY, stdin: bytes | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args] + ["--data", str(data)], input=stdin)


def skills_json(runner: CliRunner, file: Path | str, store: Path, data: Path = TINY) -> Any:
    result = invoke(runner, "skills", file, "--format", "json", "--store", store, data=data)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def cv(tmp_path: Path) -> Path:
    path = tmp_path / "cv.txt"
    path.write_text(CV, encoding="utf-8")
    return path


def test_skills_json_lists_each_hit_with_line_text_and_skill(
    runner: CliRunner, cv: Path, tmp_path: Path
) -> None:
    answer = skills_json(runner, cv, tmp_path / "store")
    assert answer["sources"] == ["curated"]
    assert [(h["line"], h["text"], h["counts_as"]) for h in answer["hits"]] == [
        (2, "SQL", ["sql"]),
        (2, "Python", ["python"]),
        (2, "statistics", ["statistics"]),
        (3, "containers", ["docker"]),
        (3, "Machine learning", ["machine-learning"]),
        (3, "Python", ["python"]),
    ]
    assert answer["hits"][0] == {
        "line": 2,
        "column": 9,
        "text": "SQL",
        "skill": {"kind": "curated", "id": "sql", "name": "SQL"},
        "counts_as": ["sql"],
        "via": None,
    }
    assert answer["skills"] == ["docker", "machine-learning", "python", "sql", "statistics"]


def test_skills_table(runner: CliRunner, cv: Path, tmp_path: Path) -> None:
    result = invoke(runner, "skills", cv, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert "6 hits (curated labels)" in result.stdout
    assert "Containerisation with Docker [skill docker]" in result.stdout
    assert "curated skills: docker, machine-learning, python, sql, statistics" in result.stdout


def test_a_hit_across_a_line_break_keeps_its_first_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    """JSON: ``line`` and ``column`` where the hit starts, ``text`` as written (with the break);
    the table shows both lines and the text on one line."""
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text("Skills: Python and machine\n  learning.\n\nDeep\n\nlearning\n", "utf-8")
    answer = skills_json(runner, wrapped, tmp_path / "store")
    assert [(h["line"], h["column"], h["text"]) for h in answer["hits"]] == [
        (1, 9, "Python"),
        (1, 20, "machine\n  learning"),
    ]
    assert answer["skills"] == ["machine-learning", "python"]
    table = invoke(runner, "skills", wrapped, "--store", tmp_path / "store").stdout
    row = r"^1-2 +machine learning +Machine learning \[skill machine-learning\]"
    assert re.search(row, table, re.M), table


def test_broader_skills_are_counted_apart(runner: CliRunner, tmp_path: Path) -> None:
    text = tmp_path / "ad.txt"
    text.write_text("Deep learning\n", encoding="utf-8")
    answer = skills_json(runner, text, tmp_path / "store")
    assert answer["skills"] == ["deep-learning"]
    assert answer["with_broader"] == ["deep-learning", "machine-learning"]


def test_stdin(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(
        runner, "skills", "-", "--format", "json", "--store", tmp_path / "s", stdin=CV.encode()
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["file"] == "<stdin>"
    assert "python" in answer["skills"]


def test_empty_file_has_no_skills(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    answer = skills_json(runner, empty, tmp_path / "store")
    assert (answer["hits"], answer["skills"]) == ([], [])
    result = invoke(runner, "skills", empty, "--store", tmp_path / "store")
    assert "curated skills: none" in result.stdout


def test_missing_file_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = invoke(runner, "skills", missing, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert repr(str(missing)) in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_non_utf8_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    latin = tmp_path / "cv-latin1.txt"
    latin.write_bytes("Python\nCaf\u00e9 manager\n".encode("latin-1"))
    result = invoke(runner, "skills", latin, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {str(latin)!r}: line 2: byte 0xe9 is not UTF-8")
    assert "Traceback" not in result.output


def test_a_utf8_byte_order_mark_is_dropped(runner: CliRunner, tmp_path: Path) -> None:
    marked = tmp_path / "bom.txt"
    marked.write_bytes(b"\xef\xbb\xbfPython\n")
    answer = skills_json(runner, marked, tmp_path / "store")
    assert answer["hits"][0]["column"] == 1


def test_the_matcher_is_cached_and_follows_the_data(
    runner: CliRunner, tiny_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    text = tmp_path / "cv.txt"
    text.write_text("PyTorch and Python\n", encoding="utf-8")
    assert skills_json(runner, text, store, data=tiny_copy)["skills"] == ["python"]
    assert (store / CACHE).is_file()
    skills = tiny_copy / "skills.yaml"
    skills.write_text(
        skills.read_text().replace("  name: Python\n", "  name: Python\n  aliases: [PyTorch]\n")
    )
    hits = skills_json(runner, text, store, data=tiny_copy)["hits"]
    assert [hit["text"] for hit in hits] == ["PyTorch", "Python"]


def test_a_torn_cache_is_rebuilt(runner: CliRunner, cv: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = skills_json(runner, cv, store)
    cache = store / CACHE
    header, _, body = cache.read_bytes().partition(b"\n")
    cache.write_bytes(header + b"\n" + body[: len(body) // 2])  # a kill mid-write, say
    assert skills_json(runner, cv, store) == first
    assert len(cache.read_bytes()) == len(header) + 1 + len(body)


# --- with ESCO imported -------------------------------------------------------------------


@pytest.fixture
def esco_store(runner: CliRunner, tiny_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """tiny (statistics and sql matched to esco-mini skills) and a store with esco-mini."""
    skills = tiny_copy / "skills.yaml"
    text = skills.read_text()
    text = text.replace(
        "  name: Statistics\n  category: data\n",
        f"  name: Statistics\n  category: data\n  match:\n    esco: {ESCO_STATISTICS}\n",
    )
    text = text.replace(
        "  aliases: [Structured Query Language]\n  category: data\n",
        "  aliases: [Structured Query Language]\n  category: data\n"
        f"  match:\n    esco: {ESCO_QUERY_LANGUAGES}\n",
    )
    skills.write_text(text)
    store = tmp_path / "esco-store"
    result = invoke(runner, "import", "esco", ESCO_MINI, "--store", store, data=tiny_copy)
    assert result.exit_code == 0, result.output
    return tiny_copy, store


def test_esco_labels_count_through_match_and_broader(
    runner: CliRunner, esco_store: tuple[Path, Path], tmp_path: Path
) -> None:
    data, store = esco_store
    text = tmp_path / "ad.txt"
    text.write_text("We want statistical analysis, SPARQL and data mining.\n", encoding="utf-8")
    answer = skills_json(runner, text, store, data=data)
    assert answer["sources"] == ["curated", "esco"]
    hits = {hit["text"]: hit for hit in answer["hits"]}
    stats = hits["statistical analysis"]  # an alternative label of ESCO statistics
    assert stats["skill"] == {"kind": "esco", "uri": ESCO_STATISTICS, "label": "statistics"}
    assert (stats["counts_as"], stats["via"]) == (["statistics"], "match")
    sparql = hits[ESCO_SPARQL_LABEL]
    assert sparql["counts_as"] == ["sql"]
    assert sparql["via"].startswith("broader 'query languages' <" + ESCO_QUERY_LANGUAGES)
    # An ESCO skill with no curated counterpart above it is a hit that counts as nothing.
    assert hits["data mining"]["skill"]["kind"] == "esco"
    assert hits["data mining"]["counts_as"] == []
    assert answer["skills"] == ["sql", "statistics"]


def test_an_import_replaces_the_cached_matcher(
    runner: CliRunner, tiny_copy: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    text = tmp_path / "ad.txt"
    text.write_text("SPARQL\n", encoding="utf-8")
    assert skills_json(runner, text, store, data=tiny_copy)["hits"] == []
    result = invoke(runner, "import", "esco", ESCO_MINI, "--store", store, data=tiny_copy)
    assert result.exit_code == 0, result.output
    answer = skills_json(runner, text, store, data=tiny_copy)
    assert answer["sources"] == ["curated", "esco"]
    assert [hit["text"] for hit in answer["hits"]] == ["SPARQL"]


def test_one_word_lowercase_esco_synonyms_are_left_out(
    runner: CliRunner, esco_store: tuple[Path, Path], tmp_path: Path
) -> None:
    """ESCO lists "data" among the alternative labels of statistics; it names no skill."""
    data, store = esco_store
    text = tmp_path / "ad.txt"
    text.write_text("We love data.\n", encoding="utf-8")
    assert skills_json(runner, text, store, data=data)["hits"] == []


def test_one_word_capitalised_esco_synonyms_count_in_their_case(
    runner: CliRunner, esco_store: tuple[Path, Path], tmp_path: Path
) -> None:
    """"Myrtle" (a spreadsheet program, for ESCO "use spreadsheets software"), not "myrtle"."""
    data, store = esco_store
    text = tmp_path / "cv.txt"
    text.write_text("Sheets in Myrtle\nA myrtle hedge\n", encoding="utf-8")
    hits = skills_json(runner, text, store, data=data)["hits"]
    assert [(hit["line"], hit["skill"]["label"]) for hit in hits] == [
        (1, "use spreadsheets software")
    ]


# --- --from-text on path, gap and next --------------------------------------------------------


def test_path_from_text_holds_the_skills_found(runner: CliRunner, tmp_path: Path) -> None:
    text = tmp_path / "cv.txt"
    text.write_text("I know Python and containers.\n", encoding="utf-8")
    store = tmp_path / "store"
    result = invoke(
        runner, "path", "analyst", "ml-ops", "--from-text", text, "-f", "json", "--store", store
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["start"]["text"] == ["docker", "python"]
    assert answer["start"]["have"] == []
    assert "python" not in answer["gap"] and "docker" not in answer["gap"]
    without = invoke(runner, "path", "analyst", "ml-ops", "-f", "json", "--store", store)
    assert {"docker", "python"} <= set(json.loads(without.stdout)["gap"])
    table = invoke(runner, "path", "analyst", "ml-ops", "--from-text", text, "--store", store)
    assert "Held from the text (--from-text): Containerisation with Docker, Python." in (
        table.stdout
    )


def test_gap_and_next_from_text(runner: CliRunner, tmp_path: Path) -> None:
    text = tmp_path / "cv.txt"
    text.write_text("Python\n", encoding="utf-8")
    store = tmp_path / "store"
    gap = invoke(
        runner, "gap", "analyst", "ml-ops", "--from-text", text, "-f", "json", "--store", store
    )
    assert gap.exit_code == 0, gap.output
    assert json.loads(gap.stdout)["have"] == ["python"]
    ranked = invoke(runner, "next", "analyst", "--from-text", text, "-f", "json", "--store", store)
    assert ranked.exit_code == 0, ranked.output
    plain = invoke(runner, "next", "analyst", "-f", "json", "--store", store)
    gaps = {row["role"]: row["gap"] for row in json.loads(ranked.stdout)["roles"]}
    before = {row["role"]: row["gap"] for row in json.loads(plain.stdout)["roles"]}
    assert gaps["ml-ops"] == before["ml-ops"] - 1


def test_from_text_on_stdin_and_a_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = ("gap", "analyst", "ml-ops", "-f", "json", "--store", store)
    piped = invoke(runner, *args, "--from-text", "-", stdin=b"Python\n")
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["have"] == ["python"]
    missing = invoke(runner, *args, "--from-text", tmp_path / "nope.txt")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error: ") and "nope.txt" in missing.stderr
