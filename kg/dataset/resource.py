"""The Linked Data description of one IRI: what a page (or its Turtle) says about it.

Pure functions over a read-only store, each bounded: at most ``limit`` outgoing and ``limit``
incoming links (with a flag when there were more), the mentions of the resource with the sentence
each one stands in, and, for an article, the triples of its ``#char=b,e`` mentions and sentences
(its document describes them). Mentions and sentences are RFC 5147 fragments of the article
(``#char=b,e``, code-point offsets), so a sentence's text is the slice of the article's
``nif:isString`` between its ``nif:beginIndex`` and ``nif:endIndex``. What a page adds by kind
of resource is :mod:`kg.dataset.page`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store, Triple

from kg.vocab import GAF, NIF, OWL, RDF, RDFS, SCHEMA, SKOS, WD

Term = NamedNode | BlankNode | Literal | Triple

#: Predicates whose object names the subject, best first.
LABELS = (RDFS.label, SKOS.prefLabel, SCHEMA.name, SCHEMA.headline, NIF.anchorOf)
CONTEXT_CHARS = 160
_FRAGMENT = re.compile(r"#char=(\d+),(\d+)$")


@dataclass(frozen=True)
class Arc:
    """A link seen from the described resource: to ``node`` (outgoing) or from it (incoming)."""

    predicate: NamedNode
    node: Term


@dataclass(frozen=True)
class Mention:
    """Where a text names the resource: the anchor inside its sentence, and the article."""

    iri: str
    anchor: str
    before: str
    after: str
    article: NamedNode | None
    article_title: str | None


@dataclass(frozen=True)
class Description:
    iri: NamedNode
    label: str | None
    types: tuple[NamedNode, ...]
    wikidata: tuple[NamedNode, ...]
    outgoing: tuple[Arc, ...]
    incoming: tuple[Arc, ...]
    outgoing_truncated: bool
    incoming_truncated: bool
    mentions: tuple[Mention, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    #: What the document also describes: the ``#char=b,e`` mentions and sentences of an
    #: article (a client fetching ``<article>#char=b,e`` gets the article's document).
    members: tuple[Triple, ...] = ()
    members_truncated: bool = False

    def triples(self) -> list[Triple]:
        """The description as RDF: the outgoing, then the incoming links, then the triples of
        the hash IRIs the document holds."""
        out = [Triple(self.iri, a.predicate, a.node) for a in self.outgoing]
        out += [Triple(a.node, a.predicate, self.iri) for a in self.incoming]  # type: ignore[arg-type]
        return out + list(self.members)

    @property
    def truncated(self) -> bool:
        return self.outgoing_truncated or self.incoming_truncated or self.members_truncated


def hash_members(store: Store, iri: str, *, limit: int = 50_000) -> tuple[list[Triple], bool]:
    """The triples of the ``<iri>#...`` resources that refer to ``iri`` as their
    ``nif:referenceContext`` (an article's mentions and sentences), up to ``limit``."""
    node = NamedNode(iri)
    prefix = iri + "#"
    triples: list[Triple] = []
    members = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, NIF.referenceContext, node, DefaultGraph())
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(prefix)
        }
    )
    for member in members:
        for quad in store.quads_for_pattern(NamedNode(member), None, None, DefaultGraph()):
            if len(triples) >= limit:
                return triples, True
            triples.append(quad.triple)
    return triples, False


def _distinct(quads: Iterator[Quad], limit: int, *, outgoing: bool) -> tuple[list[Arc], bool]:
    """Up to ``limit`` distinct links (the same triple may sit in several graphs)."""
    seen: set[tuple[str, str]] = set()
    arcs: list[Arc] = []
    for quad in quads:
        node = quad.object if outgoing else quad.subject
        key = (quad.predicate.value, str(node))
        if key in seen:
            continue
        if len(arcs) >= limit:
            return arcs, True
        seen.add(key)
        arcs.append(Arc(quad.predicate, node))
    return arcs, False


def _objects(store: Store, subject: NamedNode, predicate: NamedNode) -> Iterator[Term]:
    for quad in store.quads_for_pattern(subject, predicate, None):
        yield quad.object


def _first_literal(store: Store, subject: NamedNode, predicates: Iterable[NamedNode]) -> str | None:
    for predicate in predicates:
        values = [o for o in _objects(store, subject, predicate) if isinstance(o, Literal)]
        if values:
            english = [v for v in values if v.language in ("en", None)]
            return min(english or values, key=lambda v: v.value).value
    return None


def label_of(store: Store, node: NamedNode) -> str | None:
    """The best human label of ``node`` (rdfs:label, skos:prefLabel, name, headline, anchor)."""
    return _first_literal(store, node, LABELS)


def _int(store: Store, node: NamedNode, predicate: NamedNode) -> int | None:
    for value in _objects(store, node, predicate):
        if isinstance(value, Literal):
            try:
                return int(value.value)
            except ValueError:
                return None
    return None


def _span(store: Store, node: NamedNode) -> tuple[int, int] | None:
    """Begin and end of a NIF string: its index triples, else its ``#char=b,e`` fragment."""
    begin, end = _int(store, node, NIF.beginIndex), _int(store, node, NIF.endIndex)
    if begin is not None and end is not None:
        return begin, end
    match = _FRAGMENT.search(node.value)
    return (int(match.group(1)), int(match.group(2))) if match else None


