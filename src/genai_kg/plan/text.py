"""Text and Mermaid renderings of ``path``, ``gap`` and ``next`` answers (``advise`` dicts)."""

from __future__ import annotations

from typing import Any

from genai_kg.plan.catalog import Catalog
from genai_kg.render import format_table, money, plural


def _skill_names(catalog: Catalog, ids: list[str]) -> str:
    return ", ".join(catalog.skills.get(skill, skill) for skill in ids)


def _total(value: float | None, known: float, unknown: int, count: int, unit: str) -> str:
    if unknown == 0 and value is not None:
        return money(value) if unit == "$" else f"{value:g} h"
    what = "hours" if unit == "h" else "cost"
    if unknown == count:
        return f"{what} unknown for {unknown} of {plural(count, 'course')}"
    shown = money(known) if unit == "$" else f"{known:g} h"
    return f"at least {shown} ({what} unknown for {unknown} of {plural(count, 'course')})"


def plan_table(catalog: Catalog, answer: dict[str, Any]) -> str:
    """Render a ``path`` answer as a numbered table with totals and the optimality line."""
    lines = [_heading(catalog, answer), *start_lines(catalog, answer["start"]), ""]
    lines.extend(_plan_lines(catalog, answer))
    lines.extend(_notes(catalog, answer))
    for number, other in enumerate(answer.get("alternatives", []), start=2):
        lines += ["", f"Alternative {number}:"]
        lines.extend(_plan_lines(catalog, other | {"by": answer["by"]}, proof=False))
    return "\n".join(lines)


def _from_name(catalog: Catalog, answer: dict[str, Any]) -> str:
    if answer["from"] in catalog.roles:
        return catalog.roles[answer["from"]].name
    return str(answer.get("from_name") or answer["from"])


def start_lines(catalog: Catalog, start: dict[str, Any]) -> list[str]:
    """Explain an official start: which official skill gave which curated skill, and how many
    gave none (nothing for a curated role or ``-``).

    >>> from genai_kg.plan.catalog import Catalog
    >>> catalog = Catalog("x", {}, {"sql": "SQL"}, {}, {}, {})
    >>> lines = start_lines(catalog, {"occupation": {"scheme": "esco", "code": "2511.3",
    ...     "title": "data analyst", "official_skills": 30, "unmatched": 29, "skills": ["sql"],
    ...     "mapped": [{"label": "SQL", "skill": "sql", "via": None, "via_label": None}]}})
    >>> lines[0].split(" gives ")
    ['start: ESCO 2511.3 data analyst', \
'1 curated skill from 1 of its 30 essential skills (29 without a curated counterpart):']
    >>> lines[1]
    '  SQL -> SQL'
    """
    occupation = start.get("occupation")
    if not occupation:
        return []
    scheme = "ESCO" if occupation["scheme"] == "esco" else "O*NET"
    kind = "essential skills" if occupation["scheme"] == "esco" else "skills and technologies"
    used = occupation["official_skills"] - occupation["unmatched"]
    lines = [
        f"start: {scheme} {occupation['code']} {occupation['title']} gives "
        f"{plural(len(occupation['skills']), 'curated skill')} from {used} of its "
        f"{occupation['official_skills']} {kind} ({occupation['unmatched']} without a curated "
        "counterpart)" + (":" if occupation["mapped"] else ".")
    ]
    for row in occupation["mapped"]:
        via = f" (via the broader ESCO skill {row['via_label']!r})" if row["via"] else ""
        lines.append(f"  {row['label']} -> {catalog.skills.get(row['skill'], row['skill'])}{via}")
    return lines


def _heading(catalog: Catalog, answer: dict[str, Any]) -> str:
    start, goal = _from_name(catalog, answer), catalog.roles[answer["to"]].name
    return (
        f"{start} -> {goal}: {plural(len(answer['gap']), 'skill')} to add, by {answer['by']}, "
        f"at {answer['hours_per_week']:g} h/week"
    )


def _notes(catalog: Catalog, answer: dict[str, Any]) -> list[str]:
    lines = []
    if answer.get("start", {}).get("text"):
        names = _skill_names(catalog, answer["start"]["text"])
        lines.append(f"Held from the text (--from-text): {names}.")
    if answer.get("untaught"):
        names = _skill_names(catalog, answer["untaught"])
        lines.append(f"Still to learn, not taught by any usable course: {names}.")
    if answer["left_out"]:
        left = answer.get("left_out_ids", [])
        named = ", ".join(catalog.courses[c].title for c in left[:5])
        more = f" and {len(left) - 5} more" if len(left) > 5 else ""
        what = answer.get("left_out_because") or answer["by"]
        lines.append(
            f"{plural(answer['left_out'], 'course')} left out, {what} unknown"
            + (f": {named}{more}." if named else ".")
        )
    return lines


