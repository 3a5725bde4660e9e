"""The web explorer's answers: the CLI's library calls on a catalog and dataset kept warm.

Each answer is the object ``--format json`` prints for the same question (``path``, ``gap``,
``next``, ``show``); the pages (``web.pages``) are views of it and ``/api/...`` sends it as
it is. The catalog and the built dataset are reloaded when the data's fingerprint changes,
or, for a remote store (``serve --endpoint``), when the pushed graph's state does (checked at
most every ``REMOTE_CHECK`` seconds, so that a page does not wait for the store each time).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_kg.dataset.fingerprint import fingerprint
from genai_kg.errors import EndpointError, GenaiKgError, NotFoundError
from genai_kg.plan.advise import Request, plan_between, skill_gap
from genai_kg.plan.catalog import LEVELS, Catalog, open_catalog
from genai_kg.plan.problem import Measure

#: The entity pages, by URL segment: ``/role/ID`` shows a row of the table "roles".
KINDS = {
    "role": "roles",
    "skill": "skills",
    "course": "courses",
    "provider": "providers",
    "tool": "tools",
    "source": "sources",
}
MEASURES = tuple(measure.value for measure in Measure)
#: Options of ``path`` the planner may not have yet; passed on only where ``Request`` has them.
LATER_OPTIONS = {"hours_per_week": float, "max_hours": float, "max_cost": float}
TRUE = {"1", "true", "on", "yes"}
#: Answers kept per server: a plan is a shared link, opened again and again; each costs the
#: planner tens of milliseconds (``next`` hundreds), a kept one a copy.
CACHED_ANSWERS = 512
#: Seconds between two checks of a remote graph's state (one aggregate query each).
REMOTE_CHECK = 2.0


class BadRequest(GenaiKgError):
    """A query parameter has a value the command line would refuse too."""


@dataclass
class Explorer:
    """The data the explorer answers from: a dataset folder and its store folder."""

    data_dir: Path
    store: Path | None = None
    #: The graph on a remote store to answer from instead (``query.source.RemoteGraph``).
    remote: Any = None
    _state: str = field(default="", repr=False)
    _checked: float = field(default=float("-inf"), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _catalog: Catalog | None = field(default=None, repr=False)
    _built: Any = field(default=None, repr=False)
    _built_key: str = field(default="", repr=False)
    _view: Any = field(default=None, repr=False)
    #: The live database read-only, and the folder it is (imports switch it).
    _database: tuple[Path, Any] | None = field(default=None, repr=False)
    _kept_matcher: tuple[str, Any] | None = field(default=None, repr=False)
    _answers: OrderedDict[tuple[str, str, str], dict[str, Any]] = field(
        default_factory=OrderedDict, repr=False
    )

    def catalog(self) -> Catalog:
        """Return the planner's catalog, rebuilt when the data changed."""
        key = self._key()
        with self._lock:
            if self._catalog is None or self._catalog.fingerprint != key:
                if self.remote is None:
                    self._catalog = open_catalog(self.data_dir, self.store)
                else:
                    from genai_kg.plan.catalog import cached_catalog

                    remote = self.remote
                    self._catalog = cached_catalog(
                        remote.folder / "catalog.json", key, lambda: remote.dataset(key)
                    )
            return self._catalog

    def built(self) -> Any:
        """Return the checked dataset and its graph (``graph.build.Built``), as ``show`` uses."""
        key = self._key()
        with self._lock:
            if self._built is None or self._built_key != key:
                from genai_kg.graph.build import build_dataset
                from genai_kg.graph.view import to_networkx

                if self.remote is None:
                    self._built = build_dataset(self.data_dir, shacl=False)
                else:
                    self._built = self.remote.built(key)
                self._built_key = key
                self._view = to_networkx(self._built.graph)
            return self._built

    def _key(self) -> str:
        """The data's fingerprint, or the remote graph's state (asked at most every 2 s)."""
        if self.remote is None:
            return fingerprint(self.data_dir)
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= REMOTE_CHECK:
                self._state, self._checked = self.remote.state(), now
            return self._state

    def warm(self) -> None:
        """Load the catalog and the dataset now, so that the first visitor does not wait."""
        self.catalog()
        self.built()

    def plan(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return the ``path --format json`` object for the query parameters of ``/plan``."""
        return self._answer("path", plan_request(params), plan_between)

    def gap(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return the ``gap --format json`` object."""
        return skill_gap(self.catalog(), plan_request(params))

    def next(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return the ``next --format json`` object for ``from`` (and ``by``, ``have``)."""
        start = _required(params, "from")
        request = plan_request({**_plain(params), "from": start, "to": start})
        return self._answer("next", request, _next_roles())

    def _answer(
        self, command: str, request: Request, compute: Callable[[Catalog, Request], dict[str, Any]]
    ) -> dict[str, Any]:
        """``compute(catalog, request)``, kept for the same data and request (errors are not)."""
        catalog = self.catalog()
        key = (catalog.fingerprint, command, repr(request))
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None:
                self._answers.move_to_end(key)
                return copy.deepcopy(kept)
        answer = compute(catalog, request)
        with self._lock:
            self._answers[key] = copy.deepcopy(answer)
            while len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)
        return answer

    def find_skills(self, text: str) -> dict[str, Any]:
        """Return the ``skills --format json`` object for a text (a CV or job ad): the
        matcher of ``--from-text``, kept until the data or the store's imports change."""
        from genai_kg.mentions.find import find_skills

        return find_skills(self._matcher(), text, "the text")

    def _matcher(self) -> Any:
        key = self._key()
        if self.remote is None:
            from genai_kg.store.database import store_dir
            from genai_kg.store.replace import LIVE

            key += str((store_dir(self.data_dir, self.store) / LIVE).resolve())
        with self._lock:
            if self._kept_matcher is not None and self._kept_matcher[0] == key:
                return self._kept_matcher[1]
        from genai_kg.mentions.index import graph_matcher, open_matcher

        if self.remote is None:
            matcher = open_matcher(self.data_dir, self.store)
        else:
            from genai_kg.graph.export import to_oxigraph

            triples = to_oxigraph(self.built().graph)
            matcher = graph_matcher(triples, self.remote.folder, self._key())
        with self._lock:
            self._kept_matcher = (key, matcher)
        return matcher

    def show(self, name: str) -> dict[str, Any]:
        """Return the ``show --format json`` object for an id, name or alias of any kind."""
        from genai_kg.dataset.resolve import dataset_names, resolve

        built = self.built()
        kind, entity_id = resolve(dataset_names(built.dataset, KINDS.values()), name)
        return self.describe(kind, entity_id)

    def describe(self, table: str, entity_id: str) -> dict[str, Any]:
        """Return ``show``'s object for one entity of ``table`` ("roles", ...).

        Raises:
            NotFoundError: no entity of that kind has this id; the message suggests names.
        """
        from genai_kg.dataset.resolve import dataset_names, resolve
        from genai_kg.query.describe import describe

        built = self.built()
        if entity_id not in built.dataset.table(table):
            _, entity_id = resolve(dataset_names(built.dataset, [table]), entity_id)
        description = describe(built, table, entity_id, self._view)
        if table == "roles":
            found = self._counterparts(entity_id)
            if found:  # as `show` adds them: only once something is imported
                description["counterparts"] = found
        return description

    def _counterparts(self, role_id: str) -> list[dict[str, Any]]:
        """The role's official counterparts and BLS wages, from the store's live database."""
        from genai_kg.query.describe import counterparts
        from genai_kg.store.database import store_dir
        from genai_kg.store.replace import LIVE

        link = store_dir(self.data_dir, self.store) / LIVE
        if not link.is_dir():
            return []
        live = link.resolve()
        with self._lock:
            if self._database is None or self._database[0] != live:
                import pyoxigraph as ox

                self._database = (live, ox.Store.read_only(str(live)))
            database = self._database[1]
        return counterparts(database, role_id)

    def graph(self, table: str, entity_id: str) -> dict[str, Any]:
        """Return the graph view's nodes and edges around one entity (``web.graphview``)."""
        from genai_kg.web.graphview import neighbourhood

        description = self.describe(table, entity_id)
        segment = next(seg for seg, name in KINDS.items() if name == table)
        return neighbourhood(self._view, segment, description["id"]) | {
            "label": description["label"]
        }

    def search(self, text: str, limit: int = 50) -> list[dict[str, str]]:
        """Return the entities whose id, name or an alias contains ``text`` (any case)."""
        from genai_kg.dataset.resolve import dataset_names

        key = text.strip().casefold()
        if not key:
            return []
        found = []
        index = dataset_names(self.built().dataset, KINDS.values())
        for segment, table in KINDS.items():
            for entity_id, labels in index[table].items():
                matches = [label for label in (*labels, entity_id) if key in label.casefold()]
                if matches:
                    found.append(
                        {"kind": segment, "id": entity_id, "name": labels[0], "matched": matches[0]}
                    )
        found.sort(key=lambda hit: (hit["matched"].casefold() != key, hit["name"].casefold()))
        return found[:limit]


def _next_roles() -> Callable[[Catalog, Request], dict[str, Any]]:
    """``next_roles``, wherever this version of the planner keeps it (``advise``, then
    ``ranking`` from issue 13 on), so that the explorer runs on either."""
    import importlib

    for module in ("genai_kg.plan.ranking", "genai_kg.plan.advise"):
        try:
            found = getattr(importlib.import_module(module), "next_roles", None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise ImportError("genai_kg.plan has no next_roles")


def plan_request(params: Mapping[str, Any]) -> Request:
    """Return the planner's ``Request`` for ``/plan``'s query parameters (the CLI's options).

    ``have``, ``done`` and ``provider`` repeat or hold names separated by commas.

    >>> plan_request({"from": "Data Analyst", "to": "MLOps Engineer", "by": "hours"}).by.value
    'hours'

    Raises:
        BadRequest: a parameter is missing or has a value the CLI would refuse.
    """
    by = _one(params, "by") or Measure.COURSES.value
    if by not in MEASURES:
        raise BadRequest(f"by must be one of {', '.join(MEASURES)}, not {by!r}")
    max_level = _one(params, "max_level") or None
    if max_level is not None and max_level not in LEVELS:
        raise BadRequest(f"max_level must be one of {', '.join(LEVELS)}, not {max_level!r}")
    options: dict[str, Any] = {
        "start": _required(params, "from"),
        "goal": _required(params, "to"),
        "by": Measure(by),
        "have": _names(params, "have"),
        "done": _names(params, "done"),
        "with_optional": (_one(params, "with_optional") or "").lower() in TRUE,
        "providers": _names(params, "provider"),
        "max_level": max_level,
        "free": (_one(params, "free") or "").lower() in TRUE,
        "alternatives": _number(params, "alternatives", int, 0, 20) or 0,
    }
    for name, kind in LATER_OPTIONS.items():
        value = _number(params, name, kind, 0, None)
        if value is not None and name in Request.__dataclass_fields__:
            options[name] = value
    return Request(**options)


def supported_options() -> list[str]:
    """Return the options of ``LATER_OPTIONS`` that this version's planner takes."""
    return [name for name in LATER_OPTIONS if name in Request.__dataclass_fields__]


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _all(params, key) for key in params}


def _all(params: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist(key) if getlist is not None else params.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [str(value) for value in values]


def _one(params: Mapping[str, Any], key: str) -> str:
    values = _all(params, key)
    return values[-1].strip() if values else ""


def _required(params: Mapping[str, Any], key: str) -> str:
    value = _one(params, key)
    if not value:
        raise BadRequest(f"the parameter {key!r} is missing (a role: id, name or alias)")
    return value


def _names(params: Mapping[str, Any], key: str) -> Sequence[str]:
    parts = (part.strip() for value in _all(params, key) for part in value.split(","))
    return tuple(part for part in parts if part)


def _number(params: Mapping[str, Any], key: str, kind: type, low: float, high: float | None) -> Any:
    text = _one(params, key)
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        raise BadRequest(f"{key} must be a number, not {text!r}") from None
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadRequest(f"{key} must be {limit}, not {text!r}")
    return value


def status_of(error: GenaiKgError) -> int:
    """Return the HTTP status for an error: 404 for a name that is not found, 502 for a remote
    store that failed (``serve --endpoint``), else 400."""
    if isinstance(error, EndpointError):
        return 502
    return 404 if isinstance(error, NotFoundError) else 400
