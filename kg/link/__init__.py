"""Link extracted entities to Wikidata: find candidates, score them, link or abstain.

A :class:`Linker` only finds candidates (the bundled gazetteer, :mod:`kg.link.offline`; or the
Wikidata API, :mod:`kg.link.wikidata`). :func:`link_entities` gathers the article's context and
lets the pure scorer (:mod:`kg.link.scoring`) decide, so both linkers follow the same rules.
Unlinked entities stay entities: their ``link`` is None and they keep their own IRI.

Pure parts (no I/O, no globals): :mod:`kg.link.scoring`, :mod:`kg.gazetteer.crosscheck`, and the
functions of this module given a linker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from kg.gazetteer.table import Gazetteer
from kg.link.scoring import (
    LINK_FAMILY,
    Candidate,
    Decision,
    Rival,
    choose,
    country_focus,
    towns_over_regions,
)
from kg.model import Entity, Extraction, Link
from kg.names import facility_core, group_key, normalise
from kg.settings import Settings

#: Confidence of a national-group link ("Russian troops" -> Russian Armed Forces): the name says
#: only the country and the kind of group, and the data has one such group per country.
GROUP_CONFIDENCE = 0.7
#: Generic nouns that, after a nationality word, name a country's group of each kind.
GROUP_NOUNS: Mapping[str, frozenset[str]] = {
    "ArmedForces": frozenset(
        {"troops", "forces", "armed forces", "military", "army", "soldiers", "servicemen"}
    ),
    "GovernmentBody": frozenset({"government", "cabinet"}),
}
_CAPITALISED_WORD = re.compile(r"\b[A-Z][\w'’-]*\b")


class Linker(Protocol):
    """Finds candidates for names; never decides (that is :func:`kg.link.scoring.choose`)."""

    source: str

    def candidates(self, name: str, *, head: bool = False) -> Sequence[Candidate]:
        """Candidates answering to ``name``; ``head`` marks a facility name whose head word
        was removed before the lookup."""
        ...

    def rivals(self, name: str) -> Sequence[Rival]:
        """Namesakes whose entities the linker knows it cannot link (see scoring)."""
        ...

    def country_of_demonym(self, word: str) -> str | None: ...

    def group(self, country_qid: str, kind: str) -> Candidate | None: ...


class NoLinker:
    """``--linker none``: every entity stays unlinked."""

    source = "none"

    def candidates(self, name: str, *, head: bool = False) -> Sequence[Candidate]:
        return ()

    def rivals(self, name: str) -> Sequence[Rival]:
        return ()

    def country_of_demonym(self, word: str) -> str | None:
        return None

    def group(self, country_qid: str, kind: str) -> Candidate | None:
        return None


def make_linker(settings: Settings, gazetteer: Gazetteer) -> Linker:
    """The linker ``settings.linker`` names: offline (default), wikidata or none."""
    if settings.linker == "none":
        return NoLinker()
    if settings.linker == "wikidata":
        from kg.link.wikidata import WikidataLinker

        cache = settings.wikidata_cache or settings.resolved_cache_dir / "wikidata"
        return WikidataLinker.create(cache, gazetteer)
    from kg.link.offline import OfflineLinker

    return OfflineLinker(gazetteer)


def link_entities(extraction: Extraction, linker: Linker) -> Extraction:
    """The extraction with each entity's ``link`` set where the linker is sure, None where it
    abstains. Entity order and count are kept (other records refer to entities by index)."""
    counts = article_country_counts(extraction, linker)
    entities = tuple(
        replace(entity, link=link_entity(entity, linker, counts, own=countries_of(entity, linker)))
        for entity in extraction.entities
    )
    return replace(extraction, entities=entities)


def link_entity(
    entity: Entity, linker: Linker, counts: Mapping[str, int], *, own: Mapping[str, int]
) -> Link | None:
    """One entity's link, from its names and the article's country counts (minus its own)."""
    if entity.cls not in LINK_FAMILY or not entity.named:
        return None
    focus = country_focus(Counter(counts) - Counter(own))
    candidates: list[Candidate] = []
    rivals: list[Rival] = []
    for name, head in name_forms(entity):
        candidates.extend(linker.candidates(name, head=head))
        rivals.extend(linker.rivals(name))
    if len(normalise(entity.name).split()) > 1:  # "Maria Zakharova" is no other Zakharova
        candidates = [c for c in candidates if c.match != "surname"]
    if entity.level:  # "the city of Bryansk": never the oblast; "the Donetsk region": no town
        candidates = [c for c in candidates if c.level == entity.level]
    else:
        candidates = towns_over_regions(candidates)
    decision = choose(candidates, entity.cls, focus, rivals)
    if decision is None:
        decision = group_decision(entity, linker)
    return None if decision is None else _link(decision)


def name_forms(entity: Entity) -> list[tuple[str, bool]]:
    """The names to look up: the entity's name and aliases and, for a facility, each without
    its head word ("Zaporizhia nuclear plant" -> "Zaporizhia")."""
    forms: dict[str, bool] = {}
    for name in (entity.name, *entity.aliases):
        if normalise(name):
            forms.setdefault(name, False)
        if entity.cls in LINK_FAMILY["Facility"]:
            core = facility_core(name)
            if normalise(core) != normalise(name):
                forms.setdefault(core, True)
    return list(forms.items())


def group_decision(entity: Entity, linker: Linker) -> Decision | None:
    """ "Russian troops" (ArmedForces) or "the Ukrainian government" (GovernmentBody): a
    nationality word and a generic noun name the country's group, if the data has exactly one."""
    nouns = GROUP_NOUNS.get(entity.cls)
    if nouns is None:
        return None
    if entity.country is not None and entity.key == group_key(entity.cls, entity.country):
        group = linker.group(entity.country, entity.cls)  # "the armed forces of Ukraine"
        return None if group is None else Decision(group, GROUP_CONFIDENCE)
    words = normalise(entity.name).split()
    for split in range(1, len(words)):
        demonym, noun = " ".join(words[:split]), " ".join(words[split:])
        if noun not in nouns:
            continue
        country = linker.country_of_demonym(demonym)
        if country is None or (entity.country is not None and entity.country != country):
            return None
        group = linker.group(country, entity.cls)
        return None if group is None else Decision(group, GROUP_CONFIDENCE)
    return None


def article_country_counts(extraction: Extraction, linker: Linker) -> Counter[str]:
    """How often the article names each country: nationality words in its text, and mentions
    of entities whose name is exactly a country's."""
    counts: Counter[str] = Counter()
    for word in _CAPITALISED_WORD.findall(extraction.article.text):
        country = linker.country_of_demonym(word)
        if country is not None:
            counts[country] += 1
    for entity in extraction.entities:
        counts.update(countries_of(entity, linker))
    return counts


def countries_of(entity: Entity, linker: Linker) -> Counter[str]:
    """The country an entity's own mentions name, if its name is exactly one country's."""
    if entity.cls not in LINK_FAMILY["Place"]:
        return Counter()
    countries = {
        c.qid
        for c in linker.candidates(entity.name)
        if c.cls == "Country" and c.match in ("label", "alias")
    }
    if len(countries) != 1:
        return Counter()
    return Counter({next(iter(countries)): len(entity.mentions)})


def _link(decision: Decision) -> Link:
    candidate = decision.candidate
    return Link(
        qid=candidate.qid,
        confidence=round(min(1.0, max(0.0, decision.confidence)), 3),
        label=candidate.label,
        source=candidate.source,
    )
