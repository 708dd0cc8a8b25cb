"""Event roles from the dependency parse: agent, target and location of one trigger.

Verbs, active: the subject is the agent (the target for verbs such as "explode" used without an
object), the direct object has the role the lexicon gives it (target; for "withdraw" and
"deploy" the moving force, an agent). Passive ("was seized by"), participles ("plants occupied by
Russian forces", "the Russian-occupied plant"): the subject or the modified noun takes the
object's role and the by-phrase is the agent. A verb without a subject takes the one of the verb
it is coordinated with or controlled by ("looted and destroyed", "began withdrawing", "called on
Russia to pull out", "accused Russia of shelling"); a verb without an object shares the object of
the coordinated verb after it ("looted and destroyed a laboratory").

Nouns: a possessive ("Russia's withdrawal") is the agent when it is an organisation or person and
the target when it is a place; named modifiers ("Russian shelling", "the Kherson evacuation")
likewise, a place then being the location; of-, from-, on- and by-phrases take the roles the
lexicon gives; the subject of a light verb ("launched an attack") is the agent.

Prepositional phrases take their role from the trigger's sense, else from
``kg/data/events/prepositions.tsv``. Each role then keeps only entities of the classes the
ontology allows (``nks:AgentShape``: person or organisation; target and location: places).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from spacy.tokens import Token

from kg.extract.arguments import (
    QUALITY_ORDER,
    EntityIndex,
    Quality,
    Resolved,
    forces_named_by,
    resolve_phrase,
)
from kg.extract.eventdata import read_event_table
from kg.extract.triggers import ROLES, Role, Trigger

#: A country in an actor's role is the country acting ("Russia seized the port"), not a place
#: and not a government chosen for it (README, "Metonymy").
ACTOR_ENTITY_CLASSES = frozenset({"Country"})
ROLE_CORE_CLASSES: Mapping[Role, frozenset[str]] = MappingProxyType(
    {
        "agent": frozenset({"Person", "Organisation"}),
        "target": frozenset({"Place"}),
        "location": frozenset({"Place"}),
    }
)
ACTOR_CLASSES = frozenset({"Person", "Organisation"})
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos"})
VERBAL = frozenset({"VERB", "AUX"})
MAX_CONTROL_DEPTH = 6


@dataclass(frozen=True, slots=True)
class RoleTables:
    """Default prepositional roles by part of speech, and the light verbs."""

    preps: Mapping[tuple[str, str], Role | None]
    light_verbs: frozenset[str]
    object_control: frozenset[str]
    #: Verbs an event noun as subject makes part of its event ("a strike destroyed the depot").
    impact_verbs: frozenset[str] = frozenset()


def load_role_tables() -> RoleTables:
    """The role word lists (``kg/data/events/prepositions.tsv``, ``light_verbs.tsv``, ...)."""
    preps: dict[tuple[str, str], Role | None] = {}
    for pos, prep, role in read_event_table("prepositions.tsv", 3):
        preps[(pos, prep)] = next((r for r in ROLES if r == role), None)
    light = frozenset(row[0] for row in read_event_table("light_verbs.tsv", 1))
    control = frozenset(row[0] for row in read_event_table("object_control.tsv", 1))
    impact = frozenset(row[0] for row in read_event_table("impact_verbs.tsv", 1))
    return RoleTables(MappingProxyType(preps), light, control, impact)


@dataclass(frozen=True, slots=True)
class Argument:
    role: Role
    resolved: Resolved


@dataclass(frozen=True, slots=True)
class Roles:
    """Entity indices per role, and the weakest way any of them was reached.

    ``states``: (actor entity, token) for each agent that other words stand for there (armed
    forces for "Israeli jets struck ..."), so that the words can be the actor's mention.
    """

    agents: tuple[int, ...]
    targets: tuple[int, ...]
    locations: tuple[int, ...]
    weakest: Quality | None
    states: tuple[tuple[int, int], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.agents or self.targets or self.locations)


def _children(token: Token, deps: frozenset[str] | set[str]) -> list[Token]:
    return [child for child in token.children if child.dep_ in deps]


def _with(quality: Quality, resolved: list[Resolved]) -> list[Resolved]:
    """Downgrade resolutions reached through syntax or anaphora to the path's quality."""
    rank = QUALITY_ORDER.index
    return [
        r if rank(r.quality) >= rank(quality) else Resolved(r.entity, quality, r.token)
        for r in resolved
    ]


