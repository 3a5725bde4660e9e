"""Resolve what a user types (an id, a name or an alias, any case) to one entity.

Works on a names index ``{kind: {id: [name, *aliases]}}``, which both the full Dataset
(``dataset_names``) and the planner's compact Catalog (``Catalog.names``) provide.

>>> index = {"roles": {"mlops-engineer": ["MLOps Engineer", "ML Ops"]}}
>>> resolve(index, "mlops engineer")
('roles', 'mlops-engineer')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from genai_kg.errors import NotFoundError

NamesIndex = Mapping[str, Mapping[str, list[str]]]


def dataset_names(dataset: object, kinds: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """Return the names index of a ``models.Dataset`` for ``kinds`` ("roles", "skills", ...)."""
    index: dict[str, dict[str, list[str]]] = {}
    for kind in kinds:
        table = getattr(dataset, kind)
        index[kind] = {
            entity_id: [
                getattr(entity, "name", None) or getattr(entity, "title", None) or entity_id,
                *getattr(entity, "aliases", []),
            ]
            for entity_id, entity in table.items()
        }
    return index


def resolve(index: NamesIndex, name: str) -> tuple[str, str]:
    """Return ``(kind, id)`` of the entity called ``name``.

    Ids win over names and aliases; earlier kinds win over later ones. A kind prefix as
    ``show`` prints it (``skill:python``, ``role:MLOps Engineer``) looks in that kind only.

    >>> index = {"roles": {"python-dev": ["Python"]}, "skills": {"py": ["Python"]}}
    >>> resolve(index, "Python"), resolve(index, "skill:Python")
    (('roles', 'python-dev'), ('skills', 'py'))

    Raises:
        NotFoundError: nothing is called ``name``; the message suggests the closest names.
    """
    prefix, colon, rest = name.partition(":")
    kind = f"{prefix.strip().casefold()}s"
    if colon and kind in index and rest.strip():
        return resolve({kind: index[kind]}, rest)
    key = name.strip().casefold()
    for kind, entities in index.items():
        if key in entities:
            return kind, key
    every: dict[str, tuple[str, str]] = {}
    for kind, entities in index.items():
        for entity_id, labels in entities.items():
            for label in (entity_id, *labels):
                every.setdefault(label.casefold(), (kind, entity_id))
    if key in every:
        return every[key]
    nouns = " or ".join(kind.removesuffix("s") for kind in index)
    close = difflib.get_close_matches(key, list(every), n=8, cutoff=0.6)
    suggestions = list(dict.fromkeys(every[label] for label in close))[:3]
    hint = ""
    if suggestions:
        shown = ", ".join(f"{index[k][i][0]!r} ({i})" for k, i in suggestions)
        hint = f" (did you mean {shown}?)"
    raise NotFoundError(f"no {nouns} is called {name!r}{hint}")
