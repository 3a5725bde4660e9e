"""Career questions on the catalog: the skill gap between roles, the best course plan, next roles.

This is the layer between the CLI and the pure planner: it resolves names, applies the
filters, calls ``plan_path`` and returns plain dicts in the shape ``--format json`` prints
(the SPEC's contract keys, plus a few more).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from genai_kg.dataset.resolve import resolve
from genai_kg.errors import NoPlanError, NotFoundError
from genai_kg.plan.catalog import LEVELS, Catalog, CourseEntry
from genai_kg.plan.pareto import pareto_plans
from genai_kg.plan.planner import plan_path
from genai_kg.plan.problem import Measure, Plan, PlanResult, priced, schedule
from genai_kg.plan.starts import Start, start_of


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
    max_hours: float | None = None
    max_cost: float | None = None
    hours_per_week: float = 10.0
    #: Courses already taken (names): their skills are held and they are never planned again.
    done: Sequence[str] = ()
    #: Skills from a learner profile (names), held like ``have``; kept apart for ``start``.
    profile_have: Sequence[str] = ()
    #: Curated skill ids that ``--from-text`` found in a CV or job ad, held like ``have``.
    from_text: Sequence[str] = ()
    #: What the names resolved to, shared by the copies ``with_changes`` makes (``next``
    #: plans from one start to every role and resolves an official start once).
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


def resolve_course(catalog: Catalog, name: str) -> str:
    """Return the id of the course called ``name`` (id or title)."""
    return resolve({"courses": catalog.names("courses")}, name)[1]


def start_skills(catalog: Catalog, start: Start, request: Request) -> dict[str, Any]:
    """Return where the learner's skills come from: the role or official occupation, --have,
    the profile, done courses, the text of --from-text."""
    done = [resolve_course(catalog, name) for name in request.done]
    return {
        "role": sorted(start.skills) if start.kind == "role" else [],
        "occupation": start.occupation,
        "have": sorted({resolve_skill(catalog, name) for name in _names(request.have)}),
        "profile": sorted({resolve_skill(catalog, name) for name in _names(request.profile_have)}),
        "done": sorted(set(done)),
        "text": sorted({resolve_skill(catalog, skill) for skill in request.from_text}),
        "done_skills": sorted({s for course in done for s in catalog.courses[course].teaches}),
    }


def _names(names: Iterable[str]) -> list[str]:
    """Split comma-separated names (``--have "Python, SQL"``); empty parts are dropped."""
    return [part.strip() for name in names for part in name.split(",") if part.strip()]


def _skills(
    catalog: Catalog, start: Start, goal: str, request: Request
) -> tuple[set[str], set[str]]:
    """The skills held (with every broader skill they count as) and the goal's skills."""
    sources = start_skills(catalog, start, request)
    held = set(start.skills)
    keys = ("have", "profile", "done_skills", "text")
    held.update(skill for key in keys for skill in sources[key])
    return set(catalog.with_broader(held)), goal_skills(catalog, goal, request)


def request_start(catalog: Catalog, request: Request) -> Start:
    """Return the request's start (a role, an official occupation or ``-``), resolved once."""
    return start_of(catalog, request.start, request.resolved)


def skill_gap(catalog: Catalog, request: Request) -> dict[str, Any]:
    """Return the ``gap`` answer: goal skills held, missing, and the missing ones taught."""
    start, goal = request_start(catalog, request), resolve_role(catalog, request.goal)
    held, wanted = _skills(catalog, start, goal, request)
    taught = catalog.with_broader(s for course in catalog.courses.values() for s in course.teaches)
    missing = sorted(wanted - held)
    return {
        "from": start.id,
        "from_name": start.name,
        "to": goal,
        "start": _start_json(catalog, start, request),
        "have": sorted(wanted & held),
        "missing": missing,
        "teachable": [skill for skill in missing if skill in taught],
    }


def usable_courses(catalog: Catalog, request: Request) -> list[CourseEntry]:
    """Return the courses that pass the request's filters (provider, level, free)."""
    providers = {resolve_provider(catalog, name) for name in request.providers}
    ceiling = LEVELS.index(request.max_level) if request.max_level else len(LEVELS)
    done = {resolve_course(catalog, name) for name in request.done}
    return [
        course
        for course in catalog.courses.values()
        if course.id not in done
        and (not providers or course.platform in providers or providers & set(course.creators))
        and LEVELS.index(course.level) <= ceiling
        and (not request.free or (course.cost == 0))
    ]


