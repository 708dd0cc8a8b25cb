"""Browsing without SPARQL: entities by class with a name search, and the timeline of events.

The events table itself is :meth:`kg.dataset.events.EventReader.rows`. Everything here reads the
store's default graph (the merge of the named graphs) of a released build.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from kg.counts import ENTITY_TYPES
from kg.dataset.events import EventRow
from kg.dataset.labels import Labeller

PAGE_SIZE = 100


@dataclass(frozen=True)
class ClassCount:
    iri: str
    label: str
    count: int


@dataclass(frozen=True)
class EntityRow:
    iri: str
    label: str
    cls: str  # the class's label
    wikidata: str | None
    mentions: int
    cls_iri: str = ""
    names: tuple[str, ...] = ()  # other names (skos:altLabel)


def _solutions(store: Store, query: str) -> QuerySolutions:
    result = store.query(query)
    assert isinstance(result, QuerySolutions)
    return result


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, Literal) else 0


def entity_classes(rows: Sequence[EntityRow]) -> list[ClassCount]:
    """The entity classes in use, with how many entities each has (most first)."""
    counts = Counter((row.cls_iri, row.cls) for row in rows)
    found = [ClassCount(iri, label, n) for (iri, label), n in counts.items()]
    return sorted(found, key=lambda c: (-c.count, c.label))


def all_entities(store: Store, labeller: Labeller) -> list[EntityRow]:
    """Every entity (an instance of an entity class in the dataset's URI space), by label, with
    its other names, Wikidata item and number of mentions: read once per build, then filtered
    by :func:`find_entities`."""
    space = json.dumps(labeller.base + "id/entity/")
    query = (
        "SELECT ?e ?label ?class (SAMPLE(?item) AS ?wd) (COUNT(DISTINCT ?m) AS ?mentions) "
        '(GROUP_CONCAT(DISTINCT ?alt; separator="\\u001f") AS ?alts) WHERE { '
        "?e a ?class ; <http://www.w3.org/2000/01/rdf-schema#label> ?label . "
        f"FILTER(STRSTARTS(STR(?e), {space})) "
        "OPTIONAL { ?e <http://www.w3.org/2002/07/owl#sameAs> ?item } "
        "OPTIONAL { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?alt } "
        "OPTIONAL { ?e <http://groundedannotationframework.org/gaf#denotedBy> ?m } "
        "} GROUP BY ?e ?label ?class ORDER BY LCASE(STR(?label)) ?e"
    )
    rows = []
    for row in _solutions(store, query):
        node, label, cls, item, alts = (row[k] for k in ("e", "label", "class", "wd", "alts"))
        if not (isinstance(node, NamedNode) and isinstance(label, Literal)):
            continue
        if not isinstance(cls, NamedNode) or cls.value not in ENTITY_TYPES:
            continue
        names = (
            tuple(alts.value.split("\u001f")) if isinstance(alts, Literal) and alts.value else ()
        )
        rows.append(
            EntityRow(
                node.value,
                label.value,
                labeller.label(cls),
                item.value.rsplit("/", 1)[-1] if isinstance(item, NamedNode) else None,
                _int(row["mentions"]),
                cls.value,
                names,
            )
        )
    return rows


def find_entities(
    rows: Sequence[EntityRow],
    *,
    cls: str = "",
    name: str = "",
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> tuple[list[EntityRow], int]:
    """Entities of class ``cls`` (an IRI; any entity class when empty) whose label or other
    names contain ``name`` (case-insensitive), in label order; and how many there are in all."""
    words = name.strip().casefold()
    found = [
        row
        for row in rows
        if (not cls or row.cls_iri == cls)
        and (not words or any(words in n.casefold() for n in (row.label, *row.names)))
    ]
    return found[offset : offset + limit], len(found)


@dataclass(frozen=True)
class Timeline:
    """Events per day by type: ``days`` (date, counts by type), the types, the largest day."""

    days: tuple[tuple[date, dict[str, int]], ...]
    types: tuple[str, ...]
    peak: int
    undated: int
    spanning: int

    @property
    def span(self) -> int:
        """Days from the first to the last day with events, both included (the time axis)."""
        return (self.days[-1][0] - self.days[0][0]).days + 1 if self.days else 0

    def offset(self, day: date) -> int:
        """Days from the first day with events to ``day``."""
        return (day - self.days[0][0]).days

    def ticks(self, most: int = 10) -> list[date]:
        """Days to label on the axis: first days of years, else of months, else the days
        themselves, at most ``most`` of them."""
        if not self.days:
            return []
        first, last = self.days[0][0], self.days[-1][0]
        years = [date(y, 1, 1) for y in range(first.year + 1, last.year + 1)]
        months = [
            date(y, m, 1)
            for y in range(first.year, last.year + 1)
            for m in range(1, 13)
            if first < date(y, m, 1) <= last
        ]
        for candidates in (months, years):
            if 2 <= len(candidates) <= most:
                return candidates
        if len(months) > most and years:
            step = max(1, len(years) // most + (len(years) % most > 0))
            return years[::step]
        days = [d for d, _ in self.days]
        step = max(1, len(days) // most + (len(days) % most > 0))
        return days[::step]


def timeline(rows: list[EventRow]) -> Timeline:
    """Count dated events per day and type; events known only to a range of days, and undated
    ones, are counted apart (a range is not one day)."""
    per_day: dict[date, Counter[str]] = {}
    undated = spanning = 0
    for row in rows:
        if row.earliest is None and row.latest is None:
            undated += 1
            continue
        if row.earliest is None or row.earliest != row.latest:
            spanning += 1
            continue
        kind = "; ".join(t.label for t in row.types) or "Military action"
        per_day.setdefault(row.earliest, Counter())[kind] += 1
    types = tuple(sorted({k for counts in per_day.values() for k in counts}))
    days = tuple((day, dict(per_day[day])) for day in sorted(per_day))
    peak = max((sum(c.values()) for _, c in days), default=0)
    return Timeline(days, types, peak, undated, spanning)
