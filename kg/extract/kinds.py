"""What a common noun next to a name says it is: "the news agency BelTA", "BelTA, the state
news agency", "the Energoatom company" (``kind_nouns.tsv``). Pure.

The noun counts only when the parse ties it to the name (the name is its compound or its
apposition, or it is the name's), and never against the gazetteer's word for a known name.
A capitalised name right after such a noun that no other step found becomes a candidate
("the newspaper Tagesspiegel"), whatever the parse made of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from kg.extract.candidates import FIXED, NER, Candidate
from kg.model import CORE_CLASS

#: Core classes a kind noun may correct: the NER confuses organisations and people, not places
#: (and a person's name of two words or more stays one: "drone pilot Ivan Petrov").
CORRECTABLE = frozenset({"Organisation", "Person"})


def with_kinds(
    doc: Doc, candidates: Sequence[Candidate], kinds: Mapping[tuple[str, ...], str]
) -> list[Candidate]:
    """The candidates, each unidentified organisation or person that a kind noun describes
    given that noun's class."""
    result = []
    for candidate in candidates:
        if candidate.qid is None and candidate.key is None:
            core = CORE_CLASS[candidate.cls]
            if core in CORRECTABLE and (core != "Person" or candidate.length == 1):
                span = doc[candidate.start : candidate.end]
                cls = kind_of(span, kinds)
                if cls is None and candidate.cls == "Organisation" and in_news_role(span):
                    cls = "NewsOrganisation"
                if cls is not None:
                    candidate = replace(candidate, cls=cls)
        result.append(candidate)
    return result


def kind_candidates(
    doc: Doc, taken: Sequence[Candidate], kinds: Mapping[tuple[str, ...], str]
) -> list[Candidate]:
    """Capitalised names right after a kind noun that no candidate covers."""
    covered = {i for c in taken for i in range(c.start, c.end)}
    found = []
    i = 0
    while i < len(doc):
        end = i
        while end < len(doc) and end not in covered and _name_word(doc[end]):
            end += 1
        before = _phrase_before(doc, i, kinds) if end > i else None
        if before is not None:  # right after the noun: the parse may miss the tie here
            found.append(Candidate(i, end, before[1], doc[i:end].text, NER))
        i = max(end, i + 1)
    return found


#: A dateline at the start of a paragraph: "MINSK, 14 February (BelTA) –", "KYIV, Ukraine
#: (AP) —". The name in brackets is the news organisation that filed the story.
DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Za-z'. -]{1,40}(?:,[^\n()]{1,40})?[ \t]*\((?P<agency>[A-Z][\w.&' -]{0,40})\)"
    r"[ \t]*[-\u2013\u2014]",
    re.MULTILINE,
)


def dateline_candidates(doc: Doc, taken: Sequence[Candidate]) -> list[Candidate]:
    """The news organisation named in each dateline, as a NewsOrganisation candidate (taking
    the place of what the NER made of the name there)."""
    found = []
    for match in DATELINE.finditer(doc.text):
        span = doc.char_span(*match.span("agency"), alignment_mode="strict")
        if span is not None and not any(
            c.qid is not None and c.start <= span.start and span.end <= c.end for c in taken
        ):
            found.append(Candidate(span.start, span.end, "NewsOrganisation", span.text, FIXED))
    return found


#: Nouns of the people a news organisation employs: "a BBC correspondent", "Reuters' reporter".
JOURNALIST_NOUNS = frozenset(
    {"correspondent", "reporter", "journalist", "anchor", "interviewer", "editor", "columnist"}
)
#: Verbs whose subject, an organisation, is one that reports: "Ukrinform reported".
REPORTING_VERBS = frozenset({"report", "broadcast"})


def in_news_role(span: Span) -> bool:
    """Whether an organisation's name plays a news organisation's part: it was told or
    interviewed ("told the BBC", "in an interview with AFP"), it employs journalists ("a BBC
    correspondent"), or it reported ("Ukrinform reported")."""
    root = span.root
    head = root.head
    if root.dep_ == "dobj" and head.lemma_ == "tell":
        return True
    if root.dep_ == "pobj" and head.lower_ in ("with", "to") and head.head.lemma_ == "interview":
        return True
    if root.dep_ in ("poss", "compound") and head.lemma_.lower() in JOURNALIST_NOUNS:
        return True
    return root.dep_ == "nsubj" and head.lemma_ in REPORTING_VERBS


def kind_of(span: Span, kinds: Mapping[tuple[str, ...], str]) -> str | None:
    """The class a kind noun tied to the name ``span`` gives it, if any."""
    doc, root = span.doc, span.root
    before = _phrase_before(doc, span.start, kinds)
    if before is not None:
        noun, cls = before
        if noun.head.i in range(span.start, span.end) or (
            root.head.i == noun.i and root.dep_ in ("appos", "compound", "npadvmod")
        ):
            return cls
    after = _phrase_at(doc, span.end, kinds)
    if after is not None and root.dep_ == "compound" and root.head.i == after[0].i:
        return after[1]
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end:
            appositive = _ends_phrase(doc, child.i, kinds)
            if appositive is not None:
                return appositive
    return None


def _name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def _phrase_before(
    doc: Doc, start: int, kinds: Mapping[tuple[str, ...], str]
) -> tuple[Token, str] | None:
    """The kind phrase ending right before ``start`` (its last token and class)."""
    if start == 0 or not doc[start - 1].is_lower:
        return None
    cls = _ends_phrase(doc, start - 1, kinds)
    return None if cls is None else (doc[start - 1], cls)


def _phrase_at(
    doc: Doc, start: int, kinds: Mapping[tuple[str, ...], str]
) -> tuple[Token, str] | None:
    """The kind phrase starting at ``start`` (its last token and class)."""
    for words, cls in kinds.items():
        end = start + len(words)
        if end <= len(doc) and all(_is(t, w) for t, w in zip(doc[start:end], words, strict=True)):
            return doc[end - 1], cls
    return None


def _ends_phrase(doc: Doc, last: int, kinds: Mapping[tuple[str, ...], str]) -> str | None:
    """The class of the longest kind phrase ending at token ``last``."""
    best: tuple[int, str] | None = None
    for words, cls in kinds.items():
        start = last - len(words) + 1
        if start >= 0 and all(_is(t, w) for t, w in zip(doc[start : last + 1], words, strict=True)):
            if best is None or len(words) > best[0]:
                best = (len(words), cls)
    return None if best is None else best[1]


def _is(token: Token, word: str) -> bool:
    """A lower-case token that is ``word`` or an inflection of it ("newspapers")."""
    return token.is_lower and (token.text == word or token.lemma_.lower() == word)
