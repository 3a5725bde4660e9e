"""Where a learner starts (SPEC, FROM): a curated role, an official occupation, or nobody.

A curated role's start skills are its essential skills. An ESCO or O*NET occupation's are the
curated skills its official skills map to (``store.occupations``: ``match`` links, and
ESCO's ``broader`` between skills); the store is opened only when the name is no curated
role, so ``path "Data Analyst" ...`` never touches it. ``-`` starts from no skill at all.

Curated role names win over official ones: "data analyst" is the curated role, and ESCO's
occupation is reached by its code (2511.3) or URI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genai_kg.dataset.resolve import resolve
from genai_kg.errors import NotFoundError
from genai_kg.plan.catalog import Catalog

#: What ``-`` (FROM as nobody in particular) is called in messages and tables.
NOBODY = "no role (-)"
_LISTED = 12


@dataclass(frozen=True)
class Start:
    """A resolved FROM: ``kind`` is "role", "esco", "onet" or "none"."""

    kind: str
    #: The role id, the occupation's IRI, or None for ``-``.
    id: str | None
    name: str
    #: The curated skills it gives (ids), before ``broader`` lifts them.
    skills: tuple[str, ...] = ()
    #: For an occupation: what ``path --format json`` prints under ``start.occupation``.
    occupation: dict[str, Any] | None = None
    #: For an occupation: its O*NET IRI if it has BLS wages to compare (O*NET only).
    onet_iri: str | None = None

    @property
    def role(self) -> str | None:
        """The curated role id, if this start is one."""
        return self.id if self.kind == "role" else None


def start_of(catalog: Catalog, name: str, cache: dict[str, Any] | None = None) -> Start:
    """Return the start that ``name`` means (cached in ``cache`` under the name).

    Raises:
        NotFoundError: no role or imported occupation is called ``name`` (the closest are
            suggested), or several occupations are (each listed with its code).
    """
    key = f"start:{name}"
    if cache is not None and key in cache:
        cached: Start = cache[key]
        return cached
    start = _resolve(catalog, name)
    if cache is not None:
        cache[key] = start
    return start


def _resolve(catalog: Catalog, name: str) -> Start:
    if name.strip() == "-":
        return Start("none", None, NOBODY)
    try:
        role = resolve({"roles": catalog.names("roles")}, name)[1]
    except NotFoundError as miss:
        store = open_store(catalog)
        if store is None:
            raise NotFoundError(
                f"{miss}\nYou can start from an ESCO or O*NET occupation once you import one "
                "(genai-kg import esco PATH, genai-kg import onet PATH), or from nothing: -"
            ) from None
        return _official(catalog, store, name, miss)
    entry = catalog.roles[role]
    return Start("role", role, entry.name, tuple(entry.essential))


def open_store(catalog: Catalog) -> Any:
    """The store of the catalog's data, if it has imported ESCO or O*NET; else None."""
    if catalog.origin is None:
        return None
    from genai_kg.store import database
    from genai_kg.store.replace import LIVE

    data, folder = catalog.origin
    if not (database.store_dir(data, folder) / LIVE).is_dir():
        return None  # no store yet, so nothing imported: do not build one for an error
    store = database.open_store(data, folder)
    return store if database.imported_sources(store) & {"esco", "onet"} else None


def _near(occupation: Any) -> str:
    """``'Registered Nurses' (O*NET 29-1141.00)``, or for an alternative label that came
    close ``'Registered Nurse Midwife' (O*NET 29-1161.00 Nurse Midwives)``."""
    if occupation.matched_by.casefold() == occupation.title.casefold():
        return f"{occupation.title!r} ({occupation.reference})"
    return f"{occupation.matched_by!r} ({occupation.describe()})"


def _official(catalog: Catalog, store: Any, name: str, miss: NotFoundError) -> Start:
    from genai_kg.store.occupations import find_occupations, labels_of, official_skills

    found = find_occupations(store, name)
    if not found.matches:
        hint = ""
        if found.suggestions:
            shown = ", ".join(_near(o) for o in found.suggestions)
            hint = f"\nClosest official occupations: {shown}."
        raise NotFoundError(f"{miss} and no imported ESCO or O*NET occupation either{hint}")
    if len(found.matches) > 1:
        listed = [f"  {o.describe()}" for o in found.matches[:_LISTED]]
        if len(found.matches) > _LISTED:
            listed.append(f"  ... and {len(found.matches) - _LISTED} more")
        raise NotFoundError(
            f"{name!r} names {len(found.matches)} official occupations "
            f"({found.matches[0].matched_by} labels); name one by its code:\n" + "\n".join(listed)
        )
    occupation = found.matches[0]
    skills = official_skills(store, occupation)
    vias = labels_of(store, sorted({via for s in skills for _, via in s.gives if via != s.iri}))
    mapped: list[dict[str, Any]] = [
        {
            "official": skill.iri,
            "label": skill.label,
            "kind": skill.kind,
            "skill": curated,
            "via": None if via == skill.iri else via,
            "via_label": vias.get(via) if via != skill.iri else None,
        }
        for skill in skills
        for curated, via in skill.gives
        if curated in catalog.skills
    ]
    gives = tuple(sorted({row["skill"] for row in mapped}))
    matched = {row["official"] for row in mapped}
    explained = {
        "scheme": occupation.scheme,
        "iri": occupation.iri,
        "code": occupation.code,
        "title": occupation.title,
        "matched_by": occupation.matched_by,
        "skills": list(gives),
        "mapped": mapped,
        "official_skills": len(skills),
        "unmatched": len(skills) - len(matched),
    }
    return Start(
        occupation.scheme,
        occupation.iri,
        occupation.title,
        gives,
        explained,
        occupation.iri if occupation.scheme == "onet" else None,
    )
