"""What a learner posts to the explorer's forms: a CV or job ad's text and a profile file.

Both are posted (``POST /plan``, ``/gap``, ``/next``; multipart form data), never put in a URL:
the page answers with the plan of the fields plus what they held, and a shareable link of
query parameters only, ``have=`` carrying the skills found in the text and the profile's
values as the fields they fill (``done``, ``hours_per_week``, ``max_cost``, ...). The text
goes through the matcher of ``--from-text`` and the file through the reader of ``--profile``,
so the page and the command line agree; a body is capped as ``/sparql``'s is.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response

from genai_kg.errors import DataError, GenaiKgError
from genai_kg.plan.catalog import Catalog
from genai_kg.render import number
from genai_kg.web.app import MAX_QUERY_BYTES, read_body
from genai_kg.web.explorer import BadRequest

#: Seconds a client has to send the body (``serve``'s default request timeout).
BODY_TIMEOUT = 10.0
#: Fields a form of the explorer has, with room to spare; more is not a person's form.
MAX_FIELDS = 64
#: The form fields whose names the query string of a page takes (the rest are the posts).
PRIVATE = ("text", "profile")
#: The name an uploaded profile goes by when the browser sends none.
UNNAMED = "profile.yaml"


@dataclass
class Posted:
    """A posted form: its plain fields (as a query string would carry them), the text
    pasted and the profile file uploaded, if any."""

    params: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    profile: tuple[str, bytes] | None = None

    @property
    def brings(self) -> bool:
        """Whether the post holds anything a URL may not: text or a profile file."""
        return bool(self.text.strip()) or self.profile is not None


async def read_posted(request: Request) -> Posted | Response:
    """Return the posted form, or the answer to a body too large (413) or malformed (400)."""
    body = await read_body(request, BODY_TIMEOUT)
    if isinstance(body, Response):
        return body

    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    kind = request.headers.get("content-type", "")
    limits: dict[str, Any] = {"max_fields": MAX_FIELDS, "max_part_size": MAX_QUERY_BYTES}
    try:
        if kind.startswith("multipart/form-data"):
            form = await MultiPartParser(request.headers, stream(), max_files=1, **limits).parse()
        elif kind.startswith("application/x-www-form-urlencoded"):
            form = await FormParser(request.headers, stream(), **limits).parse()
        else:
            raise BadRequest(f"a form is posted as multipart/form-data, not {kind or 'nothing'!r}")
    except MultiPartException as exc:
        raise BadRequest(f"the form could not be read: {exc.message}") from None
    posted = Posted()
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                if key == "profile" and (content or value.filename):
                    posted.profile = (Path(value.filename or UNNAMED).name or UNNAMED, content)
            elif key == "text":
                posted.text = value
            elif value.strip():
                posted.params.append((key, value.strip()))
    finally:
        await form.close()
    return posted


@dataclass
class Brought:
    """What the post brought: the query parameters it comes to, and what to tell the learner."""

    params: list[tuple[str, str]]
    #: The ``skills --format json`` object of the text (None: no text was posted).
    found: dict[str, Any] | None = None
    #: The uploaded profile's name (None: none was).
    profile: str | None = None


def bring(posted: Posted, catalog: Catalog, find_skills: Any) -> Brought:
    """Return the query parameters of a post: the fields, the profile's values where a field
    leaves them out, and ``have`` and ``done`` holding the text's and the profile's too.

    ``find_skills(text)`` is the explorer's matcher (``Explorer.find_skills``).

    Raises:
        DataError: the profile has problems, each as ``FILE:LINE: field: message``.
    """
    params = list(posted.params)
    given = {key for key, _ in params}
    extra: dict[str, list[str]] = {"have": [], "done": []}
    name = None
    if posted.profile is not None:
        from genai_kg.plan.profile import load_profile

        name, content = posted.profile
        profile = load_profile(Path(name), catalog, content)
        extra["have"] += profile.have
        extra["done"] += profile.done
        for key, value in profile_params(profile):
            if key not in given:
                params.append((key, value))
    found = None
    if posted.text.strip():
        found = find_skills(posted.text)
        extra["have"] += found["skills"]
    for key, names in extra.items():
        params = _joined(params, key, names)
    return Brought(params, found, name)


def profile_params(profile: Any) -> list[tuple[str, str]]:
    """The query parameters of a profile's pace, budgets and filters (``have`` and ``done``
    are joined to the fields' own by ``bring``).

    >>> from genai_kg.plan.profile import Profile
    >>> profile_params(Profile(hours_per_week=8.0, max_cost=300.0, providers=("a", "b")))
    [('hours_per_week', '8'), ('max_cost', '300'), ('provider', 'a'), ('provider', 'b')]
    """
    params = []
    for key in ("hours_per_week", "max_hours", "max_cost"):
        value = getattr(profile, key)
        if value is not None:
            params.append((key, number(value)))
    params += [("provider", provider) for provider in profile.providers]
    if profile.max_level is not None:
        params.append(("max_level", profile.max_level))
    if profile.free:
        params.append(("free", "1"))
    return params


def _joined(params: list[tuple[str, str]], key: str, names: Iterable[str]) -> list[tuple[str, str]]:
    """``params`` with one ``key`` holding its values and ``names``, each once, in order."""
    values = [part.strip() for k, v in params if k == key for part in v.split(",")]
    seen = {value.casefold() for value in values if value}
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            values.append(name)
    rest = [(k, v) for k, v in params if k != key]
    joined = ", ".join(value for value in values if value)
    return rest + [(key, joined)] if joined else rest


def shown_hits(found: dict[str, Any], skill_names: dict[str, str]) -> list[dict[str, Any]]:
    """The text's hits as the page lists them: the words, their line, the skills they count
    as (names), one row per different words and skills."""
    rows: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for hit in found["hits"]:
        counts = tuple(hit["counts_as"])
        words = " ".join(hit["text"].split())  # a hit across a line break reads as one line
        key = (words.casefold(), counts)
        if key not in rows:
            skill = hit["skill"]
            rows[key] = {
                "text": words,
                "lines": [],
                "skills": [(s, skill_names.get(s, s)) for s in counts],
                "esco": skill.get("label") if skill["kind"] == "esco" else None,
            }
        if hit["line"] not in rows[key]["lines"]:
            rows[key]["lines"].append(hit["line"])
    return list(rows.values())


def problems_of(error: GenaiKgError) -> tuple[str, Sequence[str]]:
    """An error's message as a page shows it: its first line, and the problems it lists
    (a profile's, each ``FILE:LINE: field: message``) or none."""
    if isinstance(error, DataError):
        return str(error).split("\n", 1)[0], error.problems
    return str(error), ()
