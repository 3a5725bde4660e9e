"""The OEWS importer: a fixture of 11 rows cut from the May 2025 file, and the real file."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from tests.conftest import SHARED_DATASETS, TESTS

from genai_kg.errors import DataError
from genai_kg.importers import ImportResult
from genai_kg.importers.oews import OEWS_GRAPH, read_oews
from genai_kg.store.replace import replace_graph

MINI = TESTS / "data" / "oews-mini"
CSV_NAME = "oews_may2025_national_cross_industry.csv"
RELEASE = SHARED_DATASETS / "oews-2025"

GKG = "https://w3id.org/genai-kg/ontology#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

Triple = tuple[Any, Any, Any]


def p(prefix: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(prefix + name)


def bls(code: str) -> ox.NamedNode:
    return ox.NamedNode(f"https://www.bls.gov/oes/current/oes{code.replace('-', '')}.htm")


def wages(code: str) -> ox.NamedNode:
    return ox.NamedNode(bls(code).value + "#wages-2025")


def onet(code: str) -> ox.NamedNode:
    return ox.NamedNode("https://www.onetonline.org/link/summary/" + code)


def dec(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))


def integer(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))


def read_all(path: Path) -> tuple[ImportResult, set[Triple]]:
    result = read_oews(path)
    return result, set(result.triples)


@pytest.fixture(scope="module")
def mini() -> tuple[ImportResult, set[Triple]]:
    return read_all(MINI)


def copy_mini(tmp_path: Path) -> Path:
    target = tmp_path / "oews"
    shutil.copytree(MINI, target)
    return target


def edit_cell(folder: Path, code: str, column: str, value: str) -> None:
    """Set one cell of the fixture's CSV (no quoted commas in the rows edited here)."""
    path = folder / CSV_NAME
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines[0].split(",").index(column)
    for number, line in enumerate(lines):
        if line.startswith(code + ","):
            cells = line.split(",")
            cells[at] = value
            lines[number] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- structure -----------------------------------------------------------------------------


def test_data_scientists(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    occ, band = bls("15-2051"), wages("15-2051")
    expected = {
        (occ, TYPE, p(SCHEMA, "Occupation")),
        (occ, p(SKOS, "prefLabel"), ox.Literal("Data Scientists", language="en")),
        (occ, p(SKOS, "notation"), ox.Literal("15-2051")),
        (occ, p(SCHEMA, "occupationalCategory"), ox.Literal("15-2051")),
        (occ, p(GKG, "socLevel"), ox.Literal("detailed")),
        (occ, p(SCHEMA, "estimatedSalary"), band),
        (band, TYPE, p(SCHEMA, "MonetaryAmountDistribution")),
        (band, p(SCHEMA, "currency"), ox.Literal("USD")),
        (band, p(SCHEMA, "duration"), ox.Literal("P1Y", datatype=p(XSD, "duration"))),
        (band, p(SCHEMA, "percentile10"), dec("67240")),
        (band, p(SCHEMA, "percentile25"), dec("85660")),
        (band, p(SCHEMA, "median"), dec("120230")),
        (band, p(SCHEMA, "percentile75"), dec("158880")),
        (band, p(SCHEMA, "percentile90"), dec("199130")),
        (band, p(GKG, "mean"), dec("126800")),
        (band, p(GKG, "employment"), integer("262440")),
        (band, p(GKG, "year"), integer("2025")),
        (
            band,
            p("http://purl.org/dc/terms/", "source"),
            ox.NamedNode("https://www.bls.gov/oes/tables.htm"),
        ),
        (onet("15-2051.00"), p(GKG, "wages"), occ),
    }
    assert {t for t in triples if occ in (t[0], t[2]) or t[0] == band} == expected


def test_counts(mini: tuple[ImportResult, set[Triple]]) -> None:
    result, _ = mini
    assert result.counts == {
        "occupations": 11,
        "detailed occupations": 7,
        "O*NET occupations linked by gkg:wages": 5,
    }
    # Actors: BLS publishes hourly wages only, so the six annual cells are "-".
    assert result.skipped == {"wage and employment cells BLS did not publish": 6}
    assert result.warnings == []
    assert result.graph == OEWS_GRAPH


@pytest.mark.parametrize(
    ("code", "level"),
    [
        pytest.param("00-0000", "total", id="total"),
        pytest.param("15-0000", "major", id="major"),
        pytest.param("15-2000", "minor", id="minor"),
        pytest.param("15-1250", "broad", id="broad"),
        pytest.param("15-1252", "detailed", id="detailed"),
    ],
)
def test_soc_level(mini: tuple[ImportResult, set[Triple]], code: str, level: str) -> None:
    assert (bls(code), p(GKG, "socLevel"), ox.Literal(level)) in mini[1]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("15-1250", id="broad"),
        pytest.param("21-1018", id="oews-aggregate"),
        pytest.param("13-1020", id="oews-aggregate-ending-in-0"),
    ],
)
def test_no_wages_link_without_onet_occupation(
    mini: tuple[ImportResult, set[Triple]], code: str
) -> None:
    assert not [t for t in mini[1] if t[1] == p(GKG, "wages") and t[2] == bls(code)]


