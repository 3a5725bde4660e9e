"""Words of a line and of a label, so that one automaton matches them word by word.

A word is a run of letters and digits (``C++``, ``C#`` keep their signs); any other
character but a space or a hyphen is a word of its own (``CI/CD`` is ``ci``, ``/``,
``cd``). Words are case-folded; hyphens and spaces both only separate words, so
"fine-tuning" and "fine tuning" are the same two words. Matching whole words gives the
word boundaries: "Java" is not in "JavaScript".

Each word of a label also matches in its other number ("data pipeline" and "data
pipelines", "large language models" and "large language model"): ``numbers`` gives both.
A label naming an activity by its "-ing" word ("fine-tuning", "unit testing") also matches
with that word's other verb forms ("fine-tuned", "fine-tune", "unit tests"): ``verb_forms``.

A text is read in passages (``passages``): a hit may cross a single line break, as a wrapped
line does ("machine" at the end of one line, "learning" at the start of the next), but not
a blank line or the dash of the next list item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

# A word, or one sign that is neither a word character, a space nor a hyphen.
_WORD = re.compile(r"\w+(?:\+\+|#)?|[^\w\s\-\u2010\u2011]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
#: Words that end in "s" but are no plural of a word without it.
_NOT_PLURAL = frozenset({"news", "windows", "series", "species", "means", "kubernetes"})
_VOWELS = frozenset("aeiou")
#: Labels this short (R, C, Go, SQL) must be written in their own case (see ``Matcher``).
SHORT = 3
#: "-ing" words whose other forms say something else than the activity: a field or a thing
#: ("digital market", "cloud compute", "critical think"), a person ("prompt engineer",
#: "analytics engineer"). Each gives only the forms listed.
_NOUN_ING = {
    "learning": (),
    "thinking": (),
    "marketing": (),
    "computing": (),
    "licensing": (),
    "engineering": ("engineered",),
}
#: The hyphens that only separate words (hyphen-minus, U+2010 and the non-breaking U+2011).
HYPHENS = "-\u2010\u2011"
# A list item's dash at the start of a line: "- Python", "  \u2010 SQL".
_DASH_ITEM = re.compile(rf"\s*[{HYPHENS}]\s")


class Word(NamedTuple):
    """A word of a line: its folded form and where it stands (columns, end exclusive)."""

    folded: str
    start: int
    end: int


def words(line: str, offset: int = 0) -> list[Word]:
    """Return the words of ``line``, placed ``offset`` characters on (where the line starts).

    >>> [w.folded for w in words("Fine-tuning LLMs, CI/CD and C++.")]
    ['fine', 'tuning', 'llms', ',', 'ci', '/', 'cd', 'and', 'c++', '.']
    """
    # Curly apostrophes become straight ones (the same length, so columns stay right).
    return [
        Word(match.group().casefold(), match.start() + offset, match.end() + offset)
        for match in _WORD.finditer(line.translate(_APOSTROPHES))
    ]


class Line(NamedTuple):
    """A line of a text: its number (from 1), where it starts in the text, its characters
    without the line break."""

    number: int
    offset: int
    text: str


def passages(text: str) -> Iterator[list[Line]]:
    """Yield the runs of lines a hit may cross: a blank line, or a line that starts a list
    item with a dash, starts a new run.

    >>> text = "Machine\\nlearning\\n\\n- Python\\n- SQL"
    >>> [[line.number for line in run] for run in passages(text)]
    [[1, 2], [4], [5]]
    """
    run: list[Line] = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        line = Line(number, offset, raw.splitlines()[0])
        offset += len(raw)
        if run and (not line.text.strip() or _DASH_ITEM.match(line.text)):
            yield run
            run = []
        if line.text.strip():
            run.append(line)
    if run:
        yield run


def passage_words(run: list[Line], joined: Callable[[str], bool]) -> list[Word]:
    """Return the words of a run of lines, placed by their offsets in the text.

    A word cut by a hyphen at the end of a line ("visu-" then "alization") is read as one
    word where ``joined`` knows the whole word; otherwise the hyphen is a hyphen, as within
    a line ("prompt-" then "engineering" is "prompt engineering").

    >>> run = list(passages("data visu-\\n  alization and prompt-\\nengineering"))[0]
    >>> [(w.folded, w.start, w.end) for w in passage_words(run, {"visualization"}.__contains__)]
    [('data', 0, 4), ('visualization', 5, 22), ('and', 23, 26), ('prompt', 27, 33), \
('engineering', 35, 46)]
    """
    found: list[Word] = []
    previous: Line | None = None
    for line in run:
        here = words(line.text, line.offset)
        if previous is not None and found and here and _cut(previous, found[-1], line, here[0]):
            whole = found[-1].folded + here[0].folded
            if joined(whole):
                found[-1] = Word(whole, found[-1].start, here[0].end)
                here = here[1:]
        found.extend(here)
        previous = line
    return found


def _cut(previous: Line, last: Word, line: Line, first: Word) -> bool:
    """Whether ``previous`` ends in its word ``last`` and a hyphen, and ``line`` starts with
    the word ``first``: one word hyphenated at the end of a line."""
    end = previous.text.rstrip()
    return (
        end.endswith(tuple(HYPHENS))
        and last.end == previous.offset + len(end) - 1
        and first.start == line.offset + len(line.text) - len(line.text.lstrip())
        and last.folded.isalpha()
        and first.folded.isalpha()
    )


def label_words(label: str) -> tuple[str, ...]:
    """Return the folded words of a label.

    >>> label_words("Retrieval-augmented generation")
    ('retrieval', 'augmented', 'generation')
    """
    return tuple(word.folded for word in words(label))


def numbers(word: str) -> tuple[str, str | None]:
    """Return a folded word's singular and its plural (None where the word has no other number).

    >>> numbers("pipeline"), numbers("models"), numbers("technologies")
    (('pipeline', 'pipelines'), ('model', 'models'), ('technology', 'technologies'))
    >>> numbers("processes")
    ('process', 'processes')
    >>> numbers("statistics"), numbers("news"), numbers("sql")
    (('statistics', None), ('news', None), ('sql', 'sqls'))
    """
    if not word.isalpha() or len(word) < SHORT or word in _NOT_PLURAL:
        return word, None
    if _looks_plural(word):
        singular = _singular(word)
        return (word, None) if singular is None else (singular, word)
    return word, _plural(word)


def _looks_plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is", "ics"))


def _singular(word: str) -> str | None:
    if len(word) < 4:
        return None  # "gas", "bus", "aws": no plural to undo
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def _plural(word: str) -> str | None:
    if word.endswith(("ics", "is")):
        return None  # "statistics" has no other number; "analysis" -> "analyses" is irregular
    if word.endswith("y") and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def verb_forms(word: str) -> tuple[str, ...]:
    """Return the other verb forms of a folded "-ing" word: its past participle, and its bare
    form (both spellings where the rule cannot tell; the wrong one names nothing).

    >>> verb_forms("tuning"), verb_forms("testing")
    (('tuned', 'tun', 'tune'), ('tested', 'test', 'teste'))
    >>> verb_forms("modelling")
    ('modelled', 'modell', 'modelle', 'model')
    >>> verb_forms("engineering"), verb_forms("learning"), verb_forms("tools")
    (('engineered',), (), ())
    """
    if word in _NOUN_ING:
        return _NOUN_ING[word]
    if not word.isalpha() or len(word) < 6 or not word.endswith("ing"):
        return ()
    stem = word[:-3]
    forms = [stem + "ed", stem, stem + "e"]
    if stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        forms.append(stem[:-1])  # planning: plan, modelling: model
    return tuple(forms)
