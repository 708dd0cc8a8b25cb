"""States as actors: a country named where an actor is expected stands for its government.

"Russia seized the port", "Israel denied the report", "called on Russia to pull out", "Kyiv
said": the country (or its capital, ``kg/data/events/capitals.tsv``) is the state acting, not
the territory (metonymy). The ontology lets only people and organisations act
(``nks:AgentShape``) and speak (``prov:wasAttributedTo``), so a country or capital in an
event's agent role or a statement's speaker role is replaced by the country's government: the
national group the entity stage already makes for "Russian officials" or "Ukraine's government",
with the key ``"government of <country QID>"`` (:func:`kg.extract.known.group_identity`), so
that it is one identity across articles.

When the article has that government among its entities, the role points to it. Otherwise one
is added: ``Entity(key="government of <qid>", cls="GovernmentBody", country=<qid>)``, named
after the gazetteer's government of that country if it has one, else "Government of
<country>", and mentioned by the country (or capital) words in those roles. The same stretch of
text then names two entities, the place and its government (the actor), as it already does for
the entity stage's "Deputy Prime Minister of Ukraine" (the government of Ukraine). A
government is added only if some role uses it.

Both functions are pure: :func:`state_actors` prepares the governments before the roles are
read (so that a sense's class constraints see a government, not a country), and
:func:`with_actor_mentions` gives the used ones their mentions and drops the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from types import MappingProxyType

from kg.extract.eventdata import read_event_table
from kg.extract.known import country_named, group_identity
from kg.link.gazetteer import Gazetteer
from kg.model import Entity, Mention
from kg.names import normalise

GOVERNMENT = "GovernmentBody"
COUNTRY = "Country"
PLACE = "Place"


@cache
def capitals() -> Mapping[str, str]:
    """Normalised capital name -> country name (``kg/data/events/capitals.tsv``)."""
    rows = read_event_table("capitals.tsv", 2)
    return MappingProxyType({normalise(capital): country for capital, country in rows})


@dataclass(frozen=True, slots=True)
class StateActors:
    """The article's entities followed by the governments it lacks, and which stands for which.

    ``states`` maps a country entity's index to its government's index in ``entities``; the
    first ``known`` entities are the article's own, the rest are added and have no mention yet.
    """

    entities: tuple[Entity, ...]
    states: Mapping[int, int]
    known: int


def state_actors(entities: Sequence[Entity], gazetteer: Gazetteer) -> StateActors:
    """The government each country entity of the article stands for as an actor."""
    extended = list(entities)
    by_key = {
        entity.key: number
        for number, entity in enumerate(entities)
        if entity.core_class == "Organisation"
    }
    states: dict[int, int] = {}
    for number, entity in enumerate(entities):
        qid = state_of(entity, gazetteer)
        if qid is None:
            continue
        name, key, _ = group_identity(gazetteer, qid, GOVERNMENT)
        if key not in by_key:
            by_key[key] = len(extended)
            extended.append(Entity(key=key, name=name, cls=GOVERNMENT, mentions=(), country=qid))
        states[number] = by_key[key]
    return StateActors(tuple(extended), MappingProxyType(states), len(entities))


def state_of(entity: Entity, gazetteer: Gazetteer) -> str | None:
    """The QID of the country a country entity is, or a capital city entity is the seat of."""
    names = (entity.name, *(m.anchor for m in entity.mentions))
    if entity.cls == COUNTRY:
        if entity.link is not None:
            return entity.link.qid
        found = (country_named(gazetteer, name) for name in names)
    elif entity.cls == PLACE:
        found = (
            country_named(gazetteer, capitals()[normalise(name)])
            for name in names
            if normalise(name) in capitals()
        )
    else:
        return None
    return next((qid for qid in found if qid is not None), None)


def with_actor_mentions(
    actors: StateActors, uses: Iterable[tuple[int, Mention]]
) -> tuple[tuple[Entity, ...], dict[int, int]]:
    """The entities with each government used as an actor mentioned by the words that name it
    in those roles, and the new index of every added government that was used.

    ``uses`` are (government index in ``actors.entities``, mention of the country word). The
    article's own entities keep their indices; added governments never used are dropped.
    """
    mentions: dict[int, set[Mention]] = {}
    for government, mention in uses:
        mentions.setdefault(government, set()).add(mention)
    entities: list[Entity] = []
    renumbered: dict[int, int] = {}
    for number, entity in enumerate(actors.entities):
        added = mentions.get(number, set())
        if number >= actors.known:
            if not added:
                continue
            renumbered[number] = len(entities)
        if added:
            merged = tuple(sorted(set(entity.mentions) | added))
            anchors = (*entity.aliases, *(m.anchor for m in merged if m.anchor != entity.name))
            entity = replace(entity, mentions=merged, aliases=tuple(dict.fromkeys(anchors)))
        entities.append(entity)
    return tuple(entities), renumbered
