"""Resolving a noun phrase of the parse to an entity of the entity stage.

:class:`EntityIndex` is built once per document: an array from token to the entity whose mention
covers it (the longest mention wins), and the mentions sorted by offset for anaphora look-ups.
:func:`resolve_phrase` then costs a few dictionary and array look-ups per phrase.

A phrase resolves, in this order, to

1. the entity whose mention covers its head token ("Russian troops", "the Chernobyl plant");
2. for a relative pronoun ("which", "who"), its antecedent;
3. for a class noun ("the town of Sudzha", "the Kursk plant"), the named entity in its
   of-phrase, apposition or compound, when that entity's class fits the noun;
4. conservative anaphora, for a pronoun or a definite noun phrase whose head is listed in
   ``kg/data/events/anaphora.tsv`` ("it", "they", "the facility"): the one entity of a fitting
   class mentioned earlier in the same or the previous sentence. If there are two or more such
   entities, or none, the phrase stays unresolved and the argument is left out.

A pronoun subject of a reported clause refers first to the reporter, when the reporter's class
fits the pronoun ("the army said it had destroyed ...", "Grossi said he would ...").

A demonym that modifies an event noun or participle ("Russian shelling", "Russian-occupied")
names the article's armed forces of that nationality only when exactly one armed-forces group
starts with that word ("Russian troops"): see :func:`forces_named_by`.

Nothing is ever invented: a phrase that matches no entity gives nothing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from spacy.tokens import Doc, Token

from kg.extract.eventdata import DataFileError, read_event_table
from kg.model import Entity

Quality = Literal["direct", "inherited", "anaphora"]
#: From the most to the least reliable way of reaching an argument.
QUALITY_ORDER: tuple[Quality, ...] = ("direct", "inherited", "anaphora")
NO_ENTITY = -1
DEFINITE_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
RELATIVE_TAGS = frozenset({"WDT", "WP"})
NAMING_DEPS = frozenset({"compound", "nmod", "appos"})
MAX_CONJUNCTS = 8
ARMED_FORCES = "ArmedForces"
REPORTED_CLAUSE_DEPS = frozenset({"ccomp", "conj", "xcomp"})
MAX_REPORT_DEPTH = 3
#: How many sentences back "the town" may find the one entity introduced as a town.
INTRODUCTION_SENTENCES = 4


@dataclass(frozen=True, slots=True)
class Resolved:
    """An entity index, how it was reached (direct, through syntax, or by anaphora), and the
    token of the phrase that names it there (-1 when no word of the phrase does: anaphora)."""

    entity: int
    quality: Quality
    token: int = -1


@dataclass(frozen=True, slots=True)
class Antecedents:
    """Anaphoric words and the entity classes each may refer to."""

    pronouns: Mapping[str, frozenset[str]]
    nouns: Mapping[str, frozenset[str]]
    speaker_pronouns: Mapping[str, frozenset[str]]
    speech_verbs: frozenset[str]
    #: Nouns for people who speak for an organisation ("a Pentagon official").
    representatives: frozenset[str] = frozenset()


def load_antecedents() -> Antecedents:
    """The anaphora word list (``kg/data/events/anaphora.tsv``), the speech verbs and the nouns
    for representatives (``representatives.tsv``)."""
    tables: dict[str, dict[str, frozenset[str]]] = {"pronoun": {}, "noun": {}, "speaker": {}}
    for word, kind, classes in read_event_table("anaphora.tsv", 3):
        if kind not in tables:
            raise DataFileError(
                f"events/anaphora.tsv: unknown kind {kind!r}; valid: {list(tables)}"
            )
        tables[kind][word.lower()] = frozenset(classes.split("|"))
    speech = frozenset(lemma for lemma, _ in read_event_table("speech.tsv", 2))
    return Antecedents(
        MappingProxyType(tables["pronoun"]),
        MappingProxyType(tables["noun"]),
        MappingProxyType(tables["speaker"]),
        speech,
        frozenset(row[0] for row in read_event_table("representatives.tsv", 1)),
    )


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """Entities of one document indexed by token and by offset."""

    entities: Sequence[Entity]
    token_entity: tuple[int, ...]
    mention_begins: tuple[int, ...]
    mention_entities: tuple[int, ...]
    sentence_starts: tuple[int, ...]
    token_sentence: tuple[int, ...]
    antecedents: Antecedents
    forces_by_modifier: Mapping[str, frozenset[int]]
    #: Craft noun token -> the armed forces its nationality names ("Israeli jets").
    armed: Mapping[int, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: The entities above that stand for other words (governments, armed forces).
    actors: frozenset[int] = frozenset()
    #: Class noun -> (sentence, token, entity) where the text called the entity so ("the town
    #: of Sudzha").
    introduced: Mapping[str, tuple[tuple[int, int, int], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def entity_at(self, token: Token) -> int | None:
        found = self.token_entity[token.i]
        return None if found == NO_ENTITY else found

    def fits(self, entity: int, classes: frozenset[str]) -> bool:
        """Whether the entity's own class is one of ``classes`` (no widening to the core class)."""
        return self.entities[entity].cls in classes


