"""Metonymy, decided once: a country or its capital used as an actor denotes the country.

"Ukraine said", "Moscow denied", "Washington will send", "Kyiv's counteroffensive", "talks
between Kyiv and Moscow": the state acts, so the mention denotes the country (class Country,
linked to the country's item), never a government body chosen for it ("the Ukrainian
government" stays a government body) and never the city. A country name is a Country whatever
its use; a capital (the gazetteer's capitals table) is its country only where it is used as an
actor:

- the subject of a verb of speech (``kg/data/events/speech.tsv``) or of a state's act
  (``kg/data/entity_patterns/state_verbs.tsv``: "send", "demand", "recognise" ...);
- the agent of a passive or a nominal ("was accused by Moscow", "the use of X by Moscow");
- the possessor of a noun that is not one of the city's own things ("Moscow's invasion", but
  "Moscow's mayor", ``city_nouns.tsv``);
- a side of "between X and Y"; the object of "for", "to", "against", "on" or "with" after a
  noun of what states give or face ("support for Kyiv", ``state_nouns.tsv``);
- the first part of a hyphenated participle ("Moscow-annexed Crimea");
- coordinated with any of those ("Washington and London agreed").

A name that only modifies another noun ("the Rome statute", "the Kyiv region") is none of
these.

Elsewhere ("in Kyiv", "Kyiv was shelled", "the Kyiv region") the capital is the city. Pure: a
function of the parsed document, the chosen candidates and the gazetteer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract.candidates import Candidate
from kg.extract.lexicon import Lexicon
from kg.gazetteer.table import Gazetteer


def capitals_as_countries(
    doc: Doc, candidates: Sequence[Candidate], gazetteer: Gazetteer, words: Lexicon
) -> list[Candidate]:
    """The candidates, each capital used as an actor replaced by its country."""
    return [_as_country(doc, c, gazetteer, words) for c in candidates]


def _as_country(doc: Doc, candidate: Candidate, gazetteer: Gazetteer, words: Lexicon) -> Candidate:
    if candidate.cls != "Place" or candidate.level == "region":
        return candidate
    country = gazetteer.capital_of(candidate.name)
    entry = gazetteer.by_qid(country) if country is not None else None
    if entry is None or not acts(doc, candidate.start, candidate.end, words):
        return candidate
    # the capital names its country here: "Moscow" is no name of Russia (no alias)
    return replace(
        candidate, cls="Country", name=entry.label, qid=entry.qid, key=None, partial=True
    )


#: Prepositions whose object, after a noun of :attr:`Lexicon.state_nouns`, is a state.
STATE_PREPOSITIONS = frozenset({"for", "to", "against", "on", "with"})


def acts(doc: Doc, start: int, end: int, words: Lexicon) -> bool:
    """Whether the name ``doc[start:end]`` is used as an actor (see the module docstring)."""
    if end < len(doc) - 1 and doc[end].text in ("-", "‑") and doc[end + 1].tag_ == "VBN":
        return True  # "Moscow-annexed Crimea", "Kremlin-backed"
    token = doc[end - 1]
    if token.head.i >= end or token.head.i < start:
        return _used_as_actor(token, words, 0)
    return False


def _used_as_actor(token: Token, words: Lexicon, depth: int) -> bool:
    dep, head = token.dep_, token.head
    if dep == "nsubj":
        return head.lemma_.lower() in words.state_verbs
    if dep == "pobj" and head.lower_ in ("by", "between"):
        return True  # "was accused by Moscow", "the use of Telegram by Moscow", "between X and Y"
    if dep == "pobj" and head.lower_ in STATE_PREPOSITIONS:
        return head.head.lemma_.lower() in words.state_nouns  # "support for Kyiv"
    if dep == "poss":
        return head.lemma_.lower() not in words.city_nouns
    if dep == "conj" and depth < 3 and head.i != token.i:
        return _used_as_actor(head, words, depth + 1)
    return False
