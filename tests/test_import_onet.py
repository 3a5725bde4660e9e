"""The O*NET importer: the text-edition fixture, an Excel edition made from it, the release."""

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
from genai_kg.importers.onet import read_onet
from genai_kg.importers.onet_terms import ONET_GRAPH
from genai_kg.store.replace import replace_graph

MINI = TESTS / "data" / "onet-mini"
RELEASE = SHARED_DATASETS / "onet-29.2"

GKG = "https://w3id.org/genai-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TECH = "https://w3id.org/genai-kg/id/onet/technology/"
TOOL = "https://w3id.org/genai-kg/id/onet/tool/"
ELEMENT = "https://www.onetonline.org/find/descriptor/result/"

Triple = tuple[Any, Any, Any]


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def gkg(name: str) -> ox.NamedNode:
    return ox.NamedNode(GKG + name)


def skos(name: str) -> ox.NamedNode:
    return ox.NamedNode(SKOS + name)


def schema(name: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA + name)


def occ(code: str) -> ox.NamedNode:
    return ox.NamedNode("https://www.onetonline.org/link/summary/" + code)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def read_all(path: Path) -> tuple[ImportResult, set[Triple]]:
    result = read_onet(path)
    return result, set(result.triples)


@pytest.fixture(scope="module")
def mini() -> tuple[ImportResult, set[Triple]]:
    return read_all(MINI)


def to_excel(folder: Path, target: Path) -> Path:
    """Write each text file of ``folder`` as the Excel edition would: numbers as numbers."""
    import openpyxl

    target.mkdir(parents=True, exist_ok=True)
    for text_file in sorted(folder.glob("*.txt")):
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(text_file.stem)
        for number, line in enumerate(text_file.read_text(encoding="utf-8").splitlines()):
            cells = line.split("\t")
            sheet.append(cells if number == 0 else [_excel_value(cell) for cell in cells])
        book.save(target / f"{text_file.stem}.xlsx")
    return target


def _excel_value(cell: str) -> Any:
    if cell in {"", "n/a"}:
        return None
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell


# --- structure -----------------------------------------------------------------------------


