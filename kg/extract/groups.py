"""Demonym- and country-headed groups: "Russian troops", "Ukraine's army", "US officials".

A group noun (``group_nouns.tsv``) after a demonym or a country name mentions that country's
armed forces or government. The group is one entity per country and kind, whatever the wording,
so "Russian forces" and "the Russian military" in any article share one identity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from spacy.tokens import Doc

from kg.extract.candidates import FIXED, POSSESSIVE_ENDINGS, Candidate
from kg.extract.known import demonym_before, group_identity
from kg.extract.lexicon import Lexicon
from kg.gazetteer.table import Gazetteer

COORDINATORS = frozenset({"and", "or", ","})
#: A group noun used as a modifier ("military activity", "army units") is not the group.
MODIFIER_DEPS = frozenset({"amod", "compound"})


def group_candidates(
    doc: Doc,
    gazetteer: Gazetteer,
    lexicon: Lexicon,
    countries_ending_at: Mapping[int, tuple[int, str]],
) -> Iterator[Candidate]:
    """Every group mention; ``countries_ending_at`` maps a token end to a country span there."""
    longest = max((len(noun) for noun in lexicon.group_nouns), default=0)
    first_words = {noun[0] for noun in lexicon.group_nouns}
    i = 0
    while i < len(doc):
        match = _group_noun_at(doc, i, lexicon, longest) if doc[i].lower_ in first_words else None
        if match is None:
            i += 1
            continue
        end, kind = match
        yield from _groups_before(doc, i, end, kind, gazetteer, lexicon, countries_ending_at)
        yield from _group_of_country(doc, i, end, kind, gazetteer, countries_ending_at)
        i = end


def _group_noun_at(doc: Doc, i: int, lexicon: Lexicon, longest: int) -> tuple[int, str] | None:
    for width in range(longest, 0, -1):
        if i + width > len(doc):
            continue
        words = tuple(t.lower_ for t in doc[i : i + width])
        kind = lexicon.group_nouns.get(words)
        last = doc[i + width - 1]
        modifies_next = last.head.i == i + width and last.head.pos_ in ("NOUN", "PROPN")
        if (
            kind is not None
            and last.pos_ in ("NOUN", "PROPN")
            and last.dep_ not in MODIFIER_DEPS
            and not modifies_next  # "Russian military vehicles": a modifier, not the group
        ):
            return i + width, kind
    return None


def _groups_before(
    doc: Doc,
    noun_start: int,
    noun_end: int,
    kind: str,
    gazetteer: Gazetteer,
    lexicon: Lexicon,
    countries_ending_at: Mapping[int, tuple[int, str]],
) -> Iterator[Candidate]:
    """The group this noun heads, and those of demonyms coordinated with its own."""
    end = noun_start
    while end > 0 and doc[end - 1].lower_ in lexicon.group_modifiers:
        end -= 1
    head = _country_before(doc, end, gazetteer, countries_ending_at)
    if head is None:
        return
    start, country = head
    yield _group(gazetteer, start, noun_end, kind, country)
    while start >= 2 and doc[start - 1].lower_ in COORDINATORS:
        demonym_end = start - 1
        other = demonym_before(doc, demonym_end, gazetteer)
        if other is None:
            return
        start, country = other
        yield _group(gazetteer, start, demonym_end, kind, country)


def _group_of_country(
    doc: Doc,
    noun_start: int,
    noun_end: int,
    kind: str,
    gazetteer: Gazetteer,
    countries_ending_at: Mapping[int, tuple[int, str]],
) -> Iterator[Candidate]:
    """ "the armed forces of Ukraine", "the government of Poland": the group noun, "of" and a
    country name name that country's group."""
    if noun_end + 1 >= len(doc) or doc[noun_end].lower_ != "of":
        return
    for end in range(noun_end + 2, min(noun_end + 5, len(doc)) + 1):
        found = countries_ending_at.get(end)
        if found is not None and found[0] == noun_end + 1:
            yield _group(gazetteer, noun_start, end, kind, found[1])
            return


def _country_before(
    doc: Doc, end: int, gazetteer: Gazetteer, countries_ending_at: Mapping[int, tuple[int, str]]
) -> tuple[int, str] | None:
    """A demonym, or a country name possibly with "'s", ending at token ``end``."""
    demonym = demonym_before(doc, end, gazetteer)
    if demonym is not None:
        return demonym
    if end > 0 and doc[end - 1].text in POSSESSIVE_ENDINGS:
        end -= 1
    return countries_ending_at.get(end)


def _group(gazetteer: Gazetteer, start: int, end: int, kind: str, country: str) -> Candidate:
    name, key, qid = group_identity(gazetteer, country, kind)
    return Candidate(start, end, kind, name, FIXED, country=country, key=key, qid=qid)
