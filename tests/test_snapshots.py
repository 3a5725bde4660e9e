"""Turtle snapshots of the store's large graphs (snapshots.py) and the exports that copy them.

The mini releases are small, so ``rebuild_always`` lowers the update limit: every import
then builds a new database and snapshots its graphs, as the real ESCO and O*NET imports do.
The contract under test: an export that copies snapshots gives the very bytes of an export
that reads the database, and a snapshot that no longer matches its graph is never used.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.conftest import TINY
from tests.test_taxonomies import (
    MINI,
    do_import,
    graph_quads,
    import_ok,
    invoke,
    rewrite_csv,
)

import genai_kg.graph.export
import genai_kg.store.replace
from genai_kg.graph.export import ExportFormat, store_file
from genai_kg.graph.namespaces import CURATED_GRAPH, GRAPH_BASE
from genai_kg.store.snapshots import MANIFEST, signature, usable_snapshots


def snapshot_folders(store: Path) -> list[Path]:
    return sorted(path for path in store.glob("snapshots-*") if path.is_dir())


def live_snapshots(store: Path) -> Path:
    """Return the snapshot folder of the live database, checking it is the only one."""
    folders = snapshot_folders(store)
    assert len(folders) == 1, folders
    live = (store / "oxigraph").resolve()
    assert folders[0].name == live.name.replace("oxigraph", "snapshots", 1)
    return folders[0]


def manifest(store: Path) -> dict:
    return json.loads((live_snapshots(store) / MANIFEST).read_text())


def export_turtle(runner, store: Path, output: Path, data: Path = TINY) -> bytes:
    result = invoke(
        runner, "export", "-f", "turtle", "--with-imports", "-o", output,
        "--data", data, "--store", store,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return output.read_bytes()


def dumped_from_database(store: Path) -> bytes:
    """The whole-store Turtle export read from the database alone, ignoring any snapshot."""
    database = ox.Store.read_only(str(store / "oxigraph"))
    try:
        return store_file(database, ExportFormat.TURTLE)["genai-kg.ttl"]
    finally:
        del database


def triples_of(turtle: bytes) -> set[tuple[object, object, object]]:
    return {(t.subject, t.predicate, t.object) for t in ox.parse(turtle, ox.RdfFormat.TURTLE)}


def used_snapshots(store: Path) -> dict[str, Path]:
    database = ox.Store.read_only(str(store / "oxigraph"))
    try:
        return usable_snapshots(live_snapshots(store), database)
    finally:
        del database


# --- written by every rebuild ---------------------------------------------------------------


def test_rebuild_snapshots_the_large_graphs_and_export_copies_them(
    runner, tmp_path, rebuild_always, monkeypatch
):
    store = tmp_path / "store"
    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store)
    written = manifest(store)
    assert written["signature"] == signature()
    assert set(written["graphs"]) == {GRAPH_BASE + name for name in ("esco", "onet", "oews")}
    assert CURATED_GRAPH not in written["graphs"]  # changes in place: never snapshotted
    folder = live_snapshots(store)
    for name in ("esco", "onet", "oews"):
        entry = written["graphs"][GRAPH_BASE + name]
        assert entry["file"] == f"{name}.ttl"
        assert entry["triples"] == len(graph_quads(store, name))
        assert entry["bytes"] == (folder / entry["file"]).stat().st_size
        assert entry["sha256"] == hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest()
    assert set(used_snapshots(store)) == set(written["graphs"])

    read: list[str] = []
    dump_graph = genai_kg.graph.export.dump_graph

    def spy(store: ox.Store, graph_iri: str, *args: object, **kwargs: object) -> bytes:
        read.append(graph_iri)
        return dump_graph(store, graph_iri, *args, **kwargs)

    monkeypatch.setattr(genai_kg.graph.export, "dump_graph", spy)
    exported = export_turtle(runner, store, tmp_path / "out.ttl")
    assert read == [CURATED_GRAPH]  # the imports were copied from their snapshots
    monkeypatch.undo()
    assert exported == dumped_from_database(store)  # the same bytes, not just the same graph


def test_small_graphs_are_not_snapshotted(runner, tmp_path):
    store = tmp_path / "store"
    for source in ("esco", "onet", "oews"):
        import_ok(runner, source, store)
    assert snapshot_folders(store) == []  # every graph is under the update limit
    exported = export_turtle(runner, store, tmp_path / "out.ttl")
    assert exported == dumped_from_database(store)


def test_graphs_carried_over_keep_their_snapshot(runner, tmp_path, rebuild_always):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    first = live_snapshots(store) / "esco.ttl"
    inode, quads = first.stat().st_ino, graph_quads(store, "esco")

    import_ok(runner, "onet", store)  # a new database: ESCO is loaded from its snapshot
    carried = live_snapshots(store) / "esco.ttl"
    assert carried != first
    assert not first.exists()  # the old database and its snapshots are gone
    assert carried.stat().st_ino == inode  # linked, not written again
    assert graph_quads(store, "esco") == quads
    assert export_turtle(runner, store, tmp_path / "out.ttl") == dumped_from_database(store)


def test_reimport_replaces_the_snapshot(runner, tmp_path, rebuild_always):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    before = (live_snapshots(store) / "esco.ttl").read_bytes()
    release = shutil.copytree(MINI["esco"], tmp_path / "esco")
    rewrite_csv(release / "occupations_en.csv", lambda rows: rows[:-1])
    import_ok_from(runner, release, store)
    after = (live_snapshots(store) / "esco.ttl").read_bytes()
    assert after != before
    assert triples_of(after) == graph_quads(store, "esco")


def import_ok_from(runner, release: Path, store: Path) -> None:
    result = do_import(runner, "esco", release, store)
    assert result.exit_code == 0, result.output


# --- never trusted when it no longer matches ------------------------------------------------


def _resize_file(folder: Path) -> None:
    path = folder / "esco.ttl"
    path.write_bytes(path.read_bytes() + b"\n")


def _same_size_edit(folder: Path) -> None:
    path = folder / "esco.ttl"
    before = path.read_bytes()
    path.write_bytes(before.replace(b"@en", b"@de", 1))
    assert path.read_bytes() != before


def _delete_file(folder: Path) -> None:
    (folder / "esco.ttl").unlink()


def _other_signature(folder: Path) -> None:
    written = json.loads((folder / MANIFEST).read_text())
    written["signature"] = "pyoxigraph 0.0.1; prefixes 0000"
    (folder / MANIFEST).write_text(json.dumps(written))


def _corrupt_manifest(folder: Path) -> None:
    (folder / MANIFEST).write_text('{"graphs": ')


def _manifest_missing(folder: Path) -> None:
    (folder / MANIFEST).unlink()


def _wrong_entry(folder: Path) -> None:
    written = json.loads((folder / MANIFEST).read_text())
    written["graphs"][GRAPH_BASE + "esco"] = {"file": 7}
    (folder / MANIFEST).write_text(json.dumps(written))


@pytest.mark.parametrize(
    "damage",
    [_resize_file, _same_size_edit, _delete_file, _other_signature, _corrupt_manifest,
     _manifest_missing, _wrong_entry],
    ids=lambda damage: damage.__name__.strip("_").replace("_", "-"),
)  # fmt: skip
def test_a_damaged_snapshot_is_ignored(runner, tmp_path, rebuild_always, damage):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    damage(live_snapshots(store))
    assert GRAPH_BASE + "esco" not in used_snapshots(store)
    assert export_turtle(runner, store, tmp_path / "out.ttl") == dumped_from_database(store)

    import_ok(runner, "onet", store)  # the next rebuild copies ESCO from the database
    assert GRAPH_BASE + "esco" in used_snapshots(store)
    assert export_turtle(runner, store, tmp_path / "out.ttl") == dumped_from_database(store)


def test_a_graph_changed_outside_genai_kg_is_read_from_the_database(
    runner, tmp_path, rebuild_always
):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    extra = ox.Quad(
        ox.NamedNode("http://example.org/added"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("added by another tool"),
        ox.NamedNode(GRAPH_BASE + "esco"),
    )
    database = ox.Store(str(store / "oxigraph"))
    database.add(extra)
    database.flush()
    del database
    assert GRAPH_BASE + "esco" not in used_snapshots(store)  # its triple count changed
    exported = export_turtle(runner, store, tmp_path / "out.ttl")
    assert (extra.subject, extra.predicate, extra.object) in triples_of(exported)


def test_a_small_import_carries_the_other_snapshots_and_drops_its_own(
    runner, tmp_path, monkeypatch
):
    store = tmp_path / "store"
    monkeypatch.setattr(genai_kg.store.replace, "UPDATE_LIMIT", 10)
    import_ok(runner, "esco", store)
    import_ok(runner, "onet", store)
    assert set(manifest(store)["graphs"]) == {GRAPH_BASE + "esco", GRAPH_BASE + "onet"}
    inode = (live_snapshots(store) / "esco.ttl").stat().st_ino
    # the mini ESCO graph (1,761 triples) is now large, the mini O*NET one (1,331) small
    monkeypatch.setattr(genai_kg.store.replace, "UPDATE_LIMIT", 1_500)
    release = shutil.copytree(MINI["onet"], tmp_path / "onet")
    titles = release / "Alternate Titles.txt"
    titles.write_text("".join(titles.read_text().splitlines(keepends=True)[:-1]))
    result = do_import(runner, "onet", release, store)
    assert result.exit_code == 0, result.output
    assert set(manifest(store)["graphs"]) == {GRAPH_BASE + "esco"}
    assert not (live_snapshots(store) / "onet.ttl").exists()
    assert (live_snapshots(store) / "esco.ttl").stat().st_ino == inode  # carried by a link
    exported = export_turtle(runner, store, tmp_path / "out.ttl")
    assert exported == dumped_from_database(store)


def test_the_curated_graph_is_always_read_from_the_database(
    runner, tmp_path, tiny_copy, rebuild_always
):
    store = tmp_path / "store"
    import_ok(runner, "esco", store, tiny_copy)
    before = export_turtle(runner, store, tmp_path / "before.ttl", tiny_copy)
    skills = tiny_copy / "skills.yaml"
    skills.write_text(skills.read_text().replace("name: SQL", "name: SQL (renamed)"))
    after = export_turtle(runner, store, tmp_path / "after.ttl", tiny_copy)
    assert b"SQL (renamed)" in after
    assert b"SQL (renamed)" not in before
    assert after == dumped_from_database(store)


def test_a_store_without_snapshots_gets_them_at_the_next_rebuild(runner, tmp_path, rebuild_always):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    shutil.rmtree(live_snapshots(store))  # as a store written before snapshots existed
    assert export_turtle(runner, store, tmp_path / "out.ttl") == dumped_from_database(store)
    import_ok(runner, "oews", store)
    assert set(manifest(store)["graphs"]) == {GRAPH_BASE + "esco", GRAPH_BASE + "oews"}
    assert export_turtle(runner, store, tmp_path / "out.ttl") == dumped_from_database(store)


def test_a_rebuild_announces_its_steps(tmp_path, rebuild_always):
    from genai_kg.importers.esco import read_esco
    from genai_kg.importers.onet import read_onet
    from genai_kg.store.database import import_graph

    store = tmp_path / "store"
    steps: list[tuple[str, int, int]] = []
    for read, release in ((read_esco, MINI["esco"]), (read_onet, MINI["onet"])):
        result = read(release)
        import_graph(TINY, store, result.graph, result.triples, lambda *step: steps.append(step))
    announced = [stage for stage, done, total in steps if not done and not total]
    assert announced == [
        f"store: copying the graph <{CURATED_GRAPH}>",
        "store: compacting the database",
        f"store: writing Turtle snapshots of <{GRAPH_BASE}esco>",
        f"store: copying the graph <{CURATED_GRAPH}>",
        f"store: copying the graph <{GRAPH_BASE}esco>",
        "store: compacting the database",
        f"store: writing Turtle snapshots of <{GRAPH_BASE}esco>, <{GRAPH_BASE}onet>",
    ]


def test_a_snapshot_removed_after_the_check_is_read_from_the_database(
    runner, tmp_path, rebuild_always
):
    store = tmp_path / "store"
    import_ok(runner, "esco", store)
    snapshots = used_snapshots(store)
    assert set(snapshots) == {GRAPH_BASE + "esco"}
    snapshots[GRAPH_BASE + "esco"].unlink()  # as when an import drops the old database
    database = ox.Store.read_only(str(store / "oxigraph"))
    exported = store_file(database, ExportFormat.TURTLE, snapshots)["genai-kg.ttl"]
    del database
    assert exported == dumped_from_database(store)