def _filters(request: Request) -> str:
    parts = [f"--provider {name}" for name in request.providers]
    if request.max_level:
        parts.append(f"--max-level {request.max_level}")
    if request.free:
        parts.append("--free")
    if request.max_hours is not None:
        parts.append(f"--max-hours {request.max_hours:g}")
    if request.max_cost is not None:
        parts.append(f"--max-cost {request.max_cost:g}")
    return " ".join(parts)


def plan_between(catalog: Catalog, request: Request) -> dict[str, Any]:
    """Return the optimal plan from one role to another as the ``path --format json`` object.

    Raises:
        NotFoundError: a role, skill, course or provider name does not resolve.
        NoPlanError: no usable course teaches any missing goal skill (they are named), or no
            plan keeps within the budgets (the message says the least they need).
    """
    start, goal, held, options = _question(catalog, request)
    with _explained(catalog, request, start, goal):
        result = plan_path(
            options,
            held,
            goal_skills(catalog, goal, request),
            by=request.by,
            alternatives=request.alternatives,
            **_limits(request),
        )
    answer = _answer(catalog, request, start, goal, held, result)
    if request.alternatives:
        # Each in the same shape as the plan (SPEC); ``optimal``: proven the best plan that is
        # none of the plans before it nor a superset of one.
        answer["alternatives"] = [
            {
                **answer,
                **plan_json(catalog, plan, held, request.hours_per_week),
                "optimal": proven,
                "bound": bound,
            }
            for plan, (proven, bound) in zip(
                result.alternatives, result.alternative_proofs, strict=True
            )
        ]
    return answer


def pareto_between(catalog: Catalog, request: Request) -> list[dict[str, Any]]:
    """Return every plan on the hours/cost frontier, fewest hours first (``path --pareto``).

    Each is a ``path`` answer by hours; courses whose hours or cost are unknown are left out.
    When the time limit cut the frontier short, the last plan's ``optimal`` is False.
    """
    start, goal, held, options = _question(catalog, request)
    with _explained(catalog, request, start, goal):
        frontier = pareto_plans(
            options, held, goal_skills(catalog, goal, request), **_limits(request)
        )
    results = list(frontier.plans)
    if not frontier.complete:
        results[-1] = replace(results[-1], optimal=False)
    by_hours = with_changes(request, by=Measure.HOURS)
    left = [
        c.id for c in options if c.hours is None or priced(c, request.hours_per_week).cost is None
    ]
    return [
        _answer(catalog, by_hours, start, goal, held, result)
        | {"left_out_ids": sorted(left), "left_out_because": "hours or cost"}
        for result in results
    ]


def _limits(request: Request) -> dict[str, Any]:
    """The planner's limits a request sets: time, budgets and the pace that prices courses."""
    return {
        "time_limit": request.time_limit,
        "max_hours": request.max_hours,
        "max_cost": request.max_cost,
        "hours_per_week": request.hours_per_week,
    }


def goal_skills(catalog: Catalog, goal: str, request: Request) -> set[str]:
    wanted = set(catalog.roles[goal].essential)
    if request.with_optional:
        wanted.update(catalog.roles[goal].optional)
    return wanted


def _question(catalog: Catalog, request: Request) -> tuple[Start, str, set[str], list[Any]]:
    start, goal = request_start(catalog, request), resolve_role(catalog, request.goal)
    held, _ = _skills(catalog, start, goal, request)
    return (
        start,
        goal,
        held,
        [catalog.planner_option(course) for course in usable_courses(catalog, request)],
    )


@contextmanager
def _explained(catalog: Catalog, request: Request, start: Start, goal: str) -> Iterator[None]:
    """Re-raise the planner's NoPlanError with the roles, the filters and the skills' names."""
    try:
        yield
    except NoPlanError as exc:
        filters = _filters(request)
        scope = f" with {filters}" if filters else ""
        head = f"no plan from {start.role or start.name!r} to {goal!r}{scope}"
        if not exc.unreachable:
            raise NoPlanError(f"{head}: {exc}", ()) from None
        unknown = "" if request.by is Measure.COURSES else f" (and known {request.by.value})"
        names = ", ".join(
            f"{skill!r} ({catalog.skills.get(skill, skill)})" for skill in exc.unreachable
        )
        raise NoPlanError(
            f"{head}: no usable course{unknown} teaches {names}", exc.unreachable
        ) from None