def pareto_table(catalog: Catalog, answers: list[dict[str, Any]]) -> str:
    """Render the hours/cost frontier: each plan, and what the next one trades."""
    first = answers[0]
    lines = [
        _heading(catalog, first).replace("by hours", "every hours/cost trade-off"),
        f"{plural(len(answers), 'plan')} on the frontier, fewest hours first.",
    ]
    for number, answer in enumerate(answers, start=1):
        lines += ["", f"Plan {number}:"]
        lines.extend(_plan_lines(catalog, answer, proof=False))
        if number < len(answers):
            nxt = answer, answers[number]
            saved = money(nxt[0]["totals"]["cost"] - nxt[1]["totals"]["cost"])
            hours = nxt[1]["totals"]["hours"] - nxt[0]["totals"]["hours"]
            lines += ["", f"+{saved} saves {hours:g} h (Plan {number} over Plan {number + 1})"]
    lines.append("")
    if all(answer["optimal"] for answer in answers):
        lines.append("optimal: each plan has the fewest hours of any plan at its cost or less.")
    else:
        lines.append("not proven optimal (time limit): the frontier may be incomplete.")
    lines.extend(_notes(catalog, first))
    return "\n".join(lines)


def _plan_lines(catalog: Catalog, plan: dict[str, Any], *, proof: bool = True) -> list[str]:
    if not plan["courses"]:
        return ["The learner already has every goal skill a course teaches: no course needed."]
    rows = [
        [
            order,
            course["title"],
            catalog.providers.get(course["platform"], course["platform"]),
            course["hours"],
            _cost(course),
            _span(course),
            _why(catalog, course, plan["courses"]),
        ]
        for order, course in enumerate(plan["courses"], start=1)
    ]
    totals = plan["totals"]
    headers = ["#", "course", "platform", "hours", "cost", "weeks", "why"]
    lines = [format_table(headers, rows), ""]
    weeks = totals.get("weeks")
    count = totals["courses"]
    if weeks is not None:
        length = plural(weeks, "week")
    elif totals["unknown_hours"] == count:
        length = "weeks unknown"
    else:
        length = f"at least {plural(totals.get('weeks_known', 0), 'week')}"
    lines.append(
        f"total: {plural(count, 'course')}, "
        f"{_total(totals['hours'], totals['hours_known'], totals['unknown_hours'], count, 'h')}, "
        f"{_total(totals['cost'], totals['cost_known'], totals['unknown_cost'], count, '$')}, "
        + length
    )
    if proof and "optimal" in plan:
        if plan["optimal"]:
            lines.append(f"optimal: no plan with fewer {_unit(plan['by'])} exists.")
        elif plan["bound"] > 0:
            bound = (
                plural(int(plan["bound"]), "course")
                if plan["by"] == "courses"
                else f"{plan['bound']:g} {_unit(plan['by'])}"
            )
            lines.append(f"not proven optimal (time limit): no plan can have fewer than {bound}.")
        else:
            lines.append("not proven optimal: the time limit ran out before any bound was proved.")
    return lines


def _cost(course: dict[str, Any]) -> str:
    text = money(course["cost"], course["currency"] or "USD")
    if course.get("per") == "month" and course["amount"] is not None:
        text += f" ({money(course['amount'], course['currency'] or 'USD')}/month)"
    return text


def _span(course: dict[str, Any]) -> str:
    weeks = course.get("weeks")
    if not weeks:
        return "?"
    text = str(weeks["start"])
    if weeks["start"] != weeks["end"]:
        text += f"-{weeks['end']}"
    # After a course of unknown hours the weeks are the earliest they can be.
    return f">={text}" if weeks.get("at_least") else text


def _why(catalog: Catalog, course: dict[str, Any], courses: list[dict[str, Any]]) -> str:
    """Say in words why the course is in the plan: the gap skills and the courses it opens."""
    titles = {other["id"]: other["title"] for other in courses}
    parts = []
    if course["fills"]:
        parts.append(_skill_names(catalog, course["fills"]))
    if course.get("enables"):
        parts.append("needed for " + ", ".join(titles[c] for c in course["enables"]))
    return "; ".join(parts)


