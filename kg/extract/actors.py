"""Crafts as actors: "Israeli jets" stand for Israel's armed forces; so does a nationality word
on an event noun: "the Russian invasion", "Ukrainian shelling" (``ActorTables.event_nouns``).

A country's military aircraft or warships ("Israeli jets", "American and British warplanes",
"Russia's warships"; ``kg/data/events/crafts.tsv``) stand for its armed forces (key ``"armed
forces of <country QID>"``) wherever the phrase is an argument. Weapons that are often named
after the country that made them, not the one that used them ("American missiles", "Iranian
drones", "German tanks"), are not listed. A country itself acts as itself ("Russia seized the
port": the country, :mod:`kg.extract.metonymy`), so it needs no stand-in.

When the article has that armed force among its entities, the role points to it. Otherwise one
is added: ``Entity(key="armed forces of <qid>", cls="ArmedForces", country=<qid>)``, named after
the gazetteer's group of that country if it has one, else "Armed forces of <country>", and
mentioned by the nationality word with the craft noun. An actor is added only if some role uses
it.

The functions are pure: :func:`state_actors` prepares the actors before the roles are read,
:func:`actor_mentions` says which words name each one where it was used, and
:func:`with_actor_mentions` gives the used ones their mentions and drops the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from spacy.tokens import Doc, Token

from kg.extract.eventdata import read_event_table
from kg.extract.known import country_named, demonym_before, group_identity
from kg.extract.triggers import nominal
from kg.gazetteer.table import Gazetteer
from kg.model import Entity, Mention

ARMED_FORCES = "ArmedForces"
COUNTRY = "Country"
PLACE = "Place"
#: How a nationality or country names a craft: "Israeli jets", "US aircraft", "Russia's ships".
NATIONALITY_DEPS = frozenset({"amod", "compound", "nmod", "npadvmod", "poss"})
COORDINATORS = frozenset({"and", "or", ",", "&"})


@dataclass(frozen=True, slots=True)
class ActorTables:
    """Military crafts, and the event nouns a nationality word names the doer of (lemmas)."""

    crafts: frozenset[str]
    event_nouns: frozenset[str] = frozenset()


def load_actor_tables(event_nouns: frozenset[str] = frozenset()) -> ActorTables:
    return ActorTables(load_crafts(), event_nouns)


def load_crafts() -> frozenset[str]:
    """Military aircraft and vessels, by lemma (``kg/data/events/crafts.tsv``)."""
    return frozenset(row[0] for row in read_event_table("crafts.tsv", 1))


@dataclass(frozen=True, slots=True)
class StateActors:
    """The article's entities followed by the actors it lacks, and what stands for which.

    ``armed`` maps the token of a craft noun to the armed forces its nationality words name, and
    ``phrases`` gives the words naming each there. The first ``known`` entities are the
    article's own; the rest are added and have no mention yet.
    """

    entities: tuple[Entity, ...]
    known: int
    armed: Mapping[int, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    phrases: Mapping[tuple[int, int], Mention] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def actors(self) -> frozenset[int]:
        """The armed forces that may stand in a role for other words."""
        return frozenset(f for found in self.armed.values() for f in found)


def state_actors(
    entities: Sequence[Entity], gazetteer: Gazetteer, tables: ActorTables, doc: Doc | None = None
) -> StateActors:
    """The article's entities and (given the parsed ``doc``) the armed forces each
    nationality's crafts stand for."""
    extended = list(entities)
    by_key = {
        entity.key: number
        for number, entity in enumerate(entities)
        if entity.core_class == "Organisation"
    }

    def group(qid: str, kind: str) -> int:
        name, key, _ = group_identity(gazetteer, qid, kind)
        if key not in by_key:
            by_key[key] = len(extended)
            extended.append(Entity(key=key, name=name, cls=kind, mentions=(), country=qid))
        return by_key[key]

    armed: dict[int, tuple[int, ...]] = {}
    phrases: dict[tuple[int, int], Mention] = {}
    if doc is not None:
        covered = covered_tokens(doc, entities)
        for token in doc:
            if token.i in covered:
                continue
            lemma = token.lemma_.lower()
            craft = lemma in tables.crafts
            if not craft and not (lemma in tables.event_nouns and nominal(token)):
                continue
            forces = []
            for qid, mention in _nationalities(doc, token, gazetteer, demonyms_only=not craft):
                found = group(qid, ARMED_FORCES)
                forces.append(found)
                phrases.setdefault((found, token.i), mention)
            if forces:
                armed[token.i] = tuple(dict.fromkeys(forces))
    return StateActors(
        tuple(extended),
        len(entities),
        MappingProxyType(armed),
        MappingProxyType(phrases),
    )


