"""The ESCO importer: triples, counts, warnings and every bad input, on a fixture cut from ESCO."""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.conftest import SHARED_DATASETS, TESTS

from genai_kg.errors import DataError
from genai_kg.graph.namespaces import GRAPH_BASE
from genai_kg.importers.esco import read_esco
from genai_kg.importers.esco_release import CONCEPTS_ZIP, FILES, RELATIONS_ZIP
from genai_kg.importers.esco_terms import (
    ALT_LABEL,
    BROADER,
    DESCRIPTION,
    ISCO_GROUP,
    MEMBER_OF_ISCO_GROUP,
    NOTATION,
    OCCUPATION,
    PREF_LABEL,
    RDF_TYPE,
    RELATED_ESSENTIAL_SKILL,
    RELATED_OPTIONAL_SKILL,
    SKILL,
    SKILL_GROUP,
    SKILL_REUSE_LEVEL,
    SKILL_TYPE,
)
from genai_kg.store.replace import replace_graph

MINI = TESTS / "data" / "esco-mini"
REAL = SHARED_DATASETS / "esco-v1.1.1"
GRAPH = ox.NamedNode(GRAPH_BASE + "esco")

ESCO = "http://data.europa.eu/esco/"
DATA_ANALYST = ox.NamedNode(ESCO + "occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2")
DATA_SCIENTIST = ox.NamedNode(ESCO + "occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30")
MISSING_OCCUPATION = ESCO + "occupation/a9e54177-a185-404d-b6e6-15663d31137e"
ISCO_2511 = ox.NamedNode(ESCO + "isco/C2511")
ISCO_251 = ox.NamedNode(ESCO + "isco/C251")
KNOWLEDGE = ox.NamedNode(ESCO + "skill-type/knowledge")
SKILL_COMPETENCE = ox.NamedNode(ESCO + "skill-type/skill")
HIERARCHY_ONLY_GROUP = ox.NamedNode(ESCO + "skill/0526c9cb-c8a4-498e-8498-d0e2d14ac626")

MINI_COUNTS = {
    "ISCO groups": 4,
    "occupations": 20,
    "skills": 76,
    "skills of type skill/competence": 43,
    "skills of type knowledge": 32,
    "skills without a skillType": 1,
    "skills without a reuseLevel": 1,
    "skill groups": 60,
    "skill groups only in skillsHierarchy_en.csv": 2,
    "occupation-skill relations": 212,
    "essential occupation-skill relations": 92,
    "optional occupation-skill relations": 120,
    "occupation broader relations": 24,
    "skill broader relations": 183,
    "skill-skill relations": 27,
    "essential skill-skill relations": 6,
    "optional skill-skill relations": 21,
}


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


@pytest.fixture(scope="module")
def mini() -> tuple[set[tuple[object, object, object]], object]:
    """The fixture's triples as a set, and its ImportResult (consumed)."""
    result = read_esco(MINI)
    triples = set(result.triples)
    return triples, result


def _make_zips(folder: Path, source: Path = MINI) -> Path:
    """Pack the fixture's CSVs into the two zips, named as the ESCO portal names them."""
    folder.mkdir(parents=True, exist_ok=True)
    for archive in (CONCEPTS_ZIP, RELATIONS_ZIP):
        with zipfile.ZipFile(folder / archive, "w", zipfile.ZIP_DEFLATED) as out:
            for name, (home, _) in FILES.items():
                if home == archive:
                    out.write(source / name, name)
    return folder


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "esco"
    shutil.copytree(MINI, target)
    return target


def _error(path: Path) -> str:
    with pytest.raises(DataError) as caught:
        result = read_esco(path)
        for _ in result.triples:
            pass
    return str(caught.value)


# --- the graph ----------------------------------------------------------------------------


def test_counts(mini):
    _, result = mini
    assert result.counts == MINI_COUNTS
    assert result.graph == GRAPH_BASE + "esco"


def test_occupation(mini):
    triples, _ = mini
    assert (DATA_ANALYST, RDF_TYPE, OCCUPATION) in triples
    assert (DATA_ANALYST, PREF_LABEL, _en("data analyst")) in triples
    assert (DATA_ANALYST, NOTATION, ox.Literal("2511.3")) in triples
    assert (DATA_ANALYST, MEMBER_OF_ISCO_GROUP, ISCO_2511) in triples
    assert (DATA_ANALYST, BROADER, ISCO_2511) in triples
    assert (DATA_SCIENTIST, PREF_LABEL, _en("data scientist")) in triples
    alt = {o.value for s, p, o in triples if s == DATA_ANALYST and p == ALT_LABEL}
    assert "data warehousing analyst" in alt  # one altLabel per line of the cell
    assert all("\n" not in label for label in alt)
    assert "data analyst" not in alt  # the prefLabel is not repeated as an altLabel
    assert any(s == DATA_ANALYST and p == DESCRIPTION for s, p, _ in triples)


