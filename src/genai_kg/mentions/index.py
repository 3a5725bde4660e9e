"""The matcher of a store: curated skills and, once imported, ESCO skills, cached on disk.

Labels are read from the store: each curated skill's name and aliases (the curated graph's
``skos:prefLabel`` and ``skos:altLabel``, with the other verb forms of an "-ing" label, ranked
after every label) and every ESCO skill's preferred and alternative labels (about 100,000 in
ESCO v1.1.1). An ESCO skill counts as the curated skills whose
``match`` names it (``skos:exactMatch`` or ``skos:closeMatch``; a broad match names a
broader concept, which does not make its holder hold the curated skill) or, failing that,
as those matching the nearest ESCO skill or skill group above it (``skos:broader``: whoever
holds a narrower skill holds the broader one, as the SPEC reads ``broader``). An alternative
label of one lowercase word ("data" for statistics, "design" for think creatively) is left
out: it names no skill in running text; one capitalised word ("Source", a game engine) is a
name, and counts only written so (not "open-source").

Building takes seconds with ESCO imported, so the matcher is pickled into the store folder
(``mentions.pickle``, pyahocorasick automatons pickle) under a header naming the dataset
fingerprint and the live database folder, which every import replaces: a later run with
the same data and imports loads it in milliseconds.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from genai_kg.dataset.fingerprint import fingerprint
from genai_kg.errors import GenaiKgError
from genai_kg.graph.namespaces import CURATED_GRAPH, GRAPH_BASE, ID_BASE, PREFIX_IRIS
from genai_kg.mentions.matcher import Matcher, MatcherBuilder, Target
from genai_kg.paths import atomic_write
from genai_kg.store.database import ensure_curated, imported_sources, store_dir
from genai_kg.store.replace import LIVE

CACHE = "mentions.pickle"
#: Bump when the pickled matcher changes shape: an older cache is then rebuilt.
FORMAT = 3
_SKOS = PREFIX_IRIS["skos"]
_ESCO_SKILL = PREFIX_IRIS["esco"] + "Skill"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SKILL_BASE = ID_BASE + "skill/"
#: How far up ESCO's hierarchy a skill may count as a matched one.
_MAX_BROADER = 6
# Ranks of labels: of two skills with one label, the curated one names the hit, then an
# ESCO preferred label, then an alternative one, then a curated label's other verb form.
_CURATED, _PREFERRED, _ALTERNATIVE, _VERB_FORM = 0, 1, 2, 3


def open_matcher(data: Path, store: Path | None = None) -> Matcher:
    """Return the matcher of the dataset at ``data`` and its store's imports, cached.

    Raises:
        DataError: the dataset has problems (checked when the store's curated graph is
            rebuilt).
        GenaiKgError: the store cannot be opened.
    """
    folder = store_dir(data, store)
    key = fingerprint(data)
    cached = _cached(folder / CACHE, key, _live_name(folder))
    if cached is not None:
        return cached
    import pyoxigraph as ox

    ensure_curated(data, folder)
    database = (folder / LIVE).resolve()
    try:
        opened = ox.Store.read_only(str(database))
    except OSError as exc:
        raise GenaiKgError(f"cannot open the store {folder}: {exc}") from None
    matcher = matcher_from_store(opened)
    del opened
    body = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
    atomic_write(folder / CACHE, _header(key, database.name) + body)
    return matcher


def graph_matcher(triples: Iterable[Any], folder: Path, key: str) -> Matcher:
    """Return the matcher of curated ``triples`` alone (a remote graph), cached in ``folder``.

    ``key`` says which version of the graph the triples are (``query.source``'s state);
    imported taxonomies are not read from a remote store, so only curated labels count.
    """
    cached = _cached(folder / CACHE, key, "remote")
    if cached is not None:
        return cached
    import pyoxigraph as ox

    store = ox.Store()
    graph = ox.NamedNode(CURATED_GRAPH)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    matcher = matcher_from_store(store)
    body = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
    atomic_write(folder / CACHE, _header(key, "remote") + body)
    return matcher


def _live_name(folder: Path) -> str:
    live = folder / LIVE
    return live.resolve().name if live.exists() else ""


def _header(key: str, database: str) -> bytes:
    return f"genai-kg mentions {FORMAT} {key} {database}\n".encode()


def _cached(path: Path, key: str, database: str) -> Matcher | None:
    """The pickled matcher at ``path`` if it was built from this data and this database."""
    if not database:
        return None
    try:
        with path.open("rb") as stream:
            if stream.readline() != _header(key, database):
                return None
            matcher = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
            TypeError):
        return None  # missing, torn or from another version: rebuilt by the caller
    return matcher if isinstance(matcher, Matcher) else None


def matcher_from_store(store: Any) -> Matcher:
    """Build the matcher of an open pyoxigraph store (curated graph, ESCO if imported)."""
    builder = MatcherBuilder()
    curated = _Graph(store, CURATED_GRAPH)
    names = {s: n for s, n in curated.values(_SKOS + "prefLabel") if s.startswith(_SKILL_BASE)}
    matched: defaultdict[str, set[str]] = defaultdict(set)  # ESCO URI -> curated skill ids
    for relation in ("exactMatch", "closeMatch"):
        for subject, target in curated.values(_SKOS + relation):
            if subject in names:
                matched[target].add(subject.removeprefix(_SKILL_BASE))
    numbers = {}
    for subject in sorted(names):
        skill = subject.removeprefix(_SKILL_BASE)
        numbers[subject] = builder.target(Target("curated", skill, names[subject], (skill,)))
        builder.add(names[subject], numbers[subject], _CURATED)
        builder.add_verb_forms(names[subject], numbers[subject], _VERB_FORM)
    for subject, alias in curated.values(_SKOS + "altLabel"):
        if subject in numbers:
            builder.add(alias, numbers[subject], _CURATED)
            builder.add_verb_forms(alias, numbers[subject], _VERB_FORM)
    sources = ["curated"]
    if "esco" in imported_sources(store):
        sources.append("esco")
        _add_esco(builder, _Graph(store, GRAPH_BASE + "esco"), matched)
    broader = {
        subject.removeprefix(_SKILL_BASE): above.removeprefix(_SKILL_BASE)
        for subject, above in curated.values(_SKOS + "broader")
        if subject in names
    }
    matcher = builder.build()
    matcher.sources = tuple(sources)
    matcher.broader = broader
    return matcher


def _add_esco(builder: MatcherBuilder, esco: _Graph, matched: dict[str, set[str]]) -> None:
    skills = {subject for subject, kind in esco.values(_RDF_TYPE) if kind == _ESCO_SKILL}
    preferred = dict(esco.values(_SKOS + "prefLabel"))
    above: defaultdict[str, list[str]] = defaultdict(list)
    for subject, parent in esco.values(_SKOS + "broader"):
        above[subject].append(parent)
    numbers = {}
    for uri in sorted(skills):
        counts_as, via = _counts_as(uri, above, matched, preferred)
        target = Target("esco", uri, preferred.get(uri, uri), counts_as, via)
        numbers[uri] = builder.target(target)
        builder.add(target.label, numbers[uri], _PREFERRED)
    for subject, label in esco.values(_SKOS + "altLabel"):
        if subject in numbers and not _common_word(label):
            one_name = label.isalpha()  # "Source", "Scala": a name, not the word "source"
            builder.add(label, numbers[subject], _ALTERNATIVE, cased=one_name)


def _common_word(label: str) -> bool:
    """Whether an alternative label is one lowercase word ("data", "design", "clean"): ESCO
    gives such words as synonyms, but in a CV they name no skill by themselves.

    >>> _common_word("data"), _common_word("JavaScript"), _common_word("data mining")
    (True, False, False)
    """
    return label.isalpha() and label.islower()


def _counts_as(
    uri: str, above: dict[str, list[str]], matched: dict[str, set[str]], labels: dict[str, str]
) -> tuple[tuple[str, ...], str]:
    """The curated skills an ESCO skill counts as, and how (its own match, or a broader one)."""
    level, seen = [uri], {uri}
    for depth in range(_MAX_BROADER + 1):
        found = sorted({skill for concept in level for skill in matched.get(concept, ())})
        if found:
            if depth == 0:
                return tuple(found), "match"
            concepts = sorted(c for c in level if c in matched)
            names = ", ".join(f"{labels.get(c, c)!r} <{c}>" for c in concepts)
            return tuple(found), f"broader {names}"
        level = sorted({p for c in level for p in above.get(c, ()) if p not in seen})
        seen.update(level)
        if not level:
            break
    return (), ""


class _Graph:
    """The (subject, object) pairs of one predicate in one named graph, as strings."""

    def __init__(self, store: Any, graph: str) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self._store = store
        self._graph = ox.NamedNode(graph)

    def values(self, predicate: str) -> Iterator[tuple[str, str]]:
        quads = self._store.quads_for_pattern(
            None, self._ox.NamedNode(predicate), None, self._graph
        )
        for quad in quads:
            yield quad.subject.value, quad.object.value
