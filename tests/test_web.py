"""The web explorer's pages and JSON API, through Starlette's TestClient (no server process).

The pages are views of the objects ``--format json`` prints, so the checks compare them with
the CLI's JSON; HTML is read for what a visitor sees (text, links), not its exact markup.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from typer.testing import CliRunner

from conftest import TINY
from genai_kg.cli import app as cli_app
from genai_kg.paths import bundled
from genai_kg.web.explorer import Explorer
from genai_kg.web.pages import page_routes

PLAN = {"from": "Data Analyst", "to": "MLOps Engineer"}


def client_for(data: Path, store: Path) -> TestClient:
    return TestClient(Starlette(routes=page_routes(Explorer(data, store))))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-store")


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    with client_for(bundled("data"), store) as running:
        yield running


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(TINY, tmp_path_factory.mktemp("web-tiny-store")) as running:
        yield running


def cli_json(store: Path, *args: str, data: Path | None = None) -> Any:
    extra = ["--data", str(data)] if data else []
    result = CliRunner().invoke(cli_app, [*args, "--format", "json", "--store", str(store), *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def text_of(html: str) -> str:
    """What a visitor reads: the page without tags, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def test_api_plan_is_the_cli_json(client: TestClient, store: Path) -> None:
    response = client.get("/api/plan", params=PLAN)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == cli_json(store, "path", "Data Analyst", "MLOps Engineer")


