"""End-to-end tests of the taxonomy features through the CLI.

`genai-kg import esco|onet|oews`, the store's named graphs (update and rebuild paths),
`validate` checking `match` links against the imports, `show` with official counterparts,
the taxonomy queries' missing-import notes, and `export --with-imports`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.conftest import REPO, SHARED_DATASETS, TESTS, TINY
from typer.testing import CliRunner

import genai_kg.store.replace
from genai_kg.cli import app
from genai_kg.graph.export import ExportFormat, store_file
from genai_kg.graph.namespaces import CURATED_GRAPH, GRAPH_BASE

MINI = {
    "esco": TESTS / "data" / "esco-mini",
    "onet": TESTS / "data" / "onet-mini",
    "oews": TESTS / "data" / "oews-mini",
}
OEWS_CSV = "oews_may2025_national_cross_industry.csv"
ESCO_CONCEPTS_ZIP = "ESCO dataset - v1.1.1 - classification - en - csv.zip"
ESCO_RELATIONS_ZIP = "ESCO dataset - v1.1.1 - classification -  - csv.zip"

ESCO_DATA_ANALYST = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"
ESCO_DATA_MINING = "http://data.europa.eu/esco/skill/25f0ea33-b4a2-4f31-b7b4-7d20e827b180"
ESCO_STATISTICS = "http://data.europa.eu/esco/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
ESCO_ABSENT_OCCUPATION = (
    "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000"
)
TINY_ABSENT_SKILL = "http://data.europa.eu/esco/skill/fixture-ml"  # tiny's own, not in ESCO
ONET_DATA_SCIENTISTS = "15-2051.00"

NEEDS = {
    "role-counterparts": ("esco", "onet", "oews"),
    "esco-skills-not-taught": ("esco",),
    "onet-hot-technologies": ("onet",),
    "onet-transitions": ("onet",),
}


# --- helpers ------------------------------------------------------------------------------


def invoke(runner: CliRunner, *args: object):
    return runner.invoke(app, [str(arg) for arg in args])


def do_import(runner: CliRunner, source: str, release: Path, store: Path, data: Path = TINY):
    return invoke(runner, "import", source, release, "--data", data, "--store", store)


def import_ok(runner: CliRunner, source: str, store: Path, data: Path = TINY) -> int:
    """Import the mini release of ``source``; return the triple count the command printed."""
    result = do_import(runner, source, MINI[source], store, data)
    assert result.exit_code == 0, result.output
    return printed_count(result.stdout, source)


def printed_count(stdout: str, source: str) -> int:
    found = re.search(
        rf"imported {source} into <{re.escape(GRAPH_BASE + source)}>: ([\d,]+) triples", stdout
    )
    assert found, stdout
    return int(found.group(1).replace(",", ""))


def graph_counts(store: Path) -> dict[str, int]:
    """Count the quads of every named graph, opening the database read-only."""
    database = ox.Store.read_only(str(store / "oxigraph"))
    try:
        return {
            graph.value: sum(1 for _ in database.quads_for_pattern(None, None, None, graph))
            for graph in database.named_graphs()
        }
    finally:
        del database


def graph_size(store: Path, name: str) -> int:
    """Count one named graph's triples (SPARQL COUNT: fast on the full releases)."""
    database = ox.Store.read_only(str(store / "oxigraph"))
    try:
        answer = database.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_BASE + name}> {{ ?s ?p ?o }} }}"
        )
        return int(next(iter(answer))["n"].value)
    finally:
        del database


def graph_quads(store: Path, name: str) -> set[tuple[object, object, object]]:
    database = ox.Store.read_only(str(store / "oxigraph"))
    try:
        graph = ox.NamedNode(GRAPH_BASE + name)
        return {
            (q.subject, q.predicate, q.object)
            for q in database.quads_for_pattern(None, None, None, graph)
        }
    finally:
        del database


def databases(store: Path) -> list[Path]:
    return sorted(path for path in store.glob("oxigraph-*") if path.is_dir())


