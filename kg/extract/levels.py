"""What kind of place the words around a place name say it is: a region or a town.

News writes "the Donetsk region", "Luhansk oblast", "the Kherson and Zaporizhzhia regions" for
regions named after their main town, and "the city of Bryansk", "Kharkiv city" for the town
itself. The bare name alone means the town in most news, so these words decide:

- a region word after the name (``region``, ``oblast``, ``province``, singular or plural, also
  shared by coordinated names: "the Kherson and Zaporizhzhia regions") makes the name the
  region's: "<name> region", level ``region`` (a capitalised one is taken into the name:
  "Kyiv Oblast");
- "the city of", "town of", "village of" before the name, or "city" after it, make it the
  town: level ``town``;
- so does a country in apposition after it ("a hospital in Gomel, Belarus"): news writes
  "<town>, <country>" for towns, while a region named like its main town is called a region.

The linker then considers only gazetteer entries of that level (:attr:`kg.model.Entity.level`),
and abstains rather than link the town for a region (or the reverse). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc

from kg.extract.candidates import Candidate
from kg.model import CORE_CLASS

REGION_WORDS = frozenset({"region", "regions", "oblast", "oblasts", "province", "provinces"})
TOWN_NOUNS = frozenset({"city", "town", "village", "settlement"})
COORDINATORS = frozenset({"and", ",", "or"})


def with_levels(doc: Doc, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates, each place with the level the words around it give (if any)."""
    starts = {c.start: c for c in candidates}
    result = []
    for candidate in candidates:
        if CORE_CLASS[candidate.cls] == "Place" and candidate.cls != "Country":
            candidate = _levelled(doc, candidate, starts)
        result.append(candidate)
    return result


def _levelled(doc: Doc, candidate: Candidate, starts: dict[int, Candidate]) -> Candidate:
    last = doc[candidate.end - 1].lower_
    if last in REGION_WORDS:
        return replace(candidate, level="region")
    if _capitalised_region_word_after(doc, candidate.end):  # "Kyiv Oblast": part of the name
        word = doc[candidate.end].text
        return replace(
            candidate,
            end=candidate.end + 1,
            name=f"{candidate.name} {word}",
            level="region",
            qid=None,
            key=None,
        )
    if _region_word_after(doc, candidate, starts):
        return replace(
            candidate,
            name=f"{candidate.name} region",
            level="region",
            qid=None,
            key=None,
            partial=True,
        )
    before = [t.lower_ for t in doc[max(candidate.start - 2, 0) : candidate.start]]
    if len(before) == 2 and before[0] in TOWN_NOUNS and before[1] == "of":
        return replace(candidate, level="town")
    after = doc[candidate.end] if candidate.end < len(doc) else None
    if after is not None and after.lower_ == "city" and after.text.islower():
        return replace(candidate, level="town")
    if after is not None and after.text == "," and _country_at(starts, candidate.end + 1):
        return replace(candidate, level="town")
    return candidate


def _country_at(starts: dict[int, Candidate], start: int) -> bool:
    following = starts.get(start)
    return following is not None and following.cls == "Country"


def _capitalised_region_word_after(doc: Doc, end: int) -> bool:
    """ "Oblast" right after the name and ending it ("Kyiv Oblast", not "Kyiv Region Military
    Administration", an organisation's name)."""
    if end >= len(doc) or doc[end].lower_ not in REGION_WORDS or doc[end].text.islower():
        return False
    after = doc[end + 1] if end + 1 < len(doc) else None
    return after is None or not after.text[:1].isupper()


def _region_word_after(doc: Doc, candidate: Candidate, starts: dict[int, Candidate]) -> bool:
    """A region word right after the name, or after the place names coordinated with it."""
    end = candidate.end
    for _ in range(4):  # "Kherson, Zaporizhzhia, Donetsk and Luhansk regions"
        if end >= len(doc):
            return False
        word = doc[end]
        if word.lower_ in REGION_WORDS and word.text.islower():
            return True
        if word.lower_ not in COORDINATORS or end + 1 not in starts:
            return False
        following = starts[end + 1]
        if CORE_CLASS[following.cls] != "Place":
            return False
        end = following.end
    return False
