"""``next``: every other role ranked by its optimal plan from a start, with the salary change.

Built on ``advise.plan_between``; the salary change compares like with like (one source).
"""

from __future__ import annotations

from typing import Any

from genai_kg.errors import NoPlanError
from genai_kg.plan.advise import Request, plan_between, resolve_role, with_changes
from genai_kg.plan.catalog import Catalog


def next_roles(catalog: Catalog, request: Request) -> dict[str, Any]:
    """Rank every other role by the optimal plan from ``request.start`` (``next`` command)."""
    start = resolve_role(catalog, request.start)
    ranked, unreachable = [], []
    for role_id in sorted(catalog.roles):
        if role_id == start:
            continue
        try:
            answer = plan_between(catalog, _with_goal(request, role_id))
        except NoPlanError as exc:
            unreachable.append(
                {"role": role_id, "missing": list(exc.unreachable), "reason": str(exc)}
            )
            continue
        totals = answer["totals"]
        value = {"courses": totals["courses"], "hours": totals["hours_known"]}.get(
            request.by.value, totals["cost_known"]
        )
        ranked.append(
            {
                "role": role_id,
                "name": catalog.roles[role_id].name,
                "common_next": role_id in catalog.roles[start].next,
                "value": value,
                "optimal": answer["optimal"],
                "gap": len(answer["gap"]),
                "untaught": answer["untaught"],
                "courses": [course["id"] for course in answer["courses"]],
                "totals": totals,
                "salary_from": catalog.roles[start].salary_text or None,
                "salary_to": catalog.roles[role_id].salary_text or None,
                **_salary_change(catalog, start, role_id),
            }
        )
    # A plan that leaves goal skills untaught ranks after every plan that reaches the goal.
    ranked.sort(
        key=lambda row: (bool(row["untaught"]), row["value"], not row["common_next"], row["role"])
    )
    return {
        "from": start,
        "by": request.by.value,
        "hours_per_week": request.hours_per_week,
        "roles": ranked,
        "unreachable": unreachable,
    }


def _with_goal(request: Request, goal: str) -> Request:
    return with_changes(request, goal=goal, alternatives=0)


def _salary_change(catalog: Catalog, start: str, goal: str) -> dict[str, Any]:
    """The change of salary-range midpoint from ``start`` to ``goal``, like with like.

    Only two ranges from the same source are compared (the first source of the goal's that
    the start has too): a 2026 claim from one article against a 2025 BLS percentile is no
    change at all. ``salary_basis`` names the source; without a change,
    ``salary_note`` says why.
    """
    before, after = catalog.roles[start].salary_mids, catalog.roles[goal].salary_mids
    shared = [source for source in after if source in before]
    if shared:
        source = shared[0]
        change = after[source] - before[source]
        return {"salary_change": change, "salary_basis": source, "salary_note": None}
    missing = [role for role, mids in ((start, before), (goal, after)) if not mids]
    if missing:
        why = f"no salary range (USD, both ends) for {', '.join(missing)}"
    else:
        why = "no source gives both roles a salary range"
    return {"salary_change": None, "salary_basis": None, "salary_note": why}