def test_unpublished_cells_write_nothing(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    actors = wages("27-2011")
    assert (actors, p(GKG, "employment"), integer("55000")) in triples
    assert not [t for t in triples if t[0] == actors and t[1] == p(SCHEMA, "median")]


def test_top_coded_wages_are_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit_cell(folder, "11-1011", "annual_75th_percentile_wage", "#")
    edit_cell(folder, "11-1011", "annual_90th_percentile_wage", "#")
    result, triples = read_all(folder)
    chief = wages("11-1011")
    assert (chief, p(SCHEMA, "median"), dec("213990")) in triples
    assert not [t for t in triples if t[0] == chief and t[1] == p(SCHEMA, "percentile90")]
    assert not [t for t in triples if t[0] == chief and t[1] == p(SCHEMA, "percentile75")]
    assert result.skipped["top-coded wage cells ('#')"] == 2
    assert len(result.warnings) == 1 and "2 wage cells are '#'" in result.warnings[0]


# --- where the file is ----------------------------------------------------------------------


def test_csv_file_zip_and_folder_read_the_same(
    mini: tuple[ImportResult, set[Triple]], tmp_path: Path
) -> None:
    archive = tmp_path / "oews.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in MINI.iterdir():
            zf.write(file, f"oews-2025/{file.name}")
    assert read_all(archive)[1] == mini[1]
    assert read_all(MINI / CSV_NAME)[1] == mini[1]


@pytest.mark.parametrize("keep", ["manifest", "file-name"])
def test_year_from_manifest_or_file_name(tmp_path: Path, keep: str) -> None:
    folder = copy_mini(tmp_path)
    if keep == "manifest":
        (folder / CSV_NAME).rename(folder / "national.csv")
    else:
        (folder / "manifest.json").unlink()
    _, triples = read_all(folder)
    assert (wages("15-2051"), p(GKG, "year"), integer("2025")) in triples


# --- the store -------------------------------------------------------------------------------


def graph_quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(OEWS_GRAPH)))


def test_replace_graph_is_idempotent(mini: tuple[ImportResult, set[Triple]]) -> None:
    store = ox.Store()
    replace_graph(store, OEWS_GRAPH, read_oews(MINI).triples)
    first = graph_quads(store)
    replace_graph(store, OEWS_GRAPH, read_oews(MINI).triples)
    assert graph_quads(store) == first
    assert len(first) == len(mini[1])


def test_failed_import_leaves_previous_graph(tmp_path: Path) -> None:
    store = ox.Store()
    replace_graph(store, OEWS_GRAPH, read_oews(MINI).triples)
    before = graph_quads(store)
    folder = copy_mini(tmp_path)
    edit_cell(folder, "15-2051", "annual_median_wage", "12O230")
    with pytest.raises(DataError):
        replace_graph(store, OEWS_GRAPH, read_oews(folder).triples)
    assert graph_quads(store) == before


