"""Decide whether a mention links to one of its candidates, and how sure that is. Pure.

Both linkers (bundled gazetteer, Wikidata API) find candidates; this module alone ranks them,
so the rules are the same whatever found them:

1. Type compatibility is a hard filter (:data:`LINK_FAMILY`): a Person never links to a place,
   an organisation never to a person, a facility only to a facility, a place only to a place or
   a country.
2. The score adds evidence (weights below, at most 1.0): how well the name matches (exact label,
   alias, spelling variant), whether the name is specific (two or more words, or a facility
   head such as "plant"), how much the article is about the candidate's country (context),
   how prominent the candidate is, and whether its class is exactly the mention's.
   Without a level word, a name that is a region and a town of one country is the town.
3. Short names ("UN", "IAEA", words of three letters) link only on an exact match with their
   country in the article; a person links by a name of two or more words, or by a known
   surname alone in news about their country; a name the build had to withhold (a more
   prominent namesake whose QID was unusable) blocks the link; two candidates within
   :data:`AMBIGUITY_MARGIN` of each other mean abstain; below :data:`LINK_THRESHOLD`, abstain.

The score is an additive evidence score, not a fitted probability: the weights were set by
reasoning about cases (tests show them), since there is no labelled linking data to fit them to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from kg.names import facility_core, is_short_name, normalise, variant_key

MatchKind = Literal["label", "alias", "variant_label", "variant_alias", "surname"]

#: Link only at or above this score.
LINK_THRESHOLD = 0.6
#: Abstain when the runner-up scores within this much of the best candidate.
AMBIGUITY_MARGIN = 0.1
#: Name evidence by how the mention's name matched the candidate's names.
MATCH_WEIGHT: Mapping[MatchKind, float] = {
    "label": 0.5,
    "alias": 0.45,
    "variant_label": 0.4,
    "variant_alias": 0.35,
    "surname": 0.35,
}
#: A surname alone links to a person only when the article is this much about their country.
SURNAME_CONTEXT = 0.5
SPECIFIC_NAME_WEIGHT = 0.1
CONTEXT_WEIGHT = 0.15
PROMINENCE_WEIGHT = 0.2
EXACT_CLASS_WEIGHT = 0.05
#: A withheld namesake at least this close in prominence to the best candidate blocks it.
WITHHELD_PROMINENCE_SLACK = 0.1

_ORGANISATIONS = frozenset(
    {
        "Organisation",
        "ArmedForces",
        "GovernmentBody",
        "NewsOrganisation",
        "InternationalOrganisation",
        "Company",
    }
)
_FACILITIES = frozenset({"Facility", "NuclearPowerPlant", "Laboratory", "Hospital"})
_PLACES = frozenset({"Place", "Country"})
#: Mention class -> the candidate classes it may link to.
LINK_FAMILY: Mapping[str, frozenset[str]] = {
    "Person": frozenset({"Person"}),
    **{cls: _ORGANISATIONS for cls in _ORGANISATIONS},
    **{cls: _FACILITIES for cls in _FACILITIES},
    **{cls: _PLACES for cls in _PLACES},
}
#: Classes that say only the family: any member of the family fits them fully.
GENERIC_CLASSES = frozenset({"Organisation", "Facility", "Place"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible link for one name of an entity. ``name`` is the entity's name that matched;
    ``head`` says the name had a facility head word ("Chernobyl plant" -> "Chernobyl")."""

    qid: str
    label: str
    cls: str
    country: str | None
    prominence: float
    match: MatchKind
    name: str
    source: str
    head: bool = False
    level: str = ""  # country, region or town, where the gazetteer says


@dataclass(frozen=True, slots=True)
class Rival:
    """A withheld namesake (see :class:`kg.gazetteer.table.Withheld`)."""

    cls: str
    country: str | None
    prominence: float


@dataclass(frozen=True, slots=True)
class Decision:
    candidate: Candidate
    confidence: float


def match_of(
    name: str, label: str, aliases: Iterable[str], *, head: bool = False
) -> MatchKind | None:
    """How ``name`` matches an entity's label or aliases (exactly, or as a spelling variant of
    :func:`kg.names.variant_key`), or None if it matches none of them. With ``head`` (``name``
    is a facility name without its head word), the label without its head counts as the label:
    "Chernobyl" (from "Chernobyl plant") matches "Chernobyl Nuclear Power Plant" as a label."""
    key = normalise(name)
    aliases = tuple(aliases)
    if head and normalise(facility_core(label)) != normalise(label):
        label = facility_core(label)
    if key == normalise(label):
        return "label"
    if any(key == normalise(a) for a in aliases):
        return "alias"
    loose = variant_key(name)
    if loose == variant_key(label):
        return "variant_label"
    if any(loose == variant_key(a) for a in aliases):
        return "variant_alias"
    return None


