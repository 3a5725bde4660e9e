"""The explorer's forms with what a learner brings (``web.start``): courses already done, a CV
or job ad pasted, a profile file uploaded; through Starlette's TestClient.

Each answer is checked against the command line given the same thing (``--from-text FILE``,
``--profile FILE``): the page is a view of the same plan, never a second implementation.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from typer.testing import CliRunner

from conftest import BAD_PROFILE, BAD_PROFILE_PROBLEMS, TINY
from genai_kg.cli import app as cli_app
from genai_kg.web.app import MAX_QUERY_BYTES
from genai_kg.web.explorer import Explorer
from genai_kg.web.pages import page_routes

START = {"from": "analyst", "to": "ml-ops"}
CV = "Ten years of SQL reporting.\nShipped services in containers, with some Python scripts.\n"
PROFILE = (
    "have: [Containerisation with Docker]\ndone: [Python Basics]\nhours_per_week: 5\n"
    "max_hours: 30\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-start-store")


@pytest.fixture(scope="module")
def tiny(store: Path) -> Iterator[TestClient]:
    app = Starlette(routes=page_routes(Explorer(TINY, store)))
    with TestClient(app) as running:
        yield running


def cli_json(store: Path, *args: str) -> Any:
    result = CliRunner().invoke(
        cli_app, [*args, "--format", "json", "--data", str(TINY), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def plan_ids(html: str) -> list[str]:
    """The courses of the page's plan, in order (the links of its table)."""
    plan = html[html.index('id="plan-heading"') : html.index('class="diagram"')]
    return list(dict.fromkeys(re.findall(r'href="/course/([^"]+)"', plan)))


def shared_link(html: str, text: str) -> str:
    """The href of the link named ``text`` (the first)."""
    match = re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', html)
    assert match, text
    return unescape(match[1])


def ids(plan: dict[str, Any]) -> list[str]:
    return [course["id"] for course in plan["courses"]]


def post(client: TestClient, path: str, fields: dict[str, str], **files: tuple[str, bytes]) -> Any:
    """Post a form as the page's does (multipart form data; a text as a field, never a URL)."""
    return client.post(path, data=fields, files=files or {"profile": ("", b"")})


# ---- courses already done --------------------------------------------------------------


def test_a_done_course_is_never_planned(tiny: TestClient, store: Path) -> None:
    before = tiny.get("/api/plan", params=START).json()
    assert "py-basics" in ids(before)
    answer = tiny.get("/api/plan", params={**START, "done": "Python Basics"}).json()
    assert "py-basics" not in ids(answer)
    assert answer["start"]["done"] == ["py-basics"]
    page = tiny.get("/plan", params={**START, "done": "Python Basics"})
    assert page.status_code == 200
    assert "py-basics" not in plan_ids(page.text)
    assert 'value="Python Basics"' in page.text  # the form keeps it, under its label
    assert '<label for="done">' in page.text and 'list="course-titles"' in page.text
    assert '<option value="Python Basics">' in page.text  # autocomplete over course titles


def test_done_carries_to_gap_and_next(tiny: TestClient) -> None:
    gap = tiny.get("/api/gap", params={**START, "done": "py-basics"}).json()
    assert "python" in gap["have"]
    html = tiny.get("/next", params={"from": "analyst", "done": "py-basics"}).text
    plans = [unescape(h) for h in re.findall(r'href="(/plan\?[^"]+)"', html)]
    assert plans and all("done=py-basics" in href for href in plans)  # rows keep the start


def test_an_unknown_done_course_says_did_you_mean(tiny: TestClient) -> None:
    page = tiny.get("/plan", params={**START, "done": "Pyhton Basics"})
    assert page.status_code == 404
    assert "did you mean 'Python Basics'" in text_of(page.text)


# ---- a CV or job ad ----------------------------------------------------------------------


def test_cv_text_gives_the_plan_of_from_text(tiny: TestClient, store: Path, tmp_path: Path) -> None:
    cv = tmp_path / "cv.txt"
    cv.write_text(CV, encoding="utf-8")
    expected = cli_json(store, "path", "analyst", "ml-ops", "--from-text", str(cv))
    skills = cli_json(store, "skills", str(cv))["skills"]
    assert skills  # the text names skills the tiny data knows
    page = post(tiny, "/plan", {**START, "text": CV})
    assert page.status_code == 200
    assert plan_ids(page.text) == ids(expected)
    seen = text_of(page.text)
    assert "Skills found in your text" in seen
    # the words the matcher found, where, and the skill they count as
    assert "“containers” (line 2) → Containerisation with Docker" in seen
    # The shareable link carries the skills found, never the text.
    link = shared_link(page.text, "a link to this answer")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert sorted(query["have"][0].split(", ")) == skills
    assert "containers" not in link and "reporting" not in link
    assert "reporting" not in page.text  # the text is not echoed back into the page
    shared = tiny.get("/api" + link).json()
    assert ids(shared) == ids(expected) and shared["totals"] == expected["totals"]


