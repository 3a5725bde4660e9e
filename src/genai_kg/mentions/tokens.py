"""Words of a line and of a label, so that one automaton matches them word by word.

A word is a run of letters and digits (``C++``, ``C#`` keep their signs); any other
character but a space or a hyphen is a word of its own (``CI/CD`` is ``ci``, ``/``,
``cd``). Words are case-folded; hyphens and spaces both only separate words, so
"fine-tuning" and "fine tuning" are the same two words. Matching whole words gives the
word boundaries: "Java" is not in "JavaScript".

Each word of a label also matches in its other number ("data pipeline" and "data
pipelines", "large language models" and "large language model"): ``numbers`` gives both.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A word, or one sign that is neither a word character, a space nor a hyphen.
_WORD = re.compile(r"\w+(?:\+\+|#)?|[^\w\s\-\u2010\u2011]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
#: Words that end in "s" but are no plural of a word without it.
_NOT_PLURAL = frozenset({"news", "windows", "series", "species", "means", "kubernetes"})
_VOWELS = frozenset("aeiou")
#: Labels this short (R, C, Go, SQL) must be written in their own case (see ``Matcher``).
SHORT = 3


class Word(NamedTuple):
    """A word of a line: its folded form and where it stands (columns, end exclusive)."""

    folded: str
    start: int
    end: int


def words(line: str) -> list[Word]:
    """Return the words of ``line``.

    >>> [w.folded for w in words("Fine-tuning LLMs, CI/CD and C++.")]
    ['fine', 'tuning', 'llms', ',', 'ci', '/', 'cd', 'and', 'c++', '.']
    """
    # Curly apostrophes become straight ones (the same length, so columns stay right).
    return [
        Word(match.group().casefold(), match.start(), match.end())
        for match in _WORD.finditer(line.translate(_APOSTROPHES))
    ]


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
