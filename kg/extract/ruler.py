"""Rule components that find names by knowledge: gazetteer names and facility phrases.

Both are spaCy ``SpanRuler`` components that write to their own ``doc.spans`` keys, so the
statistical NER output in ``doc.ents`` stays as the model predicted it and every other consumer
of the pipeline sees the same ``doc.ents`` whether or not the rulers run. :mod:`kg.extract.entities`
weighs the three sources against each other.

- ``kg_gazetteer_ruler`` (first in the pipeline, so adding its phrase patterns only tokenises them)
  matches gazetteer names ignoring case. To keep the pattern count and build time down it skips
  what the NER finds well on its own: one-word names of places and people.
- ``kg_facility_ruler`` (after the parser, since it needs part-of-speech tags) matches
  "<proper name> <facility head>" with the heads in ``facility_heads.tsv``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline import SpanRuler

from kg.extract.lexicon import FacilityHead, Lexicon, load_lexicon, plural
from kg.link.gazetteer import Gazetteer

GAZETTEER_RULER = "kg_gazetteer_ruler"
GAZETTEER_SPANS = "kg_gazetteer"
GAZETTEER_LABEL = "GAZETTEER"
FACILITY_RULER = "kg_facility_ruler"
FACILITY_SPANS = "kg_facility"

#: Classes whose one-word names the NER already finds (so the ruler leaves them out).
NER_WELL_FOUND = frozenset({"Place", "Person"})

Pattern = dict[str, Any]


def build_entity_ruler(nlp: Language, gazetteer: Gazetteer) -> None:
    """Add the gazetteer and facility rulers to ``nlp`` (again with the same gazetteer: no-op)."""
    _ensure_gazetteer_ruler(nlp, gazetteer_patterns(gazetteer))
    if FACILITY_RULER not in nlp.pipe_names:
        ruler: SpanRuler = nlp.add_pipe(  # type: ignore[assignment]
            "span_ruler",
            name=FACILITY_RULER,
            last=True,
            config={"spans_key": FACILITY_SPANS, "validate": False},
        )
        ruler.add_patterns(facility_patterns(load_lexicon()))


def _ensure_gazetteer_ruler(nlp: Language, patterns: list[Pattern]) -> None:
    """Add the ruler, or replace its patterns when another gazetteer's were loaded."""
    if GAZETTEER_RULER in nlp.pipe_names:
        ruler: SpanRuler = nlp.get_pipe(GAZETTEER_RULER)  # type: ignore[assignment]
        if _pattern_texts(ruler.patterns) == _pattern_texts(patterns):
            return
        ruler.clear()
    else:
        ruler = nlp.add_pipe(  # type: ignore[assignment]
            "span_ruler",
            name=GAZETTEER_RULER,
            first=True,
            config={
                "spans_key": GAZETTEER_SPANS,
                "phrase_matcher_attr": "LOWER",
                "validate": False,
            },
        )
    ruler.add_patterns(patterns)


def _pattern_texts(patterns: Iterable[Pattern]) -> frozenset[str]:
    return frozenset(str(p["pattern"]) for p in patterns)


def gazetteer_patterns(gazetteer: Gazetteer) -> list[Pattern]:
    """One phrase pattern per distinct (lower-cased) name worth matching by rule."""
    seen: set[str] = set()
    patterns: list[Pattern] = []
    for entry in gazetteer.entries:
        for name in (entry.label, *entry.aliases):
            lower = name.lower()
            if lower in seen or not is_rule_name(name, entry.cls):
                continue
            seen.add(lower)
            patterns.append({"label": GAZETTEER_LABEL, "pattern": name})
    return patterns


def is_rule_name(name: str, cls: str) -> bool:
    """Whether a gazetteer name is worth a pattern: a real name the NER may miss."""
    words = name.split()
    if len(name) < 2 or not any(c.isalpha() for c in name) or name.islower():
        return False
    if not all(c.isalnum() or c in " -'’.&()," for c in name):
        return False  # flags, symbols, scripts mixed with punctuation: not written in news
    if name[0] == "Q" and name[1:].isdigit():
        return False  # a label that is only a QID
    return len(words) > 1 or cls not in NER_WELL_FOUND


def facility_patterns(lexicon: Lexicon) -> list[Pattern]:
    """Token patterns "<proper name> <head>" for every facility head, singular and plural."""
    patterns: list[Pattern] = []
    for head in lexicon.facility_heads:
        tokens = _head_tokens(head)
        for modifier in _modifier_tokens():
            patterns.append(
                {"label": head.cls, "pattern": [*modifier, *tokens], "id": " ".join(head.words)}
            )
    return patterns


def _modifier_tokens() -> list[list[Pattern]]:
    """A run of proper nouns, or a capitalised word the tagger mistook for a noun/adjective."""
    return [
        [{"POS": "PROPN", "OP": "+"}],
        [{"IS_TITLE": True, "POS": {"IN": ["NOUN", "ADJ"]}}, {"POS": "PROPN", "OP": "*"}],
    ]


def _head_tokens(head: FacilityHead) -> list[Pattern]:
    attr = "ORTH" if head.case_sensitive else "LOWER"
    *first, last = head.words
    tokens: list[Pattern] = [{attr: word} for word in first]
    forms = [last, plural(last)]
    tokens.append({attr: {"IN": forms}, "POS": {"IN": ["NOUN", "PROPN"]}})
    return tokens
