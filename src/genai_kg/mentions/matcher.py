"""One Aho-Corasick automaton over every label, and the hits it finds in a text.

The automaton (pyahocorasick, keys as sequences of word numbers) finds every label in a
passage (lines up to a blank line, ``tokens.passages``) in one pass, however many labels
there are; a hit may cross a line break and is placed where it starts. Of overlapping hits
the longest wins (then the leftmost). A label of at most three characters (R, Go, SQL, ETL)
counts only written in its own case or in capitals; one of one or two characters (R, C#,
AI, ML) also only standing apart from its neighbours (not "R&D", "R-squared", "AI's") and on
a line that names another skill, as a list of skills does ("Python, R, SQL").
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from genai_kg.mentions.tokens import (
    SHORT,
    Word,
    label_words,
    numbers,
    passage_words,
    passages,
    verb_forms,
)

#: Characters that glue a one- or two-letter label to its neighbour ("R&D", "AI's").
_GLUE = frozenset("&'\u2019-\u2010\u2011+@._")
_TINY = 2


@dataclass(frozen=True)
class Target:
    """What a label names: a curated skill or an ESCO skill, and the curated skills it counts as.

    ``kind`` is "curated" (``id`` a skill id, ``label`` its name) or "esco" (``id`` the
    concept URI, ``label`` its preferred label). ``via`` says how an ESCO skill counts as
    the curated ones: through their ``match`` link, or through an ESCO skill above it.
    """

    kind: str
    id: str
    label: str
    counts_as: tuple[str, ...] = ()
    via: str = ""


@dataclass(frozen=True)
class Hit:
    """A label found in a text: line and column (from 1) where it starts, the text as written
    (with the line break of a hit that crosses one), its target."""

    line: int
    column: int
    text: str
    target: Target

    @property
    def last_line(self) -> int:
        """The line where the hit ends (``line`` but for a hit across a line break)."""
        return last_line(self.line, self.text)


def last_line(line: int, text: str) -> int:
    """The line where a hit that starts on ``line`` and reads ``text`` ends."""
    return line + len(text.splitlines()) - 1


class _Candidate(NamedTuple):
    first: int  # word range, inclusive
    last: int
    start: int  # offsets in the text, end exclusive
    end: int
    target: int


class MatcherBuilder:
    """Collect labels, then ``build`` the matcher.

    >>> builder = MatcherBuilder()
    >>> python = builder.target(Target("curated", "python", "Python", ("python",)))
    >>> builder.add("Python", python, rank=0)
    >>> [hit.text for hit in builder.build().find("Pythons and python")]
    ['Pythons', 'python']
    """

    def __init__(self) -> None:
        self.targets: list[Target] = []
        self._vocabulary: dict[str, int] = {}  # folded word -> its number (0: unknown)
        self._count = 0
        # key (word numbers) -> {(rank, target, the forms a short label must be written in)}
        self._keys: dict[tuple[int, ...], set[tuple[int, int, frozenset[str] | None]]] = {}

    def target(self, target: Target) -> int:
        """Add a target; return its number for ``add``."""
        self.targets.append(target)
        return len(self.targets) - 1

    def add(self, label: str, target: int, rank: int, *, cased: bool = False) -> None:
        """Add ``label`` of target number ``target``; of two targets of one label the lower
        ``rank`` wins (curated before ESCO preferred labels before alternative ones).

        ``cased``: the label counts only written in its own case or in capitals, as every
        label of at most three characters does.
        """
        key = tuple(self._word(word) for word in label_words(label))
        if not key:
            return
        label = label.strip()
        exact = None
        if cased or len(label) <= SHORT:
            forms = {label, label.upper()}
            if len(label) == SHORT and label[-1].isalpha():
                forms |= {label + "s", label.upper() + "s"}  # APIs, LLMs
            exact = frozenset(forms)
        self._keys.setdefault(key, set()).add((rank, target, exact))

    def add_verb_forms(self, label: str, target: int, rank: int) -> None:
        """Add the other verb forms of a label of two or more words ending in an "-ing" word
        ("fine-tuned", "fine-tune" and "fine-tunes" for "fine-tuning"), with ``rank`` (worse
        than any label's, so that a label written so elsewhere names its own skill).

        >>> builder = MatcherBuilder()
        >>> tuning = builder.target(Target("curated", "fine-tuning", "Fine-tuning"))
        >>> builder.add_verb_forms("fine-tuning", tuning, rank=3)
        >>> [hit.text for hit in builder.build().find("We fine-tune and fine-tuned models.")]
        ['fine-tune', 'fine-tuned']
        """
        folded = label_words(label)
        if len(folded) < 2:
            return
        key = tuple(self._word(word) for word in folded[:-1])
        for form in verb_forms(folded[-1]):
            self._keys.setdefault((*key, self._word(form)), set()).add((rank, target, None))

    def _word(self, word: str) -> int:
        """The number of a label's word; its singular and plural share it."""
        known = self._vocabulary.get(word)
        if known is not None:
            return known
        singular, plural = numbers(word)
        number = self._vocabulary.get(singular)
        if number is None:
            self._count += 1
            number = self._count
        for form in (word, singular, plural):
            if form is not None:
                self._vocabulary.setdefault(form, number)
        return self._vocabulary[word]

    def build(self) -> Matcher:
        """Return the matcher of every label added."""
        import ahocorasick

        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS, ahocorasick.KEY_SEQUENCE)
        lengths, offsets, entries = array("B"), array("I", [0]), array("I")
        exact: dict[int, frozenset[str]] = {}
        for number, key in enumerate(sorted(self._keys)):
            automaton.add_word(key, number)
            lengths.append(min(len(key), 255))
            for _, target, forms in sorted(self._keys[key], key=_entry_order):
                if forms is not None:
                    exact[len(entries)] = forms
                entries.append(target)
            offsets.append(len(entries))
        automaton.make_automaton()
        return Matcher(automaton, self._vocabulary, lengths, offsets, entries, exact, self.targets)


