"""What the HTML page of a resource shows beyond its links: by kind of resource.

- an event (or report): its sentence, its facts in words, its reports with the article, the
  sentence with the trigger marked, factuality and speaker;
- an article: its text with every sentence, entity mention, event trigger and quotation marked
  and linked (each mark has the id ``char=b,e``, so ``<article>#char=b,e`` lands on it);
- an entity: its events by type and date, and the reports that are no event (denied,
  hypothetical), with their factuality.

Pure reads of a read-only store; no web framework (the server only renders).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import DefaultGraph, NamedNode, Store

from kg.dataset.events import EventReader, EventRow, Party, ReportView
from kg.dataset.labels import Labeller
from kg.dataset.marks import Piece, Span, mark_text
from kg.dataset.resource import Description
from kg.vocab import GAF, NIF, NK, SCHEMA

#: Kinds of span on an article page, by the path of the resource a mention denotes.
MENTION_KINDS = (
    ("id/entity/", "entity"),
    ("id/report/", "trigger"),
    ("id/statement/", "statement"),
    ("id/membership/", "position"),
)


@dataclass(frozen=True)
class RoleGroup:
    """An entity's events of one type, in date order."""

    type: str
    rows: tuple[tuple[str, EventRow], ...]  # (the entity's role in words, the event)


@dataclass(frozen=True)
class ArticleView:
    title: str
    published: str | None
    url: str | None
    pieces: tuple[Piece, ...]
    entities: tuple[Party, ...]
    events: tuple[EventRow, ...]


@dataclass(frozen=True)
class Page:
    """A resource's page: its description and what its kind adds."""

    description: Description
    title: str
    kind: str  # "event", "report", "article", "entity", "other"
    labels: dict[str, str] = field(default_factory=dict)
    event: EventRow | None = None
    reports: tuple[ReportView, ...] = ()
    article: ArticleView | None = None
    roles: tuple[RoleGroup, ...] = ()


def _kind(description: Description, base: str) -> str:
    path = description.iri.value[len(base) :] if description.iri.value.startswith(base) else ""
    types = set(description.types)
    if path.startswith("id/event/"):
        return "event"
    if NK.EventReport in types:
        return "report"
    if SCHEMA.NewsArticle in types and "#" not in path:
        return "article"
    if path.startswith("id/entity/"):
        return "entity"
    return "other"


def resource_page(store: Store, description: Description, base_iri: str) -> Page:
    """The page of ``description`` (from :func:`kg.dataset.resource.describe`)."""
    labeller = Labeller(store, base_iri)
    reader = EventReader(store, labeller)
    node = description.iri
    kind = _kind(description, base_iri)
    page: dict[str, object] = {}
    if kind in ("event", "report"):
        page["event"] = reader.row(node)
        page["reports"] = tuple(reader.reports_of(node))
    elif kind == "article":
        page["article"] = article_view(store, node, labeller, reader)
    elif kind == "entity":
        page["roles"] = tuple(entity_roles(store, node, reader, labeller))
    title = reader.sentence(node) if kind == "report" else labeller.label(node)
    seen = {a.node for a in (*description.outgoing, *description.incoming)}
    seen |= {a.predicate for a in (*description.outgoing, *description.incoming)}
    seen |= set(description.types)
    seen |= {m.article for m in description.mentions if m.article is not None}
    labels = {n.value: labeller.label(n) for n in seen if isinstance(n, NamedNode)}
    return Page(description, title, kind, labels, **page)  # type: ignore[arg-type]


def article_view(
    store: Store, article: NamedNode, labeller: Labeller, reader: EventReader
) -> ArticleView:
    """An article's text with its sentences and mentions marked, and what it mentions."""
    text = labeller.text_of(article) or ""
    spans: list[Span] = []
    entities: dict[str, Party] = {}
    events: dict[str, EventRow] = {}
    members = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, NIF.referenceContext, article, DefaultGraph())
            if isinstance(q.subject, NamedNode) and "#char=" in q.subject.value
        }
    )
    for member in members:
        node = NamedNode(member)
        begin = labeller.first(node, (NIF.beginIndex,))
        end = labeller.first(node, (NIF.endIndex,))
        if begin is None or end is None:
            continue
        anchor = member.rsplit("#", 1)[1]
        sentence = any(
            True for _ in store.quads_for_pattern(node, None, NIF.Sentence, DefaultGraph())
        )
        if sentence:
            spans.append(Span(int(begin), int(end), "sentence", anchor=anchor))
            continue
        kind, href, title = _mention(store, node, labeller, reader, entities, events)
        spans.append(Span(int(begin), int(end), kind, anchor=anchor, href=href, title=title))
    published = labeller.first(article, (SCHEMA.datePublished,))
    return ArticleView(
        title=labeller.label(article),
        published=published,
        url=labeller.first(article, (SCHEMA.url,)),
        pieces=tuple(mark_text(text, spans)),
        entities=tuple(sorted(entities.values(), key=lambda p: p.label.casefold())),
        events=tuple(events.values()),
    )


def _mention(
    store: Store,
    node: NamedNode,
    labeller: Labeller,
    reader: EventReader,
    entities: dict[str, Party],
    events: dict[str, EventRow],
) -> tuple[str, str | None, str | None]:
    """What a mention marks: its kind, the resource it links to and that resource's words."""
    denoting = sorted(
        q.subject.value
        for q in store.quads_for_pattern(None, GAF.denotedBy, node, DefaultGraph())
        if isinstance(q.subject, NamedNode)
    )
    base = labeller.base
    for prefix, kind in MENTION_KINDS:
        for iri in denoting:
            if not iri.startswith(base + prefix):
                continue
            target = NamedNode(iri)
            if kind == "entity":
                entities[iri] = Party(iri, labeller.label(target))
            if kind == "trigger":
                merged = next(
                    (
                        q.object
                        for q in store.quads_for_pattern(target, NK.reportOf, None, DefaultGraph())
                        if isinstance(q.object, NamedNode)
                    ),
                    None,
                )
                target = merged or target
                events.setdefault(target.value, reader.row(target))
            return kind, target.value, labeller.label(target)
    quoted = any(True for _ in store.quads_for_pattern(None, NK.quotation, node, DefaultGraph()))
    return ("quotation" if quoted else "mention"), None, None


def entity_roles(
    store: Store, entity: NamedNode, reader: EventReader, labeller: Labeller
) -> list[RoleGroup]:
    """The events (and lone reports) an entity takes part in, by type, then date."""
    groups: dict[str, list[tuple[str, EventRow]]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for role in (NK.agent, NK.target, NK.location):
        for quad in store.quads_for_pattern(None, role, entity, DefaultGraph()):
            event = quad.subject
            if not isinstance(event, NamedNode) or (event.value, role.value) in seen:
                continue
            seen.add((event.value, role.value))
            is_report = event.value.startswith(labeller.base + "id/report/")
            merged = any(True for _ in store.quads_for_pattern(event, NK.reportOf, None))
            if is_report and merged:
                continue  # shown with its event
            row = reader.row(event)
            kind = "; ".join(t.label for t in row.types) or "Military action"
            groups[kind].append((labeller.label(role), row))
    return [
        RoleGroup(
            kind,
            tuple(sorted(rows, key=lambda r: (r[1].earliest or date.max, r[1].iri))),
        )
        for kind, rows in sorted(groups.items())
    ]