def build_entity_index(
    doc: Doc,
    entities: Sequence[Entity],
    antecedents: Antecedents,
    armed: Mapping[int, tuple[int, ...]] | None = None,
) -> EntityIndex:
    """Index the entities' mentions by token (longest mention wins) and by offset.

    ``armed`` maps craft nouns to the armed forces they stand for (:mod:`kg.extract.actors`);
    without it "Israeli jets" name no entity.
    """
    starts = [token.idx for token in doc]
    token_entity = [NO_ENTITY] * len(doc)
    mentions = sorted(
        (
            (m.end - m.begin, m.begin, m.end, number)
            for number, e in enumerate(entities)
            for m in e.mentions
        ),
    )
    for _, begin, end, number in mentions:
        position = max(bisect_right(starts, begin) - 1, 0)
        while position < len(doc) and starts[position] < end:
            token = doc[position]
            if token.idx + len(token.text) > begin:
                token_entity[position] = number
            position += 1
    by_offset = sorted((begin, number) for _, begin, _, number in mentions)
    sentence_starts: list[int] = []
    token_sentence = [0] * len(doc)
    for number, sentence in enumerate(doc.sents):
        sentence_starts.append(sentence.start_char)
        for position in range(sentence.start, sentence.end):
            token_sentence[position] = number
    index = EntityIndex(
        forces_by_modifier=forces_by_modifier(entities),
        entities=entities,
        token_entity=tuple(token_entity),
        mention_begins=tuple(begin for begin, _ in by_offset),
        mention_entities=tuple(number for _, number in by_offset),
        sentence_starts=tuple(sentence_starts),
        token_sentence=tuple(token_sentence),
        antecedents=antecedents,
        armed=MappingProxyType(dict(armed or {})),
        actors=frozenset(f for found in (armed or {}).values() for f in found),
    )
    return replace(index, introduced=MappingProxyType(_introductions(doc, index)))


def _introductions(doc: Doc, index: EntityIndex) -> dict[str, tuple[tuple[int, int, int], ...]]:
    """Where the text says what kind of thing an entity is, by a class noun of the anaphora
    list outside the entity's name: "the town of Sudzha", "Sudzha, a border town"."""
    found: dict[str, list[tuple[int, int, int]]] = {}
    nouns = index.antecedents.nouns
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma not in nouns or index.entity_at(token) is not None:
            continue  # no class noun, or one inside a name ("Kursk nuclear plant")
        entity = _named_by_modifier(token, index)
        if entity is None and token.dep_ == "appos":
            head = index.entity_at(token.head)
            entity = head if head is not None and index.fits(head, nouns[lemma]) else None
        if entity is not None:
            found.setdefault(lemma, []).append((index.token_sentence[token.i], token.i, entity))
    return {lemma: tuple(pairs) for lemma, pairs in found.items()}


