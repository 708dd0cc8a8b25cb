"""Rule components that find names by knowledge: gazetteer names and facility phrases.

Both are spaCy ``SpanRuler`` components that write to their own ``doc.spans`` keys, so the
statistical NER output in ``doc.ents`` stays as the model predicted it and every other consumer
of the pipeline sees the same ``doc.ents`` whether or not the rulers run. :mod:`kg.extract.entities`
weighs the three sources against each other.

- ``kg_gazetteer_ruler`` (first in the pipeline, so adding its phrase patterns only tokenises them)
  matches gazetteer names ignoring case. To keep the pattern count and build time down it skips
  what the NER finds well on its own: one-word names of places and people.
- ``kg_facility_ruler`` (after the parser, since it needs part-of-speech tags) matches
  "<proper name> [up to two lower-case words] <facility head>" with the heads in
  ``facility_heads.tsv`` ("Kakhovka dam", "Mezzeh military airport").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from spacy.language import Language
from spacy.pipeline import SpanRuler

from kg.extract.lexicon import FacilityHead, Lexicon, plural
from kg.gazetteer.table import Gazetteer

GAZETTEER_RULER = "kg_gazetteer_ruler"
GAZETTEER_SPANS = "kg_gazetteer"
GAZETTEER_LABEL = "GAZETTEER"
FACILITY_RULER = "kg_facility_ruler"
FACILITY_SPANS = "kg_facility"
FACILITY_LABEL = "FACILITY"

#: Classes whose one-word names the NER mostly finds alone: the ruler leaves them out, except
#: places of at least :data:`ONE_WORD_PLACE_PROMINENCE` (cities, regions the news writes about),
#: which the small model now and then misses or calls a PRODUCT ("Russia's Kursk region").
NER_WELL_FOUND = frozenset({"Place", "Person"})
ONE_WORD_PLACE_PROMINENCE = 0.65

Pattern = dict[str, Any]

#: Lower-case words between a facility's name and its head ("Mezzeh military airport").
DESCRIPTIVE_WORDS: Pattern = {"IS_LOWER": True, "POS": {"IN": ["ADJ", "NOUN"]}, "OP": "{0,2}"}


def build_entity_ruler(nlp: Language, gazetteer: Gazetteer, lexicon: Lexicon) -> None:
    """Add the gazetteer and facility rulers to ``nlp``, a model that has neither yet (each
    :class:`kg.extract.Extractor` owns its model, so rulers are added once and never changed)."""
    present = {GAZETTEER_RULER, FACILITY_RULER} & set(nlp.pipe_names)
    if present:
        raise ValueError(
            f"the model already has {sorted(present)}: build an extractor on a new model"
        )
    gazetteer_ruler = cast(
        SpanRuler,
        nlp.add_pipe(
            "span_ruler",
            name=GAZETTEER_RULER,
            first=True,
            config={"spans_key": GAZETTEER_SPANS, "phrase_matcher_attr": "LOWER"},
        ),
    )
    gazetteer_ruler.add_patterns(gazetteer_patterns(gazetteer))
    facility_ruler = cast(
        SpanRuler,
        nlp.add_pipe(
            "span_ruler",
            name=FACILITY_RULER,
            last=True,
            config={"spans_key": FACILITY_SPANS, "validate": True},
        ),
    )
    facility_ruler.add_patterns(facility_patterns(lexicon))


def gazetteer_patterns(gazetteer: Gazetteer) -> list[Pattern]:
    """One phrase pattern per distinct (lower-cased) name worth matching by rule."""
    seen: set[str] = set()
    patterns: list[Pattern] = []
    for entry in gazetteer.entries:
        for name in (entry.label, *entry.aliases):
            lower = name.lower()
            if lower in seen or not is_rule_name(name, entry.cls, entry.prominence):
                continue
            seen.add(lower)
            patterns.append({"label": GAZETTEER_LABEL, "pattern": name})
    return patterns


def is_rule_name(name: str, cls: str, prominence: float = 0.0) -> bool:
    """Whether a gazetteer name is worth a pattern: a real name the NER may miss."""
    words = name.split()
    if len(name) < 2 or not any(c.isalpha() for c in name) or name.islower():
        return False
    if not all(c.isalnum() or c in " -'’.&()," for c in name):
        return False  # flags, symbols, scripts mixed with punctuation: not written in news
    if name[0] == "Q" and name[1:].isdigit():
        return False  # a label that is only a QID
    if len(words) > 1 or cls not in NER_WELL_FOUND:
        return True
    return cls == "Place" and prominence >= ONE_WORD_PLACE_PROMINENCE


def facility_patterns(lexicon: Lexicon) -> list[Pattern]:
    """Token patterns "<proper name> [description] <head>", one per head length and case rule.

    Heads of one length share a pattern (each position allows the words heads have there), which
    keeps the matcher fast; :func:`kg.extract.facilities.head_of` then says which head matched.
    """
    groups: dict[tuple[int, bool], list[FacilityHead]] = defaultdict(list)
    for head in lexicon.facility_heads:
        groups[(len(head.words), head.case_sensitive)].append(head)
    patterns: list[Pattern] = []
    for (length, case_sensitive), heads in sorted(groups.items()):
        tokens = _head_tokens(heads, length, "ORTH" if case_sensitive else "LOWER")
        for modifier in _modifier_tokens():
            patterns.append(
                {"label": FACILITY_LABEL, "pattern": [*modifier, DESCRIPTIVE_WORDS, *tokens]}
            )
    return patterns


def _modifier_tokens() -> list[list[Pattern]]:
    """A run of proper nouns, or a capitalised word the tagger mistook for a noun/adjective."""
    return [
        [{"POS": "PROPN", "OP": "+"}],
        [{"IS_TITLE": True, "POS": {"IN": ["NOUN", "ADJ"]}}, {"POS": "PROPN", "OP": "*"}],
    ]


def _head_tokens(heads: list[FacilityHead], length: int, attr: str) -> list[Pattern]:
    tokens: list[Pattern] = [
        {attr: {"IN": sorted({h.words[i] for h in heads})}} for i in range(length - 1)
    ]
    last = sorted({form for h in heads for form in (h.words[-1], plural(h.words[-1]))})
    tokens.append({attr: {"IN": last}, "POS": {"IN": ["NOUN", "PROPN"]}})
    return tokens
