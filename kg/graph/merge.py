"""The merged layer: one description per entity and per event across all articles. Pure: no I/O.

Article graphs say what each article says; the merged graph ``<base>graph/merged`` says what the
corpus says, once:

- every entity: its most specific class (``nk:<Class>``), exactly one ``rdfs:label`` (the
  gazetteer label of a linked entity, else its most frequent name), ``skos:altLabel`` for the
  other names, ``owl:sameAs`` its Wikidata item with ``nk:linkConfidence``, the item's
  coordinates (``geo:lat``, ``geo:long``) when the gazetteer's sources give them, and
  ``nk:country`` for groups ("Russian troops");
- every event: the reports of one military action merged by :func:`kg.graph.events.merge_reports`
  (only asserted and reported ones), with its class, roles, time stamps, confidence, the articles
  and trigger mentions it comes from, ``nk:hasReport``/``nk:reportOf`` links to the reports and
  ``nk:mergeReason``.

Every choice is deterministic (counts, then sort order), so the same articles give the same graph
whatever order they were processed in. The work is linear in the number of mentions and reports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from pyoxigraph import Literal, NamedNode, Quad
from pyoxigraph import Triple as PyTriple

from kg.graph.context import context_of, entity_contexts
from kg.graph.events import MergedEvent, ReportKey, merge_reports
from kg.graph.map import Triple, confidence_literal, distinct_reports
from kg.iris import Iris
from kg.model import CORE_CLASS, Entity, Extraction
from kg.vocab import GAF, GEO, NK, OWL, PROV, RDF, RDFS, SEM, SKOS, WD, XSD

#: Each entity class's direct superclass in the ontology (core classes have none).
PARENT = {
    **{cls: core for cls, core in CORE_CLASS.items() if cls != core},
    "NuclearPowerPlant": "Facility",
    "Laboratory": "Facility",
    "Hospital": "Facility",
}


@dataclass(frozen=True, slots=True)
class Description:
    """One node of the merged graph and the triples that describe it."""

    node: NamedNode
    triples: tuple[Triple, ...]


@dataclass(frozen=True, slots=True)
class MergedLayer:
    entities: tuple[Description, ...]
    events: tuple[Description, ...]

    def descriptions(self) -> Iterator[Description]:
        yield from self.entities
        yield from self.events

    def quads(self, graph: NamedNode) -> Iterator[Quad]:
        for description in self.descriptions():
            for s, p, o in description.triples:
                yield Quad(s, p, o, graph)

    def without(self, nodes: set[NamedNode]) -> MergedLayer:
        """The layer less ``nodes``, and less the events that refer to a removed entity."""
        if not nodes:
            return self
        entities = tuple(d for d in self.entities if d.node not in nodes)
        removed = {d.node for d in self.entities} - {d.node for d in entities}
        events = tuple(
            d
            for d in self.events
            if d.node not in nodes and not any(o in removed for _, _, o in d.triples)
        )
        return MergedLayer(entities=entities, events=events)

    def validation_units(
        self, articles: Collection[NamedNode]
    ) -> Iterator[tuple[Description, tuple[PyTriple, ...]]]:
        """Each node's description with its validation context (:mod:`kg.graph.context`), to
        validate it on its own; units can be validated together in any grouping, as what they
        share (entity contexts, article stubs) is the same in each."""
        entities = entity_contexts(
            PyTriple(s, p, o) for d in self.entities for s, p, o in d.triples
        )
        for description in self.descriptions():
            triples = [PyTriple(s, p, o) for s, p, o in description.triples]
            context = context_of(triples, entities, articles)
            yield description, tuple(dict.fromkeys([*triples, *context]))


@dataclass
class _EntityVotes:
    names: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    classes: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    qids: Counter[str] = field(default_factory=Counter)
    confidence: float = 0.0
    countries: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class _Trigger:
    article: NamedNode
    mention: NamedNode


#: Where a Wikidata item is (WGS84 latitude, longitude), by QID: from the gazetteer's sources.
Places = Mapping[str, tuple[float, float]]


def merge_layer(
    extractions: Iterable[Extraction], iris: Iris, places: Places | None = None
) -> MergedLayer:
    """Describe every entity and event of the published articles once; a linked entity whose
    item is in ``places`` gets its coordinates (``geo:lat``, ``geo:long``)."""
    votes: dict[NamedNode, _EntityVotes] = defaultdict(_EntityVotes)
    reports: list[ReportKey] = []
    triggers: dict[str, _Trigger] = {}
    for extraction in extractions:
        _collect_entities(extraction, iris, votes)
        for key, trigger in _report_keys(extraction, iris):
            reports.append(key)
            triggers[key.iri] = trigger
    entities = tuple(
        _describe_entity(node, votes[node], places or {}) for node in sorted(votes, key=str)
    )
    reports.sort(key=lambda r: (r.article_id, r.iri))
    merged = merge_reports(reports)
    events = sorted((_describe_event(e, iris, triggers) for e in merged), key=lambda d: str(d.node))
    return MergedLayer(entities=entities, events=tuple(events))


# -- entities ---------------------------------------------------------------------------------
def entity_view(extraction: Extraction, iris: Iris) -> list[PyTriple]:
    """The entities of one article described from that article alone (its "local view").

    Not published: it gives the context an article graph is validated with
    (:mod:`kg.graph.context`), so that each article graph is checked on its own, at a cost per
    article.
    """
    votes: dict[NamedNode, _EntityVotes] = defaultdict(_EntityVotes)
    _collect_entities(extraction, iris, votes)
    return [
        PyTriple(s, p, o)
        for node in sorted(votes, key=str)
        for s, p, o in _describe_entity(node, votes[node], {}).triples
    ]


def _collect_entities(
    extraction: Extraction, iris: Iris, votes: dict[NamedNode, _EntityVotes]
) -> None:
    for entity in extraction.entities:
        vote = votes[iris.entity(entity)]
        vote.names[entity.name] += 1
        vote.aliases.update(entity.aliases)
        vote.classes[entity.cls] += 1
        if entity.link is not None:
            vote.labels[entity.link.label] += 1
            vote.qids[entity.link.qid] += 1
            vote.confidence = max(vote.confidence, entity.link.confidence)
        if entity.country:
            vote.countries[entity.country] += 1


def _describe_entity(node: NamedNode, vote: _EntityVotes, places: Places) -> Description:
    label = _most_common(vote.labels) if vote.labels else _most_common(vote.names)
    triples: list[Triple] = [
        (node, RDF.type, NK[most_specific_class(vote.classes)]),
        (node, RDFS.label, Literal(label, language="en")),
    ]
    others = (set(vote.names) | vote.aliases | set(vote.labels)) - {label}
    triples += [(node, SKOS.altLabel, Literal(name, language="en")) for name in sorted(others)]
    if vote.qids:
        qid = _most_common(vote.qids)
        triples += [
            (node, OWL.sameAs, WD[qid]),
            (node, NK.linkConfidence, confidence_literal(vote.confidence)),
        ]
        if qid in places:
            lat, lon = places[qid]
            triples += [(node, GEO.lat, degrees(lat)), (node, GEO.long, degrees(lon))]
    if vote.countries:
        triples.append((node, NK.country, WD[_most_common(vote.countries)]))
    return Description(node, tuple(triples))


def degrees(value: float) -> Literal:
    """Degrees as a canonical ``xsd:decimal`` to 4 places (about 10 m): the store keeps it."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return Literal("0" if text in ("", "-0") else text, datatype=XSD.decimal)