def forces_by_modifier(entities: Sequence[Entity]) -> Mapping[str, frozenset[int]]:
    """Armed forces by the first word of their group mentions ("russian" -> "Russian troops")."""
    found: dict[str, set[int]] = {}
    for number, entity in enumerate(entities):
        if entity.cls != ARMED_FORCES:
            continue
        for mention in entity.mentions:
            words = mention.anchor.split()
            if len(words) >= 2 and words[0][:1].isupper():
                found.setdefault(words[0].lower(), set()).add(number)
    return MappingProxyType({word: frozenset(numbers) for word, numbers in found.items()})


def forces_named_by(modifier: Token, index: EntityIndex) -> int | None:
    """The one armed force of the article that a demonym names ("Russian shelling").

    Only when exactly one armed-forces group of the article starts with that word ("Russian
    troops"); a bare demonym is otherwise too vague to be an agent.
    """
    candidates = index.forces_by_modifier.get(modifier.lower_, frozenset())
    return next(iter(candidates)) if len(candidates) == 1 else None


def conjuncts(head: Token) -> list[Token]:
    """The head and the phrases coordinated with it ("Chernobyl and Zaporizhzhia")."""
    found = [head]
    position = 0
    while position < len(found) and len(found) < MAX_CONJUNCTS:
        found.extend(child for child in found[position].children if child.dep_ == "conj")
        position += 1
    return found


def resolve_phrase(head: Token, index: EntityIndex) -> list[Resolved]:
    """Entities for a noun phrase and its conjuncts, in text order, without repeats.

    Coordinated names before one head each name an entity of the head's kind: "the Chernobyl
    and Zaporizhzhia plants" (two plants), "the towns of Sudzha and Korenevo" (two towns).
    """
    found: dict[int, tuple[int, Resolved]] = {}
    head = _counted(head)
    for token in conjuncts(head):
        for forces in index.armed.get(token.i, ()):  # "American and British warplanes"
            found.setdefault(forces, (token.i, Resolved(forces, "direct", token.i)))
        resolved = resolve_head(token, index)
        if resolved is None:
            continue
        for position, entity in _coordinated_names(token, resolved.entity, index):
            if entity not in found:
                named = resolved.token if entity == resolved.entity else position
                found[entity] = (position, Resolved(entity, resolved.quality, named))
    return [resolved for _, resolved in sorted(found.values(), key=lambda pair: pair[0])]


#: Nouns that only count what their of-phrase names ("dozens of silos", "a number of towns").
QUANTITY_NOUNS = frozenset(
    {"dozen", "hundred", "thousand", "number", "couple", "pair", "handful", "series", "lot"}
)


def _counted(head: Token) -> Token:
    """What a quantity noun counts ("silos" of "dozens of silos"), else the head itself."""
    if head.lemma_.lower() not in QUANTITY_NOUNS:
        return head
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return head


def _coordinated_names(head: Token, entity: int, index: EntityIndex) -> list[tuple[int, int]]:
    """(token, entity) of the head's entity and of those its coordinated naming words name.

    The naming words are the head's own modifiers ("Chernobyl and Zaporizhzhia" before
    "plants") or its of-phrase ("the towns of Sudzha and Korenevo"); only coordinated ones
    count, and only entities of the head entity's core class (a name modifying "plants" names
    a plant or a place, never the actor).
    """
    core = index.entities[entity].core_class
    found = {entity: head.i}
    for child in head.children:
        names: list[Token] = []
        if child.dep_ in NAMING_DEPS:
            names = conjuncts(child)
        elif child.dep_ == "prep" and child.lower_ == "of":
            names = [t for g in child.children if g.dep_ == "pobj" for t in conjuncts(g)]
        if len(names) < 2:
            continue
        for name in names:
            other = index.entity_at(name)
            if other is not None and index.entities[other].core_class == core:
                found[other] = min(found.get(other, name.i), name.i)
    return sorted((position, number) for number, position in found.items())


