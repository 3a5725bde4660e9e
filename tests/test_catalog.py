"""The bundled catalog is one a planner can work with: coverage targets and real transitions.

The targets (issue 11): hours known for at least 85% of courses and cost for 90%; every
intermediate or advanced course records its prerequisites or says the page states none;
every essential skill of every role taught by at least 3 courses, and each GenAI role's own
core skill too; from Data Analyst, Software Engineer and Business Analyst to the ten GenAI
roles (30 questions), `--by hours` and `--by cost` each answer at least 28.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from genai_kg.dataset.coverage import catalog_coverage
from genai_kg.dataset.models import Dataset, Level
from genai_kg.errors import NoPlanError
from genai_kg.graph.build import build_dataset
from genai_kg.paths import bundled
from genai_kg.plan.advise import Request, plan_between
from genai_kg.plan.catalog import Catalog, catalog_from_dataset
from genai_kg.plan.problem import Measure

STARTS = ("data-analyst", "software-engineer", "business-analyst")
GENAI_ROLES = (
    "prompt-engineer",
    "generative-ai-engineer",
    "ai-product-manager",
    "data-scientist",
    "nlp-specialist",
    "mlops-engineer",
    "responsible-ai-specialist",
    "ai-content-creator",
    "ai-creative-director",
    "ai-consultant",
)
#: The skill each GenAI role is about, as the article describes the role.
CORE_SKILLS = {
    "prompt-engineer": "prompt-engineering",
    "generative-ai-engineer": "llm-application-development",
    "ai-product-manager": "product-management",
    "data-scientist": "machine-learning",
    "nlp-specialist": "natural-language-processing",
    "mlops-engineer": "ml-pipelines",
    "responsible-ai-specialist": "ai-governance",
    "ai-content-creator": "generative-ai",
    "ai-creative-director": "ai-image-generation",
    "ai-consultant": "ai-strategy",
}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_dataset(bundled("data"), shacl=False).dataset


@pytest.fixture(scope="module")
def catalog(data: Dataset) -> Catalog:
    return catalog_from_dataset(data, "test")


#: Targets the catalog does not meet yet: the stored pages of most commercial courses
#: (Coursera, Udemy, LinkedIn Learning) were not available, and a value no page states stays
#: absent. Strict: once the data reaches a target, the test fails until this mark goes.
NOT_YET = pytest.mark.xfail(strict=True, reason="catalog target not reached yet (issue 11)")


@NOT_YET
def test_hours_known_for_85_percent_of_courses(data: Dataset) -> None:
    figures = catalog_coverage(data)
    assert figures.with_hours >= 0.85 * figures.courses, figures.summary()


@NOT_YET
def test_cost_known_for_90_percent_of_courses(data: Dataset) -> None:
    figures = catalog_coverage(data)
    assert figures.with_cost >= 0.90 * figures.courses, figures.summary()


def test_coverage_has_moved(data: Dataset) -> None:
    """Where the catalog stands today: a floor, so that coverage never silently falls back."""
    figures = catalog_coverage(data)
    assert figures.courses >= 150, figures.summary()
    assert figures.with_hours >= 0.60 * figures.courses, figures.summary()
    assert figures.with_cost >= 0.78 * figures.courses, figures.summary()


def test_prerequisites_recorded_or_stated_absent(data: Dataset) -> None:
    """An intermediate or advanced course lists `requires`, or a comment says why it has none.

    The page states no prerequisites; or it states some that no skill id expresses (a product
    to be familiar with); or no page that was read states them (an article course whose own
    page was not available).
    """
    text = (bundled("data") / "courses.yaml").read_text(encoding="utf-8")
    silent = []
    for course in data.courses.values():
        if course.level is Level.BEGINNER or course.requires:
            continue
        entry = re.search(rf"^- id: {re.escape(course.id)}\n((?:[ #].*\n|\n)*)", text, re.M)
        assert entry is not None, course.id
        said = re.findall(r"#.*", entry.group(1))
        if not any(re.search(r"prerequisite|requires", comment) for comment in said):
            silent.append(course.id)
    assert not silent, f"no `requires` and no comment on prerequisites: {silent}"


def test_every_essential_skill_is_taught_by_three_courses(data: Dataset) -> None:
    taught = Counter(skill for course in data.courses.values() for skill in course.teaches)
    thin = sorted(
        {
            f"{skill} ({taught[skill]})"
            for role in data.roles.values()
            for skill in role.skills.essential
            if taught[skill] < 3
        }
    )
    assert not thin, f"essential skills taught by fewer than 3 courses: {thin}"


@pytest.mark.parametrize(("role_id", "skill_id"), CORE_SKILLS.items())
def test_each_genai_role_core_skill_has_three_courses(
    data: Dataset, role_id: str, skill_id: str
) -> None:
    assert skill_id in data.roles[role_id].skills.essential, (role_id, skill_id)
    teaching = [c.id for c in data.courses.values() if skill_id in c.teaches]
    assert len(teaching) >= 3, (role_id, skill_id, teaching)


def test_every_source_has_a_url_or_says_why_not(data: Dataset) -> None:
    bare = [s.id for s in data.sources.values() if s.url is None and not s.note]
    assert not bare, f"sources with neither url nor note: {bare}"


def answered(catalog: Catalog, by: Measure) -> list[tuple[str, str]]:
    """The questions with a full plan: every goal skill taught (a partial plan does not count)."""
    done = []
    for start in STARTS:
        for goal in GENAI_ROLES:
            try:
                answer = plan_between(catalog, Request(start, goal, by=by))
            except NoPlanError:
                continue
            if not answer["untaught"]:
                done.append((start, goal))
    return done


@pytest.mark.parametrize(
    "by",
    [
        pytest.param(Measure.COURSES, id="courses"),
        pytest.param(Measure.HOURS, id="hours"),
        pytest.param(Measure.COST, id="cost"),
    ],
)
def test_the_thirty_transitions_have_plans(catalog: Catalog, by: Measure) -> None:
    done = answered(catalog, by)
    missing = sorted(
        {(s, g) for s in STARTS for g in GENAI_ROLES} - set(done), key=lambda pair: pair
    )
    assert len(done) >= 28, f"--by {by.value}: {len(done)} of 30; no plan for {missing}"


def test_every_essential_skill_is_taught(data: Dataset) -> None:
    """At least one course for each essential skill of each role: no goal is out of reach."""
    taught = {skill for course in data.courses.values() for skill in course.teaches}
    untaught = sorted({s for role in data.roles.values() for s in role.skills.essential} - taught)
    assert not untaught


def test_plans_take_courses_only_once_their_prerequisites_are_held(catalog: Catalog) -> None:
    """Each course of each plan has its stated prerequisites from the start or an earlier course."""
    for start in STARTS:
        held_at_start = set(catalog.with_broader(catalog.roles[start].essential))
        for goal in GENAI_ROLES:
            try:
                answer = plan_between(catalog, Request(start, goal, by=Measure.HOURS))
            except NoPlanError:
                continue
            held = set(held_at_start)
            for step in answer["courses"]:
                course = catalog.courses[step["id"]]
                assert set(course.requires) <= held, (start, goal, course.id)
                held |= catalog.with_broader(course.teaches)


def test_validate_prints_the_catalog_summary(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from genai_kg.cli import app

    result = runner.invoke(app, ["validate", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("catalog: "))
    figures = catalog_coverage(build_dataset(bundled("data"), shacl=False).dataset)
    assert line == figures.summary()
    assert f"{figures.courses} courses" in line
