"""The web explorer in a real browser: Playwright driving the system Chromium.

``genai-kg serve`` runs as a process on 127.0.0.1 (bundled data); each flow is done as a
person would (labels, button names, link text). In every flow: no console error, no failed
request, and no request to any host but the server. Screenshots of the plan and a role page
go to a temporary folder the test prints; with GENAI_KG_README_SHOT=1 the plan's also goes to
docs/plan-page.png (the README's picture), so a test run leaves the work tree as it was.

Playwright's own browser download is not reachable here, so Chromium is Debian's
(``apt-get install chromium``); without Playwright or Chromium the tests skip and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from servehelp import Server, start_server, stop_server

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "no Chromium on PATH (apt-get install chromium); Playwright's own download is not used",
        allow_module_level=True,
    )

PLAN = {"from": "Data Analyst", "to": "MLOps Engineer"}
README_SHOT = REPO / "docs" / "plan-page.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve-browser"), "--quiet", data=None)
    yield running
    stop_server(running.process)


@pytest.fixture(scope="module")
def base(server: Server) -> str:
    return server.url.removesuffix("sparql")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots of the explorer: {folder}")
    return folder


class Watched:
    """A page whose console errors, failed requests and requests to other hosts are kept."""

    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.host = urllib.parse.urlsplit(base).hostname
        assert self.host == "127.0.0.1"
        self.problems: list[str] = []
        self.refused: set[str] = set()  # documents answered 4xx on purpose
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("request", self._request)
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        # Chromium logs a document's own 4xx (a misspelt role's page) as a console error.
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") in self.refused
        ):
            return
        self.problems.append(f"console: {message.text} at {message.location.get('url')}")

    def _request(self, request: Any) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if host != self.host:
            self.problems.append(f"request to another host: {request.url}")

    def _response(self, response: Any) -> None:
        # A page may answer 404 on purpose (a misspelt role); what it loads may not fail.
        if response.status < 400:
            return
        if response.request.resource_type == "document":
            self.refused.add(response.url)
        else:
            self.problems.append(f"{response.status}: {response.url}")

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


@pytest.fixture
def watched(browser: Any, base: str) -> Iterator[Watched]:
    page = Watched(browser, base)
    yield page
    page.close()


def api(base: str, path: str, params: dict[str, str]) -> Any:
    url = f"{base}{path.lstrip('/')}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def ask_for_a_plan(page: Any, base: str, start: str, goal: str) -> None:
    page.goto(base)
    page.get_by_label("Where are you now?").fill(start)
    page.get_by_label("Where do you want to go?").fill(goal)
    page.get_by_role("button", name="Show the plan").click()
    page.wait_for_load_state()


def assert_courses_in_order(page: Any, titles: list[str]) -> None:
    plan = page.get_by_role("region", name="The plan")
    tops = []
    for title in titles:
        link = plan.get_by_role("link", name=title, exact=True).first
        assert link.is_visible(), title
        tops.append(link.bounding_box()["y"])
    assert tops == sorted(tops), "the courses in the plan's order"


def test_plan_shows_the_courses_of_the_api(watched: Watched, base: str, shots: Path) -> None:
    page = watched.page
    ask_for_a_plan(page, base, "Data Analyst", "MLOps Engineer")
    expected = [course["title"] for course in api(base, "/api/plan", PLAN)["courses"]]
    assert expected
    assert_courses_in_order(page, expected)
    assert page.get_by_text("Optimal: no plan with fewer courses exists.").is_visible()
    assert page.get_by_role("heading", name="The skill gap").is_visible()
    assert page.get_by_role("heading", name="Pay").is_visible()
    page.screenshot(path=str(shots / "plan.png"), full_page=True)
    if os.environ.get("GENAI_KG_README_SHOT"):  # refresh the README's picture on request only
        README_SHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(README_SHOT), full_page=True)


def test_plan_by_hours(watched: Watched, base: str) -> None:
    page = watched.page
    ask_for_a_plan(page, base, "Data Analyst", "MLOps Engineer")
    page.get_by_label("Fewest").select_option("hours")
    page.get_by_role("button", name="Show the plan").click()
    page.wait_for_load_state()
    assert "by=hours" in page.url  # a plan is a shareable URL
    assert page.get_by_text("Optimal: no plan with fewer hours exists.").is_visible()
    expected = api(base, "/api/plan", {**PLAN, "by": "hours"})["courses"]
    assert_courses_in_order(page, [course["title"] for course in expected])


CV = (
    "Data analyst: dashboards in SQL and Tableau, reports in Excel.\n"
    "Wrote Python scripts and shipped them in Docker containers.\n"
)


def shared_params(page: Any) -> dict[str, str]:
    """The query of the page's link to its answer (what a learner would send someone)."""
    href = page.get_by_role("link", name="a link to this answer").first.get_attribute("href")
    query = urllib.parse.urlsplit(href).query
    return dict(urllib.parse.parse_qsl(query))


