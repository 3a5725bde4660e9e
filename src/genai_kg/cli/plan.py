"""Learning-path commands: path, gap, next."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import (
    DataOption,
    OutputFormat,
    StoreOption,
    _data_dir,
    _print_json,
    app,
    reports_errors,
)


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
    str, typer.Argument(help="The role the learner has now (id, name or alias).")
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


def _catalog(data: Path | None, store: Path | None) -> Any:
    from genai_kg.plan.catalog import open_catalog

    return open_catalog(_data_dir(data), store)


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
        typer.Option("--provider", help="Only courses on this platform (repeatable)."),
    ] = None,
    max_level: Annotated[
        LevelChoice | None, typer.Option("--max-level", help="Leave out harder courses.")
    ] = None,
    free: Annotated[bool, typer.Option("--free", help="Only courses known to be free.")] = False,
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
) -> None:
    """The optimal course sequence from one role to another (fewest courses, hours or dollars)."""
    from genai_kg.plan.advise import Request, plan_between
    from genai_kg.plan.problem import Measure

    catalog = _catalog(data, store)
    request = Request(
        start=start,
        goal=goal,
        by=Measure(by.value),
        have=have or (),
        with_optional=with_optional,
        providers=provider or (),
        max_level=max_level.value if max_level else None,
        free=free,
        alternatives=alternatives,
        time_limit=time_limit,
    )
    answer = plan_between(catalog, request)
    if fmt is PlanFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.plan.text import plan_mermaid, plan_table

    typer.echo(
        plan_mermaid(catalog, answer) if fmt is PlanFormat.MERMAID else plan_table(catalog, answer)
    )


@app.command()
@reports_errors
def gap(
    start: FromArgument,
    goal: ToArgument,
    have: HaveOption = None,
    with_optional: OptionalOption = False,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """The goal role's skills the learner has, lacks, and which of those courses teach."""
    from genai_kg.plan.advise import Request, skill_gap

    catalog = _catalog(data, store)
    answer = skill_gap(
        catalog, Request(start=start, goal=goal, have=have or (), with_optional=with_optional)
    )
    if fmt is PlanFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.plan.text import gap_text

    typer.echo(gap_text(catalog, answer, mermaid=fmt is PlanFormat.MERMAID))


@app.command("next")
@reports_errors
def next_(
    role: Annotated[str, typer.Argument(help="The role the learner has now.")],
    by: ByOption = MeasureChoice.COURSES,
    have: HaveOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    data: DataOption = None,
    store: StoreOption = None,
) -> None:
    """Roles reachable from ROLE, ranked by their optimal plan, with the salary change."""
    from genai_kg.plan.advise import Request, next_roles
    from genai_kg.plan.problem import Measure

    catalog = _catalog(data, store)
    answer = next_roles(
        catalog, Request(start=role, goal=role, by=Measure(by.value), have=have or ())
    )
    if fmt is OutputFormat.JSON:
        _print_json(answer)
        return
    from genai_kg.plan.text import next_table

    typer.echo(next_table(answer))