@pytest.mark.parametrize(
    ("url", "params", "command"),
    [
        pytest.param("/api/gap", PLAN, ["gap", "Data Analyst", "MLOps Engineer"], id="gap"),
        pytest.param("/api/next", {"from": "Data Analyst"}, ["next", "Data Analyst"], id="next"),
        pytest.param(
            "/api/plan",
            {**PLAN, "by": "hours", "free": "1", "have": "python"},
            [
                "path",
                "Data Analyst",
                "MLOps Engineer",
                "--by",
                "hours",
                "--free",
                "--have",
                "python",
            ],
            id="plan-options",
        ),  # fmt: skip
        pytest.param("/api/show", {"name": "python"}, ["show", "python"], id="show"),
    ],
)
def test_api_answers_are_the_cli_json(
    client: TestClient, store: Path, url: str, params: dict[str, str], command: list[str]
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(store, *command)


@pytest.mark.parametrize(
    ("url", "params", "status", "says"),
    [
        pytest.param(
            "/api/plan",
            {"from": "Data Analyst", "to": "MLOps Enginer"},
            404,
            "did you mean 'MLOps Engineer'",
            id="misspelt-role",
        ),  # fmt: skip
        pytest.param("/api/plan", {"from": "Data Analyst"}, 400, "'to' is missing", id="no-goal"),
        pytest.param("/api/plan", {**PLAN, "by": "fun"}, 400, "by must be one of", id="bad-by"),
        pytest.param("/api/plan", {**PLAN, "max_level": "x"}, 400, "max_level", id="bad-level"),
        pytest.param(
            "/api/plan", {**PLAN, "alternatives": "many"}, 400, "must be a number", id="bad-number"
        ),  # fmt: skip
        pytest.param("/api/show", {}, 400, "'name' is missing", id="show-no-name"),
        pytest.param("/api/show", {"name": "pythn"}, 404, "did you mean", id="show-misspelt"),
        pytest.param("/api/next", {"from": "nobody"}, 404, "no role is called", id="next-unknown"),
    ],
)
def test_api_errors_are_json_with_a_message(
    client: TestClient, url: str, params: dict[str, str], status: int, says: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status
    assert says in response.json()["error"]


def test_plan_page_shows_the_plan_of_the_api(client: TestClient) -> None:
    answer = client.get("/api/plan", params=PLAN).json()
    response = client.get("/plan", params=PLAN)
    assert response.status_code == 200
    html = response.text
    seen = text_of(html)
    # Each course's own row links to its page; a later course's title may appear earlier too
    # ("needed for MLOps Zoomcamp"), so the order is read from the row links.
    positions = [html.index(f'href="/course/{c["id"]}"') for c in answer["courses"]]
    assert positions == sorted(positions), "courses in the plan's order"
    for course in answer["courses"]:
        assert course["title"] in seen
    for course in answer["courses"]:
        assert f"/course/{course['id']}" in links(html)
    assert "Optimal: no plan with fewer courses exists." in seen
    assert f"total: {answer['totals']['courses']} courses" in seen
    # beside the plan: the gap and the goal's pay, each figure with its source
    for skill in answer["gap"]:
        assert f"/skill/{skill}" in links(html)
    assert "/source/genai-careers-2026" in links(html)
    assert "$100,000 – $220,000" in seen


def test_plan_page_downloads_json_and_mermaid(client: TestClient) -> None:
    html = client.get("/plan", params=PLAN).text
    hrefs = links(html)
    json_link = next(href for href in hrefs if href.startswith("/plan.json?"))
    mermaid_link = next(href for href in hrefs if href.startswith("/plan.mmd?"))
    download = client.get(json_link)
    assert "attachment" in download.headers["content-disposition"]
    assert download.json() == client.get("/api/plan", params=PLAN).json()
    mermaid = client.get(mermaid_link)
    assert mermaid.status_code == 200
    assert mermaid.text.startswith("flowchart LR")
    assert "MLOps Engineer" in mermaid.text


def test_plan_by_hours_says_hours(client: TestClient) -> None:
    seen = text_of(client.get("/plan", params={**PLAN, "by": "hours"}).text)
    assert "no plan with fewer hours exists" in seen
    assert re.search(r'<option value="hours" selected>', client.get(
        "/plan", params={**PLAN, "by": "hours"}).text)  # fmt: skip


def test_unknown_hours_and_cost_show_as_unknown_never_zero(tiny: TestClient) -> None:
    params = {"from": "analyst", "to": "prompter"}
    answer = tiny.get("/api/plan", params=params).json()
    assert [course["hours"] for course in answer["courses"]] == [None]
    seen = text_of(tiny.get("/plan", params=params).text)
    assert "Prompting 101 beginner LearnHub unknown unknown unknown Prompt design" in seen
    assert "total: 1 course unknown (for 1 course) unknown (for 1 course)" in seen
    plan = seen[seen.index("Prompting 101") : seen.index("Download this plan")]
    assert " 0 h" not in plan and "$0" not in plan and "0 weeks" not in plan


def test_misspelt_role_gets_did_you_mean_in_the_page(client: TestClient) -> None:
    response = client.get("/plan", params={"from": "Data Analystt", "to": "MLOps Engineer"})
    assert response.status_code == 404
    seen = text_of(response.text)
    assert "no role is called 'Data Analystt' (did you mean 'Data Analyst'" in seen
    assert 'value="Data Analystt"' in response.text  # the form keeps what was typed


def test_home_is_the_plan_form_with_labelled_fields(client: TestClient) -> None:
    html = client.get("/").text
    for field in ("from", "to", "by", "have", "provider", "max_level", "free"):
        assert re.search(rf'<label for="{field}">', html), field
        assert re.search(rf'id="{field}"', html), field
    assert '<option value="MLOps Engineer">' in html  # autocomplete over names and aliases


def test_gap_page(client: TestClient) -> None:
    gap = client.get("/api/gap", params=PLAN).json()
    html = client.get("/gap", params=PLAN).text
    seen = text_of(html)
    assert f"{len(gap['have'])} of the goal's skills held, {len(gap['missing'])} missing" in seen
    assert {f"/skill/{skill}" for skill in gap["missing"]} <= set(links(html))


def test_next_rows_link_to_their_plan(client: TestClient) -> None:
    answer = client.get("/api/next", params={"from": "Data Analyst"}).json()
    html = client.get("/next", params={"from": "Data Analyst"}).text
    plans = [href for href in links(html) if href.startswith("/plan?")]
    goals = [re.search(r"to=([^&]+)", href)[1] for href in plans]  # type: ignore[index]
    assert goals == [row["role"] for row in answer["roles"]]
    first = client.get(plans[0])
    assert first.status_code == 200
    assert answer["roles"][0]["name"] in text_of(first.text)


@pytest.mark.parametrize(
    ("url", "label"),
    [
        pytest.param("/role/mlops-engineer", "MLOps Engineer", id="role"),
        pytest.param("/skill/python", "Python", id="skill"),
        pytest.param("/tool/docker", "Docker", id="tool"),
        pytest.param("/source/genai-careers-2026", "", id="source"),
    ],
)
def test_entity_pages_show_values_and_links_both_ways(
    client: TestClient, url: str, label: str
) -> None:
    name = url.rsplit("/", 1)[1]
    shown = client.get("/api/show", params={"name": name}).json()
    response = client.get(url)
    assert response.status_code == 200
    seen, hrefs = text_of(response.text), links(response.text)
    assert shown["label"] in seen and label in seen
    for key in shown["values"]:
        assert key in seen
    for groups in (shown["links"], shown["linked_from"]):
        for relation, targets in groups.items():
            assert relation in seen
            for text in targets:
                kind, entity_id = text.rsplit("(", 1)[1].rstrip(")").split(":", 1)
                if kind in ("role", "skill", "course", "provider", "tool", "source"):
                    assert f"/{kind}/{entity_id}" in hrefs, text


def test_course_and_provider_pages(client: TestClient) -> None:
    course = client.get("/api/plan", params=PLAN).json()["courses"][0]
    page = client.get(f"/course/{course['id']}")
    assert page.status_code == 200
    assert course["title"] in text_of(page.text)
    assert f"/provider/{course['platform']}" in links(page.text)
    provider = client.get(f"/provider/{course['platform']}")
    assert provider.status_code == 200
    assert f"/course/{course['id']}" in links(provider.text)  # linked from: both ways


def test_course_page_shows_money_as_show_does(tiny_copy: Path, tmp_path: Path) -> None:
    courses = tiny_copy / "courses.yaml"
    text = courses.read_text(encoding="utf-8")
    courses.write_text(text.replace("USD, note: per month}", "USD, per: month}"))
    with client_for(tiny_copy, tmp_path / "store") as running:
        rows = {
            course: text_of(running.get(f"/course/{course}").text)
            for course in ("py-basics", "dl-course", "ml-intro")
        }
    assert "hours 10 h rating 4.5 cost free" in rows["py-basics"]
    assert "hours 30 h cost $49" in rows["dl-course"]
    assert "hours 20 h cost $49 a month" in rows["ml-intro"]
    for seen in rows.values():
        assert "currency" not in seen and ".0 " not in seen and " per " not in seen


def test_entity_by_name_redirects_and_unknown_is_404(client: TestClient) -> None:
    moved = client.get("/role/MLOps Engineer", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "/role/mlops-engineer"
    missing = client.get("/skill/pythn")
    assert missing.status_code == 404
    assert "did you mean 'Python'" in text_of(missing.text)


def test_search_finds_names_and_aliases(client: TestClient) -> None:
    html = client.get("/search", params={"q": "machine learning operations"}).text
    assert "/role/mlops-engineer" in links(html)
    assert "matched “machine learning operations engineer”" in text_of(html)
    assert "Nothing is called" in text_of(client.get("/search", params={"q": "zzzz"}).text)


def test_pages_carry_a_csp_without_inline_scripts(client: TestClient) -> None:
    for url in ("/", "/plan?from=Data+Analyst&to=MLOps+Engineer", "/role/mlops-engineer"):
        response = client.get(url)
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "<script" not in response.text  # no inline script (and no script at all yet)
        loaded = re.findall(r'<(?:link|img|script)[^>]+(?:href|src)="([^"]*)"', response.text)
        assert loaded and all(url.startswith("/") for url in loaded), loaded


def test_static_assets_are_served_by_the_package(client: TestClient) -> None:
    css = client.get("/static/site.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    html = client.get("/").text
    assets = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert assets and all(asset.startswith("/static/") for asset in assets)


def test_names_with_markup_and_quotes_render_as_text(tmp_path: Path) -> None:
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    evil_role = "Analyst <script>alert('role')</script> \"quoted\""
    evil_skill = "Py<img src=x onerror=alert(1)>thon & 'friends'"
    roles = (data / "roles.yaml").read_text(encoding="utf-8")
    (data / "roles.yaml").write_text(
        roles.replace("  name: Analyst\n", f"  name: {json.dumps(evil_role)}\n", 1),
        encoding="utf-8",
    )
    skills = (data / "skills.yaml").read_text(encoding="utf-8")
    (data / "skills.yaml").write_text(
        skills.replace("  name: Python\n", f"  name: {json.dumps(evil_skill)}\n", 1),
        encoding="utf-8",
    )
    courses = (data / "courses.yaml").read_text(encoding="utf-8")
    (data / "courses.yaml").write_text(
        courses.replace("title: Python Basics", 'title: "Basics</td><script>x()</script>"'),
        encoding="utf-8",
    )
    with client_for(data, tmp_path / "store") as evil:
        pages = [
            evil.get("/plan", params={"from": "analyst", "to": "ml-ops"}),
            evil.get("/role/analyst"),
            evil.get("/skill/python"),
            evil.get("/next", params={"from": "analyst"}),
            evil.get("/search", params={"q": "<script>"}),
            evil.get("/plan", params={"from": "<script>alert(1)</script>", "to": "ml-ops"}),
            evil.post(  # a profile file naming markup
                "/plan",
                data={"from": "analyst", "to": "ml-ops"},
                files={"profile": ("<script>.yaml", b"done: ['<script>z()</script>']\n")},
            ),
            evil.post(  # a CV whose words are the skill's name
                "/plan",
                data={"from": "analyst", "to": "ml-ops", "text": f"I know {evil_skill}."},
                files={"profile": ("", b"")},
            ),
        ]
    for page in pages:
        assert "<script" not in page.text.lower()
        assert "<img" not in page.text.lower()
    assert evil_role in text_of(pages[0].text)
    assert evil_skill in text_of(pages[0].text)
    assert "Basics</td><script>x()</script>" in text_of(pages[0].text)
    assert "&lt;script&gt;alert(&#39;role&#39;)&lt;/script&gt; &#34;quoted&#34;" in pages[1].text
    assert pages[5].status_code == 404
    assert "no role is called '<script>alert(1)</script>'" in text_of(pages[5].text)
    assert pages[6].status_code == 400
    assert "no course is called '<script>z()</script>'" in text_of(pages[6].text)
    found = text_of(pages[7].text)
    assert f"Skills found in your text “{evil_skill}” (line 1) → {evil_skill}" in found


def test_path_does_not_import_the_web_stack(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from genai_kg.cli import app\n"
        f"sys.argv = ['genai-kg', 'path', 'analyst', 'ml-ops', '--data', {str(TINY)!r},"
        f" '--store', {str(tmp_path)!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'starlette', 'jinja2', 'uvicorn'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_graph_api_is_the_capped_neighbourhood(client: TestClient) -> None:
    graph = client.get("/api/graph/role/mlops-engineer").json()
    ids = [node["id"] for node in graph["nodes"]]
    assert ids[0] == "role:mlops-engineer" and graph["nodes"][0]["centre"]
    assert len(ids) == min(graph["total"], graph["cap"]) and len(ids) == len(set(ids))
    assert all(edge["source"] in ids and edge["target"] in ids for edge in graph["edges"])
    role = client.get("/api/show", params={"name": "mlops-engineer"}).json()
    essential = {text.rsplit("(", 1)[1].rstrip(")") for text in role["links"]["essential skill"]}
    assert essential <= set(ids)  # one link away comes first
    assert client.get("/api/graph/planet/earth").status_code == 404
    assert "did you mean" in client.get("/api/graph/skill/pythn").json()["error"]


def test_graph_page_loads_its_scripts_from_the_package(client: TestClient) -> None:
    response = client.get("/graph/skill/python")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "script-src 'self' 'unsafe" not in policy
    scripts = re.findall(r'<script src="([^"]+)"></script>', response.text)
    assert scripts == ["/static/vendor/cytoscape/cytoscape.min.js", "/static/graph.js"]
    assert all(client.get(script).status_code == 200 for script in scripts)
    assert re.search(r"<script>", response.text) is None


def test_kept_answers_follow_the_data(tmp_path: Path) -> None:
    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    explorer = Explorer(data, tmp_path / "store")
    params = {"from": "analyst", "to": "prompter"}
    first = explorer.plan(params)
    first["courses"].clear()  # a caller changing its copy changes no later answer
    assert explorer.plan(params)["courses"][0]["hours"] is None
    courses = (data / "courses.yaml").read_text(encoding="utf-8")
    (data / "courses.yaml").write_text(
        courses.replace("  title: Prompting 101\n", "  title: Prompting 101\n  hours: 3\n"),
        encoding="utf-8",
    )
    assert explorer.plan(params)["courses"][0]["hours"] == 3


def test_plan_page_shows_pace_enables_and_untaught_when_the_planner_gives_them(
    tmp_path: Path,
) -> None:
    """The keys of the planner with pace and partial plans light up; absent, nothing shows."""
    from genai_kg.web.pages import _environment

    explorer = Explorer(TINY, tmp_path / "store")
    answer = explorer.plan({"from": "analyst", "to": "ml-ops"})
    first, second = answer["courses"]
    first |= {"weeks": {"start": 0, "end": 1, "at_least": False}, "enables": [second["id"]]}
    second |= {"weeks": None, "enables": []}
    answer |= {"untaught": ["deep-learning"], "hours_per_week": 10, "left_out_because": "hours"}
    answer["totals"] |= {"weeks": None, "weeks_known": 1, "unknown_hours": 1}
    catalog = explorer.catalog()
    html = (
        _environment()
        .get_template("plan.html")
        .render(
            roles=list(catalog.roles.values()),
            providers=list(catalog.providers.items()),
            provider_names=catalog.providers,
            skill_names=catalog.skills,
            role_names={rid: role.name for rid, role in catalog.roles.items()},
            course_titles={cid: course.title for cid, course in catalog.courses.items()},
            later_options=[],
            form={"from": "analyst", "to": "ml-ops", "provider": []},
            answer=answer,
            gap=explorer.gap({"from": "analyst", "to": "ml-ops"}),
            salaries={},
            chart=None,
            query="",
            proof="",
        )
    )
    seen = text_of(html)
    assert "weeks 0–1" in seen and "unknown" in seen
    assert f"(needed for {second['title']})" in seen
    assert "A partial plan: no usable course teaches Deep learning" in seen
    assert "At 10 hours a week: at least 1 week (unknown for 1 course)" in seen