def test_data_analyst_skills(mini):
    triples, _ = mini
    kinds = Counter(p for s, p, _ in triples if s == DATA_ANALYST)
    assert kinds[RELATED_ESSENTIAL_SKILL] == 30
    assert kinds[RELATED_OPTIONAL_SKILL] == 22
    skills = {o for s, p, o in triples if s == DATA_ANALYST and p == RELATED_ESSENTIAL_SKILL}
    assert all((skill, RDF_TYPE, SKILL) in triples for skill in skills)


def test_skills_and_groups(mini):
    triples, _ = mini
    types = Counter(o for _, p, o in triples if p == SKILL_TYPE)
    assert types == {SKILL_COMPETENCE: 43, KNOWLEDGE: 32}
    assert sum(1 for _, p, _ in triples if p == SKILL_REUSE_LEVEL) == 75
    assert (ISCO_2511, RDF_TYPE, ISCO_GROUP) in triples
    assert (ISCO_2511, NOTATION, ox.Literal("2511")) in triples
    assert (ISCO_2511, BROADER, ISCO_251) in triples
    assert (HIERARCHY_ONLY_GROUP, RDF_TYPE, SKILL_GROUP) in triples
    assert (HIERARCHY_ONLY_GROUP, NOTATION, ox.Literal("S6.8.0")) in triples
    # every triple's subject is a typed concept, and every term is a pyoxigraph term
    typed = {s for s, p, _ in triples if p == RDF_TYPE}
    assert {s for s, _, _ in triples} == typed
    assert all(isinstance(o, ox.NamedNode | ox.Literal) for _, _, o in triples)


def test_known_defect_is_skipped_with_a_warning(mini):
    triples, result = mini
    assert result.skipped == {
        "occupationSkillRelations.csv rows": 2,
        "broaderRelationsOccPillar.csv rows": 1,
    }
    warning = next(w for w in result.warnings if w.startswith("occupationSkillRelations.csv"))
    assert "2 rows" in warning and MISSING_OCCUPATION in warning and "skipped" in warning
    assert not any(s.value == MISSING_OCCUPATION for s, _, _ in triples)


def test_zips_give_the_same_triples(tmp_path, mini):
    triples, _ = mini
    assert set(read_esco(_make_zips(tmp_path)).triples) == triples


def test_progress_reports_every_file():
    calls: list[tuple[str, int, int]] = []
    list(read_esco(MINI, lambda *args: calls.append(args)).triples)
    assert {stage for stage, _, _ in calls} == set(FILES)
    assert ("occupations_en.csv", 20, 20) in calls


# --- through the store --------------------------------------------------------------------


def _graph(store: ox.Store) -> set[tuple[object, object, object]]:
    return {
        (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, GRAPH)
    }


def test_import_twice_gives_the_same_graph(mini):
    triples, _ = mini
    store = ox.Store()
    replace_graph(store, GRAPH.value, read_esco(MINI).triples)
    first = len(store)
    replace_graph(store, GRAPH.value, read_esco(MINI).triples)
    assert len(store) == first == len(triples)
    assert _graph(store) == triples


def test_failed_import_leaves_the_old_graph(tmp_path, mini):
    triples, _ = mini
    store = ox.Store()
    replace_graph(store, GRAPH.value, read_esco(MINI).triples)
    broken = _copy(tmp_path)
    relations = broken / "skillSkillRelations.csv"  # the last file read
    relations.write_bytes(relations.read_bytes() + b"a,knowledge,\xff,knowledge,b\n")
    result = read_esco(broken)  # the header is fine: the fault shows mid-stream
    with pytest.raises(DataError, match="skillSkillRelations.csv, line 29: not UTF-8"):
        replace_graph(store, GRAPH.value, result.triples)
    assert _graph(store) == triples


# --- bad input ----------------------------------------------------------------------------


def test_wrong_folder(tmp_path):
    message = _error(tmp_path)
    assert "no ESCO release here" in message and CONCEPTS_ZIP in message


def test_no_such_path(tmp_path):
    assert "no such file or folder" in _error(tmp_path / "nowhere")


@pytest.mark.parametrize("archive", [CONCEPTS_ZIP, RELATIONS_ZIP])
def test_one_zip_is_not_enough(tmp_path, archive):
    folder = _make_zips(tmp_path / "release")
    (folder / archive).unlink()
    message = _error(folder)
    assert f"the zip {archive!r} is missing" in message
    other = RELATIONS_ZIP if archive == CONCEPTS_ZIP else CONCEPTS_ZIP
    assert other not in message
    # the zip alone, given as the path, names the other one as missing
    assert f"the zip {archive!r} is missing" in _error(folder / other)