def class_fit(mention_cls: str, candidate_cls: str) -> float:
    """0 when the classes may not link; else how well they agree (1.0 best)."""
    if candidate_cls not in LINK_FAMILY.get(mention_cls, frozenset()):
        return 0.0
    if mention_cls == candidate_cls or mention_cls in GENERIC_CLASSES:
        return 1.0
    if candidate_cls in GENERIC_CLASSES or mention_cls == "Country":
        return 0.95
    return 0.9


def score(candidate: Candidate, mention_cls: str, focus: Mapping[str, float]) -> float | None:
    """The evidence score of one candidate, or None if it may not be linked at all."""
    fit = class_fit(mention_cls, candidate.cls)
    if fit == 0.0:
        return None
    context = focus.get(candidate.country, 0.0) if candidate.country else 0.0
    if is_short_name(candidate.name) and (
        candidate.match not in ("label", "alias") or context < 0.5
    ):
        return None
    words = len(normalise(candidate.name).split())
    if (
        candidate.cls == "Person"
        and words < 2
        and (candidate.match != "surname" or context < SURNAME_CONTEXT)
    ):
        return None  # one word identifies a person only as a known surname in their country's news
    specific = candidate.head or words >= 2
    exact_class = candidate.cls == mention_cls and mention_cls not in GENERIC_CLASSES
    total = (
        MATCH_WEIGHT[candidate.match]
        + SPECIFIC_NAME_WEIGHT * specific
        + CONTEXT_WEIGHT * context
        + PROMINENCE_WEIGHT * min(max(candidate.prominence, 0.0), 1.0)
        + EXACT_CLASS_WEIGHT * exact_class
    )
    return round(min(1.0, total * fit), 3)


def towns_over_regions(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Without a level word, a name that is both a region and a town of one country is read as
    the town: "New York", "Washington" and "Kharkiv" said bare are the cities far more often
    than the state or oblast, which news names as such ("Washington state", "Kharkiv region")."""
    candidates = list(candidates)
    towns = {(c.country, normalise(c.label)) for c in candidates if c.level == "town"}
    return [
        c
        for c in candidates
        if not (c.level == "region" and (c.country, normalise(c.label)) in towns)
    ]


def choose(
    candidates: Iterable[Candidate],
    mention_cls: str,
    focus: Mapping[str, float],
    rivals: Iterable[Rival] = (),
) -> Decision | None:
    """The candidate to link, with its confidence; None to abstain (see the module rules)."""
    best_by_qid: dict[str, tuple[float, Candidate]] = {}
    for candidate in candidates:
        value = score(candidate, mention_cls, focus)
        if value is None:
            continue
        known = best_by_qid.get(candidate.qid)
        if known is None or value > known[0]:
            best_by_qid[candidate.qid] = (value, candidate)
    ranked = sorted(best_by_qid.values(), key=lambda item: (-item[0], item[1].qid))
    if not ranked or ranked[0][0] < LINK_THRESHOLD:
        return None
    best_score, best = ranked[0]
    if len(ranked) > 1 and ranked[1][0] > best_score - AMBIGUITY_MARGIN:
        return None
    if any(_blocks(rival, best, mention_cls, focus) for rival in rivals):
        return None
    return Decision(best, best_score)


def _blocks(rival: Rival, best: Candidate, mention_cls: str, focus: Mapping[str, float]) -> bool:
    if class_fit(mention_cls, rival.cls) == 0.0:
        return False
    if rival.prominence >= best.prominence - WITHHELD_PROMINENCE_SLACK:
        return True
    rival_focus = focus.get(rival.country, 0.0) if rival.country else 0.0
    best_focus = focus.get(best.country, 0.0) if best.country else 0.0
    return rival_focus > 0.0 and rival_focus >= best_focus


def country_focus(counts: Mapping[str, int]) -> dict[str, float]:
    """How much an article is about each country: its mentions over the top country's."""
    top = max(counts.values(), default=0)
    return {c: n / top for c, n in counts.items() if n > 0} if top else {}