def most_specific_class(votes: Counter[str]) -> str:
    """The deepest class the votes support, starting from the majority's core class.

    A vote for a class supports it and all its superclasses. From the core class, descend to the
    child with the most support (ties: sort order) while some child has support. So
    {Organisation: 3, ArmedForces: 1} gives ArmedForces, and {Company: 1, GovernmentBody: 2}
    gives GovernmentBody.
    """
    support: Counter[str] = Counter()
    for cls, count in votes.items():
        while True:
            support[cls] += count
            if cls not in PARENT:
                break
            cls = PARENT[cls]
    cores = Counter({cls: n for cls, n in support.items() if cls not in PARENT})
    current = _most_common(cores)
    while True:
        children = Counter(
            {c: support[c] for c, p in PARENT.items() if p == current and support[c]}
        )
        if not children:
            return current
        current = _most_common(children)


def _most_common(counter: Counter[str]) -> str:
    """The most frequent value; ties go to the first in sort order."""
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]


# -- events -----------------------------------------------------------------------------------
def _report_keys(extraction: Extraction, iris: Iris) -> Iterator[tuple[ReportKey, _Trigger]]:
    """A :class:`kg.graph.events.ReportKey` per report, and where its trigger is."""
    article_id = extraction.article.id
    article = iris.article(article_id)
    entity_iris = [iris.entity(e).value for e in extraction.entities]
    for event in distinct_reports(extraction.events):
        begin, end = event.trigger.begin, event.trigger.end
        time = event.time
        key = ReportKey(
            iri=iris.report(article_id, begin, end, event.type).value,
            article_id=article_id,
            type=event.type,
            agents=frozenset(entity_iris[i] for i in event.agents),
            sides=frozenset(side_of(extraction.entities[i], entity_iris[i]) for i in event.agents),
            targets=frozenset(entity_iris[i] for i in event.targets),
            locations=frozenset(entity_iris[i] for i in event.locations),
            earliest=time.earliest if time else None,
            latest=time.latest if time else None,
            factuality=event.factuality,
            confidence=event.confidence,
        )
        yield key, _Trigger(article, iris.mention(article_id, begin, end))