def test_cv_text_gives_the_plan_with_the_skills_found(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base)
    page.get_by_label("Where are you now?").fill("Data Analyst")
    page.get_by_label("Where do you want to go?").fill("MLOps Engineer")
    page.get_by_text("Start from your CV, a job ad or a profile file").click()
    page.get_by_label("Your CV or a job ad").fill(CV)
    page.get_by_role("button", name="Show the plan").click()
    page.wait_for_load_state()
    assert "Python" not in page.url and "dashboards" not in page.url  # the text was posted
    found = page.get_by_role("region", name="Skills found in your text")
    for skill in ("SQL", "Python", "Containerization", "Data visualization"):
        assert found.get_by_role("link", name=skill, exact=True).first.is_visible(), skill
    sync_api.expect(found).to_contain_text("“dashboards” (line 1)")
    shared = shared_params(page)
    assert set(shared["have"].split(", ")) == {"containerization", "data-visualization",
                                               "python", "sql"}  # fmt: skip
    expected = api(base, "/api/plan", shared)["courses"]
    assert_courses_in_order(page, [course["title"] for course in expected])
    assert "python" in page.get_by_label("Skills you already have").input_value()


def test_profile_file_fills_the_form_and_gives_its_plan(
    watched: Watched, base: str, tmp_path: Path
) -> None:
    profile = tmp_path / "me.yaml"
    profile.write_text("have: [python]\nhours_per_week: 6\nfree: true\n", encoding="utf-8")
    page = watched.page
    page.goto(base)
    page.get_by_label("Where are you now?").fill("Data Analyst")
    page.get_by_label("Where do you want to go?").fill("MLOps Engineer")
    page.get_by_text("Start from your CV, a job ad or a profile file").click()
    page.get_by_label("A learner profile file").set_input_files(str(profile))
    page.get_by_role("button", name="Show the plan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Read the profile me.yaml").is_visible()
    assert page.get_by_label("hours per week").input_value() == "6"
    assert page.get_by_label("Free courses only").is_checked()
    expected = api(base, "/api/plan", shared_params(page))
    assert expected["hours_per_week"] == 6
    assert_courses_in_order(page, [course["title"] for course in expected["courses"]])


def test_course_and_role_links(watched: Watched, base: str, shots: Path) -> None:
    page = watched.page
    ask_for_a_plan(page, base, "Data Analyst", "MLOps Engineer")
    first = api(base, "/api/plan", PLAN)["courses"][0]
    page.get_by_role("region", name="The plan").get_by_role(
        "link", name=first["title"], exact=True
    ).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/course/{first['id']}")
    assert first["title"] in page.get_by_role("heading", level=1).inner_text()

    page.go_back()
    page.get_by_role("link", name="MLOps Engineer", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/role/mlops-engineer")
    assert "MLOps Engineer" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="genai-careers-2026").first.is_visible()
    page.screenshot(path=str(shots / "role.png"), full_page=True)


def test_misspelt_role_says_did_you_mean(watched: Watched, base: str) -> None:
    page = watched.page
    ask_for_a_plan(page, base, "Data Analystt", "MLOps Engineer")
    alert = page.get_by_role("alert")
    assert "did you mean 'Data Analyst'" in alert.inner_text()
    assert page.get_by_label("Where are you now?").input_value() == "Data Analystt"