def rewrite_csv(path: Path, edit: Callable[[list[list[str]]], list[list[str]]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(edit(rows))


def drop_column(path: Path, column: str) -> None:
    def edit(rows: list[list[str]]) -> list[list[str]]:
        index = rows[0].index(column)
        return [row[:index] + row[index + 1 :] for row in rows]

    rewrite_csv(path, edit)


def set_cell(path: Path, key_column: str, key: str, column: str, value: str) -> None:
    def edit(rows: list[list[str]]) -> list[list[str]]:
        key_at, at = rows[0].index(key_column), rows[0].index(column)
        for row in rows[1:]:
            if row[key_at] == key:
                row[at] = value
        return rows

    rewrite_csv(path, edit)


def esco_zips(folder: Path) -> Path:
    """The mini release packed into the two zips as the ESCO portal names them."""
    from genai_kg.importers.esco_release import FILES

    folder.mkdir(parents=True, exist_ok=True)
    for archive in (ESCO_CONCEPTS_ZIP, ESCO_RELATIONS_ZIP):
        with zipfile.ZipFile(folder / archive, "w", zipfile.ZIP_DEFLATED) as out:
            for name, (home, _) in FILES.items():
                if home == archive:
                    out.write(MINI["esco"] / name, name)
    return folder


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def replace_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def match_analyst(data: Path, esco: str = ESCO_DATA_ANALYST, onet: str = ONET_DATA_SCIENTISTS):
    """Give the tiny role `analyst` ESCO and O*NET counterparts."""
    replace_text(
        data / "roles.yaml",
        "  aliases: [Data Analyst]\n",
        f'  aliases: [Data Analyst]\n  match:\n    esco: {esco}\n    onet: "{onet}"\n',
    )


def match_skills(data: Path) -> None:
    """Point tiny's skill matches at ESCO skills esco-mini has (data mining, statistics)."""
    replace_text(data / "skills.yaml", TINY_ABSENT_SKILL, ESCO_DATA_MINING)
    replace_text(
        data / "skills.yaml",
        "- id: statistics\n  name: Statistics\n  category: data\n",
        f"- id: statistics\n  name: Statistics\n  category: data\n"
        f"  match:\n    esco: {ESCO_STATISTICS}\n",
    )


def sparql_json(runner: CliRunner, name: str, data: Path, store: Path, role: str = "analyst"):
    result = invoke(
        runner,
        "sparql",
        name,
        "--param",
        f"role={role}",
        "--format",
        "json",
        "--data",
        data,
        "--store",
        store,
    )
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    rows = [{key: cell["value"] for key, cell in row.items()} for row in bindings]
    return rows, result.stderr


@pytest.fixture
def matched(tiny_copy: Path) -> Path:
    """A tiny dataset whose analyst role and two skills match concepts of the mini releases."""
    match_analyst(tiny_copy)
    match_skills(tiny_copy)
    return tiny_copy


def assert_one_live_database(store: Path) -> None:
    found = databases(store)
    assert len(found) == 1, found
    link = store / "oxigraph"
    assert link.is_symlink()
    assert link.resolve() == found[0].resolve()


# --- import -------------------------------------------------------------------------------


READ_LINES = {
    "esco": ["read 20 occupations", "read 76 skills"],
    "onet": ["read 8 occupations", "read 137 technology skills"],
    "oews": ["read 11 occupations"],
}


@pytest.mark.parametrize("source", sorted(MINI))
def test_import_reports_and_loads_the_graph(runner, tmp_path, source):
    store = tmp_path / "store"
    result = do_import(runner, source, MINI[source], store)
    assert result.exit_code == 0, result.output
    count = printed_count(result.stdout, source)
    assert count > 0
    read_lines = [line for line in result.stdout.splitlines() if line.startswith("  read ")]
    assert read_lines
    for expected in READ_LINES[source]:
        assert f"  {expected}" in read_lines, result.stdout
    counts = graph_counts(store)
    assert counts[GRAPH_BASE + source] == count
    assert counts[CURATED_GRAPH] > 0
    assert set(counts) == {CURATED_GRAPH, GRAPH_BASE + source}
    # CliRunner's stderr is not a terminal: no progress counter
    assert "\r" not in result.stderr
    assert "\x1b[" not in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal(monkeypatch):
    from genai_kg.cli.taxonomies import _progress_printer

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    show = _progress_printer()
    show("skills_en.csv", 10_000, 0)
    show("Skills.xlsx", 5, 20)
    show("store: writing Turtle snapshots of <g>", 0, 0)
    assert terminal.getvalue().split("\r\x1b[K") == [
        "",
        "  skills_en.csv: 10,000 rows",
        "  Skills.xlsx: [#####...............] 5/20 rows",
        "  store: writing Turtle snapshots of <g> ...",
    ]


def test_import_shows_the_store_steps_of_a_rebuild(runner, tmp_path, monkeypatch, rebuild_always):
    import genai_kg.cli.taxonomies

    steps: list[tuple[str, int, int]] = []
    monkeypatch.setattr(
        genai_kg.cli.taxonomies, "_progress_printer", lambda: lambda *step: steps.append(step)
    )
    import_ok(runner, "esco", tmp_path / "store")
    assert any(stage.startswith("occupations_en.csv") for stage, _, _ in steps)  # the reader's
    assert ("store: writing Turtle snapshots of <" + GRAPH_BASE + "esco>", 0, 0) in steps


@pytest.mark.parametrize("mode", ["update", "rebuild"])
def test_import_twice_is_idempotent_and_leaves_other_graphs(runner, tmp_path, request, mode):
    if mode == "rebuild":
        request.getfixturevalue("rebuild_always")
    store = tmp_path / "store"
    printed = {source: import_ok(runner, source, store) for source in ("esco", "onet", "oews")}
    before = graph_counts(store)
    assert before == {CURATED_GRAPH: before[CURATED_GRAPH]} | {
        GRAPH_BASE + source: count for source, count in printed.items()
    }
    quads = {source: graph_quads(store, source) for source in printed}
    for source in ("esco", "onet", "oews"):
        assert import_ok(runner, source, store) == printed[source]
        assert graph_counts(store) == before
        assert {name: graph_quads(store, name) for name in printed} == quads
    if mode == "rebuild":
        assert_one_live_database(store)


def test_rebuild_path_switches_the_link_to_one_database(runner, tmp_path, rebuild_always):
    store = tmp_path / "store"
    seen = set()
    for source in ("esco", "onet", "oews", "esco"):
        import_ok(runner, source, store)
        assert_one_live_database(store)
        seen.add(databases(store)[0].name)
        assert not (store / ".oxigraph.switch").exists()
    assert len(seen) == 4  # every import built a new database and dropped the old one


def test_small_import_updates_a_linked_copy(runner, tmp_path, monkeypatch):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    esco = graph_quads(store, "esco")

    def no_reload(*args: object) -> None:
        raise AssertionError("a small import loaded a database from scratch")

    monkeypatch.setattr(genai_kg.store.replace, "_fill", no_reload)
    seen = {databases(store)[0].name}
    for source in ("oews", "onet", "oews"):
        import_ok(runner, source, store)
        assert_one_live_database(store)  # a new database, switched in; the old one dropped
        seen.add(databases(store)[0].name)
        assert graph_quads(store, "esco") == esco
    assert len(seen) == 4


# --- a failed import leaves the store as it was -------------------------------------------


def _esco_missing_column(tmp: Path) -> tuple[Path, list[str]]:
    release = shutil.copytree(MINI["esco"], tmp / "esco")
    drop_column(release / "occupations_en.csv", "preferredLabel")
    return release, ["occupations_en.csv", "preferredLabel"]


def _esco_truncated_zip(tmp: Path) -> tuple[Path, list[str]]:
    release = esco_zips(tmp / "esco")
    archive = release / ESCO_RELATIONS_ZIP
    payload = archive.read_bytes()
    archive.write_bytes(payload[: len(payload) // 2])
    return release, [ESCO_RELATIONS_ZIP]


def _esco_not_a_release(tmp: Path) -> tuple[Path, list[str]]:
    release = tmp / "elsewhere"
    release.mkdir()
    (release / "notes.txt").write_text("not a release\n")
    return release, [str(release), "no ESCO release"]


def _esco_missing_file(tmp: Path) -> tuple[Path, list[str]]:
    release = shutil.copytree(MINI["esco"], tmp / "esco")
    (release / "skills_en.csv").unlink()
    return release, ["skills_en.csv"]


def _esco_no_such_path(tmp: Path) -> tuple[Path, list[str]]:
    return tmp / "nowhere", [str(tmp / "nowhere")]


def _esco_bad_byte_mid_stream(tmp: Path) -> tuple[Path, list[str]]:
    release = shutil.copytree(MINI["esco"], tmp / "esco")
    relations = release / "skillSkillRelations.csv"  # the last file read: triples flowed already
    relations.write_bytes(relations.read_bytes() + b"a,knowledge,\xff,knowledge,b\n")
    return release, ["skillSkillRelations.csv", "not UTF-8"]


def _oews_missing_column(tmp: Path) -> tuple[Path, list[str]]:
    release = shutil.copytree(MINI["oews"], tmp / "oews")
    drop_column(release / OEWS_CSV, "annual_median_wage")
    return release, [OEWS_CSV, "annual_median_wage"]


def _oews_truncated_zip(tmp: Path) -> tuple[Path, list[str]]:
    archive = tmp / "oews.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in MINI["oews"].iterdir():
            out.write(path, f"oews-mini/{path.name}")
    payload = archive.read_bytes()
    archive.write_bytes(payload[: len(payload) // 2])
    return archive, ["oews.zip"]


def _oews_not_a_release(tmp: Path) -> tuple[Path, list[str]]:
    release = tmp / "elsewhere"
    release.mkdir()
    (release / "notes.txt").write_text("not a release\n")
    return release, [str(release)]


def _oews_missing_file(tmp: Path) -> tuple[Path, list[str]]:
    release = shutil.copytree(MINI["oews"], tmp / "oews")
    (release / OEWS_CSV).unlink()
    return release, [str(release), ".csv"]


def _oews_no_such_path(tmp: Path) -> tuple[Path, list[str]]:
    return tmp / "nowhere.csv", [str(tmp / "nowhere.csv")]


def _oews_bad_cell_last_row(tmp: Path) -> tuple[Path, list[str]]:
    release = shutil.copytree(MINI["oews"], tmp / "oews")
    set_cell(release / OEWS_CSV, "soc_code", "27-2011", "annual_mean_wage", "lots")
    return release, [OEWS_CSV, "annual_mean_wage", "lots"]


BREAKAGES = {
    "esco": [
        _esco_missing_column,
        _esco_truncated_zip,
        _esco_not_a_release,
        _esco_missing_file,
        _esco_no_such_path,
        _esco_bad_byte_mid_stream,
    ],
    "oews": [
        _oews_missing_column,
        _oews_truncated_zip,
        _oews_not_a_release,
        _oews_missing_file,
        _oews_no_such_path,
        _oews_bad_cell_last_row,
    ],
}


@pytest.mark.parametrize("mode", ["update", "rebuild"])
@pytest.mark.parametrize(
    ("source", "breakage"),
    [
        pytest.param(source, breakage, id=f"{source}-{breakage.__name__.split('_', 2)[2]}")
        for source, found in BREAKAGES.items()
        for breakage in found
    ],
)
def test_failed_import_leaves_the_store_as_it_was(
    runner, tmp_path, request, mode, source, breakage
):
    if mode == "rebuild":
        request.getfixturevalue("rebuild_always")
    store = tmp_path / "store"
    other = "onet"
    import_ok(runner, other, store)
    first = import_ok(runner, source, store)
    before = graph_counts(store)
    quads = graph_quads(store, source)
    live = databases(store)
    snapshots = sorted(store.glob("snapshots-*"))
    assert before[GRAPH_BASE + source] == first

    release, named = breakage(tmp_path)
    result = do_import(runner, source, release, store)

    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: "), result.stderr
    for text in named:
        assert text in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert "imported" not in result.stdout
    assert graph_counts(store) == before
    assert graph_quads(store, source) == quads
    assert databases(store) == live  # no half-built database left behind
    assert sorted(store.glob("snapshots-*")) == snapshots
    assert (store / "oxigraph").is_symlink()


# --- validate: match links against the imports --------------------------------------------


def test_validate_without_imports_does_not_check_matches(runner, tmp_path):
    store = tmp_path / "store"
    # tiny's machine-learning skill links to an ESCO URI no release has
    for _ in range(2):  # no store yet, then the store the first run built
        result = invoke(runner, "validate", "--data", TINY, "--store", store)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("ok: ")
        assert "taxonomy links" not in result.stdout


def test_validate_with_only_oews_does_not_check_matches(runner, tmp_path):
    store = tmp_path / "store"
    import_ok(runner, "oews", store)
    result = invoke(runner, "validate", "--data", TINY, "--store", store)
    assert result.exit_code == 0, result.output


def test_validate_reports_a_skill_match_the_import_lacks(runner, tmp_path):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    result = invoke(runner, "validate", "--data", TINY, "--store", store)
    assert result.exit_code == 1, result.output
    line = line_of(TINY / "skills.yaml", TINY_ABSENT_SKILL)
    assert f"skills.yaml:{line}: match.esco:" in result.stderr, result.stderr
    assert TINY_ABSENT_SKILL in result.stderr
    assert "machine-learning" in result.stderr
    assert result.stderr.startswith("Error: ")


def test_validate_reports_a_role_match_the_import_lacks(runner, tmp_path, tiny_copy):
    match_skills(tiny_copy)
    match_analyst(tiny_copy, esco=ESCO_ABSENT_OCCUPATION)
    store = tmp_path / "store"
    import_ok(runner, "esco", store, tiny_copy)
    result = invoke(runner, "validate", "--data", tiny_copy, "--store", store)
    assert result.exit_code == 1, result.output
    line = line_of(tiny_copy / "roles.yaml", ESCO_ABSENT_OCCUPATION)
    assert f"roles.yaml:{line}: match.esco:" in result.stderr, result.stderr
    assert ESCO_ABSENT_OCCUPATION in result.stderr
    assert "'analyst'" in result.stderr
    # exactly one problem: the skills' matches resolve
    assert result.stderr.count("match.esco:") == 1


def test_validate_passes_when_every_match_resolves(runner, tmp_path, matched):
    store = tmp_path / "store"
    import_ok(runner, "esco", store, matched)
    import_ok(runner, "onet", store, matched)
    result = invoke(runner, "validate", "--data", matched, "--store", store)
    assert result.exit_code == 0, result.output
    assert "taxonomy links checked against the imports" in result.stdout
    assert "3 esco" in result.stdout  # analyst, machine-learning, statistics
    assert "1 onet" in result.stdout


def test_validate_checks_onet_matches_once_onet_is_imported(runner, tmp_path, tiny_copy):
    match_skills(tiny_copy)
    match_analyst(tiny_copy, onet="15-2041.00")  # Statisticians: not in onet-mini
    store = tmp_path / "store"
    import_ok(runner, "esco", store, tiny_copy)
    result = invoke(runner, "validate", "--data", tiny_copy, "--store", store)
    assert result.exit_code == 0, result.output  # O*NET not imported: not checked
    import_ok(runner, "onet", store, tiny_copy)
    result = invoke(runner, "validate", "--data", tiny_copy, "--store", store)
    assert result.exit_code == 1, result.output
    line = line_of(tiny_copy / "roles.yaml", "15-2041.00")
    assert f"roles.yaml:{line}: match.onet:" in result.stderr, result.stderr
    assert "15-2041.00" in result.stderr


ONET_PYTORCH = "https://w3id.org/genai-kg/id/onet/technology/pytorch"  # in onet-mini


@pytest.mark.parametrize(
    ("technology", "ok"),
    [
        pytest.param(ONET_PYTORCH, True, id="imported-example"),
        pytest.param(ONET_PYTORCH + "-lightning", False, id="example-the-import-lacks"),
    ],
)
def test_validate_checks_onet_technology_matches(runner, tmp_path, matched, technology, ok):
    replace_text(
        matched / "skills.yaml",
        f"  match:\n    esco: {ESCO_STATISTICS}\n",
        f"  match:\n    esco: {ESCO_STATISTICS}\n    onet: {technology}\n",
    )
    store = tmp_path / "store"
    import_ok(runner, "onet", store, matched)
    result = invoke(runner, "validate", "--data", matched, "--store", store)
    if ok:
        assert result.exit_code == 0, result.output
        assert "2 onet" in result.stdout  # analyst's occupation, statistics' technology
    else:
        assert result.exit_code == 1, result.output
        line = line_of(matched / "skills.yaml", technology)
        assert f"skills.yaml:{line}: match.onet: skill 'statistics'" in result.stderr
        assert technology in result.stderr


# --- show: a role's counterparts ----------------------------------------------------------


def test_show_lists_counterparts_once_imports_exist(runner, tmp_path, matched):
    store = tmp_path / "store"

    def show(*extra: str):
        result = invoke(runner, "show", "analyst", *extra, "--data", matched, "--store", store)
        assert result.exit_code == 0, result.output
        return result.stdout

    before = show()
    assert "ESCO occupation" not in before and "O*NET" not in before and "BLS" not in before
    assert "counterparts" not in json.loads(show("--format", "json"))

    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store, matched)

    text = show()
    assert f"ESCO occupation: data analyst <{ESCO_DATA_ANALYST}>" in text, text
    assert f"O*NET occupation: {ONET_DATA_SCIENTISTS} Data Scientists" in text, text
    bls = [line for line in text.splitlines() if "BLS OEWS" in line]
    assert len(bls) == 1, text
    for figure in (
        "low $67,240",
        "p25 $85,660",
        "median $120,230",
        "p75 $158,880",
        "high $199,130",
        "(2025)",
    ):
        assert figure in bls[0], bls[0]
    assert "salary (any, US 2026): $50,000-$70,000" in text  # the curated band stays

    rows = json.loads(show("--format", "json"))["counterparts"]
    assert isinstance(rows, list)
    by_source = {row["source"]: row for row in rows}
    assert set(by_source) == {"ESCO occupation", "O*NET occupation", "BLS OEWS (p10 to p90)"}
    assert by_source["ESCO occupation"]["counterpart"] == ESCO_DATA_ANALYST
    assert by_source["ESCO occupation"]["label"] == "data analyst"
    assert by_source["O*NET occupation"]["counterpart"].endswith(ONET_DATA_SCIENTISTS)
    wages = by_source["BLS OEWS (p10 to p90)"]
    assert float(wages["median"]) == 120230
    assert wages["counterpart"] == "https://www.bls.gov/oes/current/oes152051.htm"


def test_show_labels_a_broad_match_as_the_broader_occupation(runner, tmp_path, tiny_copy):
    """Through a broadMatch the O*NET occupation and its BLS wages are a broader kind's."""
    replace_text(
        tiny_copy / "roles.yaml",
        "  aliases: [Data Analyst]\n",
        "  aliases: [Data Analyst]\n  match:  # a broader kind\n"
        f'    onet: {{id: "{ONET_DATA_SCIENTISTS}", relation: broad}}\n',
    )
    store = tmp_path / "store"
    for source in ("onet", "oews"):
        import_ok(runner, source, store, tiny_copy)
    result = invoke(runner, "show", "analyst", "--data", tiny_copy, "--store", store)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"O*NET broader occupation: {ONET_DATA_SCIENTISTS} Data Scientists" in text, text
    assert "O*NET occupation:" not in text
    bls = [line for line in text.splitlines() if "BLS OEWS" in line]
    assert len(bls) == 1, text
    assert bls[0].strip().startswith("BLS OEWS (p10 to p90), broader occupation: 15-2051"), bls
    assert "median $120,230" in bls[0]
    result = invoke(
        runner, "show", "analyst", "--format", "json", "--data", tiny_copy, "--store", store
    )
    sources = {row["source"] for row in json.loads(result.stdout)["counterparts"]}
    assert sources == {"O*NET broader occupation", "BLS OEWS (p10 to p90), broader occupation"}


def test_show_a_role_without_matches_has_no_counterparts(runner, tmp_path, matched):
    store = tmp_path / "store"
    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store, matched)
    result = invoke(
        runner, "show", "prompter", "--format", "json", "--data", matched, "--store", store
    )
    assert result.exit_code == 0, result.output
    assert not json.loads(result.stdout).get("counterparts")


# --- the taxonomy queries -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_query_notes_each_missing_import(runner, tmp_path, name):
    rows, stderr = sparql_json(runner, name, TINY, tmp_path / "store")
    assert rows == [] or name == "role-counterparts"  # the curated salary band needs no import
    for source in NEEDS[name]:
        assert f"note: this query reads the {source} import" in stderr, stderr
    assert stderr.count("note: this query reads the") == len(NEEDS[name])


def test_query_notes_only_the_imports_still_missing(runner, tmp_path):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    _, stderr = sparql_json(runner, "role-counterparts", TINY, store)
    assert "reads the esco import" not in stderr
    assert "reads the onet import" in stderr and "reads the oews import" in stderr
    _, stderr = sparql_json(runner, "esco-skills-not-taught", TINY, store)
    assert "note:" not in stderr


@pytest.fixture
def imported(runner, tmp_path, matched) -> tuple[Path, Path]:
    store = tmp_path / "store"
    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store, matched)
    return matched, store


def test_role_counterparts_with_imports(runner, imported):
    data, store = imported
    rows, stderr = sparql_json(runner, "role-counterparts", data, store)
    assert "note:" not in stderr
    sources = {row["source"] for row in rows}
    assert {
        "curated: fixture",
        "ESCO occupation",
        "O*NET occupation",
        "BLS OEWS (p10 to p90)",
    } <= sources, rows
    bls = next(row for row in rows if row["source"].startswith("BLS"))
    assert float(bls["median"]) == 120230
    assert bls["label"] == "15-2051 Data Scientists"


def test_esco_skills_not_taught_with_imports(runner, imported):
    data, store = imported
    rows, stderr = sparql_json(runner, "esco-skills-not-taught", data, store)
    assert "note:" not in stderr
    assert {row["occupation"] for row in rows} == {ESCO_DATA_ANALYST}
    skills = {row["esco_skill"]: row for row in rows}
    # data analyst has 30 essential skills; data mining is taught (ml-intro, via machine-learning)
    assert len(skills) == 29
    assert ESCO_DATA_MINING not in skills
    assert skills[ESCO_STATISTICS].get("curated_skill") == "statistics"
    assert skills[ESCO_STATISTICS]["esco_skill_name"] == "statistics"


def test_onet_hot_technologies_with_imports(runner, imported):
    data, store = imported
    rows, stderr = sparql_json(runner, "onet-hot-technologies", data, store)
    assert "note:" not in stderr
    names = {row["technology_name"] for row in rows}
    assert "TensorFlow" in names, names
    assert "PyTorch" not in names  # in demand but not hot for 15-2051.00
    tensorflow = next(row for row in rows if row["technology_name"] == "TensorFlow")
    assert tensorflow["in_demand"] == "true"
    assert all(row["occupation"].endswith(ONET_DATA_SCIENTISTS) for row in rows)


def test_onet_transitions_with_imports(runner, imported):
    data, store = imported
    rows, stderr = sparql_json(runner, "onet-transitions", data, store)
    assert "note:" not in stderr
    related = [(row["related"].rsplit("/", 1)[1], row["rank"]) for row in rows]
    # only the related occupations inside onet-mini have a title
    assert related == [("15-1221.00", "9"), ("15-2051.01", "10")], rows
    titles = {row["related_title"] for row in rows}
    assert titles == {
        "Computer and Information Research Scientists",
        "Business Intelligence Analysts",
    }


# --- export --with-imports ----------------------------------------------------------------


def test_export_with_imports(runner, tmp_path):
    store = tmp_path / "store"
    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store)
    database = ox.Store.read_only(str(store / "oxigraph"))
    union = {(q.subject, q.predicate, q.object) for q in database}
    del database

    outputs = [tmp_path / "one.ttl", tmp_path / "two.ttl"]
    for output in outputs:
        result = invoke(
            runner,
            "export",
            "--format",
            "turtle",
            "--with-imports",
            "-o",
            output,
            "--data",
            TINY,
            "--store",
            store,
        )
        assert result.exit_code == 0, result.output
    parsed = {
        (t.subject, t.predicate, t.object)
        for t in ox.parse(path=str(outputs[0]), format=ox.RdfFormat.TURTLE)
    }
    assert len(parsed) == len(union)
    assert parsed == union
    assert outputs[0].read_bytes() == outputs[1].read_bytes()

    curated_only = invoke(runner, "export", "--format", "turtle", "--data", TINY)
    assert curated_only.exit_code == 0
    assert len(curated_only.stdout_bytes) < outputs[0].stat().st_size


def test_export_with_imports_refuses_non_rdf_formats(runner, tmp_path):
    output = tmp_path / "graph.graphml"
    result = invoke(
        runner,
        "export",
        "--format",
        "graphml",
        "--with-imports",
        "-o",
        output,
        "--data",
        TINY,
        "--store",
        tmp_path / "store",
    )
    assert result.exit_code == 2, result.output
    assert "--with-imports" in result.stderr
    assert not output.exists()


# --- the real releases --------------------------------------------------------------------

REAL = {
    "esco": SHARED_DATASETS / "esco-v1.1.1",
    "onet": SHARED_DATASETS / "onet-29.2",
    "oews": SHARED_DATASETS / "oews-2025",
}


@pytest.mark.datasets
@pytest.mark.skipif(
    not all(path.is_dir() for path in REAL.values()),
    reason=f"the ESCO, O*NET and OEWS releases are not all in {SHARED_DATASETS}",
)
def test_real_releases_end_to_end(runner, tmp_path):
    data = REPO / "data"
    store = tmp_path / "store"
    printed, stored = {}, {}
    for source, release in REAL.items():
        result = do_import(runner, source, release, store, data)
        assert result.exit_code == 0, result.output
        printed[source] = printed_count(result.stdout, source)
        stored[source] = graph_size(store, source)
    assert_one_live_database(store)

    result = invoke(runner, "validate", "--data", data, "--store", store)
    assert result.exit_code == 0, result.output
    assert "taxonomy links checked against the imports" in result.stdout

    result = invoke(runner, "show", "data-scientist", "--data", data, "--store", store)
    assert result.exit_code == 0, result.output
    assert "O*NET occupation: 15-2051.00 Data Scientists" in result.stdout, result.stdout
    assert "median $120,230" in result.stdout

    result = invoke(runner, "sparql", "onet-hot-technologies", "--data", data, "--store", store)
    assert result.exit_code == 0, result.output
    assert "TensorFlow" in result.stdout
    assert "note:" not in result.stderr

    # the whole-store Turtle export copies the ESCO and O*NET snapshots: the same bytes as
    # reading every graph back out of the database
    manifest = json.loads(next(store.glob("snapshots-*/manifest.json")).read_text())
    assert set(manifest["graphs"]) == {GRAPH_BASE + "esco", GRAPH_BASE + "onet"}
    output = tmp_path / "all.ttl"
    result = invoke(
        runner, "export", "-f", "turtle", "--with-imports", "-o", output,
        "--data", data, "--store", store,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    database = ox.Store.read_only(str(store / "oxigraph"))
    assert output.read_bytes() == store_file(database, ExportFormat.TURTLE)["genai-kg.ttl"]
    del database

    # checked last so that a miscount does not hide the checks above
    assert printed == stored  # the count printed is the count of triples in the graph


def test_the_role_page_and_api_show_the_counterparts_as_show_does(runner, tmp_path, matched):
    """The explorer's role page and /api/show give what `show --format json` gives."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from genai_kg.web.explorer import Explorer
    from genai_kg.web.pages import page_routes

    store = tmp_path / "store"
    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store, matched)
    shown = invoke(runner, "show", "analyst", "--format", "json", "--data", matched,
                   "--store", store)  # fmt: skip
    assert shown.exit_code == 0, shown.output
    with TestClient(Starlette(routes=page_routes(Explorer(Path(matched), store)))) as client:
        assert client.get("/api/show", params={"name": "analyst"}).json() == json.loads(
            shown.stdout
        )
        page = client.get("/role/analyst").text
    assert "Official counterparts and BLS wages" in page
    assert f'<a href="{ESCO_DATA_ANALYST}" rel="noopener noreferrer">data analyst</a>' in page
    for figure in ("$67,240", "$85,660", "$120,230", "$158,880", "$199,130"):
        assert f"<td>{figure}</td>" in page, figure
