"""Events as a researcher reads them: a sentence, a row of a table, a report in its sentence.

An event of the merged graph is said as "<type> of <targets> by <agents> in <locations> on
<date>", with the type's label from the ontology graph (so a new event class needs no code here)
and the participants' labels. :func:`event_rows` lists the merged events and the reports that
are no event of their own (denied, hypothetical), with the filters the events table offers;
:func:`reports_of` gives each report of an event with its article, its sentence (trigger
marked), factuality and speaker.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Store, Triple

from kg.dataset.labels import Labeller
from kg.dataset.marks import Piece, Span, mark_text
from kg.vocab import GAF, NIF, NK, PROV, RDF, SCHEMA, SEM

Term = NamedNode | BlankNode | Literal | Triple
#: Role properties and the word that introduces them in an event's sentence.
ROLES = ((NK.target, "of"), (NK.agent, "by"), (NK.location, "in"))
MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True, slots=True)
class Party:
    """A resource as a page shows it: IRI and words."""

    iri: str
    label: str


@dataclass(frozen=True)
class EventRow:
    """One row of the events table: a merged event, or a report that is no event of its own."""

    iri: str
    kind: str  # "event" or "report"
    types: tuple[Party, ...]
    agents: tuple[Party, ...]
    targets: tuple[Party, ...]
    locations: tuple[Party, ...]
    earliest: date | None
    latest: date | None
    factuality: tuple[str, ...]
    reports: int
    confidence: str | None
    sentence: str
    articles: tuple[Party, ...] = ()  # where it was read (prov:wasDerivedFrom)

    @property
    def when(self) -> str:
        return say_dates(self.earliest, self.latest)

    def as_dict(self) -> dict[str, object]:
        """The row for JSON and CSV: IRIs and words, dates in ISO 8601."""
        return {
            "iri": self.iri,
            "kind": self.kind,
            "sentence": self.sentence,
            "type": "; ".join(t.label for t in self.types),
            "type_iri": " ".join(t.iri for t in self.types),
            "agents": "; ".join(p.label for p in self.agents),
            "agent_iris": " ".join(p.iri for p in self.agents),
            "targets": "; ".join(p.label for p in self.targets),
            "target_iris": " ".join(p.iri for p in self.targets),
            "locations": "; ".join(p.label for p in self.locations),
            "location_iris": " ".join(p.iri for p in self.locations),
            "earliest": self.earliest.isoformat() if self.earliest else "",
            "latest": self.latest.isoformat() if self.latest else "",
            "factuality": "; ".join(self.factuality),
            "reports": self.reports,
            "confidence": self.confidence or "",
            "articles": "; ".join(p.label for p in self.articles),
            "article_iris": " ".join(p.iri for p in self.articles),
        }


@dataclass(frozen=True)
class EventFilter:
    """What the events table shows: each field narrows it; empty fields do not."""

    type: str = ""  # a class IRI or label
    agent: str = ""  # words of a label, or an IRI
    target: str = ""
    place: str = ""
    factuality: str = ""  # asserted, reported, denied, hypothetical
    since: date | None = None
    until: date | None = None

    def keeps(self, row: EventRow) -> bool:
        if self.type and not _matches(self.type, row.types, exact=True):
            return False
        for wanted, parties in (
            (self.agent, row.agents),
            (self.target, row.targets),
            (self.place, row.locations),
        ):
            if wanted and not _matches(wanted, parties):
                return False
        if self.factuality and self.factuality.lower() not in row.factuality:
            return False
        if self.since or self.until:
            if row.earliest is None and row.latest is None:
                return False
            if self.since and (row.latest or row.earliest or date.max) < self.since:
                return False
            if self.until and (row.earliest or row.latest or date.min) > self.until:
                return False
        return True

    def params(self) -> dict[str, str]:
        """The filter as query parameters (for links to the CSV and JSON of the same rows)."""
        values = {
            "type": self.type,
            "agent": self.agent,
            "target": self.target,
            "place": self.place,
            "factuality": self.factuality,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def _matches(wanted: str, parties: Iterable[Party], *, exact: bool = False) -> bool:
    wanted = wanted.strip()
    if wanted.startswith(("http://", "https://")):
        return any(p.iri == wanted for p in parties)
    folded = wanted.casefold()
    if exact:
        return any(p.label.casefold() == folded for p in parties)
    return any(folded in p.label.casefold() for p in parties)


def say_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def say_dates(earliest: date | None, latest: date | None) -> str:
    """ "on 4 March 2022", "between 1 and 4 March 2022", "after ...", "before ...", or ""."""
    if earliest and latest:
        if earliest == latest:
            return f"on {say_date(earliest)}"
        return f"between {say_date(earliest)} and {say_date(latest)}"
    if earliest:
        return f"after {say_date(earliest)}"
    if latest:
        return f"before {say_date(latest)}"
    return ""


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass
class EventReader:
    """Reads events and reports from one store; labels come from one :class:`Labeller`."""

    store: Store
    labels: Labeller
    _rows: dict[str, EventRow] = field(default_factory=dict)
    _arcs: dict[str, dict[str, list[Term]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.labels.event_sentence = self.sentence

    def arcs(self, node: NamedNode) -> dict[str, list[Term]]:
        """Everything the default graph says of ``node``, by predicate (read once)."""
        if node.value not in self._arcs:
            found: dict[str, list[Term]] = defaultdict(list)
            for quad in self.store.quads_for_pattern(node, None, None, DefaultGraph()):
                found[quad.predicate.value].append(quad.object)
            self._arcs[node.value] = found
        return self._arcs[node.value]

    def nodes(self, node: NamedNode, predicate: NamedNode) -> list[NamedNode]:
        objects = self.arcs(node).get(predicate.value, [])
        return sorted((o for o in objects if isinstance(o, NamedNode)), key=lambda n: n.value)

    def dates(self, node: NamedNode) -> tuple[date | None, date | None]:
        """An event's or report's earliest and latest day (the same day for a time stamp)."""
        arcs = self.arcs(node)

        def day(predicate: NamedNode) -> date | None:
            for value in arcs.get(predicate.value, []):
                if isinstance(value, Literal):
                    try:
                        return date.fromisoformat(value.value[:10])
                    except ValueError:
                        return None
            return None

        stamp = day(SEM.hasTimeStamp)
        if stamp is not None:
            return stamp, stamp
        return day(SEM.hasEarliestBeginTimeStamp), day(SEM.hasLatestEndTimeStamp)

    def party(self, node: NamedNode) -> Party:
        return Party(node.value, self.labels.label(node))

    def types_of(self, node: NamedNode) -> list[NamedNode]:
        """An event's classes, or a report's ``nk:eventType``."""
        found = [t for t in self.nodes(node, RDF.type) if t.value.startswith(NK.base)]
        kinds = [t for t in found if t != NK.EventReport]
        return kinds or self.nodes(node, NK.eventType)

    def sentence(self, node: NamedNode) -> str:
        """ "Seizure of the plant by Russian troops in Enerhodar on 4 March 2022"."""
        kinds = self.types_of(node)
        words = [_and([self.labels.label(k) for k in kinds]) if kinds else "Military action"]
        for predicate, preposition in ROLES:
            parties = [self.labels.label(n) for n in self.nodes(node, predicate)]
            if parties:
                words.append(f"{preposition} {_and(parties)}")
        when = say_dates(*self.dates(node))
        if when:
            words.append(when)
        return " ".join(words)

    def row(self, node: NamedNode) -> EventRow:
        if node.value in self._rows:
            return self._rows[node.value]
        reports = self.nodes(node, NK.hasReport)
        is_event = bool(reports)
        factualities = sorted(
            {
                self.labels.label(f)
                for r in (reports if is_event else [node])
                for f in self.nodes(r, NK.factuality)
            }
        )
        confidence = next(
            (
                c.value
                for c in self.arcs(node).get(NK.confidence.value, [])
                if isinstance(c, Literal)
            ),
            None,
        )
        earliest, latest = self.dates(node)
        row = EventRow(
            iri=node.value,
            kind="event" if is_event else "report",
            types=tuple(self.party(k) for k in self.types_of(node)),
            agents=tuple(self.party(n) for n in self.nodes(node, NK.agent)),
            targets=tuple(self.party(n) for n in self.nodes(node, NK.target)),
            locations=tuple(self.party(n) for n in self.nodes(node, NK.location)),
            earliest=earliest,
            latest=latest,
            factuality=tuple(factualities),
            reports=len(reports) if is_event else 1,
            confidence=confidence,
            sentence=self.sentence(node),
            articles=tuple(self.party(a) for a in self.nodes(node, PROV.wasDerivedFrom)),
        )
        self._rows[node.value] = row
        return row

    def all_nodes(self) -> Iterator[NamedNode]:
        """Every merged event, then every report that belongs to none."""
        events = {
            q.subject.value
            for q in self.store.quads_for_pattern(None, NK.hasReport, None, DefaultGraph())
            if isinstance(q.subject, NamedNode)
        }
        yield from (NamedNode(e) for e in sorted(events))
        lone = set()
        for quad in self.store.quads_for_pattern(None, RDF.type, NK.EventReport, DefaultGraph()):
            report = quad.subject
            if isinstance(report, NamedNode) and not any(
                True for _ in self.store.quads_for_pattern(report, NK.reportOf, None)
            ):
                lone.add(report.value)
        yield from (NamedNode(r) for r in sorted(lone))

    def rows(self, wanted: EventFilter | None = None) -> list[EventRow]:
        """The events table, earliest first (undated last), filtered by ``wanted``."""
        rows = [self.row(n) for n in self.all_nodes()]
        if wanted is not None:
            rows = [r for r in rows if wanted.keeps(r)]
        return sorted(rows, key=lambda r: (r.earliest or date.max, r.sentence, r.iri))

    def reports_of(self, event: NamedNode) -> list[ReportView]:
        reports = self.nodes(event, NK.hasReport) or [event]
        return [self.report(r) for r in reports]

    def report(self, node: NamedNode) -> ReportView:
        """One report: its article, sentence with the trigger marked, factuality, speaker."""
        article = next(iter(self.nodes(node, PROV.wasDerivedFrom)), None)
        trigger = next(iter(self.nodes(node, GAF.denotedBy)), None)
        pieces: list[Piece] = []
        trigger_href = None
        if trigger is not None and article is not None:
            trigger_href = trigger.value
            pieces = self.sentence_marked(article, trigger)
        speakers = self.nodes(node, PROV.wasAttributedTo)
        factuality = self.nodes(node, NK.factuality)
        published = self.labels.first(article, (SCHEMA.datePublished,)) if article else None
        return ReportView(
            iri=node.value,
            summary=self.sentence(node),
            article=self.party(article) if article else None,
            published=published[:10] if published else None,
            trigger=trigger_href,
            sentence=tuple(pieces),
            factuality=self.labels.label(factuality[0]) if factuality else None,
            speakers=tuple(self.party(s) for s in speakers),
            confidence=self.labels.first(node, (NK.confidence,)),
        )

    def sentence_marked(self, article: NamedNode, mention: NamedNode) -> list[Piece]:
        """The sentence holding ``mention``, with the mention marked (its span only, when the
        sentence is unknown)."""
        text = self.labels.text_of(article)
        span = _span(self.labels, mention)
        if text is None or span is None:
            return []
        sentence = next(iter(self.nodes(mention, NIF.sentence)), None)
        window = _span(self.labels, sentence) if sentence is not None else None
        begin, end = window or span
        pieces = mark_text(
            text[begin:end], [Span(span[0] - begin, span[1] - begin, "trigger", href=mention.value)]
        )
        return pieces


def _span(labels: Labeller, node: NamedNode) -> tuple[int, int] | None:
    begin = labels.first(node, (NIF.beginIndex,))
    end = labels.first(node, (NIF.endIndex,))
    if begin is None or end is None:
        return None
    try:
        return int(begin), int(end)
    except ValueError:
        return None


@dataclass(frozen=True)
class ReportView:
    iri: str
    summary: str
    article: Party | None
    published: str | None
    trigger: str | None
    sentence: tuple[Piece, ...]
    factuality: str | None
    speakers: tuple[Party, ...]
    confidence: str | None