def test_a_hit_across_a_line_break_is_listed_once_on_one_line(tiny: TestClient) -> None:
    text = "I put a model\ndeployment in production, and one more model deployment.\n"
    page = post(tiny, "/plan", {**START, "text": text})
    assert page.status_code == 200
    seen = text_of(page.text)
    assert "“model deployment” (lines 1, 2) → Model deployment" in seen
    assert seen.count("→ Model deployment") == 1


def test_cv_text_fills_the_skills_field_and_keeps_what_was_typed(tiny: TestClient) -> None:
    page = post(tiny, "/gap", {**START, "have": "statistics", "text": CV})
    assert page.status_code == 200
    have = re.search(r'id="have" name="have" value="([^"]*)"', page.text)
    assert have and have[1].split(", ")[0] == "statistics" and "docker" in have[1]


def test_a_post_with_neither_text_nor_file_goes_to_the_shareable_url(tiny: TestClient) -> None:
    moved = tiny.post(
        "/plan",
        data={**START, "by": "hours", "text": "  "},
        files={"profile": ("", b"")},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    target = moved.headers["location"]
    assert target.startswith("/plan?") and "by=hours" in target and "text" not in target
    assert tiny.get(target).status_code == 200


def test_a_post_that_is_not_a_form_is_a_400(tiny: TestClient) -> None:
    page = tiny.post("/plan", json=START)
    assert page.status_code == 400
    assert "a form is posted as multipart/form-data, not 'application/json'" in text_of(page.text)


def test_a_body_over_the_cap_is_refused(tiny: TestClient) -> None:
    page = post(tiny, "/plan", {**START, "text": "x" * (MAX_QUERY_BYTES + 1)})
    assert page.status_code == 413


# ---- a profile file ----------------------------------------------------------------------


def test_a_good_profile_gives_the_plan_of_the_profile_option(
    tiny: TestClient, store: Path, tmp_path: Path
) -> None:
    file = tmp_path / "me.yaml"
    file.write_text(PROFILE, encoding="utf-8")
    expected = cli_json(store, "path", "analyst", "ml-ops", "--profile", str(file))
    page = post(tiny, "/plan", START, profile=("me.yaml", PROFILE.encode()))
    assert page.status_code == 200, text_of(page.text)
    assert plan_ids(page.text) == ids(expected) == ["deploy-course", "ml-intro"]
    assert "Read the profile me.yaml" in text_of(page.text)
    # The profile fills the form's fields ...
    for field, value in [("hours_per_week", "5"), ("max_hours", "30"), ("done", "py-basics")]:
        assert re.search(rf'id="{field}" name="{field}"[^>]* value="{value}"', page.text), field
    assert re.search(r'id="have" name="have" value="docker"', page.text)
    # ... and the link to the answer is those fields as query parameters.
    link = shared_link(page.text, "a link to this answer")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["done"] == ["py-basics"] and query["hours_per_week"] == ["5"]
    shared = tiny.get("/api" + link).json()
    assert ids(shared) == ids(expected)
    assert (shared["totals"], shared["hours_per_week"]) == (expected["totals"], 5)


def test_a_field_overrides_the_profile(tiny: TestClient) -> None:
    page = post(
        tiny, "/plan", {**START, "hours_per_week": "20"}, profile=("me.yaml", PROFILE.encode())
    )
    assert page.status_code == 200
    assert re.search(r'id="hours_per_week" name="hours_per_week"[^>]* value="20"', page.text)
    assert "At 20 hours a week" in text_of(page.text)


def test_a_bad_profile_lists_every_problem_with_its_line(tiny: TestClient) -> None:
    page = post(tiny, "/plan", START, profile=("bad.yaml", BAD_PROFILE.encode()))
    assert page.status_code == 400
    seen = text_of(page.text)
    assert "Error: 6 problems in the profile:" in seen
    for line, field in BAD_PROFILE_PROBLEMS:
        assert f"bad.yaml:{line}: {field}: " in seen, field
    assert 'value="analyst"' in page.text and 'value="ml-ops"' in page.text  # the form kept
    assert "/tmp" not in seen  # the message names the upload, not a file of the server


def test_a_profile_that_is_not_utf8_or_yaml_is_a_400(tiny: TestClient) -> None:
    for content in (b"have: [caf\xe9]\n", b"have: [python\n"):
        page = post(tiny, "/next", {"from": "analyst"}, profile=("me.yaml", content))
        assert page.status_code == 400
        assert "me.yaml" in text_of(page.text)


def test_the_forms_post_and_label_every_new_control(tiny: TestClient) -> None:
    for path in ("/plan", "/gap", "/next"):
        html = tiny.get(path).text
        form = re.search(r'<form class="plan-form"[^>]*>', html)
        assert form and 'method="post"' in form[0] and "multipart/form-data" in form[0], path
        for control in ("done", "text", "profile"):
            assert f'<label for="{control}">' in html and f'id="{control}"' in html, path
