"""Map one article's extraction to quads in that article's named graph. Pure: no I/O.

The vocabulary is the newskg ontology (``ontology/newskg.ttl``) and the standard vocabularies it
builds on (NIF 2.0 for text, GAF for grounding, PROV-O, W3C ORG, SEM, OWL-Time); each block below
names the terms it instantiates. The layout is documented in README.md ("The dataset").

Everything an article says goes in its own graph ``<base>graph/article/<id>``: the article (a
``nif:Context``), the build activity that produced the graph, the sentences and mentions (NIF
offset-based strings, RFC 5147 ``#char=b,e`` IRIs, Unicode code points), the mentions of every
entity (``gaf:denotedBy``), positions held, statements and event reports. What an entity *is* (its
one class and one label) and the merged events are corpus-level facts: they live in the merged
graph (:mod:`kg.graph.merge`), so the union of all graphs still has one label per entity.

A mention whose offsets do not select its anchor text, or a record that refers to an entity or
statement that does not exist, raises :class:`InvalidExtraction`; the pipeline quarantines that
article.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from kg.iris import Iris
from kg.model import ENTITY_CLASSES, EVENT_TYPES, Event, Extraction, Mention, TimeExpression
from kg.vocab import GAF, NIF, NK, ORG, PROV, RDF, RDFS, SCHEMA, SEM, TIME, XSD

Term = NamedNode | Literal
Triple = tuple[NamedNode, NamedNode, Term]

#: Decimals written for confidences: a fixed number, so the output is byte-stable.
CONFIDENCE_DECIMALS = 3

#: ``kg.model.Granularity`` -> OWL-Time temporal unit (``nk:timeGranularity``). Our time stamps
#: are dates, so an instant is known to the day.
GRANULARITY_UNITS = {
    "instant": TIME.unitDay,
    "day": TIME.unitDay,
    "week": TIME.unitWeek,
    "month": TIME.unitMonth,
    "year": TIME.unitYear,
}


class InvalidExtraction(ValueError):
    """An extraction that cannot be mapped faithfully (the article is quarantined)."""


@dataclass(frozen=True, slots=True)
class Activity:
    """The build activity (``prov:Activity``) that generated article graphs, with its versions.

    Its IRI is minted from the versions only, never from the corpus or the time, so that an
    unchanged article maps to the same graph in every build made with the same software.
    """

    iri: NamedNode
    software: str  # newskg's release, "0.1.0"
    pipeline: str  # newskg's release + a hash of the code and data that shape a graph
    spacy: str
    model: str  # the spaCy model package
    model_version: str
    gazetteer: str  # a hash of the bundled gazetteer
    linker: str  # the linker setting: offline, wikidata or none

    def versions(self) -> dict[str, str]:
        return {
            "software": f"newskg {self.software}",
            "pipeline": self.pipeline,
            "spacy": f"spacy {self.spacy}",
            "model": f"{self.model} {self.model_version}",
            "gazetteer": self.gazetteer,
            "linker": self.linker,
        }


def activity_triples(activity: Activity, iris: Iris) -> list[Triple]:
    """The activity (PROV-O) and what it used, each with its version (schema.org).

    ``prov:wasAssociatedWith`` newskg (a ``prov:SoftwareAgent`` whose ``schema:softwareVersion``
    is the pipeline version); ``prov:used`` spaCy, the spaCy model and the gazetteer.
    """
    node = activity.iri
    versions = activity.versions()
    label = "newskg build: " + ", ".join(f"{k} {v}" for k, v in versions.items())
    newskg = iris.software("newskg", activity.pipeline)
    used = [
        (
            iris.software("spacy", activity.spacy),
            SCHEMA.SoftwareApplication,
            "spaCy",
            activity.spacy,
        ),
        (
            iris.software(activity.model, activity.model_version),
            SCHEMA.Dataset,
            activity.model,
            activity.model_version,
        ),
        (
            iris.software("gazetteer", activity.gazetteer),
            SCHEMA.Dataset,
            "newskg gazetteer",
            activity.gazetteer,
        ),
    ]
    triples: list[Triple] = [
        (node, RDF.type, PROV.Activity),
        (node, RDFS.label, Literal(label, language="en")),
        (node, PROV.wasAssociatedWith, newskg),
        (newskg, RDF.type, PROV.SoftwareAgent),
        (newskg, RDF.type, SCHEMA.SoftwareApplication),
        (newskg, SCHEMA.name, Literal("newskg")),
        (newskg, SCHEMA.softwareVersion, Literal(activity.pipeline)),
    ]
    for thing, kind, name, version in used:
        triples += [
            (node, PROV.used, thing),
            (thing, RDF.type, PROV.Entity),
            (thing, RDF.type, kind),
            (thing, SCHEMA.name, Literal(name)),
            (
                thing,
                SCHEMA.softwareVersion if kind == SCHEMA.SoftwareApplication else SCHEMA.version,
                Literal(version),
            ),
        ]
    return triples


def confidence_literal(value: float) -> Literal:
    """``xsd:decimal`` rounded to :data:`CONFIDENCE_DECIMALS` decimals, in the canonical form of
    XML Schema 1.1 ("0.85", "0.9", "1"): the form the store keeps, so the endpoint returns
    exactly the literal the dumps hold (pyoxigraph would turn "0.900" into "0.9")."""
    if not math.isfinite(value):
        raise InvalidExtraction(f"confidence {value!r} is not a finite number")
    text = f"{value:.{CONFIDENCE_DECIMALS}f}".rstrip("0").rstrip(".")
    return Literal("0" if text in ("", "-0") else text, datatype=XSD.decimal)


def map_article(extraction: Extraction, iris: Iris, activity: Activity) -> list[Quad]:
    """The article graph: the article, its provenance, and everything extracted from it."""
    mapper = _ArticleMapper(extraction, iris)
    triples = mapper.article(activity) + activity_triples(activity, iris)
    triples += mapper.sentences()
    triples += mapper.entities()
    triples += mapper.positions()
    triples += mapper.statements()
    triples += mapper.events()
    triples += mapper.mentions()  # last: every block above registered the mentions it uses
    graph = iris.article_graph(extraction.article.id)
    return [Quad(s, p, o, graph) for s, p, o in dict.fromkeys(triples)]


class _ArticleMapper:
    """One article's blocks of triples; collects the mentions the blocks refer to."""

    def __init__(self, extraction: Extraction, iris: Iris) -> None:
        self.x = extraction
        self.iris = iris
        self.article_id = extraction.article.id
        self.text = extraction.article.text
        self.node = iris.article(self.article_id)
        self.sentence_spans = sorted(set(extraction.sentences))
        self._sentence_begins = [b for b, _ in self.sentence_spans]
        self._mentions: dict[tuple[int, int], str] = {}
        for entity in extraction.entities:
            if entity.cls not in ENTITY_CLASSES:
                raise InvalidExtraction(
                    f"entity {entity.name!r} has class {entity.cls!r}; "
                    f"expected one of {', '.join(ENTITY_CLASSES)}"
                )
        self._entity_nodes = [iris.entity(e) for e in extraction.entities]
        self._statement_nodes = [
            iris.statement(self.article_id, s.mention.begin, s.mention.end)
            for s in extraction.statements
        ]

    # -- the article: schema:NewsArticle, nif:Context ------------------------------------------
    def article(self, activity: Activity) -> list[Triple]:
        article, node = self.x.article, self.node
        triples: list[Triple] = [
            (node, RDF.type, SCHEMA.NewsArticle),
            (node, RDF.type, NIF.Context),
            (node, SCHEMA.identifier, Literal(article.id)),
            (node, NK.sha256, Literal(article.sha256)),
            (node, NIF.isString, Literal(article.text)),
            (node, NIF.beginIndex, offset_literal(0)),
            (node, NIF.endIndex, offset_literal(len(article.text))),
            (node, PROV.wasGeneratedBy, activity.iri),
        ]
        if article.headline:
            triples.append((node, SCHEMA.headline, Literal(article.headline, language="en")))
        if article.published:
            stamp = article.published.strftime("%Y-%m-%dT%H:%M:%SZ")
            triples.append((node, SCHEMA.datePublished, Literal(stamp, datatype=XSD.dateTime)))
        if article.url:
            triples.append((node, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
        return triples

    # -- nif:Sentence -------------------------------------------------------------------------
    def sentences(self) -> list[Triple]:
        triples: list[Triple] = []
        for begin, end in self.sentence_spans:
            if not 0 <= begin < end <= len(self.text):
                raise InvalidExtraction(
                    f"sentence {begin},{end} is outside the text (0,{len(self.text)})"
                )
            node = self.iris.sentence(self.article_id, begin, end)
            triples += [
                (node, RDF.type, NIF.Sentence),
                (node, NIF.beginIndex, offset_literal(begin)),
                (node, NIF.endIndex, offset_literal(end)),
                (node, NIF.referenceContext, self.node),
            ]
        return triples

    # -- entities: gaf:denotedBy (their class and label are in the merged graph) -------------
    def entities(self) -> list[Triple]:
        triples: list[Triple] = []
        for entity, node in zip(self.x.entities, self._entity_nodes, strict=True):
            if not entity.mentions:
                raise InvalidExtraction(f"entity {entity.name!r} has no mention")
            triples += [(node, GAF.denotedBy, self.mention(m)) for m in entity.mentions]
        return triples

    # -- positions: org:Membership, org:Role --------------------------------------------------
    def positions(self) -> list[Triple]:
        triples: list[Triple] = []
        roles: dict[NamedNode, str] = {}
        for position in self.x.positions:
            title = position.title.strip()
            if not title:
                raise InvalidExtraction(f"position at {_span(position.mention)} has no title")
            node = self.iris.membership(
                self.article_id, position.mention.begin, position.mention.end, title
            )
            role = self.iris.role(title)
            roles[role] = min(title, roles.get(role, title))  # "CEO" and "Ceo": one label
            triples += [
                (node, RDF.type, ORG.Membership),
                (node, ORG.member, self.entity(position.person, "position's person")),
                (node, ORG.role, role),
                (node, GAF.denotedBy, self.mention(position.mention)),
                (node, PROV.wasDerivedFrom, self.node),
            ]
            if position.organisation is not None:
                organisation = self.entity(position.organisation, "position's organisation")
                triples.append((node, ORG.organization, organisation))
        for role, title in roles.items():
            triples.append((role, RDF.type, ORG.Role))
            triples.append((role, RDFS.label, Literal(title, language="en")))
        return triples

    # -- statements: nk:Statement -------------------------------------------------------------
    def statements(self) -> list[Triple]:
        """Statements whose speaker is known (``nks:SpeakerShape``: no speaker, no statement)."""
        triples: list[Triple] = []
        seen: set[NamedNode] = set()
        for statement, node in zip(self.x.statements, self._statement_nodes, strict=True):
            if node in seen or statement.speaker is None:  # a span twice: the first one wins
                continue
            seen.add(node)
            triples += [
                (node, RDF.type, NK.Statement),
                (node, SCHEMA.text, Literal(statement.quote.anchor)),
                (node, NK.quotation, self.mention(statement.quote)),
                (node, NK.speechVerb, Literal(statement.verb)),
                (node, GAF.denotedBy, self.mention(statement.mention)),
                (node, PROV.wasDerivedFrom, self.node),
                (node, PROV.wasAttributedTo, self.entity(statement.speaker, "speaker")),
            ]
        return triples

    # -- event reports: nk:EventReport --------------------------------------------------------
    def events(self) -> list[Triple]:
        triples: list[Triple] = []
        for event in distinct_reports(self.x.events):
            if event.type not in EVENT_TYPES:
                raise InvalidExtraction(
                    f"event at {_span(event.trigger)} has type {event.type!r}; "
                    f"expected one of {', '.join(EVENT_TYPES)}"
                )
            node = self.iris.report(
                self.article_id, event.trigger.begin, event.trigger.end, event.type
            )
            triples += [
                (node, RDF.type, NK.EventReport),
                (node, NK.eventType, NK[event.type]),
                (node, NK.factuality, NK[event.factuality]),
                (node, NK.confidence, confidence_literal(event.confidence)),
                (node, GAF.denotedBy, self.mention(event.trigger)),
                (node, PROV.wasDerivedFrom, self.node),
            ]
            for predicate, indexes in (
                (NK.agent, event.agents),
                (NK.target, event.targets),
                (NK.location, event.locations),
            ):
                triples += [(node, predicate, self.entity(i, "event role")) for i in indexes]
            if event.time is not None:
                triples += self.time(node, event.time)
            if event.statement is not None:
                triples += self.in_statement(node, event.statement)
        return triples

    def time(self, node: NamedNode, time: TimeExpression) -> list[Triple]:
        """SEM time stamps (``xsd:date``), the expression as written and its OWL-Time unit."""
        self.check(time.mention)
        triples: list[Triple] = [
            (node, NK.timeExpression, Literal(time.mention.anchor)),
            (node, NK.timeGranularity, GRANULARITY_UNITS[time.granularity]),
        ]
        if time.earliest is not None and time.earliest == time.latest:
            triples.append((node, SEM.hasTimeStamp, _date(time.earliest)))
            return triples
        if time.earliest is not None:
            triples.append((node, SEM.hasEarliestBeginTimeStamp, _date(time.earliest)))
        if time.latest is not None:
            triples.append((node, SEM.hasLatestEndTimeStamp, _date(time.latest)))
        return triples

    def in_statement(self, node: NamedNode, index: int) -> list[Triple]:
        """The statement relaying a report, and its speaker (none if the speaker is unknown)."""
        if not 0 <= index < len(self.x.statements):
            raise InvalidExtraction(f"event refers to statement {index}, which does not exist")
        speaker = self.x.statements[index].speaker
        if speaker is None:  # the statement is not published (see statements())
            return []
        return [
            (node, NK.inStatement, self._statement_nodes[index]),
            (node, PROV.wasAttributedTo, self.entity(speaker, "speaker")),
        ]

    # -- mentions: nif:Phrase, nif:OffsetBasedString ------------------------------------------
    def entity(self, index: int, what: str) -> NamedNode:
        if not 0 <= index < len(self._entity_nodes):
            raise InvalidExtraction(f"{what} refers to entity {index}, which does not exist")
        return self._entity_nodes[index]

    def check(self, mention: Mention) -> None:
        """RFC 5147 character offsets must select exactly the anchor text (code points)."""
        if not 0 <= mention.begin < mention.end <= len(self.text):
            raise InvalidExtraction(
                f"mention {_span(mention)} {mention.anchor!r} is outside the text "
                f"(0,{len(self.text)}) or empty"
            )
        if self.text[mention.begin : mention.end] != mention.anchor:
            raise InvalidExtraction(
                f"mention {_span(mention)} says {mention.anchor!r} but the text there is "
                f"{self.text[mention.begin : mention.end]!r}"
            )

    def mention(self, mention: Mention) -> NamedNode:
        self.check(mention)
        self._mentions[(mention.begin, mention.end)] = mention.anchor
        return self.iris.mention(self.article_id, mention.begin, mention.end)

    def mentions(self) -> list[Triple]:
        triples: list[Triple] = []
        for (begin, end), anchor in sorted(self._mentions.items()):
            node = self.iris.mention(self.article_id, begin, end)
            triples += [
                (node, RDF.type, NIF.Phrase),
                (node, RDF.type, NIF.OffsetBasedString),
                (node, NIF.beginIndex, offset_literal(begin)),
                (node, NIF.endIndex, offset_literal(end)),
                (node, NIF.anchorOf, Literal(anchor)),
                (node, NIF.referenceContext, self.node),
            ]
            sentence = self.sentence_of(begin, end)
            if sentence is not None:
                triples.append((node, NIF.sentence, sentence))
        return triples

    def sentence_of(self, begin: int, end: int) -> NamedNode | None:
        """The sentence that contains the span (the last one starting at or before it)."""
        position = bisect_right(self._sentence_begins, begin) - 1
        if position < 0:
            return None
        s_begin, s_end = self.sentence_spans[position]
        if end > s_end:
            return None
        return self.iris.sentence(self.article_id, s_begin, s_end)


def distinct_reports(events: Iterable[Event]) -> list[Event]:
    """One report per (trigger, type) -- they share a report IRI: the most confident, first."""
    best: dict[tuple[int, int, str], Event] = {}
    for event in events:
        key = (event.trigger.begin, event.trigger.end, event.type)
        if key not in best or event.confidence > best[key].confidence:
            best[key] = event
    return list(best.values())


def offset_literal(value: int) -> Literal:
    """An offset as ``xsd:integer`` (its value is a non-negative integer, which the shapes check):
    the store rewrites the derived ``xsd:nonNegativeInteger`` to ``xsd:integer``, so this is the
    datatype the endpoint, the pages and the dumps can all give (oxigraph issue #526)."""
    return Literal(str(value), datatype=XSD.integer)


def _date(value: object) -> Literal:
    return Literal(str(value), datatype=XSD.date)


def _span(mention: Mention) -> str:
    return f"{mention.begin},{mention.end}"