def _answer(
    catalog: Catalog,
    request: Request,
    start: Start,
    goal: str,
    held: set[str],
    result: PlanResult,
) -> dict[str, Any]:
    return {
        "from": start.id,
        "from_name": start.name,
        "to": goal,
        "by": request.by.value,
        "optimal": result.optimal,
        "bound": result.bound,
        "gap": sorted(result.gap),
        "untaught": sorted(result.untaught),
        "start": _start_json(catalog, start, request),
        "hours_per_week": request.hours_per_week,
        **plan_json(catalog, result.plan, held, request.hours_per_week),
        "left_out": result.left_out,
        "left_out_ids": _left_out(catalog, request),
        "left_out_because": _because(request),
    }


def _start_json(catalog: Catalog, start: Start, request: Request) -> dict[str, Any]:
    sources = start_skills(catalog, start, request)
    return {key: value for key, value in sources.items() if key != "done_skills"}


def _because(request: Request) -> str:
    needed: list[str] = [m for m in ("hours", "cost") if request.by.value == m]
    needed += [
        m
        for m, limit in (("hours", request.max_hours), ("cost", request.max_cost))
        if limit is not None and m not in needed
    ]
    return " or ".join(needed)


def _left_out(catalog: Catalog, request: Request) -> list[str]:
    """Ids of usable courses left out because a measure the plan needs is unknown."""
    needed = _because(request)
    if not needed:
        return []
    out = []
    for course in usable_courses(catalog, request):
        option = priced(catalog.planner_option(course), request.hours_per_week)
        if ("hours" in needed and option.hours is None) or (
            "cost" in needed and option.cost is None
        ):
            out.append(course.id)
    return sorted(out)


def plan_json(
    catalog: Catalog, plan: Plan, held: set[str], hours_per_week: float = 10.0
) -> dict[str, Any]:
    """Return a plan's ``courses`` (with fills, enables and weeks) and ``totals``."""
    weeks, total_weeks = schedule(plan, hours_per_week)
    first_taught: dict[str, str] = {}
    held = set(held)
    for step in plan.steps:
        for skill in sorted(set(step.course.teaches) - held):
            first_taught.setdefault(skill, step.course.id)
        held |= step.course.teaches
    enables: dict[str, list[str]] = {step.course.id: [] for step in plan.steps}
    for step in plan.steps:
        for provider in sorted(
            {first_taught[r] for r in step.course.requires if r in first_taught}
        ):
            enables[provider].append(step.course.id)
    courses = []
    for step, span in zip(plan.steps, weeks, strict=True):
        entry = catalog.courses[step.course.id]
        courses.append(
            {
                "id": entry.id,
                "title": entry.title,
                "platform": entry.platform,
                "level": entry.level,
                "hours": entry.hours,
                "cost": step.course.cost if entry.currency in (None, "USD") else entry.cost,
                "currency": entry.currency,
                "amount": entry.cost,
                "per": entry.per,
                "url": entry.url,
                "teaches": sorted(entry.teaches),
                "requires": sorted(entry.requires),
                "fills": sorted(step.fills),
                "enables": enables[entry.id],
                "weeks": None
                if span is None
                else {"start": span[0], "end": span[1], "at_least": span[2]},
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
            "weeks": total_weeks if plan.unknown_hours == 0 else None,
            "weeks_known": total_weeks,
        },
    }


def with_changes(request: Request, **changes: Any) -> Request:
    fields = {name: getattr(request, name) for name in Request.__dataclass_fields__}
    return Request(**(fields | changes))


def course_names(catalog: Catalog, ids: Iterable[str]) -> list[str]:
    """Return the titles of courses by id (for messages)."""
    try:
        return [catalog.courses[course_id].title for course_id in ids]
    except KeyError as exc:
        raise NotFoundError(f"no course {exc.args[0]!r}") from None
