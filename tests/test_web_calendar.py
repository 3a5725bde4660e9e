"""The plan as a calendar file (``/plan.ics``), read back by a calendar library (issue 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from conftest import TINY
from genai_kg.paths import bundled
from genai_kg.plan.calendar import next_monday
from genai_kg.web.explorer import Explorer
from genai_kg.web.pages import page_routes

PLAN = {"from": "Data Analyst", "to": "MLOps Engineer", "hours_per_week": "8"}


def client_for(data: Path, store: Path) -> TestClient:
    return TestClient(Starlette(routes=page_routes(Explorer(data, store))))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(bundled("data"), tmp_path_factory.mktemp("ics-store")) as running:
        yield running


def events(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def test_each_course_is_an_event_over_its_weeks(client: TestClient) -> None:
    plan = client.get("/api/plan", params=PLAN).json()
    reply = client.get("/plan.ics", params={**PLAN, "start": "2027-01-04"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "text/calendar; charset=utf-8"
    assert 'filename="plan.ics"' in reply.headers["content-disposition"]
    assert b"\r\n" in reply.content and all(
        len(line) <= 75 for line in reply.content.split(b"\r\n")
    )  # RFC 5545: CRLF line ends, lines folded at 75 octets
    scheduled = [course for course in plan["courses"] if course["weeks"]]
    assert scheduled, "the bundled plan has courses with known hours"
    found = events(reply.content)
    assert len(found) == len(scheduled)
    monday = dt.date(2027, 1, 4)
    for event, course in zip(found, scheduled, strict=True):
        weeks = course["weeks"]
        assert course["title"] in str(event["summary"])
        assert event.decoded("dtstart") == monday + dt.timedelta(weeks=weeks["start"] - 1)
        assert event.decoded("dtend") == monday + dt.timedelta(weeks=weeks["end"])
        description = str(event["description"])
        assert f"Weeks {weeks['start']}-{weeks['end']}" in description
        if course["hours"] is not None:
            assert f"{course['hours']:g} hours at 8 hours a week" in description
        if course.get("url"):
            assert str(event["url"]) == course["url"]
    assert len({str(event["uid"]) for event in found}) == len(found)


def test_the_plan_page_links_the_calendar(client: TestClient) -> None:
    html = client.get("/plan", params=PLAN).text
    assert '/plan.ics?from=Data+Analyst&amp;to=MLOps+Engineer&amp;hours_per_week=8"' in html


def test_without_a_start_the_calendar_starts_on_the_coming_monday(client: TestClient) -> None:
    found = events(client.get("/plan.ics", params=PLAN).content)
    first = min(event.decoded("dtstart") for event in found)
    assert first == next_monday(dt.date.today())
    assert first.weekday() == 0


def test_a_course_of_unknown_hours_is_named_not_scheduled(tmp_path: Path) -> None:
    with client_for(TINY, tmp_path / "store") as tiny:
        params = {"from": "analyst", "to": "prompter", "start": "2027-01-04"}
        reply = tiny.get("/plan.ics", params=params)
    assert reply.status_code == 200, reply.text
    calendar = icalendar.Calendar.from_ical(reply.content)
    assert not list(calendar.walk("VEVENT"))
    assert "Not in the calendar (hours unknown): Prompting 101." in str(calendar["x-wr-caldesc"])


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({**PLAN, "start": "soon"}, 400, "start: 'soon' is not a date such as 2027-01-04"),
        ({"from": "Data Analyts", "to": "MLOps Engineer"}, 404, "did you mean"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    client: TestClient, params: dict[str, str], status: int, says: str
) -> None:
    reply = client.get("/plan.ics", params=params)
    assert reply.status_code == status
    assert reply.text.startswith("Error: ") and says in reply.text