class _Articles:
    """Article texts and titles, read once per description."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.texts: dict[str, str | None] = {}

    def text(self, article: NamedNode) -> str | None:
        if article.value not in self.texts:
            self.texts[article.value] = _first_literal(self.store, article, (NIF.isString,))
        return self.texts[article.value]


def _mention(store: Store, node: NamedNode, articles: _Articles) -> Mention | None:
    context = next((o for o in _objects(store, node, NIF.referenceContext)), None)
    article = context if isinstance(context, NamedNode) else None
    span = _span(store, node)
    text = articles.text(article) if article is not None else None
    anchor = _first_literal(store, node, (NIF.anchorOf,))
    if span is None or text is None:
        if anchor is None:
            return None
        return Mention(node.value, anchor, "", "", article, None)
    begin, end = span
    sentence = next((o for o in _objects(store, node, NIF.sentence)), None)
    window = _span(store, sentence) if isinstance(sentence, NamedNode) else None
    if window is None or not window[0] <= begin <= end <= window[1]:
        window = (max(0, begin - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS))
    title = _first_literal(store, article, (SCHEMA.headline,)) if article else None
    return Mention(
        node.value,
        text[begin:end] if anchor is None else anchor,
        text[window[0] : begin],
        text[end : window[1]],
        article,
        title,
    )


def _around(
    store: Store, node: NamedNode, graphs: tuple[DefaultGraph | NamedNode, ...], *, outgoing: bool
) -> Iterator[Quad]:
    for graph in graphs:
        if outgoing:
            yield from store.quads_for_pattern(node, None, None, graph)
        else:
            yield from store.quads_for_pattern(None, None, node, graph)


def describe(
    store: Store,
    iri: str,
    *,
    base_iri: str | None = None,
    limit: int = 500,
    mention_limit: int = 100,
) -> Description | None:
    """Everything a page shows about ``iri``, or None when the store does not mention it.

    The store's default graph is the merge of its named graphs; the VoID graph
    (``<base>graph/void``), which the default graph leaves out, describes the dataset's own IRIs.
    A store with an empty default graph (an older build) is read across all its graphs.
    """
    node = NamedNode(iri)
    graphs: tuple[DefaultGraph | NamedNode, ...] = (DefaultGraph(),)
    if base_iri is not None:
        graphs += (NamedNode(base_iri + "graph/void"),)
    if not any(True for _ in store.quads_for_pattern(None, None, None, DefaultGraph())):
        graphs = ()
    if graphs:
        out_quads = _around(store, node, graphs, outgoing=True)
        in_quads = _around(store, node, graphs, outgoing=False)
    else:
        out_quads = store.quads_for_pattern(node, None, None)
        in_quads = store.quads_for_pattern(None, None, node)
    outgoing, more_out = _distinct(out_quads, limit, outgoing=True)
    incoming, more_in = _distinct(in_quads, limit, outgoing=False)
    if not outgoing and not incoming:
        return None
    outgoing.sort(key=lambda a: (a.predicate.value, str(a.node)))
    incoming.sort(key=lambda a: (a.predicate.value, str(a.node)))
    types = tuple(
        a.node for a in outgoing if a.predicate == RDF.type and isinstance(a.node, NamedNode)
    )
    wikidata = tuple(
        a.node
        for a in outgoing
        if a.predicate == OWL.sameAs
        and isinstance(a.node, NamedNode)
        and a.node.value.startswith(WD.base)
    )
    articles = _Articles(store)
    mentions: list[Mention] = []
    for arc in outgoing:
        if arc.predicate == GAF.denotedBy and isinstance(arc.node, NamedNode):
            if len(mentions) >= mention_limit:
                break
            found = _mention(store, arc.node, articles)
            if found is not None:
                mentions.append(found)
    linked = {a.node for a in (*outgoing, *incoming) if isinstance(a.node, NamedNode)}
    labels = {n.value: text for n in linked if (text := label_of(store, n)) is not None}
    members, more_members = hash_members(store, iri) if "#" not in iri else ([], False)
    return Description(
        iri=node,
        label=label_of(store, node),
        types=types,
        wikidata=wikidata,
        outgoing=tuple(outgoing),
        incoming=tuple(incoming),
        outgoing_truncated=more_out,
        incoming_truncated=more_in,
        mentions=tuple(mentions),
        labels=labels,
        members=tuple(members),
        members_truncated=more_members,
    )


def entity_for_qid(store: Store, qid: str, base_iri: str) -> NamedNode | None:
    """Our resource linked (owl:sameAs) to Wikidata item ``qid`` (the first by IRI), if any."""
    found = sorted(
        q.subject.value
        for q in store.quads_for_pattern(None, OWL.sameAs, WD[qid])
        if isinstance(q.subject, NamedNode) and q.subject.value.startswith(base_iri)
    )
    return NamedNode(found[0]) if found else None


def exists(store: Store, iri: str) -> bool:
    """Whether the store says anything about ``iri`` (as subject or object)."""
    node = NamedNode(iri)
    return any(True for _ in store.quads_for_pattern(node, None, None)) or any(
        True for _ in store.quads_for_pattern(None, None, node)
    )


def graph_contents(store: Store, iri: str, *, limit: int = 500) -> tuple[list[Triple], bool] | None:
    """The triples of the named graph ``iri`` (up to ``limit``, and whether there were more);
    None when the store has no such graph."""
    graph = NamedNode(iri)
    if not store.contains_named_graph(graph):
        return None
    triples: list[Triple] = []
    for quad in store.quads_for_pattern(None, None, None, graph):
        if len(triples) >= limit:
            return triples, True
        triples.append(quad.triple)
    return triples, False
