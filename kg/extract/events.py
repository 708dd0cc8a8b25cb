"""Military-action events and reported speech from one parsed article.

:func:`find_events` composes the stages, each a pure function of the parse:
triggers (:mod:`kg.extract.triggers`), roles (:mod:`kg.extract.roles`, resolved to the entity
stage's entities by :mod:`kg.extract.arguments`), factuality (:mod:`kg.extract.factuality`),
reported speech (:mod:`kg.extract.attribution`) and time (:mod:`kg.extract.timex`). The cost is
linear in the document: each index (token to entity, token to statement, time expressions by the
word they modify, quotation marks) is built in one pass, and each trigger then looks only at its
own neighbourhood in the tree.

An event needs a participant: one of its roles resolves to an entity, and when its only
participant is an agent, that agent must be able to wage a military action
(:func:`has_participants`). A reliable trigger (:data:`BARE_TRIGGER_STRENGTH`) with no
participant ("the invasion", "fighting raged") is kept too: it refers to another report of its
type in the article, before it or else after it, and takes that report's roles
(:func:`with_antecedent_roles`). Noun triggers that modify another noun ("attack helicopters",
"evacuation order") and triggers inside an entity's name are not events.

Confidence of one event report, in [0, 1], is the product of five evidence factors::

    confidence = strength * roles * path * date * framing

* ``strength``: how reliably the trigger's sense denotes the event type (``triggers.tsv``);
* ``roles``: 0.6, plus 0.2 with an agent, 0.15 with a target, 0.05 with a location;
* ``path``: 1.0 when every argument is a direct dependent of the trigger, 0.9 when one came
  through coordination, control, a relative pronoun or a light verb, 0.75 through anaphora;
* ``date``: 1.0 with a time expression attached to the trigger, 0.9 without;
* ``framing``: 1.0 asserted, 0.95 reported, 0.85 hypothetical or denied (the scope of a cue is
  where extraction errs most).

The result is rounded to three decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType

from spacy.tokens import Doc, Token

from kg.extract.actors import actor_mentions, state_actors, with_actor_mentions
from kg.extract.arguments import EntityIndex, Quality, build_entity_index
from kg.extract.attribution import (
    FoundStatement,
    find_statements,
    quotation_regions,
    quoted_tokens,
)
from kg.extract.factuality import (
    FactualityCues,
    factuality_of,
    is_background,
    strongest,
)
from kg.extract.roles import (
    Roles,
    RoleTables,
    carries_impact,
    meets_requirements,
    trigger_roles,
)
from kg.extract.tables import Tables
from kg.extract.timex import FoundTime, resolve_times
from kg.extract.triggers import Trigger, TriggerLexicon, find_triggers
from kg.extract.unnamed import unnamed_targets
from kg.gazetteer.table import Gazetteer
from kg.model import Entity, Event, Factuality, Mention, Statement, TimeExpression

NO_STATEMENT = -1
PATH_FACTOR: Mapping[Quality, float] = MappingProxyType(
    {"direct": 1.0, "inherited": 0.9, "anaphora": 0.75}
)
FRAMING_FACTOR: Mapping[Factuality, float] = MappingProxyType(
    {"asserted": 1.0, "reported": 0.95, "hypothetical": 0.85, "denied": 0.85}
)
UNDATED_FACTOR = 0.9
#: A trigger this reliable is an event even with no participant ("fighting raged", "the invasion"):
#: it is reported, and merging may give it the roles another report of it has.
BARE_TRIGGER_STRENGTH = 0.8
MILITARY_ACTOR_CLASSES = frozenset(
    {"ArmedForces", "GovernmentBody", "Organisation", "InternationalOrganisation", "Country"}
)
#: How a trigger hangs from a verb that only carries it: "began withdrawing", "launched an
#: attack", "the withdrawal began".
CARRIED_DEPS = frozenset({"xcomp", "dobj", "nsubj"})


def confidence(strength: float, roles: Roles, dated: bool, factuality: Factuality) -> float:
    """The documented product of evidence factors (see the module docstring)."""
    role_factor = 0.6 + 0.2 * bool(roles.agents) + 0.15 * bool(roles.targets)
    role_factor += 0.05 * bool(roles.locations)
    path = PATH_FACTOR[roles.weakest] if roles.weakest is not None else 1.0
    date_factor = 1.0 if dated else UNDATED_FACTOR
    value = strength * role_factor * path * date_factor * FRAMING_FACTOR[factuality]
    return round(min(max(value, 0.0), 1.0), 3)


def paint_statements(
    length: int, statements: Sequence[FoundStatement], *, named_only: bool
) -> list[int]:
    """For every token, the innermost statement whose content holds it (or NO_STATEMENT).

    Larger contents are painted first so that nested ones overwrite them; the work is the total
    length of the contents, which lie within their own sentences or quotations.
    """
    painted = [NO_STATEMENT] * length
    order = sorted(
        range(len(statements)),
        key=lambda n: statements[n].content[0] - statements[n].content[1],
    )
    for number in order:
        statement = statements[number]
        if named_only and statement.speaker is None:
            continue
        first, last = statement.content
        painted[first : last + 1] = [number] * (last - first + 1)
    return painted


def times_by_governor(found: Sequence[FoundTime]) -> dict[int, TimeExpression]:
    """Time expressions that locate an event, keyed by the token they modify (first one wins)."""
    table: dict[int, TimeExpression] = {}
    for time in found:
        if not time.bound:
            table.setdefault(time.governor.i, time.expression)
    return table


def time_of(
    trigger: Trigger,
    times: Mapping[int, TimeExpression],
    light: frozenset[str],
    impact: frozenset[str] = frozenset(),
) -> TimeExpression | None:
    """The time attached to the trigger, to the verb carrying it ("launched an attack on
    Monday", "a strike destroyed the depot on Monday"), or to a coordinated verb."""
    token = trigger.token
    carriers = [token]
    head = token.head
    carried = head.lemma_.lower() in light or (trigger.nominal and head.lemma_.lower() in impact)
    if head.i != token.i and token.dep_ in CARRIED_DEPS and carried:
        carriers.append(head)
    if not any(child.dep_ == "dobj" for child in token.children):
        # "looted and destroyed the museum on Monday": one phrase, one time.
        if token.dep_ == "conj":
            carriers.append(head)
        carriers.extend(child for child in token.children if child.dep_ == "conj")
    for carrier in carriers:
        found = times.get(carrier.i)
        if found is not None:
            return found
    return None


def has_participants(roles: Roles, index: EntityIndex) -> bool:
    """A place acted on or where it happened, or an actor that can wage a military action.

    An event whose only participant is a person, a company or a news organisation ("the
    minister attacked the plan", "the firm withdrew") is almost never a military action.
    """
    if roles.targets or roles.locations:
        return True
    return any(index.entities[agent].cls in MILITARY_ACTOR_CLASSES for agent in roles.agents)


def is_event_candidate(trigger: Trigger, index: EntityIndex) -> bool:
    """Not part of a name, and not a noun that only modifies another noun."""
    token = trigger.token
    if index.entity_at(token) is not None:
        return False
    return not (trigger.nominal and token.dep_ == "compound")


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """Everything indexed once per document that the per-trigger work reads."""

    index: EntityIndex
    cues: FactualityCues
    tables: RoleTables
    triggers: TriggerLexicon
    light_verbs: frozenset[str]
    statements: tuple[FoundStatement, ...]
    statement_at: tuple[int, ...]
    named_statement_at: tuple[int, ...]
    quoted: tuple[bool, ...]
    times: Mapping[int, TimeExpression]


def build_context(
    doc: Doc,
    entities: Sequence[Entity],
    anchor: datetime | None,
    tables: Tables,
    armed: Mapping[int, tuple[int, ...]] | None = None,
) -> DocumentContext:
    index = build_entity_index(doc, entities, tables.antecedents, armed)
    cues = tables.cues
    regions = quotation_regions(doc.text)
    statements = find_statements(doc, index, cues, regions)
    found_times = resolve_times(
        tables.time_words, doc, anchor.date() if anchor is not None else None
    )
    light = tables.roles.light_verbs | frozenset(cues.by_kind.get("transparent", {}))
    return DocumentContext(
        index=index,
        cues=cues,
        tables=tables.roles,
        triggers=tables.triggers,
        light_verbs=light,
        statements=statements,
        statement_at=tuple(paint_statements(len(doc), statements, named_only=False)),
        named_statement_at=tuple(paint_statements(len(doc), statements, named_only=True)),
        quoted=quoted_tokens(doc, regions),
        times=MappingProxyType(times_by_governor(found_times)),
    )


def framing(token: Token, context: DocumentContext) -> Factuality:
    """The trigger's own cues, the statement it is reported in, and quotation marks around it."""
    values: list[Factuality] = [
        factuality_of(token, context.cues, light_verbs=context.tables.light_verbs)
    ]
    if is_background(token, context.light_verbs):
        return values[0]  # background is taken for granted by the speaker too
    statement = context.statement_at[token.i]
    if statement != NO_STATEMENT:
        values.append(context.statements[statement].factuality)
    if context.quoted[token.i]:
        values.append("reported")
    return strongest(values)


def build_event(
    doc: Doc, trigger: Trigger, context: DocumentContext, kept: Mapping[int, int]
) -> Event | None:
    """One event report, or None when the trigger has no participant or misses a requirement."""
    found = event_and_roles(doc, trigger, context, kept)
    return None if found is None else found[0]


def event_and_roles(
    doc: Doc, trigger: Trigger, context: DocumentContext, kept: Mapping[int, int]
) -> tuple[Event, Roles] | None:
    """:func:`build_event`, with the roles the event was built from."""
    roles = trigger_roles(trigger, context.index, context.tables)
    if not has_participants(roles, context.index) and (
        not roles.empty or trigger.sense.strength < BARE_TRIGGER_STRENGTH
    ):
        return None
    if not meets_requirements(trigger, roles, context.index):
        return None
    factuality = framing(trigger.token, context)
    time = time_of(trigger, context.times, context.light_verbs, context.tables.impact_verbs)
    named = context.named_statement_at[trigger.token.i]
    phrase = doc[trigger.first : trigger.last + 1]
    event = Event(
        type=trigger.type,
        trigger=Mention(phrase.start_char, phrase.end_char, phrase.text),
        agents=roles.agents,
        targets=roles.targets,
        locations=roles.locations,
        time=time,
        factuality=factuality,
        statement=kept.get(named),
        confidence=confidence(trigger.sense.strength, roles, time is not None, factuality),
    )
    return event, roles


def kept_statements(
    statements: Sequence[FoundStatement],
) -> tuple[tuple[Statement, ...], dict[int, int]]:
    """Statements with a named speaker, and the map from found to kept positions."""
    kept: list[Statement] = []
    positions: dict[int, int] = {}
    for number, found in enumerate(statements):
        if found.speaker is None:
            continue
        positions[number] = len(kept)
        kept.append(Statement(found.speaker.entity, found.verb, found.quote, found.mention))
    return tuple(kept), positions


def find_events(
    doc: Doc, entities: Sequence[Entity], anchor: datetime | None, tables: Tables
) -> tuple[tuple[Statement, ...], tuple[Event, ...]]:
    """Statements with a named speaker, and event reports, in text order.

    Roles and speakers are indices into ``entities``; ``Event.statement`` indexes the returned
    statements; ``anchor`` (the publication time) resolves relative dates and may be None. A
    country is never an actor here: :func:`find_events_and_actors` reads it as its government.
    """
    context = build_context(doc, entities, anchor, tables)
    statements, kept = kept_statements(context.statements)
    events = tuple(event for event, _ in _events(doc, context, kept))
    return statements, events


def find_events_and_actors(
    doc: Doc,
    entities: Sequence[Entity],
    anchor: datetime | None,
    *,
    gazetteer: Gazetteer,
    tables: Tables,
    article_id: str = "",
) -> tuple[tuple[Entity, ...], tuple[Statement, ...], tuple[Event, ...]]:
    """:func:`find_events`, with crafts standing for their armed forces and unnamed facilities
    as targets.

    "Russia seized the port": the agent is Russia, the country acting (README, "Metonymy");
    "Israeli jets struck": Israel's armed forces (:mod:`kg.extract.actors`); "strikes on an
    ammunition depot": an unnamed facility (:mod:`kg.extract.unnamed`, its key holding
    ``article_id``). Returns the entities (``entities`` unchanged and in place, then the armed
    forces and unnamed facilities some role uses), the statements and the events, which index
    the returned entities. ``gazetteer`` names the armed forces.
    """
    actors = state_actors(entities, gazetteer, tables.actors, doc)
    unnamed = unnamed_targets(doc, entities, tables.target_heads, article_id)
    every = (*actors.entities, *unnamed)
    context = build_context(doc, every, anchor, tables, actors.armed)
    found_statements, kept = kept_statements(context.statements)
    built = _events(doc, context, kept)
    uses = [(entity, token) for _, roles in built for entity, token in roles.states]
    for number in kept:
        speaker = context.statements[number].speaker
        if speaker is not None and speaker.entity in actors.actors and speaker.token >= 0:
            uses.append((speaker.entity, speaker.token))
    final, renumbered = with_actor_mentions(actors, actor_mentions(doc, actors, uses))
    first_unnamed = len(actors.entities)
    used = sorted({i for e, _ in built for i in _role_entities(e) if i >= first_unnamed})
    renumbered.update({number: len(final) + k for k, number in enumerate(used)})
    final = (*final, *(every[number] for number in used))

    def kept_index(number: int) -> int | None:
        return number if number < actors.known else renumbered.get(number)

    def kept_all(numbers: Sequence[int]) -> tuple[int, ...]:
        return tuple(n for n in map(kept_index, numbers) if n is not None)

    statements = tuple(
        replace(s, speaker=kept_index(s.speaker) if s.speaker is not None else None)
        for s in found_statements
    )
    events = tuple(
        replace(
            e,
            agents=kept_all(e.agents),
            targets=kept_all(e.targets),
            locations=kept_all(e.locations),
        )
        for e, _ in built
    )
    return final, statements, events


def _role_entities(event: Event) -> tuple[int, ...]:
    return (*event.agents, *event.targets, *event.locations)


#: Event types whose report an impact verb coordinated with it only continues ("were shelling
#: and destroying the infrastructure": one shelling).
ATTACK_TYPES = frozenset({"Shelling", "Airstrike", "Attack"})


def _impact_of_another(trigger: Trigger, others: Mapping[int, Trigger], tables: RoleTables) -> bool:
    """A verb that only tells what another event did: its subject is the event ("shelling hit
    the plant"), its by-phrase is ("destroyed by Russian bombardment"), or it is coordinated
    with an attack ("shelling and destroying")."""
    token = trigger.token
    if trigger.nominal or token.lemma_.lower() not in tables.impact_verbs:
        return False
    for child in token.children:
        if child.dep_ == "nsubj" and child.i in others and carries_impact(child, tables):
            return True
        if child.dep_ == "agent":
            if any(o.i in others and others[o.i].nominal for o in child.children):
                return True
    head = others.get(token.head.i) if token.dep_ == "conj" else None
    return head is not None and head.type in ATTACK_TYPES


def _events(
    doc: Doc, context: DocumentContext, kept: Mapping[int, int]
) -> list[tuple[Event, Roles]]:
    found: list[tuple[Event, Roles]] = []
    triggers = find_triggers(doc, context.triggers)
    by_token = {t.token.i: t for t in triggers}
    for trigger in triggers:
        if not is_event_candidate(trigger, context.index):
            continue
        if _impact_of_another(trigger, by_token, context.tables):
            continue  # "a strike hit the depot": one event, the strike's
        built = event_and_roles(doc, trigger, context, kept)
        if built is not None:
            found.append(built)
    return with_antecedent_roles(found)


def with_antecedent_roles(found: Sequence[tuple[Event, Roles]]) -> list[tuple[Event, Roles]]:
    """A report with no participant ("the invasion", "fighting raged") refers to the last report
    of its type before it in the article, or failing that to the first one after it (a lead's
    "the invasion" told in full below): it takes that one's roles and, if it has none, its time
    (the reader resolves "the invasion" so too). One with neither keeps no roles."""
    full = [(n, e) for n, (e, r) in enumerate(found) if not r.empty]
    result: list[tuple[Event, Roles]] = []
    for number, (event, roles) in enumerate(found):
        if roles.empty:
            before = [e for n, e in full if e.type == event.type and n < number]
            after = [e for n, e in full if e.type == event.type and n > number]
            other = before[-1] if before else (after[0] if after else None)
            if other is not None:
                event = replace(
                    event,
                    agents=other.agents,
                    targets=other.targets,
                    locations=other.locations,
                    time=event.time or other.time,
                    confidence=round(event.confidence * PATH_FACTOR["anaphora"], 3),
                )
        result.append((event, roles))
    return result
