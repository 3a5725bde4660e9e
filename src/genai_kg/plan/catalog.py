"""A compact index of the graph for the planner: roles, skills, providers and courses as JSON.

The planner's commands read this index instead of the YAML or RDF: loading it costs a
millisecond and imports neither pydantic nor rdflib, which keeps ``genai-kg path`` within
its cold-start budget. ``store.open_catalog`` builds it once per dataset and caches it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from genai_kg.dataset.fingerprint import fingerprint
from genai_kg.paths import atomic_write
from genai_kg.plan.problem import CourseOption
from genai_kg.store.database import store_dir

FORMAT_VERSION = 4
LEVELS = ("beginner", "intermediate", "advanced")


@dataclass(frozen=True)
class RoleEntry:
    id: str
    name: str
    aliases: list[str]
    essential: list[str]
    optional: list[str]
    next: list[str]
    #: Per source: the midpoint of its USD range (lowest min, highest max), where it has both.
    salary_mids: dict[str, float] = field(default_factory=dict)
    salary_text: str = ""


@dataclass(frozen=True)
class CourseEntry:
    id: str
    title: str
    platform: str
    level: str
    teaches: list[str]
    requires: list[str]
    hours: float | None = None
    cost: float | None = None
    currency: str | None = None
    url: str | None = None
    creators: list[str] = field(default_factory=list)
    #: ``course`` (paid once) or ``month`` (a subscription, paid per started month of study).
    per: str = "course"

    def option(self) -> CourseOption:
        """Return the planner's view of this course (costs only in USD count as known)."""
        cost = self.cost if self.currency in (None, "USD") else None
        return CourseOption(
            id=self.id,
            teaches=frozenset(self.teaches),
            requires=frozenset(self.requires),
            hours=self.hours,
            cost=cost,
            per=self.per,
        )


