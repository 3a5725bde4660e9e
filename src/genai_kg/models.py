"""Pydantic models of a dataset, and the checks that turn raw records into a Dataset.

Models are strict: a number where text is meant (or the reverse) is an error, not a
coercion, and unknown keys are errors. ``parse_dataset`` collects every problem of every
file, including references between files, before it raises.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    model_validator,
)

from .errors import DataError
from .load import Loc, RawDataset, Record, display_path, format_loc

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_ONET_CODE = re.compile(r"[0-9]{2}-[0-9]{4}\.[0-9]{2}")  # an O*NET-SOC occupation
_ONET_ELEMENT = re.compile(r"[0-9](\.[A-Za-z0-9]+)+")  # a content-model element, e.g. 2.B.3.e
# Bidi embeddings, overrides and isolates can make a label read differently than it sorts.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lowercase letters, digits and single hyphens "
            "(kebab-case), e.g. 'mlops-engineer'"
        )
    return value


def _check_text(value: str) -> str:
    for char in value:
        if char in _BIDI:
            raise ValueError(f"{value!r} holds a bidirectional control character U+{ord(char):04X}")
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            raise ValueError(f"{value!r} holds a control character U+{ord(char):04X}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _require_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date such as '2026-01-31', got {value!r}")
    return value


def _check_url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _check_currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code such as 'USD'")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Text = Annotated[str, AfterValidator(_check_text)]
Url = Annotated[str, AfterValidator(_check_url)]
Currency = Annotated[str, AfterValidator(_check_currency)]
Amount = Annotated[float, Field(ge=0)]


class ProviderKind(enum.StrEnum):
    PLATFORM = "platform"
    COMPANY = "company"
    UNIVERSITY = "university"
    PUBLISHER = "publisher"


class Level(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class CareerLevel(enum.StrEnum):
    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    ANY = "any"


class CostPer(enum.StrEnum):
    """How a course's cost is paid: once, or for each month of study (a subscription)."""

    COURSE = "course"
    MONTH = "month"


class MatchRelation(enum.StrEnum):
    EXACT = "exact"
    CLOSE = "close"


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class MatchTarget(_Model):
    """A counterpart in an official taxonomy; a plain string in YAML means an exact match."""

    id: Text
    relation: MatchRelation = Field(default=MatchRelation.EXACT, strict=False)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class Match(_Model):
    esco: MatchTarget | None = None
    onet: MatchTarget | None = None

    @model_validator(mode="after")
    def _identifiers(self) -> Match:
        if self.esco is not None and not self.esco.id.startswith("http://data.europa.eu/esco/"):
            raise ValueError(
                f"esco: {self.esco.id!r} is not an ESCO URI (http://data.europa.eu/esco/...)"
            )
        if self.onet is not None and not (
            _ONET_CODE.fullmatch(self.onet.id) or _ONET_ELEMENT.fullmatch(self.onet.id)
        ):
            raise ValueError(
                f"onet: {self.onet.id!r} is neither an O*NET-SOC code such as '15-2051.00' "
                "nor a content-model element such as '2.B.3.e'"
            )
        return self


class Source(_Model):
    id: Id
    title: Text
    url: Url | None = None
    publisher: Text | None = None
    date: Annotated[dt.date, Strict(False), BeforeValidator(_require_text)] | None = None
    note: Text | None = None


class Provider(_Model):
    id: Id
    name: Text
    kind: Annotated[ProviderKind, Strict(False)]
    url: Url | None = None


class Skill(_Model):
    id: Id
    name: Text
    aliases: list[Text] = []
    category: Id | None = None
    broader: Id | None = None
    description: Text | None = None
    match: Match | None = None


class Tool(_Model):
    id: Id
    name: Text
    category: Id
    vendor: Id | None = None
    url: Url | None = None
    skills: list[Id] = []


class RoleSkills(_Model):
    essential: list[Id] = Field(min_length=1)
    optional: list[Id] = []


class Salary(_Model):
    level: Annotated[CareerLevel, Strict(False)]
    min: Amount | None = None
    max: Amount | None = None
    #: The source says "or more" after the max: the max is where it stops counting.
    or_more: bool = False
    currency: Currency
    region: Text | None = None
    year: int = Field(ge=1900, le=2100)
    source: Id

    @model_validator(mode="after")
    def _bounds(self) -> Salary:
        if self.min is None and self.max is None:
            raise ValueError("give at least one of min and max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        if self.or_more and self.max is None:
            raise ValueError("or_more qualifies the max: give max, or drop or_more")
        return self


class Role(_Model):
    id: Id
    name: Text
    aliases: list[Text] = []
    description: Text | None = None
    track: Text | None = None
    skills: RoleSkills
    tools: list[Id] = []
    salary: list[Salary] = []
    next: list[Id] = []
    match: Match | None = None
    sources: list[Id] = Field(min_length=1)


class Cost(_Model):
    amount: Amount
    currency: Currency
    per: Annotated[CostPer, Strict(False)] = CostPer.COURSE
    note: Text | None = None


class Course(_Model):
    id: Id
    title: Text
    url: Url | None = None
    platform: Id
    creators: list[Id] = []
    level: Annotated[Level, Strict(False)]
    hours: Amount | None = None
    cost: Cost | None = None
    rating: Annotated[float, Field(ge=0, le=5)] | None = None
    credential: Text | None = None
    teaches: list[Id] = Field(min_length=1)
    requires: list[Id] = []
    tools: list[Id] = []
    sources: list[Id] = Field(min_length=1)


MODELS: dict[str, type[_Model]] = {
    "sources": Source,
    "providers": Provider,
    "skills": Skill,
    "tools": Tool,
    "roles": Role,
    "courses": Course,
}


@dataclass
class Dataset:
    """A checked dataset: every entity by id, and where each one was read."""

    sources: dict[str, Source] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    records: dict[tuple[str, str], Record] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def table(self, kind: str) -> dict[str, Any]:
        """Return the entities of ``kind`` ("roles", "skills", ...) by id."""
        table: dict[str, Any] = getattr(self, kind)
        return table


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
        loc: Loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
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
