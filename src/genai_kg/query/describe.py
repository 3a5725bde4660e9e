"""What ``list`` and ``show`` print: rows of one kind, and one entity with its links."""

from __future__ import annotations

from typing import Any

from genai_kg.dataset.models import Dataset, Role, salary_range
from genai_kg.graph.build import Built
from genai_kg.graph.view import node_name, to_networkx
from genai_kg.render import money, number

_COLUMNS: dict[str, tuple[str, ...]] = {
    "roles": ("id", "name", "track", "essential", "salary"),
    "skills": ("id", "name", "category", "broader"),
    "tools": ("id", "name", "category", "vendor"),
    "providers": ("id", "name", "kind"),
    "courses": ("id", "title", "platform", "level", "hours", "cost"),
    "sources": ("id", "title", "publisher", "url"),
}


def list_rows(dataset: Dataset, table: str) -> tuple[list[str], list[list[Any]]]:
    """Return the headers and rows that ``genai-kg list`` shows for one kind, in id order.

    Id order, not the files' order: a store (and so ``list --endpoint``) keeps no order.
    """
    headers = list(_COLUMNS[table])
    rows = []
    for _, entity in sorted(dataset.table(table).items()):
        row: list[Any] = []
        for column in headers:
            if column == "essential":
                row.append(len(entity.skills.essential))
            elif column == "salary":
                row.append(salary_range(entity))
            elif column == "kind":
                row.append(entity.kind.value)
            elif column == "level":
                row.append(entity.level.value)
            elif column == "cost":
                row.append(None if entity.cost is None else entity.cost.amount)
            else:
                row.append(getattr(entity, column))
        rows.append(row)
    return headers, rows


def describe(built: Built, kind: str, entity_id: str, view: Any = None) -> dict[str, Any]:
    """Return one entity's values and its links out and in, grouped by relation.

    ``view`` is ``to_networkx(built.graph)`` when the caller keeps one (the web explorer
    does, for many calls); without it, it is made here.
    """
    if view is None:
        view = to_networkx(built.graph)
    name = node_name(kind.removesuffix("s"), entity_id)
    attributes = dict(view.nodes[name])
    links: dict[str, list[str]] = {}
    for _, target, label in view.out_edges(name, data="label"):
        links.setdefault(label, []).append(_label(view, target))
    linked_from: dict[str, list[str]] = {}
    for source, _, label in view.in_edges(name, data="label"):
        linked_from.setdefault(label, []).append(_label(view, source))
    entity = built.dataset.table(kind)[entity_id]
    cost = getattr(entity, "cost", None)
    if cost is not None and cost.per.value != "course":  # a subscription: the amount a month
        attributes["per"] = cost.per.value
    description: dict[str, Any] = {
        "kind": attributes.pop("kind"),
        "id": entity_id,
        "label": attributes.pop("label"),
        "values": attributes,
        "links": links,
        "linked_from": linked_from,
    }
    if isinstance(entity, Role):
        # The view's salary_min/max span every band, whatever its source: show lists each
        # band with its source instead, never one range merged from two sources.
        for merged in ("salary_min", "salary_max"):
            attributes.pop(merged, None)
        description["salary"] = [
            band.model_dump(mode="json", exclude_none=True) for band in entity.salary
        ]
    return description


def counterparts(store: Any, role_id: str) -> list[dict[str, Any]]:
    """Return the role's official counterparts and BLS wages (named query role-counterparts).

    Empty until ESCO, O*NET or OEWS is imported; curated salary rows are left out (``show``
    prints those already).
    """
    from genai_kg.query.sparql import bind_params, load_query, run_query
    from genai_kg.store.database import imported_sources

    if not imported_sources(store):
        return []
    query = load_query("role-counterparts")
    result = run_query(store, query.text, bind_params(query, {"role": role_id}))
    rows = []
    for row in result.rows:
        values = {
            name: term.value
            for name, term in zip(result.variables, row, strict=True)
            if term is not None and name != "role"
        }
        if not values.get("source", "").startswith("curated"):
            rows.append(values)
    return rows


def _label(view: Any, node: str) -> str:
    return f"{view.nodes[node]['label']} ({node})"


def price(amount: float | None, currency: str | None, per: str | None = None) -> str:
    """A course's cost as ``show`` prints it, as ``path`` does: the amount with its currency,
    a subscription by the month.

    >>> price(840.0, "USD"), price(0.0, "USD"), price(49.0, "USD", "month"), price(30, "EUR")
    ('$840', '$0', '$49/month', 'EUR 30')
    """
    text = money(amount, currency or "USD")
    return f"{text}/{per}" if per and per != "course" and amount is not None else text


def format_description(description: dict[str, Any]) -> str:
    """Render ``describe``'s result as indented text."""
    lines = [f"{description['label']}  [{description['kind']} {description['id']}]"]
    values = description["values"]
    for key, value in values.items():
        if key in ("currency", "per") and "cost" in values:
            continue  # part of the cost line
        if key == "cost":
            value = price(value, values.get("currency"), values.get("per"))
        lines.append(f"  {key}: {number(value) if isinstance(value, float) else value}")
    for band in description.get("salary", []):
        bounds = (
            f"{money(band.get('min'), band['currency'])}-{money(band.get('max'), band['currency'])}"
            + ("+" if band.get("or_more") else "")
        )
        place = f", {band['region']}" if band.get("region") else ""
        scope = f"{band['level']}{place} {band['year']}"
        lines.append(f"  salary ({scope}): {bounds}  [{band['source']}]")
    for row in description.get("counterparts", []):
        figures = [
            f"{name} {money(float(row[name]))}"
            for name in ("low", "p25", "median", "p75", "high")
            if name in row
        ]
        shown = f": {', '.join(figures)} ({row.get('year', '')})" if figures else ""
        lines.append(f"  {row['source']}: {row.get('label', '')} <{row['counterpart']}>{shown}")
    for heading, groups in (
        ("", description["links"]),
        ("linked from: ", description["linked_from"]),
    ):
        for label, targets in groups.items():
            lines.append(f"  {heading}{label}:")
            lines.extend(f"    - {target}" for target in targets)
    return "\n".join(lines)