# --- bad input --------------------------------------------------------------------------------


def drop_column(folder: Path, column: str) -> None:
    path = folder / CSV_NAME
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f",{column},", ",", 1), encoding="utf-8")


BREAKAGES = [
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "annual_median_wage", "12O230"),
        [f"{CSV_NAME}:10: column 'annual_median_wage': '12O230' is not a number"],
        id="bad-wage",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "employment", "262440.5"),
        [f"{CSV_NAME}:10: column 'employment': '262440.5' is not a whole number"],
        id="fractional-employment",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "soc_code", "152051"),
        [f"{CSV_NAME}:10: column 'soc_code': '152051' is not a SOC code"],
        id="bad-code",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "display_level", "7"),
        [f"{CSV_NAME}:10: column 'display_level': '7' is not a level 0-3"],
        id="bad-level",
    ),
    pytest.param(
        lambda d: drop_column(d, "annual_median_wage"),
        [f"{CSV_NAME}: missing column 'annual_median_wage' (columns: soc_code, "],
        id="missing-column",
    ),
    pytest.param(
        lambda d: (d / CSV_NAME).write_bytes((d / CSV_NAME).read_bytes()[:-40]),
        [f"{CSV_NAME}:12:", "(is the file truncated?)"],
        id="truncated",
    ),
    pytest.param(
        lambda d: (d / CSV_NAME).unlink(),
        ["expected one OEWS national cross-industry CSV, found no .csv file"],
        id="missing-file",
    ),
    pytest.param(
        lambda d: shutil.copy(d / CSV_NAME, d / "oews_may2024_national_cross_industry.csv"),
        ["expected one OEWS national cross-industry CSV, found 'oews_may2024"],
        id="two-files",
    ),
    pytest.param(
        lambda d: (d / CSV_NAME).write_bytes(b"soc_code,occupation_name\n\xff\n"),
        [f"{CSV_NAME}:2: not UTF-8 text"],
        id="not-utf8",
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, breakage: Callable[[Path], None], expected: list[str]
) -> None:
    folder = copy_mini(tmp_path)
    breakage(folder)
    with pytest.raises(DataError) as caught:
        read_all(folder)
    for text in expected:
        assert text in str(caught.value)


def test_every_bad_cell_reported_together(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit_cell(folder, "15-2051", "annual_median_wage", "x")
    edit_cell(folder, "15-1252", "annual_mean_wage", "y")
    with pytest.raises(DataError) as caught:
        read_oews(folder)
    assert len(caught.value.problems) == 2


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file or folder"):
        read_oews(tmp_path / "nowhere")


def test_corrupt_zip(tmp_path: Path) -> None:
    archive = tmp_path / "oews.zip"
    archive.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DataError, match="oews.zip: unreadable, corrupt or truncated"):
        read_oews(archive)


