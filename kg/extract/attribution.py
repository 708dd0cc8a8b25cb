"""Reported speech: who said what, with which verb, over which words of the article.

Three constructions, found in one pass over the tokens (reporting verbs are data:
``kg/data/events/speech.tsv``):

* a reporting verb with a clausal complement: "X said (that) ...", "X accused Y of ...";
* a reporting verb in a parenthetical after or inside the quote: "“...,” X wrote on Facebook";
* "according to X", which attributes the clause it modifies.

The reported content is a token range. When it is closed by a quotation mark whose opening mark
is in an earlier sentence, it is extended back to that mark, so a quote of several sentences
followed by "the official added" is attributed as a whole. Quotation marks are paired in one pass
over the text (:func:`quotation_regions`); words inside a quotation are someone else's even when
no speaker is found, which the event stage uses to mark them ``reported``.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.arguments import EntityIndex, Resolved, resolve_phrase
from kg.extract.factuality import FactualityCues
from kg.model import Factuality, Mention

OPENING_QUOTES = frozenset({"“", "«", "„"})
CLOSING_QUOTES = frozenset({"”", "»"})
NEUTRAL_QUOTES = frozenset({'"'})
SPEAKER_DEPS = frozenset({"nsubj"})
CONTENT_DEPS = frozenset({"ccomp", "xcomp"})
PARENTHETICAL_DEPS = frozenset({"parataxis", "ccomp", "advcl"})
ACCUSATION_PREPS = frozenset({"of", "for"})
SPEAKER_CORE_CLASSES = frozenset({"Person", "Organisation"})
#: A country speaks as itself ("Israel denied the report"; README, "Metonymy").
SPEAKER_ENTITY_CLASSES = frozenset({"Country"})
ACCORDING_TO = "according to"
#: How a representative noun names whom it speaks for: "a Pentagon official", "the ministry's
#: spokesman", "an official at / of / from / for the agency".
REPRESENTED_DEPS = frozenset({"compound", "nmod", "amod", "poss"})
REPRESENTED_PREPS = frozenset({"of", "at", "from", "for"})


@dataclass(frozen=True, slots=True)
class FoundStatement:
    """A reported-speech construction; ``speaker`` is None when it names no known entity."""

    speaker: Resolved | None
    verb: str
    verb_token: int
    content: tuple[int, int]
    quote: Mention
    mention: Mention
    factuality: Factuality


def quotation_regions(text: str) -> tuple[tuple[int, int], ...]:
    """Character ranges ``[open, close]`` of paired quotation marks, in one pass.

    Curly marks pair by direction; straight double quotes alternate. An opening mark left unpaired
    at the end of a paragraph is closed there (news often opens a quote in each paragraph of a
    long quotation but closes only the last).
    """
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    for index, char in enumerate(text):
        if char in OPENING_QUOTES or (char in NEUTRAL_QUOTES and open_at is None):
            if open_at is not None:
                regions.append((open_at, index - 1))
            open_at = index
        elif char in CLOSING_QUOTES or char in NEUTRAL_QUOTES:
            if open_at is not None:
                regions.append((open_at, index))
                open_at = None
        elif char == "\n" and open_at is not None:
            regions.append((open_at, index - 1))
            open_at = None
    if open_at is not None:
        regions.append((open_at, len(text) - 1))
    return tuple(regions)


def quoted_tokens(doc: Doc, regions: Sequence[tuple[int, int]]) -> tuple[bool, ...]:
    """For every token, whether it lies inside a quotation (one merge of two sorted lists)."""
    flags: list[bool] = []
    position = 0
    for token in doc:
        while position < len(regions) and regions[position][1] < token.idx:
            position += 1
        inside = position < len(regions) and regions[position][0] < token.idx
        flags.append(inside and not token.is_quote)
    return tuple(flags)


def _span_mention(doc: Doc, first: int, last: int, *, whole: bool = False) -> Mention | None:
    """The mention of tokens ``first..last``, trimmed at the edges.

    A quotation loses the punctuation, quotation marks and "that" around it; a whole statement
    (``whole``) keeps its quotation marks and loses only other punctuation and spaces.
    """

    def trimmed(token: Token, *, leading: bool) -> bool:
        if token.is_space or (leading and not whole and token.dep_ == "mark"):
            return True
        return token.is_punct and not (whole and token.is_quote)

    while first <= last and trimmed(doc[first], leading=True):
        first += 1
    while last >= first and trimmed(doc[last], leading=False):
        last -= 1
    if first > last:
        return None
    span = doc[first : last + 1]  # Span.text costs the span's length; Doc.text the document's
    return Mention(span.start_char, span.end_char, span.text)


def _subtree_range(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i


def _complement(verb: Token) -> tuple[int, int] | None:
    """The reported clause governed by the verb: "said (that) ...", "accused X of ..."."""
    for child in verb.children:
        if child.dep_ in CONTENT_DEPS:
            return _subtree_range(child)
    for child in verb.children:
        if (
            child.dep_ == "prep"
            and child.lower_ in ACCUSATION_PREPS
            and any(grand.dep_ in {"pcomp", "pobj"} for grand in child.children)
        ):
            return _subtree_range(child)
    return None


def _parenthetical_content(verb: Token) -> tuple[int, int] | None:
    """The clause a parenthetical reporting verb hangs from, without the parenthetical."""
    head = verb.head
    if head.i == verb.i or verb.dep_ not in PARENTHETICAL_DEPS:
        return None
    first, last = _subtree_range(head)
    own_first, own_last = _subtree_range(verb)
    if own_first > head.i:
        return first, own_first - 1
    if own_last < head.i:
        return own_last + 1, last
    return None


def _extend_to_quote(
    doc: Doc, content: tuple[int, int], regions: Sequence[tuple[int, int]], verb: Token
) -> tuple[int, int]:
    """Extend the content back to the opening mark of a quotation that it closes."""
    first, last = content
    begin = doc[first].idx
    end_char = doc[last].idx + len(doc[last].text)
    position = bisect_right(regions, (begin, sys.maxsize)) - 1
    if position < 0:
        return content
    open_at, close_at = regions[position]
    closes_here = begin <= close_at <= verb.idx and close_at + 1 >= end_char
    if open_at >= begin or not closes_here:
        return content
    while first > 0 and doc[first - 1].idx >= open_at:  # back over the quotation only
        first -= 1
    return first, last


def _speaker_token(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in SPEAKER_DEPS:
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    if verb.dep_ == "conj" and verb.head.i != verb.i:
        return _speaker_token(verb.head)
    return None


def _speaker(token: Token | None, index: EntityIndex) -> Resolved | None:
    """The person, organisation or country the speaker phrase names ("Israel denied the
    report": the country)."""
    if token is None:
        return None
    for resolved in resolve_phrase(token, index) or _represented(token, index):
        record = index.entities[resolved.entity]
        if record.core_class in SPEAKER_CORE_CLASSES or record.cls in SPEAKER_ENTITY_CLASSES:
            return resolved
    return None


def _represented(token: Token, index: EntityIndex) -> list[Resolved]:
    """Whom an unnamed representative speaks for: "a Pentagon official" -> the Pentagon; the
    modifier nearest the noun first ("a US Pentagon official": the Pentagon)."""
    if token.lemma_.lower() not in index.antecedents.representatives:
        return []
    found: list[Resolved] = []
    for child in [*reversed(list(token.lefts)), *token.rights]:
        if child.dep_ in REPRESENTED_DEPS:
            found.extend(resolve_phrase(child, index))
        elif child.dep_ == "prep" and child.lower_ in REPRESENTED_PREPS:
            for pobj in (g for g in child.children if g.dep_ == "pobj"):
                found.extend(resolve_phrase(pobj, index))
    return found


def _statement(
    doc: Doc,
    verb: Token,
    verb_name: str,
    speaker: Token | None,
    content: tuple[int, int],
    factuality: Factuality,
    index: EntityIndex,
) -> FoundStatement | None:
    quote = _span_mention(doc, *content)
    if quote is None or content[0] <= verb.i <= content[1]:
        return None
    edges = [*content, *_subtree_range(verb)]
    if speaker is not None:
        edges.extend(_subtree_range(speaker))
    whole = _span_mention(doc, min(edges), max(edges), whole=True)
    if whole is None:
        return None
    return FoundStatement(
        _speaker(speaker, index), verb_name, verb.i, content, quote, whole, factuality
    )


def _according_to(doc: Doc, token: Token, index: EntityIndex) -> FoundStatement | None:
    """ "..., according to X": X is the speaker of the clause "according" modifies."""
    to = next((child for child in token.children if child.lower_ == "to"), None)
    source = next((g for g in to.children if g.dep_ == "pobj"), None) if to is not None else None
    head = token.head
    if source is None or head.i == token.i:
        return None
    first, last = _subtree_range(head)
    own_first, own_last = _subtree_range(token)
    content = (first, own_first - 1) if own_first > head.i else (own_last + 1, last)
    if content[0] > content[1]:
        return None
    return _statement(doc, token, ACCORDING_TO, source, content, "reported", index)


def find_statements(
    doc: Doc, index: EntityIndex, cues: FactualityCues, regions: Sequence[tuple[int, int]]
) -> tuple[FoundStatement, ...]:
    """Every reported-speech construction of the document, in text order."""
    found: list[FoundStatement] = []
    for token in doc:
        if token.lower_ == "according" and token.dep_ == "prep":
            statement = _according_to(doc, token, index)
        elif token.pos_ == "VERB" and token.lemma_.lower() in cues.speech:
            content = _complement(token) or _parenthetical_content(token)
            statement = None
            if content is not None:
                content = _extend_to_quote(doc, content, regions, token)
                factuality = cues.speech[token.lemma_.lower()]
                speaker = _speaker_token(token)
                statement = _statement(
                    doc, token, token.lemma_.lower(), speaker, content, factuality, index
                )
        else:
            continue
        if statement is not None:
            found.append(statement)
    return tuple(found)
