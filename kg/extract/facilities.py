"""Facilities found by their head noun: "the Kakhovka dam", "Zaporizhzhia NPP", "Al-Shifa hospital".

The facility ruler marks "<proper name> <head>" spans; here each becomes a candidate named
"<name> <canonical head>", so "Zaporizhzhia NPP" and "Zaporizhzhia nuclear power plant" get one
key. Two general constructions extend the ruler's reach:

- coordination: "the Chernobyl and Zaporizhzhia nuclear power plants" names two plants;
- apposition: "Zaporizhia, Europe's largest nuclear power plant" says the name is a plant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from spacy.tokens import Doc, Span

from kg.extract.candidates import FACILITY, Candidate
from kg.extract.lexicon import FacilityHead, Lexicon, plural

COORDINATORS = frozenset({"and", "or", ","})
HYPHENS = frozenset({"-", "‑", "–"})

#: Says whether tokens [start, end) are a demonym or a country (not a facility's own name).
IsCountryWord = Callable[[int, int], bool]


def facility_candidates(
    doc: Doc, spans: list[Span], lexicon: Lexicon, is_country_word: IsCountryWord
) -> Iterator[Candidate]:
    """Candidates from the facility ruler's spans (longest per head), with coordinated names."""
    longest: dict[int, tuple[Span, FacilityHead]] = {}
    for span in spans:
        head = head_of(doc, span.start, span.end, lexicon)
        current = longest.get(span.end)
        if head is not None and (current is None or span.start < current[0].start):
            longest[span.end] = (span, head)
    for span, head in longest.values():
        head_start = span.end - len(head.words)
        proper = all(t.is_title for t in doc[head_start : span.end])
        start = _name_start(doc, span.start, head_start, is_country_word, proper)
        if start == head_start:
            continue
        yield _facility(doc, start, head_start, head, span.end, proper)
        if doc[span.end - 1].lower_ != head.words[-1].lower():  # plural: may be coordinated
            yield from _coordinated(doc, start, head, is_country_word)


def head_of(doc: Doc, start: int, end: int, lexicon: Lexicon) -> FacilityHead | None:
    """The longest facility head that tokens [start, end) end with, leaving a name before it."""
    last = doc[end - 1]
    found = [
        h
        for h in lexicon.heads_ending_in(last.text, last.lower_)
        if end - len(h.words) > start and _ends_with_head(doc, end, h)
    ]
    return max(found, key=lambda h: len(h.words), default=None)


def _name_start(
    doc: Doc, start: int, head_start: int, is_country_word: IsCountryWord, proper: bool
) -> int:
    """Where the facility's own name begins: no article, sentence-initial word, demonym.

    A demonym stays in a proper name written with a capitalised head ("Saudi Hospital").
    """
    while start < head_start:
        token = doc[start]
        if token.is_sent_start and token.pos_ != "PROPN":
            start += 1
        elif not proper and is_country_word(start, start + 1):
            start += 1
        else:
            break
    while start >= 2 and _hyphenated(doc, start - 1):
        start -= 2
    return start


def _hyphenated(doc: Doc, hyphen: int) -> bool:
    """A hyphen joining the name word after it to a capitalised word before it ("Al-Shifa")."""
    before = doc[hyphen - 1]
    return (
        doc[hyphen].text in HYPHENS
        and not doc[hyphen].whitespace_
        and not before.whitespace_
        and before.text[:1].isupper()
    )


def _facility(
    doc: Doc, start: int, head_start: int, head: FacilityHead, end: int, proper: bool = False
) -> Candidate:
    """A facility named "<stem> [description] <canonical head>", or as written when the head is
    capitalised ("Portland International Airport") and so part of a proper name."""
    stem_end = start
    while stem_end < head_start and not doc[stem_end].is_lower:
        stem_end += 1
    stem = doc[start:stem_end].text
    described = doc[start:head_start].text
    name = (
        doc[start:end].text
        if proper and not head.case_sensitive
        else f"{described} {head.canonical}"
    )
    return Candidate(start, end, head.cls, name, FACILITY, generic=head.generic, stem=stem)


def _coordinated(
    doc: Doc, start: int, head: FacilityHead, is_country_word: IsCountryWord
) -> Iterator[Candidate]:
    """Names joined to this one before a plural head: "Chernobyl and Zaporizhzhia plants"."""
    while start >= 2 and doc[start - 1].lower_ in COORDINATORS:
        end = start - 1
        begin = end
        while begin > 0 and doc[begin - 1].pos_ == "PROPN" and doc[begin - 1].text[:1].isupper():
            begin -= 1
        if begin == end or is_country_word(begin, end):
            return
        yield _facility(doc, begin, end, head, end)
        start = begin


def appositive_facility(
    doc: Doc, start: int, end: int, lexicon: Lexicon
) -> tuple[FacilityHead, str] | None:
    """The head of a facility phrase in apposition to tokens [start, end), and the full name.

    "Zaporizhia, Europe's largest nuclear power plant" -> (nuclear power plant, "Zaporizhia
    nuclear power plant"). Generic heads ("facility") are not enough to say what a name is.
    """
    root = doc[start:end].root
    for child in root.children:
        if child.dep_ != "appos":
            continue
        for head in lexicon.heads_ending_in(child.text, child.lower_):
            if head.generic or not _ends_with_head(doc, child.i + 1, head):
                continue
            return head, f"{doc[start:end].text} {head.canonical}"
    return None


def _ends_with_head(doc: Doc, end: int, head: FacilityHead) -> bool:
    width = len(head.words)
    if end - width < 0:
        return False
    words = [t.text if head.case_sensitive else t.lower_ for t in doc[end - width : end]]
    last = words[-1]
    return words[:-1] == list(head.words[:-1]) and last in (head.words[-1], plural(head.words[-1]))