#: The side of a state: a country, its armed forces and its government act for one state.
STATE_SIDE = "state:{}"
#: Classes of a national group that acts for its state; "Organisation" too, because one
#: article's NER may class "Russian forces" so where another classes them ArmedForces, and
#: one entity must have one side in every article.
STATE_GROUPS = frozenset({"ArmedForces", "GovernmentBody", "Organisation"})


def side_of(entity: Entity, iri: str) -> str:
    """The side an agent acts for: its state for a linked country or a national group ("Russia",
    "the Russian army", "the Russian government" are one side), else the agent itself."""
    if entity.cls == "Country" and entity.link is not None:
        return STATE_SIDE.format(entity.link.qid)
    if entity.cls in STATE_GROUPS and entity.country is not None:
        return STATE_SIDE.format(entity.country)
    return iri


def _describe_event(event: MergedEvent, iris: Iris, triggers: dict[str, _Trigger]) -> Description:
    """A :class:`kg.graph.events.MergedEvent` as triples."""
    report_iris = sorted(r.iri for r in event.reports)
    node = iris.event(*report_iris)
    triples: list[Triple] = [
        (node, RDF.type, NK[event.type]),
        (node, NK.confidence, confidence_literal(event.confidence)),
        (node, NK.mergeReason, Literal(event.reason)),
    ]
    for predicate, values in (
        (NK.agent, event.agents),
        (NK.target, event.targets),
        (NK.location, event.locations),
    ):
        triples += [(node, predicate, NamedNode(v)) for v in sorted(values)]
    triples += _time_stamps(node, event.earliest, event.latest)
    for report in report_iris:
        trigger = triggers[report]
        triples += [
            (node, NK.hasReport, NamedNode(report)),
            (NamedNode(report), NK.reportOf, node),
            (node, GAF.denotedBy, trigger.mention),
            (node, PROV.wasDerivedFrom, trigger.article),
        ]
    return Description(node, tuple(dict.fromkeys(triples)))


def _time_stamps(node: NamedNode, earliest: date | None, latest: date | None) -> list[Triple]:
    if earliest is not None and earliest == latest:
        return [(node, SEM.hasTimeStamp, _date(earliest))]
    triples: list[Triple] = []
    if earliest is not None:
        triples.append((node, SEM.hasEarliestBeginTimeStamp, _date(earliest)))
    if latest is not None:
        triples.append((node, SEM.hasLatestEndTimeStamp, _date(latest)))
    return triples


def _date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


# -- by partition (kg.build.merged: a large corpus is merged a part at a time) -----------------
EntityVotes = _EntityVotes
Trigger = _Trigger


def entity_votes(extraction: Extraction, iris: Iris) -> dict[NamedNode, EntityVotes]:
    """What one article says of each entity it mentions; :func:`add_votes` sums articles."""
    votes: dict[NamedNode, _EntityVotes] = defaultdict(_EntityVotes)
    _collect_entities(extraction, iris, votes)
    return dict(votes)


def add_votes(total: EntityVotes, more: EntityVotes) -> None:
    """Add ``more`` to ``total``: counts add up, sets unite, the confidence is the highest, so
    summing articles' votes in any grouping gives the votes of all of them at once."""
    for item in fields(_EntityVotes):
        mine, theirs = getattr(total, item.name), getattr(more, item.name)
        if isinstance(mine, Counter):
            mine.update(theirs)
        elif isinstance(mine, set):
            mine |= theirs
        elif isinstance(mine, float):
            setattr(total, item.name, max(mine, theirs))
        else:
            raise TypeError(f"add_votes does not know how to add {item.name}")


def describe_entities(
    votes: dict[NamedNode, EntityVotes], places: Places | None = None
) -> list[Description]:
    """The merged description of each entity with ``votes``, in IRI order (``places`` give
    linked places their coordinates)."""
    return [_describe_entity(node, votes[node], places or {}) for node in sorted(votes, key=str)]


def report_triggers(extraction: Extraction, iris: Iris) -> list[tuple[ReportKey, Trigger]]:
    """Each event report of an article, with where its trigger is."""
    return list(_report_keys(extraction, iris))


def describe_events(
    reports: list[ReportKey], triggers: dict[str, Trigger], iris: Iris
) -> list[Description]:
    """The merged events of ``reports`` (:func:`kg.graph.events.merge_reports`), described."""
    reports.sort(key=lambda r: (r.article_id, r.iri))
    return [_describe_event(event, iris, triggers) for event in merge_reports(reports)]
