"""Turn raw records into a checked Dataset: each record against its model, then across files.

``parse_dataset`` collects every problem of every file, including references between files,
before it raises, each as ``FILE:LINE: field: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from genai_kg.dataset.load import Loc, RawDataset, Record, display_path, format_loc
from genai_kg.dataset.models import MODELS, Cost, Dataset, Match, MatchTarget, RoleSkills, Salary
from genai_kg.errors import DataError


def parse_dataset(raw: RawDataset) -> Dataset:
    """Validate raw records into a Dataset, resolving every reference between files.

    Raises:
        DataError: with every problem found, each as ``FILE:LINE: field: message``.
    """
    dataset = Dataset()
    problems = list(raw.problems)
    for kind, model in MODELS.items():
        table = dataset.table(kind)
        first_of: dict[str, Record] = {}
        for record in raw.records.get(kind, []):
            raw_id = record.id
            if raw_id is not None and raw_id in first_of:
                problems.append(
                    f"{record.where(('id',))}: id: duplicate id {raw_id!r} "
                    f"(first defined at {first_of[raw_id].where(('id',))})"
                )
                continue
            if raw_id is not None:
                first_of[raw_id] = record
            try:
                item = model.model_validate(record.data)
            except ValidationError as exc:
                problems.extend(_describe(record, exc))
                continue
            item_id: str = item.id  # type: ignore[attr-defined]
            table[item_id] = item
            dataset.records[(kind, item_id)] = record
    problems.extend(_check_references(raw, dataset))
    problems.extend(_check_self_references(dataset))
    if problems:
        raise DataError(sorted(problems, key=_by_place))
    dataset.warnings.extend(_untakeable_courses(dataset))
    return dataset


def _by_place(problem: str) -> tuple[str, int]:
    path, _, rest = problem.partition(":")
    line = rest.split(":", 1)[0]
    return path, int(line) if line.isdigit() else 0


def _describe(record: Record, exc: ValidationError) -> Iterable[str]:
    for error in exc.errors(include_url=False):
        raw = error["loc"]
        if error["type"] == "extra_forbidden":  # the last part is the user's key, whatever it is
            loc: Loc = (*(part for part in raw[:-1] if not _is_union_tag(part)), *raw[-1:])
        else:
            loc = tuple(part for part in raw if not _is_union_tag(part))
        if any(loc[: len(done)] == done for done in record.reported):
            continue  # the loader has said what is wrong with this value
        value = error.get("input")
        kind = error["type"]
        if kind == "extra_forbidden":
            allowed = _fields_at(record.file.stem, loc[:-1])
            message = f"unknown key {loc[-1]!r}{_did_you_mean(str(loc[-1]), allowed)}"
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "string_type":
            message = f"expected text, got {value!r}; quote it if text is meant"
        elif kind in ("float_type", "int_type"):
            message = f"expected a number, got {value!r}"
        elif kind == "list_type":
            message = f"expected a list, got {value!r}"
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            message = f"expected a mapping, got {value!r}"
        elif kind == "enum":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"{value!r} is not one of {expected}"
        elif kind == "too_short" and isinstance(value, list):
            message = "must list at least one id"
        elif kind in ("greater_than_equal", "less_than_equal"):
            bound = error.get("ctx", {})
            limit = bound.get("ge", bound.get("le"))
            relation = "at least" if kind == "greater_than_equal" else "at most"
            message = f"must be {relation} {limit:g}, got {value!r}"
        else:
            reason = error["msg"].removeprefix("Value error, ")
            shown = "" if kind == "value_error" or isinstance(value, dict) else f" (got {value!r})"
            message = f"{reason}{shown}"
        yield f"{record.where(loc)}: {format_loc(loc)}: {message}"


def _is_union_tag(part: str | int) -> bool:
    # pydantic names the union member it tried, e.g. 'function-after[_check_url(), str]'.
    return isinstance(part, str) and ("[" in part or part in ("str", "float", "int", "none"))


def _fields_at(kind: str, loc: Loc) -> list[str]:
    model: Any = MODELS.get(kind)
    nested = {"skills": RoleSkills, "salary": Salary, "cost": Cost, "match": Match}
    for part in loc:
        if isinstance(part, str):
            model = nested.get(part, MatchTarget if part in ("esco", "onet") else None)
    return list(model.model_fields) if model is not None else []


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# (kind, field path, target kind); "*" stands for each item of a list.
_REFERENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("skills", ("broader",), "skills"),
    ("tools", ("vendor",), "providers"),
    ("tools", ("skills", "*"), "skills"),
    ("roles", ("skills", "essential", "*"), "skills"),
    ("roles", ("skills", "optional", "*"), "skills"),
    ("roles", ("tools", "*"), "tools"),
    ("roles", ("salary", "*", "source"), "sources"),
    ("roles", ("next", "*"), "roles"),
    ("roles", ("sources", "*"), "sources"),
    ("courses", ("platform",), "providers"),
    ("courses", ("creators", "*"), "providers"),
    ("courses", ("teaches", "*"), "skills"),
    ("courses", ("requires", "*"), "skills"),
    ("courses", ("tools", "*"), "tools"),
    ("courses", ("sources", "*"), "sources"),
)


def _check_references(raw: RawDataset, dataset: Dataset) -> Iterable[str]:
    # Raw records, so that an item with other problems still has its references checked.
    ids = {kind: {r.id for r in records if r.id} for kind, records in raw.records.items()}
    for kind, path, target in _REFERENCES:
        if target in raw.broken:
            continue
        known = ids.get(target, set())
        for record in raw.records.get(kind, []):
            item = f"{record.id!r}" if record.id else f"at line {record.line}"
            for loc, value in _walk(record.data, path, ()):
                if not isinstance(value, str) or value in known:
                    continue
                noun = target.removesuffix("s")
                yield (
                    f"{record.where(loc)}: {format_loc(loc)}: {kind.removesuffix('s')} "
                    f"{item} names unknown {noun} {value!r}{_did_you_mean(value, known)}"
                )
    for skill_id, record in _records_of(dataset, "skills"):
        if _broader_cycle(dataset, skill_id):
            where = record.where(("broader",))
            yield f"{where}: broader: skill {skill_id!r} is its own broader skill"


def _check_self_references(dataset: Dataset) -> Iterable[str]:
    """A course that requires a skill it teaches, a role that is its own next role."""
    for course_id, record in _records_of(dataset, "courses"):
        course = dataset.courses[course_id]
        for index, skill in enumerate(course.requires):
            if skill in course.teaches:
                yield (
                    f"{record.where(('requires', index))}: requires[{index}]: course "
                    f"{course_id!r} requires {skill!r}, which it teaches (no learner could "
                    "take it without already knowing what it teaches)"
                )
    for role_id, record in _records_of(dataset, "roles"):
        for index, target in enumerate(dataset.roles[role_id].next):
            if target == role_id:
                where = record.where(("next", index))
                yield f"{where}: next[{index}]: role {role_id!r} lists itself as its next role"


def _records_of(dataset: Dataset, kind: str) -> Iterable[tuple[str, Record]]:
    for item_id in dataset.table(kind):
        yield item_id, dataset.records[(kind, item_id)]


def _walk(data: Any, path: tuple[str, ...], loc: Loc) -> Iterable[tuple[Loc, Any]]:
    if not path:
        yield loc, data
    elif path[0] == "*":
        for index, item in enumerate(data if isinstance(data, list) else []):
            yield from _walk(item, path[1:], (*loc, index))
    elif isinstance(data, dict) and data.get(path[0]) is not None:
        yield from _walk(data[path[0]], path[1:], (*loc, path[0]))


def _broader_cycle(dataset: Dataset, skill_id: str) -> bool:
    seen = {skill_id}
    current = dataset.skills[skill_id].broader
    while current is not None and current in dataset.skills:
        if current in seen:
            return current == skill_id
        seen.add(current)
        current = dataset.skills[current].broader
    return False


def _untakeable_courses(dataset: Dataset) -> Iterable[str]:
    """Warn of courses whose prerequisites no course teaches and no role holds."""
    obtainable = {skill for course in dataset.courses.values() for skill in course.teaches}
    for role in dataset.roles.values():
        obtainable.update(role.skills.essential, role.skills.optional)
    for course_id, record in _records_of(dataset, "courses"):
        lacking = sorted(set(dataset.courses[course_id].requires) - obtainable)
        if lacking:
            yield (
                f"{display_path(record.file)}:{record.line_of(('requires',))}: requires: "
                f"warning: no learner can take course {course_id!r}: nothing teaches "
                + ", ".join(repr(skill) for skill in lacking)
            )
