"""Words for every resource a page shows: labels from the data, the ontology, or the resource's
own description, never a bare IRI where a name can be given.

- entities, roles, software: their ``rdfs:label`` / ``skos:prefLabel`` / ``schema:name``;
- classes and properties: their ``rdfs:label`` in the ontology graph (``nk:agent`` -> "agent"),
  else their local name in words (``gaf:denotedBy`` -> "denoted by");
- articles: the headline, else "Article <identifier>" (newskg never invents a headline);
- mentions and sentences (``#char=b,e``): the words they span, quoted;
- events: the sentence :mod:`kg.dataset.events` makes from their type, roles and date;
- event reports: "<type> report" and where it was read.

Every lookup reads the store's default graph (the merge of the named graphs) and is cached for
the life of one :class:`Labeller` (one request).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pyoxigraph import DefaultGraph, Literal, NamedNode, Store

from kg.vocab import GAF, NIF, NK, RDFS, SCHEMA, SKOS

#: Predicates whose object names the subject, best first.
NAMES = (RDFS.label, SKOS.prefLabel, SCHEMA.name, SCHEMA.headline)
_FRAGMENT = re.compile(r"#char=(\d+),(\d+)$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
MAX_QUOTE = 80


def local_words(iri: str) -> str:
    """The local name of an IRI in words: ``...#denotedBy`` -> "denoted by"."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    return _CAMEL.sub(" ", local).replace("_", " ").lower()


def quote(text: str, limit: int = MAX_QUOTE) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


class Labeller:
    """Labels of the resources of one store, under one base IRI."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base = base_iri
        self._labels: dict[str, str | None] = {}
        self._texts: dict[str, str | None] = {}
        #: How an event's sentence is made (set by kg.dataset.events, which needs labels too).
        self.event_sentence: Callable[[NamedNode], str | None] | None = None

    def literals(self, node: NamedNode, predicate: NamedNode) -> list[Literal]:
        return [
            q.object
            for q in self.store.quads_for_pattern(node, predicate, None, DefaultGraph())
            if isinstance(q.object, Literal)
        ]

    def first(self, node: NamedNode, predicates: Iterable[NamedNode]) -> str | None:
        """The first literal value of the first predicate that has one (English preferred)."""
        for predicate in predicates:
            values = self.literals(node, predicate)
            if values:
                english = [v for v in values if v.language in ("en", None)]
                return min(english or values, key=lambda v: v.value).value
        return None

    def name(self, node: NamedNode) -> str | None:
        """Only a name the data gives (no fallback)."""
        return self.first(node, NAMES)

    def text_of(self, article: NamedNode) -> str | None:
        if article.value not in self._texts:
            self._texts[article.value] = self.first(article, (NIF.isString,))
        return self._texts[article.value]

    def label(self, node: NamedNode) -> str:
        """Words for ``node``, whatever it is (its IRI only when nothing else is known)."""
        if node.value not in self._labels:
            self._labels[node.value] = self._label(node)
        return self._labels[node.value] or node.value

    def _label(self, node: NamedNode) -> str | None:
        iri = node.value
        if iri.startswith(self.base):
            path = iri[len(self.base) :]
            if "#char=" in path:
                return self._span(node)
            if path.startswith("id/event/") and self.event_sentence is not None:
                return self.event_sentence(node)
            if path.startswith("id/report/"):
                return self._report(node)
            if path.startswith("id/article/"):
                return self.name(node) or f"Article {self.first(node, (SCHEMA.identifier,))}"
        named = self.name(node)
        if named is not None:
            return named
        if not iri.startswith(self.base):
            return local_words(iri)
        return None

    def _span(self, node: NamedNode) -> str | None:
        anchor = self.first(node, (NIF.anchorOf,))
        if anchor is not None:
            return quote(anchor)
        match = _FRAGMENT.search(node.value)
        text = self.text_of(NamedNode(node.value.split("#", 1)[0]))
        if match and text is not None:
            return quote(text[int(match.group(1)) : int(match.group(2))])
        return None

    def _report(self, node: NamedNode) -> str:
        kinds = [
            q.object
            for q in self.store.quads_for_pattern(node, NK.eventType, None, DefaultGraph())
            if isinstance(q.object, NamedNode)
        ]
        kind = self.label(kinds[0]) if kinds else "Event"
        trigger = self.store.quads_for_pattern(node, GAF.denotedBy, None, DefaultGraph())
        words = next((self._span(q.object) for q in trigger if isinstance(q.object, NamedNode)), "")
        return f"{kind} report {words}".strip()
