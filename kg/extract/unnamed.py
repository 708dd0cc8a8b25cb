"""Unnamed targets: the facilities an event strikes, takes or holds when the text gives them no
name ("a missile strike destroyed an ammunition depot near Enerhodar"). Pure.

A noun phrase whose head is a facility noun (``kg/data/events/target_heads.tsv``) and that no
entity covers becomes an :class:`~kg.model.Entity` with ``named=False``: its name is the phrase
without determiners, numbers and possessives ("ammunition depot"), its class the head's, and
its key holds the article and the phrase's place, so that it is never one with another
article's depot nor linked to Wikidata. Only those that some event role uses are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from spacy.tokens import Doc, Span, Token

from kg.extract.actors import covered_tokens
from kg.extract.eventdata import read_event_table
from kg.model import ENTITY_CLASSES, Entity, Mention
from kg.names import normalise

#: Words before a head that are no part of what the thing is called.
DROPPED_DEPS = frozenset({"det", "predet", "nummod", "poss", "quantmod", "case", "punct"})
#: Modifiers that say which one, not what it is ("several", "other"): dropped too.
DROPPED_WORDS = frozenset({"several", "other", "many", "some", "few", "various", "multiple"})


@dataclass(frozen=True, slots=True)
class TargetHeads:
    """Facility nouns by their words (lower case, singular), with the class each gives."""

    heads: Mapping[tuple[str, ...], str]

    def class_ending_at(self, doc: Doc, root: Token) -> tuple[str, int] | None:
        """The class and first token of the longest head phrase ending at ``root``."""
        best: tuple[str, int] | None = None
        for words, cls in self.heads.items():
            start = root.i - len(words) + 1
            if start < 0 or (best is not None and start >= best[1]):
                continue
            tokens = doc[start : root.i + 1]
            if all(_is(t, w) for t, w in zip(tokens, words, strict=True)):
                best = (cls, start)
        return best


def load_target_heads() -> TargetHeads:
    heads: dict[tuple[str, ...], str] = {}
    for head, cls in read_event_table("target_heads.tsv", 2):
        if cls not in ENTITY_CLASSES:
            raise ValueError(f"events/target_heads.tsv: unknown class {cls!r} for {head!r}")
        heads[tuple(head.lower().split())] = cls
    return TargetHeads(MappingProxyType(heads))


def _is(token: Token, word: str) -> bool:
    return token.lower_ == word or (token.lemma_.lower() == word and token.pos_ == "NOUN")


def unnamed_targets(
    doc: Doc, entities: Sequence[Entity], heads: TargetHeads, article_id: str
) -> list[Entity]:
    """An unnamed entity for each facility noun phrase no entity covers (one per distinct
    name; each mention of that name is one of its mentions)."""
    covered = covered_tokens(doc, entities)
    found: dict[str, Entity] = {}
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.i in covered or root.pos_ != "NOUN":
            continue
        match = heads.class_ending_at(doc, root)
        if match is None:
            continue
        span = _named_part(chunk)
        if span is None or any(t.i in covered for t in span):
            continue
        name = span.text
        mention = Mention(span.start_char, span.end_char, span.text)
        key = normalise(name)
        known = found.get(key)
        if known is None:
            found[key] = Entity(
                key=f"{key} in {article_id} at {span.start_char}",
                name=name,
                cls=match[0],
                mentions=(mention,),
                named=False,
            )
        else:
            found[key] = Entity(
                key=known.key,
                name=known.name,
                cls=known.cls,
                mentions=(*known.mentions, mention),
                named=False,
            )
    return list(found.values())


def _named_part(chunk: Span) -> Span | None:
    """The chunk from its first word that says what the thing is ("ammunition depot" of "an
    ammunition depot", "railway stations" of "several railway stations")."""
    start = chunk.start
    while start < chunk.end - 1 and (
        chunk.doc[start].dep_ in DROPPED_DEPS or chunk.doc[start].lower_ in DROPPED_WORDS
    ):
        start += 1
    span = chunk.doc[start : chunk.end]
    return span if len(span) > 0 else None
