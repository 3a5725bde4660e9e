"""Pydantic models of a dataset, and the checks that turn raw records into a Dataset.

Models are strict: a number where text is meant (or the reverse) is an error, not a
coercion, and unknown keys are errors. ``parse_dataset`` collects every problem of every
file, including references between files, before it raises.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)

from genai_kg.dataset.load import Record
from genai_kg.render import money

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_ONET_CODE = re.compile(r"[0-9]{2}-[0-9]{4}\.[0-9]{2}")  # an O*NET-SOC occupation
_ONET_ELEMENT = re.compile(r"[0-9](\.[A-Za-z0-9]+)+")  # a content-model element, e.g. 2.B.3.e
# A Technology Skills example, by the IRI the O*NET importer gives it (the slug of its Example:
# "PyTorch" -> .../technology/pytorch); O*NET publishes no IRI of its own for an example.
_ONET_TECHNOLOGY = re.compile(
    r"https://w3id\.org/genai-kg/id/onet/technology/[a-z0-9]+(-[a-z0-9]+)*"
)
# Bidi embeddings, overrides and isolates can make a label read differently than it sorts.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


#: Longest id and name (or title, alias) the data may hold: a longer one is a mistake, and it
#: would fill every table, page and message that shows it.
MAX_ID = 80
MAX_NAME = 200


def _check_id(value: str) -> str:
    if len(value) > MAX_ID:
        raise ValueError(
            f"id {value[:40]!r}... is {len(value):,} characters long; an id has at most {MAX_ID}"
        )
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


def _check_name(value: str) -> str:
    if len(value) > MAX_NAME:
        raise ValueError(
            f"{value[:40]!r}... is {len(value):,} characters long; a name has at most {MAX_NAME}"
        )
    return _check_text(value)


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
Name = Annotated[str, AfterValidator(_check_name)]
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
    """How a curated node relates to its official counterpart (SKOS mapping properties)."""

    EXACT = "exact"
    CLOSE = "close"
    #: The official concept is a broader kind (``skos:broadMatch``): e.g. a role's nearest
    #: broader occupation, whose wages are that occupation's, not the role's.
    BROAD = "broad"


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
            _ONET_CODE.fullmatch(self.onet.id)
            or _ONET_ELEMENT.fullmatch(self.onet.id)
            or _ONET_TECHNOLOGY.fullmatch(self.onet.id)
        ):
            raise ValueError(
                f"onet: {self.onet.id!r} is neither an O*NET-SOC code such as '15-2051.00', "
                "a content-model element such as '2.B.3.e' nor a technology example such as "
                "'https://w3id.org/genai-kg/id/onet/technology/pytorch'"
            )
        return self


class Source(_Model):
    id: Id
    title: Name
    url: Url | None = None
    publisher: Text | None = None
    date: Annotated[dt.date, Strict(False), BeforeValidator(_require_text)] | None = None
    note: Text | None = None


class Provider(_Model):
    id: Id
    name: Name
    kind: Annotated[ProviderKind, Strict(False)]
    url: Url | None = None


class Skill(_Model):
    id: Id
    name: Name
    aliases: list[Name] = []
    category: Id | None = None
    broader: Id | None = None
    description: Text | None = None
    match: Match | None = None


class Tool(_Model):
    id: Id
    name: Name
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
    name: Name
    aliases: list[Name] = []
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
    title: Name
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


@dataclass(frozen=True)
class SalaryRange:
    """One source's salary figures for a role, as one range (never mixed with another source's).

    ``low`` is the lowest min and ``high`` the highest max of the source's bands in one
    currency and year; ``or_more`` where the band giving ``high`` says "or more".
    """

    source: str
    currency: str
    year: int
    low: float | None
    high: float | None
    or_more: bool

    @property
    def midpoint(self) -> float | None:
        """The middle of the range, where both ends are known (a lower bound with ``or_more``)."""
        if self.low is None or self.high is None:
            return None
        return (self.low + self.high) / 2

    def text(self) -> str:
        """``$140,000-$250,000+`` (``?`` for an end no band gives; ``+`` for "or more")."""
        low = money(self.low, self.currency) if self.low is not None else "?"
        high = money(self.high, self.currency) if self.high is not None else "?"
        return f"{low}-{high}{'+' if self.or_more else ''}"


def salary_ranges(role: Role) -> list[SalaryRange]:
    """Return one range per source (and currency, year) of the role's salary bands, in data order.

    >>> band = Salary(level="senior", min=100, max=300, or_more=True, currency="USD", year=2026,
    ...               source="article")
    >>> [r.text() for r in salary_ranges(Role.model_construct(salary=[band]))]
    ['$100-$300+']
    """
    groups: dict[tuple[str, str, int], list[Salary]] = {}
    for band in role.salary:
        groups.setdefault((band.source, band.currency, band.year), []).append(band)
    ranges = []
    for (source, currency, year), bands in groups.items():
        lows = [band.min for band in bands if band.min is not None]
        tops = [band for band in bands if band.max is not None]
        top = max(tops, key=lambda band: band.max or 0.0) if tops else None
        ranges.append(
            SalaryRange(
                source=source,
                currency=currency,
                year=year,
                low=min(lows) if lows else None,
                high=top.max if top else None,
                or_more=bool(top and top.or_more),
            )
        )
    return ranges


def salary_range(role: Role) -> str:
    """Summarise a role's salary, each source's range labelled with it, never merged.

    ``$140,000-$250,000+ (genai-careers-2026, 2026); $85,660-$158,880 (bls-oews-may-2025, 2025)``
    """
    return "; ".join(f"{r.text()} ({r.source}, {r.year})" for r in salary_ranges(role))