def controllers(verb: Token, control: frozenset[str], depth: int = 0) -> list[Token]:
    """The subject a verb without one takes from the verb that governs or coordinates it.

    ``control`` lists the verbs whose object is that subject ("urged Russia to withdraw").
    """
    head = verb.head
    if depth > MAX_CONTROL_DEPTH or head.i == verb.i:
        return []
    edge = verb.dep_
    if edge == "conj" and head.pos_ in VERBAL:
        own = _children(head, {"nsubj", "nsubjpass"})
        return own or controllers(head, control, depth + 1)
    if edge == "xcomp" and head.lemma_.lower() in control:
        called_on = [
            pobj
            for prep in _children(head, {"prep"})
            if prep.lower_ == "on"
            for pobj in _children(prep, {"pobj"})
        ]
        return _children(head, {"dobj"}) or called_on
    if edge == "xcomp":  # "plan to attack"; raising: "are expected to withdraw"
        own = _children(head, {"nsubj", "nsubjpass"})
        return own or controllers(head, control, depth + 1)
    if edge == "advcl":
        return _children(head, {"nsubj"}) or controllers(head, control, depth + 1)
    if edge == "pcomp" and head.dep_ == "prep" and head.head.pos_ in VERBAL:
        governor = head.head
        for dep in ("dobj", "nsubjpass", "nsubj"):
            found = _children(governor, {dep})
            if found:
                return found
        return controllers(governor, control, depth + 1)
    if edge == "acl" and head.pos_ == "NOUN" and _has_infinitive_marker(verb):
        # "Putin's decision to invade", "Russia's attempt to capture the city"
        return _children(head, {"poss"})
    return []


