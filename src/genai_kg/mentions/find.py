"""The answer of ``genai-kg skills``: read a text, find its skills, as JSON or a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genai_kg.errors import GenaiKgError
from genai_kg.mentions.matcher import Hit, Matcher, last_line
from genai_kg.mentions.tokens import HYPHENS
from genai_kg.render import format_table, plural


def read_text(path: Path) -> str:
    """Return the UTF-8 text of the file at ``path``.

    Raises:
        GenaiKgError: the file is missing, unreadable or not UTF-8 text.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise GenaiKgError(f"{str(path)!r}: cannot be read: {reason}") from None
    return decode_text(data, str(path))


def decode_text(data: bytes, name: str) -> str:
    """Return ``data`` as UTF-8 text (a byte-order mark dropped); ``name`` is for errors.

    >>> decode_text(b"Python\\n", "cv.txt")
    'Python\\n'
    >>> decode_text(b"ok\\ncaf\\xe9", "cv.txt")
    Traceback (most recent call last):
    ...
    genai_kg.errors.GenaiKgError: 'cv.txt': line 2: byte 0xe9 is not UTF-8 ...
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GenaiKgError(
            f"{name!r}: line {line}: byte {data[exc.start]:#04x} is not UTF-8 "
            "(genai-kg reads UTF-8 text)\n"
            "You can fix this by saving the file as UTF-8, e.g. "
            "`iconv -f latin1 -t utf-8 FILE > FILE.txt`."
        ) from None


def find_skills(matcher: Matcher, text: str, name: str = "-") -> dict[str, Any]:
    """Return the ``skills --format json`` object: every hit and the curated skills found.

    ``skills`` are the curated skills the hits count as; ``with_broader`` adds every skill
    they are a kind of (holding Python counts as holding Computer programming).
    """
    hits = matcher.find(text)
    found = sorted({skill for hit in hits for skill in hit.target.counts_as})
    return {
        "file": name,
        "sources": list(matcher.sources),
        "hits": [_hit_json(hit) for hit in hits],
        "skills": found,
        "with_broader": sorted(_with_broader(found, matcher.broader)),
    }


def text_skills(matcher: Matcher, text: str) -> list[str]:
    """Return the curated skills ``text`` names (ids, sorted): what ``--from-text`` adds."""
    return sorted({skill for hit in matcher.find(text) for skill in hit.target.counts_as})


def _hit_json(hit: Hit) -> dict[str, Any]:
    target = hit.target
    if target.kind == "curated":
        skill = {"kind": "curated", "id": target.id, "name": target.label}
    else:
        skill = {"kind": "esco", "uri": target.id, "label": target.label}
    return {
        "line": hit.line,
        "column": hit.column,
        "text": hit.text,
        "skill": skill,
        "counts_as": list(target.counts_as),
        "via": target.via or None,
    }


def _with_broader(skills: list[str], broader: dict[str, str]) -> set[str]:
    held = set(skills)
    for skill in skills:
        above = broader.get(skill)
        while above is not None and above not in held:
            held.add(above)
            above = broader.get(above)
    return held


def skills_table(answer: dict[str, Any]) -> str:
    """Return the ``skills --format table`` text: one row per hit, then the curated skills.

    A hit across a line break shows its lines ("3-4") and its text on one line.
    """
    rows = []
    for hit in answer["hits"]:
        skill = hit["skill"]
        if skill["kind"] == "curated":
            named = f"{skill['name']} [skill {skill['id']}]"
        else:
            named = f"ESCO {skill['label']} <{skill['uri']}>"
        counts = ", ".join(hit["counts_as"]) or "-"
        if hit["via"] and hit["via"] != "match":
            counts += f" (via {hit['via']})"
        rows.append([_lines(hit), _one_line(hit["text"]), named, counts])
    sources = " and ".join("ESCO" if s == "esco" else s for s in answer["sources"])
    lines = [f"{answer['file']}: {plural(len(answer['hits']), 'hit')} ({sources} labels)"]
    if rows:
        lines += ["", format_table(["line", "text", "skill", "counts as"], rows)]
    found = answer["skills"]
    lines += ["", f"curated skills: {', '.join(found) if found else 'none'}"]
    extra = sorted(set(answer["with_broader"]) - set(found))
    if extra:
        lines.append(f"counting broader ones too: {', '.join(extra)}")
    return "\n".join(lines)


def _lines(hit: dict[str, Any]) -> int | str:
    """The line of a hit, or its first and last lines ("3-4") if it crosses a line break."""
    last = last_line(hit["line"], hit["text"])
    return hit["line"] if last == hit["line"] else f"{hit['line']}-{last}"


def _one_line(text: str) -> str:
    """A hit's text with its line break as a space (none after a hyphen that cut a word).

    >>> _one_line("machine\\n  learning"), _one_line("visu-\\nalization")
    ('machine learning', 'visu-alization')
    """
    first, *rest = text.splitlines()
    for line in rest:
        first += line.lstrip() if first.endswith(tuple(HYPHENS)) else " " + line.lstrip()
    return first