def test_occupation(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    data_scientists = occ("15-2051.00")
    for expected in [
        (data_scientists, TYPE, schema("Occupation")),
        (data_scientists, skos("prefLabel"), en("Data Scientists")),
        (data_scientists, skos("notation"), ox.Literal("15-2051.00")),
        (data_scientists, schema("occupationalCategory"), ox.Literal("15-2051")),
        (data_scientists, gkg("jobZone"), typed("4", "integer")),
        (data_scientists, skos("altLabel"), en("Applied Scientist")),
        (occ("15-2051.01"), schema("occupationalCategory"), ox.Literal("15-2051")),
        (occ("15-2051.00"), skos("related"), occ("15-2051.01")),
    ]:
        assert expected in triples
    descriptions = [o for s, p, o in triples if s == data_scientists and p == schema("description")]
    assert len(descriptions) == 1 and descriptions[0].language == "en"


def test_related_occupation_keeps_tier_and_index(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    link = iri("https://www.onetonline.org/link/summary/15-2051.00#related-15-2051.01")
    assert (occ("15-2051.00"), gkg("relatedOccupation"), link) in triples
    assert (link, gkg("occupation"), occ("15-2051.01")) in triples
    tiers = {o.value for s, p, o in triples if s == link and p == gkg("relatednessTier")}
    assert tiers <= {"Primary-Short", "Primary-Long", "Supplemental"} and len(tiers) == 1


def test_counts(mini: tuple[ImportResult, set[Triple]]) -> None:
    result, _ = mini
    assert result.counts == {
        "occupations": 8,
        "job zones": 8,
        "alternate titles": 102,
        "alternate labels": 152,
        "related occupations": 24,
        "technology skills": 137,
        "hot technology links": 71,
        "in-demand technology links": 29,
        "technologies": 118,
        "tools used": 28,
        "tools": 25,
        "tool nodes": 24,
        "commodities": 52,
        "skill ratings": 140,
        "skills": 35,
        "important skill links": 37,
    }
    # 18 related rows of Data Scientists point outside the 8 occupations of the fixture.
    assert result.skipped == {"Related Occupations rows of occupations not in Occupation Data": 18}
    assert result.warnings == [
        "Related Occupations.txt: 18 rows name an O*NET-SOC code that Occupation Data.txt "
        "lacks; they were skipped"
    ]
    assert result.graph == ONET_GRAPH


def test_technology_hot_and_in_demand(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    ds = occ("15-2051.00")
    tensorflow, mlflow = iri(TECH + "tensorflow"), iri(TECH + "mlflow")
    pytorch = iri(TECH + "pytorch")
    assert (tensorflow, TYPE, schema("DefinedTerm")) in triples
    assert (mlflow, skos("prefLabel"), en("Mlflow")) in triples
    commodity = iri("https://w3id.org/genai-kg/id/onet/commodity/43232605")
    assert (tensorflow, gkg("commodity"), commodity) in triples
    assert {(ds, gkg("usesTechnology"), t) for t in (tensorflow, mlflow, pytorch)} <= triples
    assert (ds, gkg("hotTechnology"), tensorflow) in triples  # Hot Technology "Y"
    assert (ds, gkg("hotTechnology"), mlflow) not in triples  # "N"
    assert (ds, gkg("inDemand"), pytorch) in triples  # In Demand "Y", Hot "N"
    assert (ds, gkg("hotTechnology"), pytorch) not in triples


def test_commodity_node(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    commodity = iri("https://w3id.org/genai-kg/id/onet/commodity/43232605")
    assert (commodity, skos("notation"), ox.Literal("43232605")) in triples
    assert (commodity, skos("prefLabel"), en("Analytical or scientific software")) in triples


def test_c_c_sharp_and_c_plus_plus_stay_apart(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    for key, label in [("c", "C"), ("c-sharp", "C#"), ("c-plus-plus", "C++")]:
        assert (iri(TECH + key), skos("prefLabel"), en(label)) in triples
        assert (occ("15-1252.00"), gkg("usesTechnology"), iri(TECH + key)) in triples


def test_tool_spellings_share_a_node(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    pliers = iri(TOOL + "side-cutting-pliers")
    assert (pliers, skos("prefLabel"), en("Side cutting pliers")) in triples
    assert (pliers, skos("altLabel"), en("Side-cutting pliers")) in triples
    assert (occ("33-2021.00"), gkg("toolUsed"), pliers) in triples  # spelled with a hyphen
    assert (occ("47-2111.00"), gkg("toolUsed"), pliers) in triples  # spelled without


def test_important_skill_is_qualified(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    scientists = occ("15-1221.00")
    rating = iri(scientists.value + "#skill-2.A.1.a")
    reading = iri(ELEMENT + "2.A.1.a")
    assert (reading, TYPE, schema("DefinedTerm")) in triples
    assert (reading, skos("prefLabel"), en("Reading Comprehension")) in triples
    assert (scientists, gkg("importantSkill"), rating) in triples
    assert (rating, gkg("skill"), reading) in triples
    assert (rating, gkg("importance"), typed("3.75", "decimal")) in triples
    assert (rating, gkg("level"), typed("4.5", "decimal")) in triples
    # Importance 2.75 is below the threshold of 3.0: no link.
    assert (scientists, gkg("importantSkill"), iri(scientists.value + "#skill-2.B.1.c")) not in (
        triples
    )


def test_alternate_titles_deduplicated(mini: tuple[ImportResult, set[Triple]]) -> None:
    _, triples = mini
    rows = [
        line.split("\t")
        for line in (MINI / "Alternate Titles.txt").read_text(encoding="utf-8").splitlines()[1:]
    ]
    mine = [r for r in rows if r[0] == "21-1014.00"]
    assert len(mine) > len({r[2] for r in mine})  # the release repeats two of its titles
    titles = {r[2] for r in mine} | {r[3] for r in mine if r[3]}
    labels = {o.value for s, p, o in triples if s == occ("21-1014.00") and p == skos("altLabel")}
    assert labels == titles


# --- editions and containers ----------------------------------------------------------------


def test_excel_edition_reads_the_same(
    mini: tuple[ImportResult, set[Triple]], tmp_path: Path
) -> None:
    result, triples = mini
    excel_result, excel_triples = read_all(to_excel(MINI, tmp_path / "excel"))
    assert excel_triples == triples
    assert excel_result.counts == result.counts


@pytest.mark.parametrize("edition", ["text", "excel"])
def test_zip_of_either_edition(
    mini: tuple[ImportResult, set[Triple]], tmp_path: Path, edition: str
) -> None:
    folder = MINI if edition == "text" else to_excel(MINI, tmp_path / "excel")
    archive = tmp_path / f"db_29_2_{edition}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.iterdir():
            zf.write(file, f"db_29_2_{edition}/{file.name}")
    assert read_all(archive)[1] == mini[1]


def test_progress_is_reported() -> None:
    calls: list[tuple[str, int, int]] = []
    result = read_onet(MINI, lambda stage, done, total: calls.append((stage, done, total)))
    assert calls == []  # nothing is read before the triples are consumed
    for _ in result.triples:
        pass
    assert ("Technology Skills", 137, 137) in calls
    assert [stage for stage, _, _ in calls][0] == "Occupation Data"


# --- the store --------------------------------------------------------------------------------


def graph_quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(ONET_GRAPH)))


def test_replace_graph_is_idempotent(mini: tuple[ImportResult, set[Triple]]) -> None:
    store = ox.Store()
    replace_graph(store, ONET_GRAPH, read_onet(MINI).triples)
    first = graph_quads(store)
    replace_graph(store, ONET_GRAPH, read_onet(MINI).triples)
    assert graph_quads(store) == first
    assert len(first) == len(mini[1])


def test_failed_import_leaves_previous_graph(tmp_path: Path) -> None:
    store = ox.Store()
    replace_graph(store, ONET_GRAPH, read_onet(MINI).triples)
    before = graph_quads(store)
    broken = copy_mini(tmp_path)
    edit(broken / "Skills.txt", lambda text: text.replace("\t3.75\t", "\t3,75\t", 1))
    with pytest.raises(DataError, match="Data Value"):
        replace_graph(store, ONET_GRAPH, read_onet(broken).triples)
    assert graph_quads(store) == before


# --- bad input ------------------------------------------------------------------------------


def copy_mini(tmp_path: Path) -> Path:
    target = tmp_path / "onet"
    shutil.copytree(MINI, target)
    return target


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def drop_column(path: Path, column: str) -> None:
    lines = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    at = lines[0].index(column)
    path.write_text("\n".join("\t".join(c[:at] + c[at + 1 :]) for c in lines) + "\n")


def break_encoding(path: Path, line: int) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1].replace(b"Reading", b"Re\xffading")
    path.write_bytes(b"\n".join(lines))


def truncate_excel(folder: Path) -> None:
    excel = to_excel(folder, folder.parent / "excel")
    data = (excel / "Tools Used.xlsx").read_bytes()
    (folder / "Tools Used.txt").unlink()
    (folder / "Tools Used.xlsx").write_bytes(data[: len(data) // 2])


BREAKAGES = [
    pytest.param(
        lambda d: (d / "Skills.txt").unlink(), ["missing file 'Skills.xlsx'"], id="missing-file"
    ),
    pytest.param(
        lambda d: drop_column(d / "Technology Skills.txt", "Hot Technology"),
        ["Technology Skills.txt: missing column 'Hot Technology' (columns: O*NET-SOC Code, "],
        id="missing-column",
    ),
    pytest.param(
        truncate_excel,
        ["Tools Used.xlsx: unreadable, corrupt or truncated"],
        id="truncated-excel",
    ),
    pytest.param(
        lambda d: edit(d / "Tools Used.txt", lambda t: t[: t.index("Side-cutting") + 5]),
        ["Tools Used.txt:", "3 tab-separated fields where the header has 5", "truncated"],
        id="truncated-text",
    ),
    pytest.param(
        lambda d: break_encoding(d / "Skills.txt", line=3),
        ["Skills.txt:3: not UTF-8 text"],
        id="not-utf8",
    ),
    pytest.param(
        lambda d: edit(d / "Skills.txt", lambda t: t.replace("\t3.75\t", "\tabc\t", 1)),
        ["Skills.txt:2: column 'Data Value': 'abc' is not a number"],
        id="bad-number",
    ),
    pytest.param(
        lambda d: edit(d / "Job Zones.txt", lambda t: t.replace("\t4\t", "\t9\t", 1)),
        ["Job Zones.txt:", "column 'Job Zone': '9' is not a job zone 1-5"],
        id="bad-job-zone",
    ),
    pytest.param(
        lambda d: edit(d / "Technology Skills.txt", lambda t: t.replace("\tY\t", "\tyes\t", 1)),
        ["Technology Skills.txt:", "column 'Hot Technology': 'yes' is not Y or N"],
        id="bad-flag",
    ),
    pytest.param(
        lambda d: edit(d / "Alternate Titles.txt", lambda t: t.replace("11-1011.00", "11-1011", 1)),
        ["Alternate Titles.txt:2: column 'O*NET-SOC Code': bad O*NET-SOC code '11-1011'"],
        id="bad-code",
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), BREAKAGES)
def test_bad_input_names_file_and_column(
    tmp_path: Path, breakage: Callable[[Path], None], expected: list[str]
) -> None:
    folder = copy_mini(tmp_path)
    breakage(folder)
    with pytest.raises(DataError) as caught:
        read_all(folder)
    for text in expected:
        assert text in str(caught.value)


def test_wrong_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(DataError, match="not an O\\*NET database release"):
        read_onet(tmp_path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file or folder"):
        read_onet(tmp_path / "nowhere")


def test_corrupt_zip(tmp_path: Path) -> None:
    archive = tmp_path / "db_29_2_excel.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="db_29_2_excel.zip: not a folder or a readable zip"):
        read_onet(archive)


def test_every_problem_reported_together(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    (folder / "Skills.txt").unlink()
    drop_column(folder / "Tools Used.txt", "Commodity Title")
    with pytest.raises(DataError) as caught:
        read_onet(folder)
    assert len(caught.value.problems) == 2


# --- the real release -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def release() -> tuple[ImportResult, ox.Store]:
    """The real O*NET 29.2 Excel release, read once and loaded into an in-memory store."""
    if not RELEASE.is_dir():
        pytest.skip(f"the O*NET release is not at {RELEASE} (see ../shared/datasets/README.md)")
    result = read_onet(RELEASE)
    store = ox.Store()
    replace_graph(store, ONET_GRAPH, result.triples)
    return result, store


@pytest.mark.datasets
def test_real_release(release: tuple[ImportResult, ox.Store]) -> None:
    result, store = release
    counts = result.counts
    assert counts["occupations"] == 1016
    assert counts["skill ratings"] == 61530
    assert counts["technology skills"] == 32627
    assert counts["technologies"] == 8768
    assert counts["related occupations"] == 18460
    assert counts["alternate titles"] == 56560
    assert result.skipped == {} and result.warnings == []

    graph = ox.NamedNode(ONET_GRAPH)

    def has(s: Any, p: Any, o: Any) -> bool:
        return ox.Quad(s, p, o, graph) in store

    occupations = list(store.quads_for_pattern(None, TYPE, schema("Occupation"), graph))
    assert len(occupations) == 1016
    technologies = store.query(
        f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH <{ONET_GRAPH}> {{ ?o <{GKG}usesTechnology> ?t }} }}"  # noqa: E501
    )
    assert next(iter(technologies))["n"].value == "8768"  # type: ignore[index]
    ds = occ("15-2051.00")
    assert has(ds, skos("prefLabel"), en("Data Scientists"))
    assert has(ds, schema("occupationalCategory"), ox.Literal("15-2051"))
    for key in ("mlflow", "kubeflow", "pytorch", "tensorflow"):
        assert has(ds, gkg("usesTechnology"), iri(TECH + key)), key
    assert has(iri(TECH + "mlflow"), skos("prefLabel"), en("Mlflow"))
    assert has(ds, gkg("hotTechnology"), iri(TECH + "tensorflow"))


# --- empty files and repeated occupations (issue 10) ------------------------------------------

OCCUPATION_FILE = "Occupation Data.txt"


def test_occupation_data_with_only_its_header_keeps_the_previous_graph(tmp_path: Path) -> None:
    store = ox.Store()
    replace_graph(store, ONET_GRAPH, read_onet(MINI).triples)
    before = graph_quads(store)
    broken = copy_mini(tmp_path)
    edit(broken / OCCUPATION_FILE, lambda text: text.splitlines()[0] + "\n")
    with pytest.raises(DataError) as caught:
        replace_graph(store, ONET_GRAPH, read_onet(broken).triples)
    assert caught.value.problems == [
        f"{OCCUPATION_FILE}: no occupation rows, only a header; nothing was imported and the "
        "previous O*NET graph is kept"
    ]
    assert graph_quads(store) == before


def test_a_repeated_occupation_names_both_lines(tmp_path: Path) -> None:
    broken = copy_mini(tmp_path)
    lines = (broken / OCCUPATION_FILE).read_text(encoding="utf-8").splitlines()
    edit(broken / OCCUPATION_FILE, lambda text: text + lines[2] + "\n")
    with pytest.raises(DataError) as caught:
        list(read_onet(broken).triples)
    code = lines[2].split("\t")[0]
    assert caught.value.problems == [
        f"{OCCUPATION_FILE}:{len(lines) + 1}: column 'O*NET-SOC Code': {code!r} repeats line 3"
    ]
