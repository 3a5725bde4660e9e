"""A plan as an iCalendar file (RFC 5545): one all-day event per course, over its weeks.

The weeks come from the plan's pace (``--hours-per-week``): week 1 starts on ``start``, and a
course from week S to week E runs from the first day of S to the last day of E. A course whose
hours are unknown has no weeks and no event; the calendar's description names it. The
``icalendar`` library writes the file (escaping, line folding, CRLF).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genai_kg.plan.catalog import Catalog

PRODUCT = "-//genai-kg//learning plan//EN"


def next_monday(today: dt.date) -> dt.date:
    """The Monday after ``today`` (a plan starts on a week's first day).

    >>> next_monday(dt.date(2026, 12, 1)), next_monday(dt.date(2026, 12, 7))
    (datetime.date(2026, 12, 7), datetime.date(2026, 12, 14))
    """
    return today + dt.timedelta(days=7 - today.weekday())


def plan_calendar(catalog: Catalog, answer: dict[str, Any], start: dt.date) -> bytes:
    """Return the iCalendar file of ``answer`` (the ``path --format json`` object)."""
    import icalendar

    def role(role_id: str) -> str:
        entry = catalog.roles.get(role_id)
        return entry.name if entry else role_id

    title = f"{role(answer['from'])} → {role(answer['to'])}"
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Learning plan: {title}")
    pace = answer.get("hours_per_week")
    unscheduled = [course["title"] for course in answer["courses"] if not course.get("weeks")]
    about = [f"genai-kg plan {title}, {len(answer['courses'])} courses at {pace:g} hours a week."]
    if unscheduled:
        about.append("Not in the calendar (hours unknown): " + "; ".join(unscheduled) + ".")
    calendar.add("x-wr-caldesc", " ".join(about))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for position, course in enumerate(answer["courses"], 1):
        weeks = course.get("weeks")
        if not weeks:
            continue
        event = icalendar.Event()
        event.add("uid", f"{answer['from']}.{answer['to']}.{position}.{course['id']}@genai-kg")
        event.add("dtstamp", stamp)
        event.add("summary", f"{position}. {course['title']}")
        event.add("dtstart", start + dt.timedelta(weeks=weeks["start"] - 1))
        event.add("dtend", start + dt.timedelta(weeks=weeks["end"]))
        event.add("transp", "TRANSPARENT")  # study time, not a meeting: it blocks nothing
        fills = [catalog.skills.get(skill, skill) for skill in course.get("fills", [])]
        event.add("description", _description(course, weeks, pace, fills))
        if course.get("url"):
            event.add("url", course["url"])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _description(
    course: dict[str, Any], weeks: dict[str, Any], pace: float | None, fills: list[str]
) -> str:
    lines = [f"Weeks {weeks['start']}-{weeks['end']}"]
    if course.get("hours") is not None and pace:
        lines[0] += f": {course['hours']:g} hours at {pace:g} hours a week"
    if weeks.get("at_least"):
        lines.append("At the earliest: an earlier course's hours are unknown.")
    if fills:
        lines.append("Fills: " + ", ".join(fills))
    if course.get("url"):
        lines.append(course["url"])
    return "\n".join(lines)
