"""Candidate entity spans from several sources, and the choice of one per stretch of text.

Each source (titles, demonym groups, gazetteer, facility phrases, NER) proposes
:class:`Candidate` spans; :func:`select` keeps a non-overlapping set, preferring the span that
is certain by construction, then the longest, then the more knowledgeable source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

#: Source ranks: a lower rank wins between spans of the same length. ``FIXED`` spans (a person
#: named after a title, a demonym group) win over any overlapping span.
FIXED = 0
GAZETTEER = 1
FACILITY = 2
NER = 3
#: One-word gazetteer places: found by rule, but the NER's reading of the same word wins.
WEAK = 4

POSSESSIVE_ENDINGS = frozenset({"'s", "’s", "'", "’"})
LEADING_WORDS = frozenset({"the", "a", "an"})
TIME_PREPOSITIONS = frozenset({"on", "in", "at", "since", "until", "by", "from"})
CALENDAR_WORDS = frozenset(
    {
        *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
    }
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A token span ``[start, end)`` that may name an entity, and what it would name.

    ``name`` is the full name the span stands for (a coordinated "Chernobyl" in "the Chernobyl and
    Zaporizhzhia plants" stands for "Chernobyl plant"); ``key`` an identity key fixed by the
    source (groups); ``stem`` a facility's own name without its head ("Chernobyl"); ``qid`` a
    QID the gazetteer makes certain, used only to merge mentions within the article (linking is
    the linker's job); ``generic`` marks vague facility heads ("plant").
    """

    start: int
    end: int
    cls: str
    name: str
    rank: int
    country: str | None = None
    key: str | None = None
    qid: str | None = None
    generic: bool = False
    stem: str | None = None
    level: str = ""  # "town" or "region" where the words around say (kg.model.Entity.level)
    partial: bool = False  # the span is part of ``name`` ("Kherson" of "the Kherson region")

    @property
    def length(self) -> int:
        return self.end - self.start


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading article, a trailing possessive or punctuation ("the Pentagon's"), all
    after a line break, and a trailing time the NER swallowed ("the Donetsk People's Republic
    on Monday")."""
    while start < end and doc[start].lower_ in LEADING_WORDS:
        start += 1
    end = _before_a_line_break(doc, start, end)
    end = _before_a_time(doc, start, end)
    while end > start and (doc[end - 1].text in POSSESSIVE_ENDINGS or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _before_a_line_break(doc: Doc, start: int, end: int) -> int:
    """Where a name ends if a line break falls inside it: no name runs from one line or
    paragraph into the next ("Poland" of "...reach Poland\n\nAccording to")."""
    for i in range(start, end):
        if "\n" in doc[i].text:
            return i
        if "\n" in doc[i].whitespace_:
            return i + 1
    return end


def _before_a_time(doc: Doc, start: int, end: int) -> int:
    """Where a name ends if its tail is a lower-case preposition and a weekday or month name,
    perhaps with numbers ("on Monday", "in March 2022"): names do not go on that way."""
    for i in range(start + 1, end - 1):
        if doc[i].text in TIME_PREPOSITIONS and all(
            t.text in CALENDAR_WORDS or t.like_num or t.is_punct for t in doc[i + 1 : end]
        ):
            return i
    return end


def select(candidates: Iterable[Candidate], blocked: Iterable[int] = ()) -> list[Candidate]:
    """Non-overlapping candidates in text order; ``blocked`` tokens (title words) take none."""
    taken = set(blocked)
    chosen: list[Candidate] = []
    order = sorted(
        (c for c in candidates if c.length > 0),
        key=lambda c: (c.rank != FIXED, -c.length, c.rank, c.start),
    )
    for candidate in order:
        tokens = range(candidate.start, candidate.end)
        if any(i in taken for i in tokens):
            continue
        taken.update(tokens)
        chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)