def _entry_order(entry: tuple[int, int, frozenset[str] | None]) -> tuple[int, int, bool]:
    rank, target, forms = entry
    return rank, target, forms is None


class Matcher:
    """The automaton and its tables; ``find`` returns the hits of a text.

    It pickles whole (the cache of ``index.open_matcher``); its targets are kept as columns
    of strings, which unpickle several times faster than as many objects.
    """

    def __init__(
        self,
        automaton: Any,
        vocabulary: dict[str, int],
        lengths: array[int],
        offsets: array[int],
        entries: array[int],
        exact: dict[int, frozenset[str]],
        targets: Sequence[Target],
    ) -> None:
        self.automaton = automaton
        self.vocabulary = vocabulary
        self.lengths = lengths  # words of each key
        self.offsets = offsets  # key k's targets are entries[offsets[k]:offsets[k + 1]]
        self.entries = entries
        self.exact = exact  # entry -> the forms a short label must be written in
        self.targets = _Targets(targets)
        #: What the labels came from: "curated", and "esco" once imported.
        self.sources: tuple[str, ...] = ("curated",)
        #: Curated skill id -> the skill it is a kind of (``broader`` in skills.yaml).
        self.broader: dict[str, str] = {}

    @property
    def labels(self) -> int:
        """How many keys (label forms) the automaton holds."""
        return len(self.lengths)

    def find(self, text: str) -> list[Hit]:
        """Return the hits in ``text``, left to right (across a line break, not a blank line)."""
        hits: list[Hit] = []
        for run in passages(text):
            run_words = passage_words(run, self.vocabulary.__contains__)
            chosen = _longest_first(self._candidates(text, run_words))
            starts = [line.offset for line in run]
            for c in _in_context(text, starts, chosen):
                line = run[bisect_right(starts, c.start) - 1]
                written = text[c.start : c.end]
                hits.append(
                    Hit(line.number, c.start - line.offset + 1, written, self.targets[c.target])
                )
        return hits

    def _candidates(self, text: str, run_words: list[Word]) -> Iterable[_Candidate]:
        ids = tuple(self.vocabulary.get(word.folded, 0) for word in run_words)
        if not ids:
            return
        for last, key in self.automaton.iter(ids):
            first = last - self.lengths[key] + 1
            start, end = run_words[first].start, run_words[last].end
            written = text[start:end]
            for entry in range(self.offsets[key], self.offsets[key + 1]):
                forms = self.exact.get(entry)
                if forms is None or written in forms:
                    yield _Candidate(first, last, start, end, self.entries[entry])
                    break


class _Targets:
    """Targets as columns of strings; each ``Target`` is made when a hit needs it."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self.kinds = "".join("c" if t.kind == "curated" else "e" for t in targets)
        self.ids = [t.id for t in targets]
        self.labels = [t.label for t in targets]
        self.counts = {n: t.counts_as for n, t in enumerate(targets) if t.counts_as}
        self.via = {n: t.via for n, t in enumerate(targets) if t.via}

    def __len__(self) -> int:
        return len(self.kinds)

    def __getitem__(self, n: int) -> Target:
        kind = "curated" if self.kinds[n] == "c" else "esco"
        counts, via = self.counts.get(n, ()), self.via.get(n, "")
        return Target(kind, self.ids[n], self.labels[n], counts, via)

    def __iter__(self) -> Iterator[Target]:
        return (self[n] for n in range(len(self)))


def _longest_first(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """Keep the longest of overlapping candidates (then the leftmost), in reading order."""
    taken: list[_Candidate] = []
    used: set[int] = set()
    for candidate in sorted(candidates, key=lambda c: (c.start - c.end, c.start, c.target)):
        span = range(candidate.first, candidate.last + 1)
        if used.isdisjoint(span):
            taken.append(candidate)
            used.update(span)
    return sorted(taken, key=lambda c: c.start)


def _in_context(text: str, starts: list[int], chosen: list[_Candidate]) -> list[_Candidate]:
    """Drop a one- or two-letter hit glued to its neighbours or alone on its line (``starts``:
    where the passage's lines start in ``text``)."""
    kept = [c for c in chosen if c.end - c.start > _TINY or _stands_apart(text, c.start, c.end)]
    lines = Counter(bisect_right(starts, c.start) for c in kept)
    return [c for c in kept if c.end - c.start > _TINY or lines[bisect_right(starts, c.start)] >= 2]


def _stands_apart(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    beyond = text[end + 1] if end + 1 < len(text) else " "
    full_stop = after == "." and not beyond.isalnum()
    return before not in _GLUE and (after not in _GLUE or full_stop)
