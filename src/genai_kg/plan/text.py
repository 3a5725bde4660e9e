"""Text and Mermaid renderings of ``path``, ``gap`` and ``next`` answers (``advise`` dicts)."""

from __future__ import annotations

from typing import Any

from genai_kg.plan.catalog import Catalog
from genai_kg.render import format_table, money


def _skill_names(catalog: Catalog, ids: list[str]) -> str:
    return ", ".join(catalog.skills.get(skill, skill) for skill in ids)


def _total(value: float | None, known: float, unknown: int, unit: str) -> str:
    if unknown == 0 and value is not None:
        return money(value) if unit == "$" else f"{value:g} h"
    shown = money(known) if unit == "$" else f"{known:g} h"
    return f"at least {shown} ({unknown} unknown)"


def plan_table(catalog: Catalog, answer: dict[str, Any]) -> str:
    """Render a ``path`` answer as a numbered table with totals and the optimality line."""
    start, goal = catalog.roles[answer["from"]].name, catalog.roles[answer["to"]].name
    lines = [f"{start} -> {goal}: {len(answer['gap'])} skills to add, by {answer['by']}", ""]
    lines.extend(_plan_lines(catalog, answer))
    if answer["left_out"]:
        lines.append(f"{answer['left_out']} course(s) left out: their {answer['by']} is unknown.")
    for number, other in enumerate(answer.get("alternatives", []), start=2):
        lines += ["", f"Alternative {number}:"]
        lines.extend(_plan_lines(catalog, other | {"by": answer["by"]}, proof=False))
    return "\n".join(lines)


def _plan_lines(catalog: Catalog, plan: dict[str, Any], *, proof: bool = True) -> list[str]:
    if not plan["courses"]:
        return ["The learner already has every goal skill: no course needed."]
    rows = [
        [
            order,
            course["title"],
            catalog.providers.get(course["platform"], course["platform"]),
            course["hours"],
            money(course["cost"], course["currency"] or "USD"),
            _fills(catalog, course),
        ]
        for order, course in enumerate(plan["courses"], start=1)
    ]
    totals = plan["totals"]
    lines = [format_table(["#", "course", "platform", "hours", "cost", "fills"], rows), ""]
    lines.append(
        f"total: {totals['courses']} courses, "
        f"{_total(totals['hours'], totals['hours_known'], totals['unknown_hours'], 'h')}, "
        f"{_total(totals['cost'], totals['cost_known'], totals['unknown_cost'], '$')}"
    )
    if proof and "optimal" in plan:
        if plan["optimal"]:
            lines.append(f"optimal: no plan with fewer {_unit(plan['by'])} exists.")
        else:
            lines.append(
                f"not proven optimal (time limit): no plan can have fewer than "
                f"{plan['bound']:g} {_unit(plan['by'])}."
            )
    return lines


def _fills(catalog: Catalog, course: dict[str, Any]) -> str:
    text = _skill_names(catalog, course["fills"])
    if course.get("unlocks"):
        prerequisite = f"(prerequisite: {_skill_names(catalog, course['unlocks'])})"
        text = f"{text} {prerequisite}" if text else prerequisite
    return text


def _unit(by: str) -> str:
    return {"courses": "courses", "hours": "hours", "cost": "dollars"}[by]


def plan_mermaid(catalog: Catalog, answer: dict[str, Any]) -> str:
    """Render a ``path`` answer as a Mermaid flowchart a README or issue can paste."""
    lines = ["flowchart LR"]
    start, goal = answer["from"], answer["to"]
    lines.append(f'    start(["{_mermaid(catalog.roles[start].name)}"])')
    previous = "start"
    for order, course in enumerate(answer["courses"], start=1):
        node = f"c{order}"
        details = [f"{course['hours']:g} h" if course["hours"] is not None else "? h"]
        details.append(money(course["cost"], course["currency"] or "USD"))
        label = f"{order}. {_mermaid(course['title'])}<br/>{' · '.join(details)}"
        lines.append(f'    {node}["{label}"]')
        fills = _mermaid(_skill_names(catalog, course["fills"])) or "prerequisite"
        lines.append(f'    {previous} -->|"{fills}"| {node}')
        previous = node
    lines.append(f'    goal(["{_mermaid(catalog.roles[goal].name)}"])')
    lines.append(f"    {previous} --> goal")
    return "\n".join(lines)


def _mermaid(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


def gap_text(catalog: Catalog, answer: dict[str, Any], *, mermaid: bool = False) -> str:
    """Render a ``gap`` answer as text, or as a Mermaid mind map of held and missing skills."""
    start, goal = catalog.roles[answer["from"]].name, catalog.roles[answer["to"]].name
    teachable = set(answer["teachable"])
    if mermaid:
        lines = ["flowchart LR", f'    goal(["{_mermaid(goal)}"])']
        for index, skill in enumerate(answer["have"] + answer["missing"]):
            style = "have" if skill in answer["have"] else "missing"
            lines.append(f'    s{index}["{_mermaid(catalog.skills.get(skill, skill))}"]:::{style}')
            lines.append(f"    s{index} --> goal")
        lines += ["    classDef have fill:#d4edda", "    classDef missing fill:#f8d7da"]
        return "\n".join(lines)
    rows = [[catalog.skills.get(s, s), s, "have", ""] for s in answer["have"]]
    rows += [
        [catalog.skills.get(s, s), s, "missing", "yes" if s in teachable else "no course"]
        for s in answer["missing"]
    ]
    header = f"{start} -> {goal}: {len(answer['have'])} held, {len(answer['missing'])} missing"
    return header + "\n\n" + format_table(["skill", "id", "status", "taught"], rows)


def next_table(answer: dict[str, Any]) -> str:
    """Render a ``next`` answer: one row per reachable role, best first."""
    rows = [
        [
            rank,
            row["name"] + (" *" if row["common_next"] else ""),
            row["totals"]["courses"],
            row["totals"]["hours_known"] if row["totals"]["unknown_hours"] == 0 else None,
            money(row["totals"]["cost"]) if row["totals"]["cost"] is not None else "?",
            row["salary_to"] or "",
            _change(row["salary_change"]),
            row["salary_basis"] or row["salary_note"],
        ]
        for rank, row in enumerate(answer["roles"], start=1)
    ]
    headers = ["#", "role", "courses", "hours", "cost", "salary", "change", "change from"]
    lines = [f"Roles reachable from {answer['from']}, by {answer['by']}:", ""]
    lines.append(format_table(headers, rows))
    lines.append("")
    lines.append(
        "* a common next role; change: difference of salary-range midpoints (USD), both taken "
        "from the one source named in 'change from'."
    )
    if answer["unreachable"]:
        names = ", ".join(entry["role"] for entry in answer["unreachable"])
        lines.append(f"No plan reaches: {names}.")
    return "\n".join(lines)


def _change(value: float | None) -> str:
    if value is None:
        return ""
    sign = "+" if value >= 0 else "-"
    return f"{sign}{money(abs(value))}"
