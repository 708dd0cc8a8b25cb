"""Event triggers: the verbs and nouns that denote a military action, found in the parse.

The lexicon is data (``kg/data/triggers.tsv``): each row is one sense of a lemma with the particle
or object it needs ("take over", "dig trenches"), the event type, how reliable the sense is, and
how its syntactic arguments map to roles; ``kg/data/events/lemmas.tsv`` corrects lemmas the
tagger gets wrong ("retook"). ``kg/data/events/refinements.tsv`` sharpens a type
from a telling modifier ("air strike", "drones struck" -> Airstrike). Matching is one pass over
the tokens with dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from spacy.tokens import Doc, Token

from kg.extract.eventdata import DataFileError, read_event_table, read_table
from kg.model import ENTITY_CLASSES, EVENT_TYPES

Role = Literal["agent", "target", "location"]
ROLES: tuple[Role, ...] = ("agent", "target", "location")
TRIGGER_POS = frozenset({"VERB", "NOUN"})
PARTICLE_DEPS = frozenset({"prt", "prep", "advmod"})
OBJECT_DEPS = frozenset({"dobj", "nsubjpass"})
MAX_TRIGGER_GAP = 2


@dataclass(frozen=True, slots=True)
class TriggerSense:
    """One row of the trigger lexicon (see the header of ``kg/data/triggers.tsv``)."""

    lemma: str
    pos: str
    particle: str | None
    object: str | None
    type: str
    strength: float
    object_role: Role | None
    intransitive_subject: Role | None
    preps: Mapping[str, Role | None]
    requires: Mapping[Role, frozenset[str]]
    allows: Mapping[Role, frozenset[str]]

    @property
    def specificity(self) -> int:
        """Senses that need a particle or an object win over the bare lemma."""
        return (self.particle is not None) + (self.object is not None)


@dataclass(frozen=True, slots=True)
class TriggerLexicon:
    """Senses keyed by (lemma, part of speech), and type refinements keyed by (type, modifier)."""

    senses: Mapping[tuple[str, str], tuple[TriggerSense, ...]]
    refinements: Mapping[tuple[str, str], str]
    lemmas: Mapping[str, str]

    def lemma_of(self, token: Token) -> str:
        """The token's lemma, corrected for forms the lemmatizer misses ("retook")."""
        return self.lemmas.get(token.lower_, token.lemma_.lower())


@dataclass(frozen=True, slots=True)
class Trigger:
    """A token that denotes an event, with the sense that matched and the tokens it spans."""

    token: Token
    sense: TriggerSense
    type: str
    first: int
    last: int

    @property
    def nominal(self) -> bool:
        return self.sense.pos == "NOUN"


def _optional(value: str) -> str | None:
    return None if value == "-" else value


def _role(value: str, where: str) -> Role | None:
    if value == "-":
        return None
    for role in ROLES:
        if role == value:
            return role
    raise DataFileError(f"{where}: unknown role {value!r}; valid: {', '.join(ROLES)} or -")


def _preps(value: str, where: str) -> Mapping[str, Role | None]:
    if value == "-":
        return MappingProxyType({})
    pairs = (item.split(":", 1) for item in value.split(","))
    return MappingProxyType({prep: _role(role, where) for prep, role in pairs})


def _constraints(
    value: str, where: str
) -> tuple[Mapping[Role, frozenset[str]], Mapping[Role, frozenset[str]]]:
    """``role:Classes`` (the role must hold such an entity) and ``role?:Classes`` (every entity
    in the role must be of those classes), comma separated."""
    required: dict[Role, frozenset[str]] = {}
    allowed: dict[Role, frozenset[str]] = {}
    for item in [] if value == "-" else value.split(","):
        role_name, classes = item.split(":", 1)
        role = _role(role_name.rstrip("?"), where)
        names = frozenset(classes.split("|"))
        unknown = names - set(ENTITY_CLASSES)
        if role is None or unknown:
            raise DataFileError(f"{where}: bad constraint {item!r} (classes: {ENTITY_CLASSES})")
        (allowed if role_name.endswith("?") else required)[role] = names
    return MappingProxyType(required), MappingProxyType(allowed)


def _sense(row: tuple[str, ...], where: str) -> TriggerSense:
    lemma, pos, particle, obj, event_type, strength, object_role, subject, preps, requires = row
    if event_type not in EVENT_TYPES or pos not in TRIGGER_POS:
        raise DataFileError(f"{where}: unknown type {event_type!r} or part of speech {pos!r}")
    required, allowed = _constraints(requires, where)
    return TriggerSense(
        lemma=lemma,
        pos=pos,
        particle=_optional(particle),
        object=_optional(obj),
        type=event_type,
        strength=float(strength),
        object_role=_role(object_role, where),
        intransitive_subject=_role(subject, where),
        preps=_preps(preps, where),
        requires=required,
        allows=allowed,
    )