def test_truncated_zip(tmp_path):
    folder = _make_zips(tmp_path / "release")
    data = (folder / RELATIONS_ZIP).read_bytes()
    (folder / RELATIONS_ZIP).write_bytes(data[: len(data) // 2])
    message = _error(folder)
    assert RELATIONS_ZIP in message and "not a readable zip" in message


def test_corrupt_zip_member(tmp_path):
    """A zip whose directory is intact but whose compressed data is damaged."""
    folder = _make_zips(tmp_path / "release")
    path = folder / RELATIONS_ZIP
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("occupationSkillRelations.csv")
    data = bytearray(path.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    message = _error(folder)
    assert "occupationSkillRelations.csv" in message and RELATIONS_ZIP in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(name, f"{name} is missing (it comes in {home!r})", id=name)
        for name, (home, _) in FILES.items()
    ],
)
def test_missing_file(tmp_path, name, expected):
    folder = _copy(tmp_path)
    (folder / name).unlink()
    assert expected in _error(folder)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        pytest.param("occupations_en.csv", "conceptUri", id="occupations-conceptUri"),
        pytest.param("skills_en.csv", "skillType", id="skills-skillType"),
        pytest.param("occupationSkillRelations.csv", "relationType", id="relations-type"),
        pytest.param("skillsHierarchy_en.csv", "Level 2 URI", id="hierarchy-level"),
    ],
)
def test_missing_column(tmp_path, name, column):
    folder = _copy(tmp_path)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(header.replace(column, column + "X", 1) + "\n" + rest, encoding="utf-8")
    message = _error(folder)
    assert f"{name}: missing column {column!r} (columns: " in message


def test_not_utf8(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "skills_en.csv"
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b"e", b"\xe9", 1)  # Latin-1, as a spreadsheet might save it
    path.write_bytes(b"\n".join(lines))
    message = _error(folder)
    assert "skills_en.csv, line 6: not UTF-8 text" in message


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            "occupationSkillRelations.csv",
            ",essential,",
            ",vital,",
            "relationType 'vital'",
            id="relation-type",
        ),
        pytest.param(
            "skills_en.csv",
            ",knowledge,",
            ",wisdom,",
            "unknown skillType 'wisdom'",
            id="skill-type",
        ),
    ],
)
def test_unknown_values(tmp_path, name, old, new, expected):
    folder = _copy(tmp_path)
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    message = _error(folder)
    assert name in message and expected in message


# --- the real release ---------------------------------------------------------------------

needs_release = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the ESCO v1.1.1 release is not at {REAL}"
)


@pytest.mark.datasets
@needs_release
def test_real_release():
    result = read_esco(REAL)
    analyst: Counter[object] = Counter()
    total = 0
    for s, p, _ in result.triples:
        total += 1
        if s == DATA_ANALYST:
            analyst[p] += 1
    counts = result.counts
    assert counts["occupations"] == 3007
    assert counts["skills"] == 13896
    assert counts["skills of type skill/competence"] == 10831
    assert counts["skills of type knowledge"] == 3059
    assert counts["skills without a skillType"] == 6  # 10,831 + 3,059 = 13,890
    assert counts["occupation-skill relations"] == 123855
    assert counts["essential occupation-skill relations"] == 64946
    assert counts["optional occupation-skill relations"] == 58909
    assert counts["skill broader relations"] == 20656
    assert counts["skill groups"] == 640
    assert counts["ISCO groups"] == 619
    assert counts["skill-skill relations"] == 5899
    assert result.skipped["occupationSkillRelations.csv rows"] == 67
    assert any("67 rows" in w and MISSING_OCCUPATION in w for w in result.warnings)
    assert analyst[RELATED_ESSENTIAL_SKILL] == 30
    assert analyst[RELATED_OPTIONAL_SKILL] == 22
    assert total > 300_000


@pytest.mark.datasets
@needs_release
def test_real_zip_truncated(tmp_path):
    shutil.copy(REAL / RELATIONS_ZIP, tmp_path / RELATIONS_ZIP)
    data = (REAL / CONCEPTS_ZIP).read_bytes()
    (tmp_path / CONCEPTS_ZIP).write_bytes(data[: len(data) // 2])
    message = _error(tmp_path)
    assert CONCEPTS_ZIP in message and "not a readable zip" in message


# --- empty files and repeated concepts (issue 10) ---------------------------------------------


@pytest.mark.parametrize("name", ["occupations_en.csv", "skills_en.csv"])
def test_a_concept_file_with_only_its_header_keeps_the_old_graph(tmp_path, mini, name):
    triples, _ = mini
    store = ox.Store()
    replace_graph(store, GRAPH.value, read_esco(MINI).triples)
    broken = _copy(tmp_path)
    path = broken / name
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        replace_graph(store, GRAPH.value, read_esco(broken).triples)
    assert caught.value.problems == [
        f"{name}: no concept rows, only a header; nothing was imported and the previous ESCO "
        "graph is kept"
    ]
    assert _graph(store) == triples


def test_a_repeated_concept_names_both_lines(tmp_path):
    import csv
    import io

    broken = _copy(tmp_path)
    path = broken / "occupations_en.csv"
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([*rows, rows[1]])
    path.write_text(out.getvalue(), encoding="utf-8")
    last_line = text.count("\n") + 1
    with pytest.raises(DataError) as caught:
        list(read_esco(broken).triples)
    assert caught.value.problems == [
        f"occupations_en.csv, line {last_line}: conceptUri {rows[1][1]!r} repeats line 2"
    ]