def covered_tokens(doc: Doc, entities: Sequence[Entity]) -> set[int]:
    """Tokens inside some entity's mention: a craft there is part of a name ("Israeli Navy"),
    a facility noun there is no unnamed target (:mod:`kg.extract.unnamed`)."""
    covered: set[int] = set()
    for entity in entities:
        for mention in entity.mentions:
            span = doc.char_span(mention.begin, mention.end, alignment_mode="expand")
            if span is not None:
                covered.update(range(span.start, span.end))
    return covered


def _nationalities(
    doc: Doc, craft: Token, gazetteer: Gazetteer, *, demonyms_only: bool = False
) -> list[tuple[str, Mention]]:
    """(country QID, words naming its forces) for each nationality of a craft phrase: "Israeli
    jets", "American and British warplanes" ("American"; "British warplanes"), "Russia's ships".
    A hyphen-joined nationality ("Russian-made jets") names the maker, so none. With
    ``demonyms_only`` (an event noun), a country's name is no doer: "the Ukraine invasion"."""
    found: list[tuple[str, Mention]] = []
    for child in craft.children:
        if child.dep_ not in NATIONALITY_DEPS or child.i > craft.i:
            continue
        for word in (child, *(c for c in child.children if c.dep_ == "conj")):
            qid, start = _nationality(doc, word, gazetteer)
            if qid is None or (
                demonyms_only and demonym_before(doc, word.i + 1, gazetteer) is None
            ):
                continue
            between = doc[word.i + 1 : craft.i]
            alone = demonyms_only or any(t.lower_ in COORDINATORS for t in between)
            end = (
                word.i + 1 if alone else craft.i + 1
            )  # an event noun: "Russian" of "Russian strikes"
            span = doc[start:end]
            found.append((qid, Mention(span.start_char, span.end_char, span.text)))
    return found


def _nationality(doc: Doc, word: Token, gazetteer: Gazetteer) -> tuple[str | None, int]:
    """The country a nationality word or a country's name ends at ``word`` with, and its start."""
    demonym = demonym_before(doc, word.i + 1, gazetteer)
    if demonym is not None:
        return demonym[1], demonym[0]
    start = word.left_edge.i
    qid = country_named(gazetteer, doc[start : word.i + 1].text)
    return qid, start


def actor_mentions(
    doc: Doc, actors: StateActors, uses: Iterable[tuple[int, int]]
) -> list[tuple[int, Mention]]:
    """(actor, mention) for each use (actor, token): the words of the craft phrase."""
    found: list[tuple[int, Mention]] = []
    for actor, token in uses:
        phrase = actors.phrases.get((actor, token))
        if phrase is not None:
            found.append((actor, phrase))
    return found


def with_actor_mentions(
    actors: StateActors, uses: Iterable[tuple[int, Mention]]
) -> tuple[tuple[Entity, ...], dict[int, int]]:
    """The entities with each actor used mentioned by the words that name it in those roles,
    and the new index of every added actor that was used.

    ``uses`` are (actor index in ``actors.entities``, mention). The article's own entities keep
    their indices; added actors never used are dropped.
    """
    mentions: dict[int, set[Mention]] = {}
    for actor, mention in uses:
        mentions.setdefault(actor, set()).add(mention)
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