@dataclass
class Catalog:
    """Everything the planner's commands need, by id."""

    fingerprint: str
    roles: dict[str, RoleEntry]
    skills: dict[str, str]
    skill_aliases: dict[str, list[str]]
    providers: dict[str, str]
    courses: dict[str, CourseEntry]
    #: skill id -> the skill it is a kind of (``broader`` in skills.yaml).
    broader: dict[str, str] = field(default_factory=dict)
    #: (data folder, --store folder) it was opened from, for starts from official
    #: occupations (``plan.starts``); not part of the cached JSON.
    origin: tuple[Path, Path | None] | None = field(default=None, compare=False)
    #: The planner's view of each course, made once (``planner_option``).
    _options: dict[str, CourseOption] = field(default_factory=dict, compare=False, repr=False)

    def planner_option(self, course: CourseEntry) -> CourseOption:
        """The planner's view of a course, with every broader skill it teaches counted.

        Made once per course: a server plans many times over one catalog.
        """
        option = self._options.get(course.id)
        if option is None:
            option = course.option()
            option = replace(option, teaches=self.with_broader(option.teaches))
            self._options[course.id] = option
        return option

    def with_broader(self, skills: Iterable[str]) -> frozenset[str]:
        """Return ``skills`` and every skill above them in ``broader``: holding Python counts
        as holding Computer programming (SPEC).

        >>> catalog = Catalog("x", {}, {}, {}, {}, {}, broader={"python": "programming"})
        >>> sorted(catalog.with_broader({"python", "sql"}))
        ['programming', 'python', 'sql']
        """
        held = set(skills)
        for skill in list(held):
            above = self.broader.get(skill)
            while above is not None and above not in held:  # broader has no cycles (checked)
                held.add(above)
                above = self.broader.get(above)
        return frozenset(held)

    def names(self, kind: str) -> dict[str, list[str]]:
        """Return ``{id: [name, *aliases]}`` for "roles", "skills" or "courses"."""
        if kind == "roles":
            return {rid: [role.name, *role.aliases] for rid, role in self.roles.items()}
        if kind == "skills":
            return {
                sid: [name, *self.skill_aliases.get(sid, [])] for sid, name in self.skills.items()
            }
        return {cid: [course.title] for cid, course in self.courses.items()}

    def to_json(self) -> str:
        payload = {
            "format": FORMAT_VERSION,
            "fingerprint": self.fingerprint,
            "roles": [asdict(role) for role in self.roles.values()],
            "skills": self.skills,
            "skill_aliases": self.skill_aliases,
            "providers": self.providers,
            "courses": [asdict(course) for course in self.courses.values()],
            "broader": self.broader,
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Catalog:
        payload: dict[str, Any] = json.loads(text)
        if payload.get("format") != FORMAT_VERSION:
            raise ValueError("catalog written by another version of genai-kg")
        return cls(
            fingerprint=payload["fingerprint"],
            roles={entry["id"]: RoleEntry(**entry) for entry in payload["roles"]},
            skills=payload["skills"],
            skill_aliases=payload["skill_aliases"],
            providers=payload["providers"],
            courses={entry["id"]: CourseEntry(**entry) for entry in payload["courses"]},
            broader=payload["broader"],
        )


def catalog_from_dataset(dataset: Any, fingerprint: str) -> Catalog:
    """Return the catalog of a checked ``models.Dataset``."""
    from genai_kg.dataset.models import salary_range, salary_ranges

    roles = {}
    for role in dataset.roles.values():
        mids = {
            r.source: r.midpoint
            for r in salary_ranges(role)
            if r.currency == "USD" and r.midpoint is not None
        }
        roles[role.id] = RoleEntry(
            id=role.id,
            name=role.name,
            aliases=list(role.aliases),
            essential=list(role.skills.essential),
            optional=list(role.skills.optional),
            next=list(role.next),
            salary_mids=mids,
            salary_text=salary_range(role),
        )
    courses = {
        course.id: CourseEntry(
            id=course.id,
            title=course.title,
            platform=course.platform,
            level=course.level.value,
            teaches=list(course.teaches),
            requires=list(course.requires),
            hours=course.hours,
            cost=None if course.cost is None else course.cost.amount,
            currency=None if course.cost is None else course.cost.currency,
            url=course.url,
            creators=list(course.creators),
            per="course" if course.cost is None else course.cost.per.value,
        )
        for course in dataset.courses.values()
    }
    return Catalog(
        fingerprint=fingerprint,
        roles=roles,
        skills={skill.id: skill.name for skill in dataset.skills.values()},
        skill_aliases={s.id: list(s.aliases) for s in dataset.skills.values() if s.aliases},
        providers={provider.id: provider.name for provider in dataset.providers.values()},
        courses=courses,
        broader={s.id: s.broader for s in dataset.skills.values() if s.broader},
    )


def open_catalog(data: Path, store: Path | None = None) -> Catalog:
    """Return the planner's catalog of ``data``, rebuilding it if the data changed.

    Raises:
        DataError: the data has problems (checked whenever the catalog is rebuilt).
    """
    key = fingerprint(data)

    def build() -> Any:
        from genai_kg.graph.build import build_dataset

        return build_dataset(data, shacl=False).dataset

    catalog = cached_catalog(store_dir(data, store) / "catalog.json", key, build)
    catalog.origin = (data, store)  # where official starts are looked up (plan.starts)
    return catalog


def cached_catalog(cached: Path, key: str, dataset: Callable[[], Any]) -> Catalog:
    """Return the catalog kept in ``cached`` if it was made for ``key``, else make and keep it.

    ``dataset()`` gives the ``models.Dataset`` to make it from: the YAML's for the embedded
    store, a remote graph read back (``query.source``) for ``--endpoint``.
    """
    try:
        catalog = Catalog.from_json(cached.read_text(encoding="utf-8"))
        if catalog.fingerprint == key:
            return catalog
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, unreadable or written by another version: rebuild below
    catalog = catalog_from_dataset(dataset(), key)
    atomic_write(cached, catalog.to_json().encode("utf-8"))
    return catalog