def test_phone_width_has_no_sideways_scroll(browser: Any, base: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{base}plan?{urllib.parse.urlencode(PLAN)}")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 391)
                .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    finally:
        context.close()


def test_graph_view_draws_the_neighbourhood(watched: Watched, base: str, shots: Path) -> None:
    page = watched.page
    page.goto(f"{base}role/mlops-engineer")
    page.get_by_role("link", name="Graph view").click()
    page.wait_for_load_state()
    status = page.get_by_role("status")
    sync_api.expect(status).to_contain_text("drawn", timeout=15_000)
    graph = api(base, "/api/graph/role/mlops-engineer", {})
    assert f"{len(graph['nodes'])} nodes and {len(graph['edges'])} links drawn" in (
        status.inner_text()
    )
    assert len(graph["nodes"]) > 10
    assert page.locator("#graph canvas").count() > 0  # Cytoscape drew on its canvas
    page.screenshot(path=str(shots / "graph.png"), full_page=True)


CONTROLS = ["search-q", "from", "to", "by", "have", "done", "provider", "max_level",
            "free", "with_optional", "alternatives"]  # fmt: skip


def test_keyboard_reaches_every_control(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(f"{base}plan?{urllib.parse.urlencode(PLAN)}")
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || (e.tagName + ':' + e.textContent.trim()); }"
            )
        )
    missing = [control for control in CONTROLS if control not in reached]
    assert missing == []
    assert "BUTTON:Show the plan" in reached and "BUTTON:Search" in reached
    assert reached.index("from") < reached.index("to") < reached.index("BUTTON:Show the plan")


# Every visible form control of the page, by id (or tag:text for a button without one).
CONTROLS_OF_PAGE = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter(e => e.type !== 'hidden' && !e.disabled && e.offsetParent !== null)
  .map(e => e.id || (e.tagName + ':' + e.textContent.trim()))"""
FOCUSABLE_COUNT = """() => document.querySelectorAll(
  'a[href], input:not([type=hidden]), select, textarea, button').length"""


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"plan?{urllib.parse.urlencode(PLAN)}&hours_per_week=8", id="plan"),
        pytest.param("gap?from=Data+Analyst&to=MLOps+Engineer", id="gap"),
        pytest.param("next?from=Data+Analyst", id="next"),
        pytest.param("query?name=role-skills", id="query"),
        pytest.param("role/mlops-engineer", id="role"),
        pytest.param("search?q=python", id="search"),
    ],
)
def test_keyboard_reaches_every_control_of_every_page(
    watched: Watched, base: str, path: str
) -> None:
    """Tab, from the top, reaches each form control the page shows (none is mouse-only)."""
    page = watched.page
    page.goto(base + path)
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()  # a disclosure a person opens ("Start from your CV ..."): walk it too
    controls = page.evaluate(CONTROLS_OF_PAGE)
    assert controls, "the page has controls"
    reached: set[str] = set()
    for _ in range(page.evaluate(FOCUSABLE_COUNT) + 5):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.id || (e.tagName + ':' + e.textContent.trim()); }"
        ))  # fmt: skip
    assert [control for control in controls if control not in reached] == []


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("", id="home"),
        pytest.param(f"plan?{urllib.parse.urlencode(PLAN)}", id="plan"),
        pytest.param("plan?from=Data+Analystt&to=MLOps+Engineer", id="misspelt"),
        pytest.param("next?from=Data+Analyst", id="next"),
        pytest.param("role/mlops-engineer", id="role"),
        pytest.param("course/mlops-zoomcamp", id="course"),
        pytest.param("graph/role/mlops-engineer", id="graph"),
        pytest.param("search?q=python", id="search"),
        pytest.param("query?name=role-skills", id="query"),
    ],
)
def test_no_serious_accessibility_violation(browser: Any, base: str, path: str) -> None:
    # axe is injected as a script of the test, so this context alone may bypass the CSP.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(base + path)
        assert serious_violations(page) == []
    finally:
        context.close()


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run()).violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violation_in_an_answer_to_a_cv(browser: Any, base: str) -> None:
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{base}gap?{urllib.parse.urlencode(PLAN)}")
        page.get_by_text("Start from your CV, a job ad or a profile file").click()
        page.get_by_label("Your CV or a job ad").fill(CV)
        page.get_by_role("button", name="Show the gap").click()
        page.wait_for_load_state()
        assert page.get_by_role("region", name="Skills found in your text").is_visible()
        assert serious_violations(page) == []
    finally:
        context.close()


def test_named_query_runs_and_downloads_csv(watched: Watched, base: str) -> None:
    page = watched.page
    page.goto(base)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="SPARQL").click()
    page.get_by_label("Named query", exact=True).select_option("role-skills")
    page.get_by_role("button", name="Run the named query").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="Automation", exact=True).first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "role,importance,skill_id,skill_name,category"
    assert "Automation" in text
