"""Learning-path commands: path, gap, next."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import (
    DataOption,
    EndpointOption,
    GraphOption,
    OutputFormat,
    StoreOption,
    Typer,
    _catalog,
    _print_json,
    app,
    reports_errors,
)
from .mentions import FromTextOption, skills_in_text


class PlanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MERMAID = "mermaid"


class LevelChoice(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class MeasureChoice(StrEnum):
    COURSES = "courses"
    HOURS = "hours"
    COST = "cost"


FromArgument = Annotated[
    str,
    typer.Argument(
        help="Where the learner starts: a role (id, name or alias); once imported, an ESCO or "
        "O*NET occupation (label, code or URI); - for no role."
    ),
]
ToArgument = Annotated[str, typer.Argument(help="The role the learner wants.")]
ByOption = Annotated[
    MeasureChoice,
    typer.Option("--by", help="What to minimise; ties break on the other two, then course id."),
]
HaveOption = Annotated[
    list[str] | None,
    typer.Option("--have", help="A skill the learner already has (repeatable)."),
]
OptionalOption = Annotated[
    bool, typer.Option("--with-optional", help="Aim for the goal role's optional skills too.")
]
MaxHoursOption = Annotated[
    float | None,
    typer.Option("--max-hours", min=0, help="Hard limit on the plan's hours, whatever --by."),
]
MaxCostOption = Annotated[
    float | None,
    typer.Option("--max-cost", min=0, help="Hard limit on the plan's cost in USD, whatever --by."),
]
PaceOption = Annotated[
    float | None,
    typer.Option(
        "--hours-per-week",
        min=0.1,
        help="Study pace: gives each course its weeks and prices subscriptions. [default: 10]",
    ),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option("--profile", help="A learner profile (YAML; `genai-kg profile init` writes one)."),
]


@app.command()
@reports_errors
def path(
    start: FromArgument,
    goal: ToArgument,
    by: ByOption = MeasureChoice.COURSES,
    have: HaveOption = None,
    with_optional: OptionalOption = False,
    provider: Annotated[
        list[str] | None,
        typer.Option("--provider", help="Only courses on or by this provider (repeatable)."),
    ] = None,
    max_level: Annotated[
        LevelChoice | None, typer.Option("--max-level", help="Leave out harder courses.")
    ] = None,
    free: Annotated[
        bool | None, typer.Option("--free", help="Only courses known to be free.")
    ] = None,
    max_hours: MaxHoursOption = None,
    max_cost: MaxCostOption = None,
    hours_per_week: PaceOption = None,
    pareto: Annotated[
        bool, typer.Option("--pareto", help="Every plan on the hours/cost trade-off frontier.")
    ] = False,
    profile: ProfileOption = None,
    from_text: FromTextOption = None,
    alternatives: Annotated[
        int,
        typer.Option("--alternatives", "-k", min=0, max=20, help="Also show up to K more plans."),
    ] = 0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.01, help="Seconds the solver may spend.")
    ] = 10.0,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """The optimal course sequence from one role to another (fewest courses, hours or dollars)."""
    from genai_kg.plan.advise import pareto_between, plan_between
    from genai_kg.plan.problem import Measure

    catalog = _catalog(data, store, endpoint, graph)
    request = _request(
        catalog,
        profile,
        start=start,
        goal=goal,
        by=Measure(by.value),
        have=have or (),
        with_optional=with_optional,
        providers=provider or None,
        max_level=max_level.value if max_level else None,
        free=free,
        max_hours=max_hours,
        max_cost=max_cost,
        hours_per_week=hours_per_week,
        alternatives=alternatives,
        time_limit=time_limit,
        from_text=skills_in_text(from_text, data, store, endpoint, graph),
    )
    if pareto:
        answers = pareto_between(catalog, request)
        if fmt is PlanFormat.JSON:
            _print_json(answers)
            return
        from genai_kg.plan.text import pareto_table, plan_mermaid

        if fmt is PlanFormat.MERMAID:
            typer.echo("\n\n".join(plan_mermaid(catalog, answer) for answer in answers))
        else:
            typer.echo(pareto_table(catalog, answers))
        return
    answer = plan_between(catalog, request)
    if fmt is PlanFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.plan.text import plan_mermaid, plan_table

    typer.echo(
        plan_mermaid(catalog, answer) if fmt is PlanFormat.MERMAID else plan_table(catalog, answer)
    )


def _request(catalog: Any, profile: Path | None, **options: Any) -> Any:
    """The request from the profile (if any) with the options given on the command line."""
    from genai_kg.plan.advise import Request

    base: dict[str, Any] = {}
    if profile is not None:  # the profile reader imports PyYAML: only when asked for
        from genai_kg.plan.profile import load_profile

        base = load_profile(profile, catalog).request_fields()
    given = {key: value for key, value in options.items() if value is not None}
    fields = base | given
    fields["have"] = tuple(given.get("have", ()))
    return Request(**fields)


@app.command()
@reports_errors
def gap(
    start: FromArgument,
    goal: ToArgument,
    have: HaveOption = None,
    with_optional: OptionalOption = False,
    profile: ProfileOption = None,
    from_text: FromTextOption = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """The goal role's skills the learner has, lacks, and which of those courses teach."""
    from genai_kg.plan.advise import skill_gap

    catalog = _catalog(data, store, endpoint, graph)
    request = _request(
        catalog,
        profile,
        start=start,
        goal=goal,
        have=have or (),
        with_optional=with_optional,
        from_text=skills_in_text(from_text, data, store, endpoint, graph),
    )
    answer = skill_gap(catalog, request)
    if fmt is PlanFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.plan.text import gap_text

    typer.echo(gap_text(catalog, answer, mermaid=fmt is PlanFormat.MERMAID))


@app.command("next")
@reports_errors
def next_(
    role: FromArgument,
    by: ByOption = MeasureChoice.COURSES,
    have: HaveOption = None,
    max_hours: MaxHoursOption = None,
    max_cost: MaxCostOption = None,
    hours_per_week: PaceOption = None,
    profile: ProfileOption = None,
    from_text: FromTextOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    graph: GraphOption = None,
) -> None:
    """Roles reachable from ROLE (any FROM of path), ranked by their optimal plan, with the
    share of each role's skills already held and the salary change."""
    from genai_kg.plan.problem import Measure
    from genai_kg.plan.ranking import next_roles

    catalog = _catalog(data, store, endpoint, graph)
    request = _request(
        catalog,
        profile,
        start=role,
        goal=role,
        by=Measure(by.value),
        have=have or (),
        max_hours=max_hours,
        max_cost=max_cost,
        hours_per_week=hours_per_week,
        from_text=skills_in_text(from_text, data, store, endpoint, graph),
    )
    answer = next_roles(catalog, request)
    if fmt is OutputFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.plan.text import next_table

    typer.echo(next_table(answer))


profile_app = Typer(help="Learner profiles for --profile.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@profile_app.command("init")
@reports_errors
def profile_init(
    file: Annotated[Path, typer.Argument(help="Where to write the starter profile.")] = Path(
        "profile.yaml"
    ),
) -> None:
    """Write a commented starter profile to FILE (default profile.yaml)."""
    from genai_kg.plan.profile import write_starter

    write_starter(file)
    typer.echo(f"Wrote {file}; pass it as --profile {file}.")
