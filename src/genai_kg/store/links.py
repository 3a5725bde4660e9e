"""Check the curated layer's links into the official taxonomies against the imported releases.

A curated role or skill names its counterparts with ``match`` (an ESCO URI, an O*NET-SOC
code or content-model element). Once ESCO or O*NET is imported into the store, every such
link must point at a concept the release really has; before that, nothing can be checked.
"""

from __future__ import annotations

from typing import Any

from genai_kg.dataset.models import Dataset
from genai_kg.graph.namespaces import GRAPH_BASE
from genai_kg.graph.rdf import match_iri
from genai_kg.store.database import imported_sources

#: The taxonomies a curated ``match`` can point into.
SCHEMES = ("esco", "onet")


def check_matches(dataset: Dataset, store: Any) -> tuple[list[str], dict[str, int]]:
    """Return problems (``FILE:LINE: match.SCHEME: ...``) and how many links were checked.

    Only the schemes whose release is imported are checked.
    """
    import pyoxigraph as ox

    present = imported_sources(store) & set(SCHEMES)
    problems: list[str] = []
    checked = dict.fromkeys(sorted(present), 0)
    for kind in ("roles", "skills"):
        for entity_id, entity in dataset.table(kind).items():
            if entity.match is None:
                continue
            record = dataset.records[(kind, entity_id)]
            for scheme in present:
                target = getattr(entity.match, scheme)
                if target is None:
                    continue
                checked[scheme] += 1
                iri = match_iri(scheme, target.id)
                graph = ox.NamedNode(GRAPH_BASE + scheme)
                if not any(store.quads_for_pattern(ox.NamedNode(str(iri)), None, None, graph)):
                    where = record.where(("match", scheme))
                    noun = kind.removesuffix("s")
                    problems.append(
                        f"{where}: match.{scheme}: {noun} {entity_id!r} links to {target.id!r}, "
                        f"which the imported {scheme.upper()} release does not have"
                    )
    return problems, checked
