"""How much of the course catalog the planner can use: the figures a curator watches move.

``validate`` prints them on one line; ``tests/test_catalog.py`` holds them to the targets.

>>> from genai_kg.paths import bundled
>>> from genai_kg.dataset.checks import parse_dataset
>>> from genai_kg.dataset.load import load_dataset
>>> figures = catalog_coverage(parse_dataset(load_dataset(bundled("data"))))
>>> figures.courses > 100
True
"""

from __future__ import annotations

from dataclasses import dataclass

from genai_kg.dataset.models import Dataset, Level


@dataclass(frozen=True)
class CatalogCoverage:
    courses: int
    with_hours: int
    with_cost: int
    with_requires: int
    #: Intermediate and advanced courses, and how many of them record their prerequisites.
    above_beginner: int
    above_beginner_with_requires: int

    def summary(self) -> str:
        """One line: ``catalog: 185 courses; hours known for 90 (49%), ...``."""

        def share(count: int, total: int) -> str:
            return f"{count} ({count / total:.0%})" if total else "0"

        return (
            f"catalog: {self.courses} courses; hours known for "
            f"{share(self.with_hours, self.courses)}, cost for "
            f"{share(self.with_cost, self.courses)}, prerequisites recorded for "
            f"{share(self.with_requires, self.courses)} (intermediate and advanced: "
            f"{self.above_beginner_with_requires} of {self.above_beginner})"
        )


def catalog_coverage(dataset: Dataset) -> CatalogCoverage:
    """Count the courses with hours, cost and prerequisites known."""
    courses = list(dataset.courses.values())
    above = [course for course in courses if course.level is not Level.BEGINNER]
    return CatalogCoverage(
        courses=len(courses),
        with_hours=sum(course.hours is not None for course in courses),
        with_cost=sum(course.cost is not None for course in courses),
        with_requires=sum(bool(course.requires) for course in courses),
        above_beginner=len(above),
        above_beginner_with_requires=sum(bool(course.requires) for course in above),
    )