def load_trigger_lexicon() -> TriggerLexicon:
    """The trigger lexicon (``kg/data/triggers.tsv``, ``events/refinements.tsv``), checked."""
    senses: dict[tuple[str, str], list[TriggerSense]] = {}
    for number, row in enumerate(read_table("data/triggers.tsv", 10), start=1):
        sense = _sense(row, f"data/triggers.tsv row {number}")
        senses.setdefault((sense.lemma, sense.pos), []).append(sense)
    ordered = {
        key: tuple(sorted(found, key=lambda s: -s.specificity)) for key, found in senses.items()
    }
    refinements = {
        (event_type, modifier): refined
        for event_type, modifier, refined in read_event_table("refinements.tsv", 3)
    }
    lemmas = {form: lemma for form, lemma in read_event_table("lemmas.tsv", 2)}
    return TriggerLexicon(
        MappingProxyType(ordered), MappingProxyType(refinements), MappingProxyType(lemmas)
    )


def _particle_child(token: Token, particle: str) -> Token | None:
    for child in token.children:
        if child.dep_ in PARTICLE_DEPS and child.lower_ == particle:
            return child
    return None


def _object_child(token: Token, lemma: str) -> Token | None:
    for child in token.children:
        if child.dep_ in OBJECT_DEPS and child.lemma_.lower() == lemma:
            return child
    return None


#: Where a word the tagger calls an adjective stands as a noun ("the Ukrainian counter-offensive
#: began": "offensive" tagged ADJ, but the subject of "began").
NOMINAL_POSITIONS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "attr"})


def _part_of_speech(token: Token) -> str | None:
    if token.pos_ == "VERB":
        return "VERB"
    if token.pos_ == "NOUN" or (token.pos_ == "ADJ" and token.dep_ in NOMINAL_POSITIONS):
        return "NOUN"
    return None


def match_trigger(token: Token, lexicon: TriggerLexicon) -> Trigger | None:
    """The most specific sense whose particle and object requirements the token meets."""
    pos = _part_of_speech(token)
    if pos is None:
        return None
    for sense in lexicon.senses.get((lexicon.lemma_of(token), pos), ()):
        extra: list[Token] = []
        if sense.particle is not None:
            particle = _particle_child(token, sense.particle)
            if particle is None:
                continue
            extra.append(particle)
        if sense.object is not None:
            obj = _object_child(token, sense.object)
            if obj is None:
                continue
            extra.append(obj)
        event_type, modifier = refine(token, sense, lexicon)
        if modifier is not None and modifier.head.i == token.i:
            extra.append(modifier)
        first, last = trigger_extent(token, extra)
        return Trigger(token, sense, event_type, first, last)
    return None


def refine(token: Token, sense: TriggerSense, lexicon: TriggerLexicon) -> tuple[str, Token | None]:
    """The refined type and the modifier that refined it, from compounds or the subject's head."""
    for child in token.children:
        telling = child.dep_ == "compound" or (sense.pos == "VERB" and child.dep_ == "nsubj")
        refined = lexicon.refinements.get((sense.type, child.lemma_.lower()))
        if telling and refined is not None:
            return refined, child if child.dep_ == "compound" else None
    return sense.type, None


def trigger_extent(token: Token, extra: list[Token]) -> tuple[int, int]:
    """First and last token of the trigger phrase; the head alone when the parts are far apart."""
    indices = [token.i, *(part.i for part in extra)]
    first, last = min(indices), max(indices)
    if last - first + 1 - len(indices) > MAX_TRIGGER_GAP:
        return token.i, token.i
    return first, last


def find_triggers(doc: Doc, lexicon: TriggerLexicon) -> tuple[Trigger, ...]:
    """Every trigger of the document, in text order (one pass over the tokens)."""
    found = (match_trigger(token, lexicon) for token in doc)
    return tuple(trigger for trigger in found if trigger is not None)


#: Event types whose noun a nationality word names the victim of, not the doer: "the American
#: evacuation" moves Americans out.
VICTIM_NAMED_TYPES = frozenset({"Evacuation"})


def doer_nouns(lexicon: TriggerLexicon) -> frozenset[str]:
    """Nominal trigger lemmas a nationality word before names the doer of ("Russian shelling",
    "the Ukrainian counter-offensive")."""
    lemmas = frozenset(
        sense.lemma
        for senses in lexicon.senses.values()
        for sense in senses
        if sense.pos == "NOUN" and sense.type not in VICTIM_NAMED_TYPES
    )
    return lemmas | {form for form, lemma in lexicon.lemmas.items() if lemma in lemmas}


def nominal(token: Token) -> bool:
    """Whether the token stands as a noun (see :data:`NOMINAL_POSITIONS`)."""
    return _part_of_speech(token) == "NOUN"