def _unit(by: str) -> str:
    return {"courses": "courses", "hours": "hours", "cost": "dollars"}[by]


def plan_mermaid(catalog: Catalog, answer: dict[str, Any]) -> str:
    """Render a ``path`` answer as a Mermaid flowchart a README or issue can paste."""
    lines = ["flowchart LR"]
    goal = answer["to"]
    lines.append(f'    start(["{_mermaid(_from_name(catalog, answer))}"])')
    previous = "start"
    for order, course in enumerate(answer["courses"], start=1):
        node = f"c{order}"
        details = [f"{course['hours']:g} h" if course["hours"] is not None else "? h"]
        details.append(money(course["cost"], course["currency"] or "USD"))
        label = f"{order}. {_mermaid(course['title'])}<br/>{' · '.join(details)}"
        lines.append(f'    {node}["{label}"]')
        fills = _mermaid(_skill_names(catalog, course["fills"])) or "needed next"
        lines.append(f'    {previous} -->|"{fills}"| {node}')
        previous = node
    lines.append(f'    goal(["{_mermaid(catalog.roles[goal].name)}"])')
    lines.append(f"    {previous} --> goal")
    return "\n".join(lines) + "\n\n" + plan_gantt(answer)


def plan_gantt(answer: dict[str, Any]) -> str:
    """Render a ``path`` answer's weeks as a Mermaid Gantt chart (week numbers on the axis)."""
    lines = [
        "gantt",
        f"    title {answer['from']} to {answer['to']} at {answer['hours_per_week']:g} h/week",
        "    dateFormat X",
        "    axisFormat week %s",
        "    section courses",
    ]
    for order, course in enumerate(answer["courses"], start=1):
        weeks = course.get("weeks")
        if not weeks:
            continue  # hours unknown: it has no place on a timeline
        name = _mermaid(course["title"]).replace(":", " ")
        lines.append(f"    {name} :c{order}, {weeks['start'] - 1}, {weeks['end']}")
    return "\n".join(lines)


def _mermaid(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;")


def gap_text(catalog: Catalog, answer: dict[str, Any], *, mermaid: bool = False) -> str:
    """Render a ``gap`` answer as text, or as a Mermaid mind map of held and missing skills."""
    start, goal = _from_name(catalog, answer), catalog.roles[answer["to"]].name
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
    explained = "".join(f"\n{line}" for line in start_lines(catalog, answer.get("start", {})))
    return header + explained + "\n\n" + format_table(["skill", "id", "status", "taught"], rows)


def next_table(answer: dict[str, Any]) -> str:
    """Render a ``next`` answer: one row per reachable role, best first."""
    rows = [
        [
            rank,
            row["name"] + (" *" if row["common_next"] else ""),
            _share(row),
            row["totals"]["courses"],
            row["totals"]["hours_known"] if row["totals"]["unknown_hours"] == 0 else None,
            money(row["totals"]["cost"]) if row["totals"]["cost"] is not None else "?",
            row["salary_to"] or "",
            _change(row["salary_change"]),
            row["salary_basis"] or row["salary_note"],
        ]
        for rank, row in enumerate(answer["roles"], start=1)
    ]
    headers = ["#", "role", "held", "courses", "hours", "cost", "salary", "change", "change from"]
    start = answer.get("from_name") or answer["from"]
    lines = [f"Roles reachable from {start}, by {answer['by']}:", ""]
    lines.append(format_table(headers, rows))
    lines.append("")
    lines.append(
        "* a common next role; held: the role's essential skills the learner has already; "
        "change: difference of salary-range midpoints (USD), or of BLS OEWS medians from an "
        "O*NET occupation, both taken from the one source named in 'change from' (a change ? "
        "says why there)."
    )
    for entry in answer["unreachable"]:
        lines.append(f"Skipped {entry['role']}: {entry.get('reason', 'no plan reaches it')}.")
    untaught = [row["role"] for row in answer["roles"] if row.get("untaught")]
    if untaught:
        lines.append(
            f"Partial plans (some goal skills taught by no course): {', '.join(untaught)}."
        )
    return "\n".join(lines)


def _share(row: dict[str, Any]) -> str:
    """``3/8 (38%)``: essential skills of the role held, of all its essential skills."""
    if row.get("transferable") is None:
        return ""
    return f"{len(row['held'])}/{row['essential']} ({row['transferable']:.0%})"


def _change(value: float | None) -> str:
    if value is None:
        return "?"
    sign = "+" if value >= 0 else "-"
    return f"{sign}{money(abs(value))}"
