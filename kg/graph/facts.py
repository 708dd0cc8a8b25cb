"""Leave out single facts of an article: the grain at which a shape violation is answered.

A statement, an event report or a position that fails its shape is one fact of the article; the
article and its other facts are still good. :func:`without_facts` gives the extraction less the
facts whose IRIs the validator named, so the article is mapped and validated again and published
without them (the build report names what was left out and why). A violation anywhere else (the
article itself, a mention, an entity) cannot be cut out this way: the article is quarantined
whole. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from kg.graph.map import distinct_reports
from kg.iris import Iris
from kg.model import Extraction


def without_facts(extraction: Extraction, iris: Iris, nodes: Collection[str]) -> Extraction | None:
    """The extraction less the statements, event reports and positions whose IRI is one of
    ``nodes`` (a report relayed by a dropped statement keeps its factuality, not the link); None
    when some node is none of these facts."""
    article = extraction.article.id
    statement_iris = [
        iris.statement(article, s.mention.begin, s.mention.end).value for s in extraction.statements
    ]
    report_iris = {
        iris.report(article, e.trigger.begin, e.trigger.end, e.type).value
        for e in distinct_reports(extraction.events)
    }
    position_iris = {
        iris.membership(article, p.mention.begin, p.mention.end, p.title.strip()).value
        for p in extraction.positions
    }
    facts = set(statement_iris) | report_iris | position_iris
    if not nodes or any(node not in facts for node in nodes):
        return None
    kept_statements = [i for i, node in enumerate(statement_iris) if node not in nodes]
    renumbered = {old: new for new, old in enumerate(kept_statements)}
    events = tuple(
        replace(e, statement=renumbered.get(e.statement) if e.statement is not None else None)
        for e in extraction.events
        if iris.report(article, e.trigger.begin, e.trigger.end, e.type).value not in nodes
    )
    positions = tuple(
        p
        for p in extraction.positions
        if iris.membership(article, p.mention.begin, p.mention.end, p.title.strip()).value
        not in nodes
    )
    return replace(
        extraction,
        statements=tuple(extraction.statements[i] for i in kept_statements),
        events=events,
        positions=positions,
    )