def resolve_head(token: Token, index: EntityIndex) -> Resolved | None:
    """The entity of one phrase head (see the module docstring for the order of the rules)."""
    covered = index.entity_at(token)
    if covered is not None:
        return Resolved(covered, "direct", token.i)
    if token.tag_ in RELATIVE_TAGS and token.head.dep_ == "relcl":
        antecedent = resolve_head(token.head.head, index)
        if antecedent is None:
            return None
        return Resolved(antecedent.entity, "inherited", antecedent.token)
    named = _named_by_modifier(token, index)
    if named is not None:
        return Resolved(named, "direct")
    reporter = _reporter(token, index) if token.pos_ == "PRON" else None
    if reporter is not None:
        return reporter
    referent = _antecedent(token, index)
    return Resolved(referent, "anaphora") if referent is not None else None


def _named_by_modifier(token: Token, index: EntityIndex) -> int | None:
    """ "the town of Sudzha", "the Kursk plant": a class noun named by an entity of its class."""
    classes = index.antecedents.nouns.get(token.lemma_.lower())
    if classes is None:
        return None
    for child in token.children:
        candidates: list[Token] = []
        if child.dep_ in NAMING_DEPS:
            candidates.append(child)
        elif child.dep_ == "prep" and child.lower_ == "of":
            candidates.extend(g for g in child.children if g.dep_ == "pobj")
        for candidate in candidates:
            entity = index.entity_at(candidate)
            if entity is not None and index.fits(entity, classes):
                return entity
    return None


def _reporter(token: Token, index: EntityIndex) -> Resolved | None:
    """The reporter a pronoun subject of a reported clause refers to ("the army said it ...");
    a country reporting speaks, and acts, through its government ("Israel said it struck ...")."""
    classes = index.antecedents.speaker_pronouns.get(token.lower_)
    if classes is None or token.dep_ not in {"nsubj", "nsubjpass"}:
        return None
    clause = token.head
    for _ in range(MAX_REPORT_DEPTH):
        if clause.dep_ not in REPORTED_CLAUSE_DEPS or clause.head.i == clause.i:
            return None
        clause = clause.head
        if clause.pos_ == "VERB" and clause.lemma_.lower() in index.antecedents.speech_verbs:
            for subject in clause.children:
                entity = index.entity_at(subject) if subject.dep_ == "nsubj" else None
                if entity is None:
                    continue
                found = Resolved(entity, "anaphora", subject.i)
                if index.fits(found.entity, classes):
                    return found if found.entity != entity else Resolved(entity, "anaphora")
            return None
    return None


def _antecedent(token: Token, index: EntityIndex) -> int | None:
    """The only entity of a fitting class mentioned before, in this or the previous sentence.

    A definite class noun ("the town") may also refer to the one entity the text earlier called
    by that noun ("the town of Sudzha"): among several candidates of the window, or, with none
    there, up to :data:`INTRODUCTION_SENTENCES` sentences back.
    """
    lower = token.lower_
    noun = None
    if token.pos_ == "PRON":
        classes = index.antecedents.pronouns.get(lower)
    elif any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in token.children):
        noun = token.lemma_.lower()
        classes = index.antecedents.nouns.get(noun)
    else:
        classes = None
    if classes is None:
        return None
    sentence = index.token_sentence[token.i]
    window_start = index.sentence_starts[max(sentence - 1, 0)]
    phrase_start = token.left_edge.idx
    low = bisect_left(index.mention_begins, window_start)
    high = bisect_left(index.mention_begins, phrase_start)
    candidates = {
        index.mention_entities[position]
        for position in range(low, high)
        if index.fits(index.mention_entities[position], classes)
    }
    if len(candidates) == 1:
        return candidates.pop()
    if noun is None:
        return None
    earliest = sentence - (1 if candidates else INTRODUCTION_SENTENCES)
    introduced = {
        entity
        for where, at, entity in index.introduced.get(noun, ())
        if earliest <= where and at < token.left_edge.i and (not candidates or entity in candidates)
    }
    introduced.discard(index.token_entity[token.i])
    return introduced.pop() if len(introduced) == 1 else None
