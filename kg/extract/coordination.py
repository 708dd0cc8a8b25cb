"""Coordinated place names that share one capitalised head: "the Donetsk and Luhansk People's
Republics" names two republics, not the city of Donetsk and one republic. Pure.

The second name carries the plural head ("Luhansk People's Republics"); the first gets it in
the singular ("Donetsk People's Republic"), and both are places. Lower-case region words
("the Kherson and Zaporizhzhia regions") are :mod:`kg.extract.levels`' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc

from kg.extract.candidates import Candidate
from kg.extract.levels import COORDINATORS


def with_shared_heads(
    doc: Doc, candidates: Sequence[Candidate], place_heads: frozenset[str]
) -> list[Candidate]:
    """The candidates, each name coordinated with a "<name> <Plural Head>" given that head."""
    starts = {c.start: c for c in candidates}
    changed: dict[int, Candidate] = {}
    for first in candidates:
        second = starts.get(first.end + 1)
        if first.end >= len(doc) or doc[first.end].lower_ not in COORDINATORS or second is None:
            continue
        head = _plural_head(doc, second, first.length, place_heads)
        if head is None:
            continue
        own = doc[second.start : second.end - len(head)].text
        changed[first.start] = replace(
            first,
            name=f"{first.name} {_singular(head)}",
            cls="Place",
            qid=None,
            key=None,
            partial=True,
        )
        changed[second.start] = replace(second, name=f"{own} {_singular(head)}", cls="Place")
    return [changed.get(c.start, c) for c in candidates]


def _plural_head(
    doc: Doc, candidate: Candidate, name_length: int, place_heads: frozenset[str]
) -> list[str] | None:
    """The words after the candidate's own name (as long as the name coordinated with it),
    when they are capitalised and end in a plural place word ("People's Republics")."""
    words = [t.text for t in doc[candidate.start + name_length : candidate.end]]
    if not words or not words[-1][:1].isupper():
        return None
    last = words[-1].lower()
    if not last.endswith("s") or last not in place_heads or _singular([last]) not in place_heads:
        return None
    return words


def _singular(words: Sequence[str]) -> str:
    """The head with its last word in the singular ("Republics" -> "Republic")."""
    *rest, last = words
    if last.lower().endswith("ies"):
        last = last[:-3] + "y"
    elif last.lower().endswith("s"):
        last = last[:-1]
    return " ".join([*rest, last]).replace(" 's", "'s").replace(" ’s", "’s")