def _has_infinitive_marker(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def prep_phrases(token: Token) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs; "out of" and "away from" count as their last word."""
    for child in token.children:
        if child.dep_ not in {"prep", "agent"}:
            continue
        objects = _children(child, {"pobj"})
        word = "by" if child.dep_ == "agent" else child.lower_
        if objects:
            yield from ((word, obj) for obj in objects)
            continue
        for inner in _children(child, {"prep"}):
            yield from ((inner.lower_, obj) for obj in _children(inner, {"pobj"}))


def prep_role(trigger: Trigger, pos: str, prep: str, tables: RoleTables) -> Role | None:
    if prep in trigger.sense.preps:
        return trigger.sense.preps[prep]
    return tables.preps.get((pos, prep))


def _prep_arguments(
    trigger: Trigger, carrier: Token, pos: str, index: EntityIndex, tables: RoleTables
) -> Iterator[Argument]:
    for prep, obj in prep_phrases(carrier):
        role = prep_role(trigger, pos, prep, tables)
        if role is not None:
            yield from (Argument(role, r) for r in resolve_phrase(obj, index))
        if role == "target":  # "evacuated from the plant in Enerhodar": where, around the target
            yield from _object_locations(obj, index, tables)


def _sense_prep_arguments(
    trigger: Trigger, phrase: Token, index: EntityIndex
) -> Iterator[Argument]:
    """Phrases the parser hung on the trigger's object that the sense itself names:
    "evacuated civilians from Mariupol", "the withdrawal of troops from Kherson"."""
    for prep, obj in prep_phrases(phrase):
        role = trigger.sense.preps.get(prep)
        if role is not None and prep != "of":
            yield from (Argument(role, r) for r in resolve_phrase(obj, index))


def _is_passive(verb: Token) -> bool:
    return bool(_children(verb, {"auxpass", "nsubjpass"}))


def _is_participle(verb: Token) -> bool:
    return verb.tag_ == "VBN" and verb.dep_ in {"acl", "amod"}


def verb_arguments(trigger: Trigger, index: EntityIndex, tables: RoleTables) -> Iterator[Argument]:
    """Subject, object, by-phrase and prepositional arguments of a verb trigger."""
    verb, sense = trigger.token, trigger.sense
    if _is_participle(verb):
        if sense.object_role is not None:
            yield from (Argument(sense.object_role, r) for r in resolve_phrase(verb.head, index))
        for child in _children(verb, {"npadvmod", "compound"}):
            yield from _named_modifier(child, index)
    elif _is_passive(verb):
        yield from _passive_arguments(trigger, index, tables)
    else:
        yield from _active_arguments(trigger, index, tables)
    yield from _prep_arguments(trigger, verb, "VERB", index, tables)
    for part in _children(verb, {"dobj", "nsubjpass", "prt", "advmod"}):
        if part.lemma_.lower() in {sense.object, sense.particle}:
            # "took control of", "pulled back from": the phrase hangs from the trigger's part
            yield from _prep_arguments(trigger, part, "VERB", index, tables)
        elif part.dep_ == "dobj":
            yield from _sense_prep_arguments(trigger, part, index)
    if _is_gerund_noun(verb):
        yield from _modifier_arguments(verb, index)


def _is_gerund_noun(verb: Token) -> bool:
    """A gerund used as a noun: "Russian shelling", "the looting of the museum"."""
    if verb.tag_ != "VBG":
        return False
    nominal_children = any(c.dep_ in {"amod", "det", "poss"} for c in verb.children)
    return verb.dep_ in NOMINAL_DEPS or nominal_children


def _passive_arguments(
    trigger: Trigger, index: EntityIndex, tables: RoleTables
) -> Iterator[Argument]:
    verb, role = trigger.token, trigger.sense.object_role
    patients = _children(verb, {"nsubjpass"})
    quality: Quality = "direct" if patients else "inherited"
    if role is None:
        return
    for patient in patients or controllers(verb, tables.object_control):
        yield from (Argument(role, r) for r in _with(quality, resolve_phrase(patient, index)))
        yield from _object_locations(patient, index, tables)


def _active_arguments(
    trigger: Trigger, index: EntityIndex, tables: RoleTables
) -> Iterator[Argument]:
    verb, sense = trigger.token, trigger.sense
    objects = [o for o in _children(verb, {"dobj"}) if o.lemma_.lower() != sense.object]
    subjects = _children(verb, {"nsubj"})
    quality: Quality = "direct" if subjects else "inherited"
    transitive = bool(objects) or sense.object is not None
    subject_role = "agent" if transitive else sense.intransitive_subject
    if subject_role is not None:
        for subject in subjects or controllers(verb, tables.object_control):
            resolved = _with(quality, resolve_phrase(subject, index))
            yield from (Argument(subject_role, r) for r in resolved)
    if sense.object_role is None:
        return
    shared = [] if objects or sense.object is not None else _shared_objects(verb)
    for obj in objects:
        yield from (Argument(sense.object_role, r) for r in resolve_phrase(obj, index))
    for obj in shared:
        resolved = _with("inherited", resolve_phrase(obj, index))
        yield from (Argument(sense.object_role, r) for r in resolved)
    for obj in objects + shared:
        yield from _object_locations(obj, index, tables)


def _object_locations(obj: Token, index: EntityIndex, tables: RoleTables) -> Iterator[Argument]:
    """Places in locative phrases of the object: "attacked positions near Qamishli"."""
    for prep, place in prep_phrases(obj):
        if tables.preps.get(("NOUN", prep)) == "location":
            yield from (Argument("location", r) for r in resolve_phrase(place, index))


def _shared_objects(verb: Token) -> list[Token]:
    """The object of a coordinated verb after this one, or the antecedent of a relative clause."""
    for conjunct in _children(verb, {"conj"}):
        if conjunct.pos_ in VERBAL:
            return [obj for obj in _children(conjunct, {"dobj"}) if obj.i > conjunct.i]
    relative_subject = any(c.tag_ in {"WDT", "WP"} for c in verb.children)
    if verb.dep_ == "relcl" and not relative_subject:
        return [verb.head]
    return []


def _possessor_arguments(phrase: Token, index: EntityIndex) -> Iterator[Argument]:
    """A possessive or an of-phrase the sense gives no role: an actor or a state acts, a place
    is acted on ("Russia's withdrawal", "the assault of Russia", "Kherson's evacuation")."""
    for resolved in resolve_phrase(phrase, index):
        record = index.entities[resolved.entity]
        if record.core_class in ACTOR_CLASSES or record.cls == "Country":
            yield Argument("agent", resolved)
        else:
            yield Argument("target", resolved)


def _modifier_arguments(noun: Token, index: EntityIndex) -> Iterator[Argument]:
    """Possessives and named modifiers of a nominal trigger: actors act, places are acted on;
    a nationality word names the doer ("the Russian invasion": Russia's armed forces)."""
    doers = index.armed.get(noun.i, ())
    for forces in doers:
        yield Argument("agent", Resolved(forces, "direct", noun.i))
    for child in noun.children:
        if doers and child.dep_ in MODIFIER_DEPS and index.entity_at(child) is None:
            continue  # the nationality word, read above
        if child.dep_ == "poss":
            yield from _possessor_arguments(child, index)
        elif child.dep_ in MODIFIER_DEPS:
            yield from _named_modifier(child, index)


def _named_modifier(child: Token, index: EntityIndex) -> Iterator[Argument]:
    """A modifier that is an entity ("the Kherson evacuation"), or a demonym that names the
    article's one armed force of that nationality ("Russian shelling", "Russian-occupied")."""
    entity = index.entity_at(child)
    if entity is not None:
        core = index.entities[entity].core_class
        role: Role = "agent" if core in ACTOR_CLASSES else "location"
        yield Argument(role, Resolved(entity, "direct", child.i))
        return
    forces = forces_named_by(child, index)
    if forces is not None:
        yield Argument("agent", Resolved(forces, "anaphora"))


def noun_arguments(trigger: Trigger, index: EntityIndex, tables: RoleTables) -> Iterator[Argument]:
    """Possessive, modifiers, prepositional phrases and light-verb subject of a noun trigger."""
    noun = trigger.token
    yield from _modifier_arguments(noun, index)
    yield from _prep_arguments(trigger, noun, "NOUN", index, tables)
    for prep, obj in prep_phrases(noun):
        if prep == "of":
            yield from _sense_prep_arguments(trigger, obj, index)
            if "of" not in trigger.sense.preps:  # "the assault of Russia on Ukraine"
                yield from _possessor_arguments(obj, index)
    verb = noun.head
    by = verb.head if noun.dep_ == "pobj" and verb.dep_ == "agent" else None
    if by is not None and by.pos_ == "VERB" and by.lemma_.lower() in tables.impact_verbs:
        # "silos destroyed by Russian bombardment": what was destroyed is the bombardment's target
        for subject in _children(by, {"nsubjpass"}):
            resolved = _with("inherited", resolve_phrase(subject, index))
            yield from (Argument("target", r) for r in resolved)
        yield from _prep_arguments(trigger, by, "NOUN", index, tables)
        return
    if verb.i != noun.i and noun.dep_ == "nsubj" and carries_impact(noun, tables):
        # "a missile strike destroyed the depot": what the verb hit is the strike's target
        for obj in _children(verb, {"dobj"}):
            resolved = _with("inherited", resolve_phrase(obj, index))
            yield from (Argument("target", r) for r in resolved)
            yield from _object_locations(obj, index, tables)
        yield from _prep_arguments(trigger, verb, "NOUN", index, tables)
        return
    if verb.i == noun.i or verb.lemma_.lower() not in tables.light_verbs:
        return
    if noun.dep_ == "dobj":
        subjects = _children(verb, {"nsubj"}) or controllers(verb, tables.object_control)
        for subject in subjects:
            resolved = _with("inherited", resolve_phrase(subject, index))
            yield from (Argument("agent", r) for r in resolved)
    if noun.dep_ in ("dobj", "nsubj"):  # "fighting continued in Bakhmut"
        yield from _prep_arguments(trigger, verb, "NOUN", index, tables)


def carries_impact(noun: Token, tables: RoleTables) -> bool:
    """Whether the verb an event noun is the subject of is part of the noun's event."""
    verb = noun.head
    return verb.pos_ == "VERB" and verb.lemma_.lower() in tables.impact_verbs


def trigger_roles(trigger: Trigger, index: EntityIndex, tables: RoleTables) -> Roles:
    """The trigger's arguments, filtered by class, each entity in one role only."""
    arguments = (
        noun_arguments(trigger, index, tables)
        if trigger.nominal
        else verb_arguments(trigger, index, tables)
    )
    by_role: dict[Role, list[int]] = {role: [] for role in ROLES}
    used: set[int] = set()
    qualities: list[Quality] = []
    states: list[tuple[int, int]] = []
    for argument in arguments:
        resolved = argument.resolved
        if argument.role == "agent":
            if resolved.entity in index.actors and resolved.token >= 0:
                states.append((resolved.entity, resolved.token))
        entity = resolved.entity
        record = index.entities[entity]
        fits = record.core_class in ROLE_CORE_CLASSES[argument.role] or (
            argument.role == "agent" and record.cls in ACTOR_ENTITY_CLASSES
        )
        if entity in used or not fits:
            continue
        used.add(entity)
        by_role[argument.role].append(entity)
        qualities.append(resolved.quality)
    weakest = max(qualities, key=QUALITY_ORDER.index) if qualities else None
    return Roles(
        tuple(by_role["agent"]),
        tuple(by_role["target"]),
        tuple(by_role["location"]),
        weakest,
        tuple(dict.fromkeys(states)),
    )


def meets_requirements(trigger: Trigger, roles: Roles, index: EntityIndex) -> bool:
    """Whether the arguments have the classes the sense asks for.

    Required classes ("leave" needs armed forces) must be present; allowed classes exclude
    readings with another kind of actor ("the company withdrew from the market").
    """
    filled = {"agent": roles.agents, "target": roles.targets, "location": roles.locations}
    required = all(
        any(index.fits(entity, classes) for entity in filled[role])
        for role, classes in trigger.sense.requires.items()
    )
    allowed = all(
        all(index.fits(entity, classes) for entity in filled[role])
        for role, classes in trigger.sense.allows.items()
    )
    return required and allowed