def test_no_year(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    (folder / "manifest.json").unlink()
    (folder / CSV_NAME).rename(folder / "national.csv")
    with pytest.raises(DataError, match="national.csv: cannot tell the year"):
        read_oews(folder)


# --- the real file ----------------------------------------------------------------------------


@pytest.mark.datasets
def test_real_release() -> None:
    if not RELEASE.is_dir():
        pytest.skip(f"the OEWS file is not at {RELEASE} (see ../shared/datasets/README.md)")
    result = read_oews(RELEASE)
    store = ox.Store()
    replace_graph(store, OEWS_GRAPH, result.triples)
    assert result.counts["occupations"] == 1104
    assert result.counts["detailed occupations"] == 830
    assert result.counts["O*NET occupations linked by gkg:wages"] == 818
    graph = ox.NamedNode(OEWS_GRAPH)
    occupations = list(store.quads_for_pattern(None, TYPE, p(SCHEMA, "Occupation"), graph))
    assert len(occupations) == 1104
    assert ox.Quad(wages("15-2051"), p(SCHEMA, "median"), dec("120230"), graph) in store
    assert ox.Quad(onet("15-2051.00"), p(GKG, "wages"), bls("15-2051"), graph) in store


# --- implausible values (issue 10) ---------------------------------------------------------

VALUE_BREAKAGES = [
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "annual_median_wage", "1e999"),
        f"{CSV_NAME}:10: column 'annual_median_wage': '1e999' is above 10,000,000 dollars",
        id="wage-1e999",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "annual_mean_wage", "9" * 5000),
        f"{CSV_NAME}:10: column 'annual_mean_wage': '{'9' * 5000}' has more than 12 digits",
        id="wage-5000-digits",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "annual_mean_wage", "12000000"),
        f"{CSV_NAME}:10: column 'annual_mean_wage': '12000000' is above 10,000,000 dollars",
        id="wage-over-10-million",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "employment", "1e5"),
        f"{CSV_NAME}:10: column 'employment': '1e5' is not a whole number of people",
        id="employment-exponent",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "employment", "1234567890123"),
        f"{CSV_NAME}:10: column 'employment': '1234567890123' has more than 12 digits",
        id="employment-13-digits",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "annual_10th_percentile_wage", "300000"),
        f"{CSV_NAME}:10: column 'annual_10th_percentile_wage': '300000' is above "
        "'annual_25th_percentile_wage'",
        id="p10-above-p25",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-2051", "annual_75th_percentile_wage", "10"),
        f"{CSV_NAME}:10: column 'annual_median_wage':",
        id="median-above-p75",
    ),
    pytest.param(
        lambda d: edit_cell(d, "15-1252", "soc_code", "15-2051"),
        f"{CSV_NAME}:10: column 'soc_code': '15-2051' repeats the row of line ",
        id="duplicate-soc-code",
    ),
    pytest.param(
        lambda d: (d / CSV_NAME).write_text(
            (d / CSV_NAME).read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
        ),
        f"{CSV_NAME}: no occupation rows, only a header; nothing was imported and the "
        "previous OEWS graph is kept",
        id="header-only",
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), VALUE_BREAKAGES)
def test_implausible_values_are_refused(
    tmp_path: Path, breakage: Callable[[Path], None], expected: str
) -> None:
    folder = copy_mini(tmp_path)
    breakage(folder)
    with pytest.raises(DataError) as caught:
        read_all(folder)
    assert expected in str(caught.value)


def test_a_duplicate_names_both_lines(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    lines = (folder / CSV_NAME).read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines, 1) if line.startswith("15-2051,"))
    (folder / CSV_NAME).write_text("\n".join([*lines, lines[first - 1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_oews(folder)
    assert caught.value.problems == [
        f"{CSV_NAME}:{len(lines) + 1}: column 'soc_code': '15-2051' repeats the row of line {first}"
    ]


def test_an_empty_release_keeps_the_previous_graph_through_the_cli(tmp_path: Path) -> None:
    from tests.conftest import TINY
    from typer.testing import CliRunner

    from genai_kg.cli import app

    runner = CliRunner()
    store = str(tmp_path / "store")
    common = ["--data", str(TINY), "--store", store]
    assert runner.invoke(app, ["import", "oews", str(MINI), *common]).exit_code == 0
    folder = copy_mini(tmp_path)
    header = (folder / CSV_NAME).read_text(encoding="utf-8").splitlines()[0]
    (folder / CSV_NAME).write_text(header + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "oews", str(folder), *common])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and "no occupation rows" in result.stderr
    count = runner.invoke(
        app,
        ["sparql", "-", "-f", "csv", *common],
        input=f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{OEWS_GRAPH}> {{ ?s ?p ?o }} }}",
    )
    assert int(count.stdout.splitlines()[1]) == len(read_all(MINI)[1])
