"""Career questions on the catalog: the skill gap between roles, the best course plan, next roles.

This is the layer between the CLI and the pure planner: it resolves names, applies the
filters, calls ``plan_path`` and returns plain dicts in the shape ``--format json`` prints
(the SPEC's contract keys, plus a few more).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from genai_kg.dataset.resolve import resolve
from genai_kg.errors import NoPlanError, NotFoundError
from genai_kg.plan.catalog import LEVELS, Catalog, CourseEntry
from genai_kg.plan.planner import plan_path
from genai_kg.plan.problem import Measure, Plan


@dataclass(frozen=True)
class Request:
    """What the learner asks for: the two roles and the options of ``path``."""

    start: str
    goal: str
    by: Measure = Measure.COURSES
    have: Sequence[str] = ()
    with_optional: bool = False
    providers: Sequence[str] = ()
    max_level: str | None = None
    free: bool = False
    alternatives: int = 0
    time_limit: float | None = 10.0
    resolved: dict[str, Any] = field(default_factory=dict)


def resolve_role(catalog: Catalog, name: str) -> str:
    """Return the id of the role called ``name`` (id, name or alias, any case)."""
    return resolve({"roles": catalog.names("roles")}, name)[1]


def resolve_skill(catalog: Catalog, name: str) -> str:
    """Return the id of the skill called ``name``."""
    return resolve({"skills": catalog.names("skills")}, name)[1]


def resolve_provider(catalog: Catalog, name: str) -> str:
    """Return the id of the provider called ``name``."""
    names = {pid: [label] for pid, label in catalog.providers.items()}
    return resolve({"providers": names}, name)[1]


def _skills(catalog: Catalog, start: str, goal: str, request: Request) -> tuple[set[str], set[str]]:
    held = set(catalog.roles[start].essential)
    held.update(resolve_skill(catalog, name) for name in request.have)
    wanted = set(catalog.roles[goal].essential)
    if request.with_optional:
        wanted.update(catalog.roles[goal].optional)
    return held, wanted


def skill_gap(catalog: Catalog, request: Request) -> dict[str, Any]:
    """Return the ``gap`` answer: goal skills held, missing, and the missing ones taught."""
    start, goal = resolve_role(catalog, request.start), resolve_role(catalog, request.goal)
    held, wanted = _skills(catalog, start, goal, request)
    taught = {skill for course in catalog.courses.values() for skill in course.teaches}
    missing = sorted(wanted - held)
    return {
        "from": start,
        "to": goal,
        "have": sorted(wanted & held),
        "missing": missing,
        "teachable": [skill for skill in missing if skill in taught],
    }


def usable_courses(catalog: Catalog, request: Request) -> list[CourseEntry]:
    """Return the courses that pass the request's filters (provider, level, free)."""
    providers = {resolve_provider(catalog, name) for name in request.providers}
    ceiling = LEVELS.index(request.max_level) if request.max_level else len(LEVELS)
    return [
        course
        for course in catalog.courses.values()
        if (not providers or course.platform in providers)
        and LEVELS.index(course.level) <= ceiling
        and (not request.free or (course.cost == 0))
    ]


def _filters(request: Request) -> str:
    parts = [f"--provider {name}" for name in request.providers]
    if request.max_level:
        parts.append(f"--max-level {request.max_level}")
    if request.free:
        parts.append("--free")
    return " ".join(parts)


def plan_between(catalog: Catalog, request: Request) -> dict[str, Any]:
    """Return the optimal plan from one role to another as the ``path --format json`` object.

    Raises:
        NotFoundError: a role, skill or provider name does not resolve.
        NoPlanError: no usable course teaches some goal skill; they are named.
    """
    start, goal = resolve_role(catalog, request.start), resolve_role(catalog, request.goal)
    held, wanted = _skills(catalog, start, goal, request)
    courses = usable_courses(catalog, request)
    try:
        result = plan_path(
            [course.option() for course in courses],
            held,
            wanted,
            by=request.by,
            alternatives=request.alternatives,
            time_limit=request.time_limit,
        )
    except NoPlanError as exc:
        filters = _filters(request)
        scope = f" with {filters}" if filters else ""
        unknown = "" if request.by is Measure.COURSES else f" (and known {request.by.value})"
        names = ", ".join(
            f"{skill!r} ({catalog.skills.get(skill, skill)})" for skill in exc.unreachable
        )
        raise NoPlanError(
            f"no plan from {start!r} to {goal!r}{scope}: no usable course{unknown} teaches {names}",
            exc.unreachable,
        ) from None
    answer = {
        "from": start,
        "to": goal,
        "by": request.by.value,
        "optimal": result.optimal,
        "bound": result.bound,
        "gap": sorted(result.gap),
        **_plan_json(catalog, result.plan, held),
        "left_out": result.left_out,
    }
    if request.alternatives:
        answer["alternatives"] = [_plan_json(catalog, plan, held) for plan in result.alternatives]
    return answer


def _plan_json(catalog: Catalog, plan: Plan, held: set[str]) -> dict[str, Any]:
    courses = []
    held = set(held)
    for index, step in enumerate(plan.steps):
        entry = catalog.courses[step.course.id]
        later_needs = {
            skill for later in plan.steps[index + 1 :] for skill in later.course.requires
        }
        unlocks = (set(entry.teaches) - held) & later_needs - set(step.fills)
        held.update(entry.teaches)
        courses.append(
            {
                "id": entry.id,
                "title": entry.title,
                "platform": entry.platform,
                "level": entry.level,
                "hours": entry.hours,
                "cost": entry.cost,
                "currency": entry.currency,
                "url": entry.url,
                "teaches": sorted(entry.teaches),
                "requires": sorted(entry.requires),
                "fills": sorted(step.fills),
                "unlocks": sorted(unlocks),
            }
        )
    return {
        "courses": courses,
        "totals": {
            "courses": plan.count,
            "hours": plan.hours if plan.unknown_hours == 0 else None,
            "cost": plan.cost if plan.unknown_cost == 0 else None,
            "hours_known": plan.hours,
            "cost_known": plan.cost,
            "unknown_hours": plan.unknown_hours,
            "unknown_cost": plan.unknown_cost,
        },
    }


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
            unreachable.append({"role": role_id, "missing": list(exc.unreachable)})
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
                "courses": [course["id"] for course in answer["courses"]],
                "totals": totals,
                "salary_from": catalog.roles[start].salary_text or None,
                "salary_to": catalog.roles[role_id].salary_text or None,
                **_salary_change(catalog, start, role_id),
            }
        )
    ranked.sort(key=lambda row: (row["value"], not row["common_next"], row["role"]))
    return {"from": start, "by": request.by.value, "roles": ranked, "unreachable": unreachable}


def _with_goal(request: Request, goal: str) -> Request:
    fields = {name: getattr(request, name) for name in Request.__dataclass_fields__}
    return Request(**(fields | {"goal": goal, "alternatives": 0}))


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


def course_names(catalog: Catalog, ids: Iterable[str]) -> list[str]:
    """Return the titles of courses by id (for messages)."""
    try:
        return [catalog.courses[course_id].title for course_id in ids]
    except KeyError as exc:
        raise NotFoundError(f"no course {exc.args[0]!r}") from None
