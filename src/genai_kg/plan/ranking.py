"""``next``: every other role ranked by its optimal plan from a start, with the salary change.

Built on ``advise.plan_between``; the start is any FROM (``plan.starts``). Each role says
how much of it the learner holds already (``transferable``: the share of its essential
skills held, as LinkedIn's Career Explorer shows them). The salary change compares like
with like: two curated ranges from one source, or, from an O*NET occupation, the BLS OEWS
median of its SOC code against that of the role's O*NET counterpart.
"""

from __future__ import annotations

from typing import Any

from genai_kg.errors import NoPlanError
from genai_kg.plan.advise import Request, plan_between, request_start, with_changes
from genai_kg.plan.catalog import Catalog
from genai_kg.plan.starts import Start


def next_roles(catalog: Catalog, request: Request) -> dict[str, Any]:
    """Rank every other role by the optimal plan from ``request.start`` (``next`` command)."""
    start = request_start(catalog, request)
    wages = _bls_medians(catalog, start)
    ranked, unreachable = [], []
    for role_id in sorted(catalog.roles):
        if role_id == start.role:
            continue
        try:
            answer = plan_between(catalog, _with_goal(request, role_id))
        except NoPlanError as exc:
            unreachable.append(
                {"role": role_id, "missing": list(exc.unreachable), "reason": str(exc)}
            )
            continue
        totals = answer["totals"]
        essential = set(catalog.roles[role_id].essential)
        held = sorted(essential - set(answer["gap"]))
        value = {"courses": totals["courses"], "hours": totals["hours_known"]}.get(
            request.by.value, totals["cost_known"]
        )
        ranked.append(
            {
                "role": role_id,
                "name": catalog.roles[role_id].name,
                "common_next": start.role is not None and role_id in catalog.roles[start.role].next,
                "value": value,
                "optimal": answer["optimal"],
                "gap": len(answer["gap"]),
                "held": held,
                "essential": len(essential),
                "transferable": round(len(held) / len(essential), 3) if essential else None,
                "untaught": answer["untaught"],
                "courses": [course["id"] for course in answer["courses"]],
                "totals": totals,
                "salary_from": _salary_text(catalog, start, wages),
                "salary_to": catalog.roles[role_id].salary_text or None,
                **_salary_change(catalog, start, role_id, wages),
            }
        )
    # A plan that leaves goal skills untaught ranks after every plan that reaches the goal.
    ranked.sort(
        key=lambda row: (bool(row["untaught"]), row["value"], not row["common_next"], row["role"])
    )
    return {
        "from": start.id,
        "from_name": start.name,
        "start": answer_start(start),
        "by": request.by.value,
        "hours_per_week": request.hours_per_week,
        "roles": ranked,
        "unreachable": unreachable,
    }


def _with_goal(request: Request, goal: str) -> Request:
    return with_changes(request, goal=goal, alternatives=0)


def answer_start(start: Start) -> dict[str, Any]:
    """The start as ``next --format json`` gives it: its kind and, for an occupation, the
    curated skills its official skills gave."""
    return {"kind": start.kind, "skills": sorted(start.skills), "occupation": start.occupation}


def _bls_medians(catalog: Catalog, start: Start) -> dict[str, tuple[float, str, int]]:
    """BLS OEWS medians, keyed by role id and by the start's O*NET IRI, for an O*NET start.

    Empty for any other start (their salaries are compared as before) and until OEWS is
    imported.
    """
    if start.onet_iri is None:
        return {}
    from genai_kg.plan.starts import open_store
    from genai_kg.store.occupations import median_wages, role_counterparts

    store = open_store(catalog)
    if store is None:
        return {}
    roles = role_counterparts(store, "onet")
    medians = median_wages(store, sorted({start.onet_iri, *roles.values()}))
    keyed = {role: medians[iri] for role, iri in roles.items() if iri in medians}
    if start.onet_iri in medians:
        keyed[start.onet_iri] = medians[start.onet_iri]
    return keyed


def _salary_text(catalog: Catalog, start: Start, wages: dict[str, Any]) -> str | None:
    if start.role is not None:
        return catalog.roles[start.role].salary_text or None
    if start.id in wages:
        median, label, year = wages[start.id]
        return f"${median:,.0f} (BLS OEWS {year} median, {label})"
    return None


def _salary_change(
    catalog: Catalog, start: Start, goal: str, wages: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The salary change from ``start`` to ``goal``, like with like, or why there is none."""
    if start.role is None:
        return _official_change(start, goal, wages or {})
    return _curated_change(catalog, start.role, goal)


def _official_change(start: Start, goal: str, wages: dict[str, Any]) -> dict[str, Any]:
    """From an occupation: BLS OEWS medians of both SOC codes (O*NET starts only)."""
    if start.kind == "none":
        why = "no start role, so no salary to compare"
    elif start.kind == "esco":
        why = "ESCO occupations carry no wages (BLS OEWS is by US SOC code; start from O*NET)"
    elif start.id not in wages:
        why = f"no BLS OEWS median for {start.name!r} (import oews)"
    elif goal not in wages:
        why = f"no BLS OEWS median for {goal!r} (no O*NET counterpart with one)"
    else:
        before, after = wages[start.id], wages[goal]
        return {
            "salary_change": after[0] - before[0],
            "salary_basis": f"BLS OEWS {after[2]} median: {before[1]} -> {after[1]}",
            "salary_note": None,
        }
    return {"salary_change": None, "salary_basis": None, "salary_note": why}


def _curated_change(catalog: Catalog, start: str, goal: str) -> dict[str, Any]:
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
