"""The graph view's data: one entity's neighbourhood in the entity view, capped for a browser.

The neighbours one link away come first, then those two links away (the courses that teach
a role's skills, say); sources are left out unless the entity is one, since almost every
node cites one. At most ``CAP`` nodes: Cytoscape.js lays out and draws that many smoothly
in a phone's browser, and a person can still read them.
"""

from __future__ import annotations

from typing import Any

CAP = 120
#: The order neighbours two links away fill the cap in.
ORDER = ("role", "skill", "course", "tool", "provider", "source")


def neighbourhood(view: Any, kind: str, entity_id: str, cap: int = CAP) -> dict[str, Any]:
    """Return the nodes and edges around ``kind:entity_id`` as the graph view draws them.

    Raises:
        KeyError: the view has no such node.
    """
    centre = f"{kind}:{entity_id}"
    if centre not in view:
        raise KeyError(centre)
    keep_sources = kind == "source"

    def around(node: str) -> set[str]:
        found = set(view.successors(node)) | set(view.predecessors(node))
        return {n for n in found if keep_sources or not n.startswith("source:")}

    first = around(centre) - {centre}
    second: set[str] = set()
    for node in first:
        second |= around(node)
    second -= first | {centre}

    def rank(node: str) -> tuple[int, str]:
        prefix = node.split(":", 1)[0]
        return (ORDER.index(prefix) if prefix in ORDER else len(ORDER), node)

    chosen = [centre, *sorted(first, key=rank), *sorted(second, key=rank)]
    total = len(chosen)
    chosen = chosen[:cap]
    included = set(chosen)
    nodes = []
    for node in chosen:
        node_kind, node_id = node.split(":", 1)
        nodes.append(
            {
                "id": node,
                "label": str(view.nodes[node].get("label", node_id)),
                "kind": node_kind,
                "href": f"/{node_kind}/{node_id}" if node_kind in ORDER else None,
                "centre": node == centre,
                "hop": 0 if node == centre else 1 if node in first else 2,
            }
        )
    edges = [
        {"source": source, "target": target, "label": label}
        for source, target, label in view.edges(chosen, data="label")
        if target in included
    ]
    return {"centre": centre, "nodes": nodes, "edges": edges, "cap": cap, "total": total}
