"""Read a published build back: every mention against the text of its article."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"


@dataclass(frozen=True)
class PublishedMention:
    iri: str
    article: str
    begin: int
    end: int
    anchor: str
    text: str

    @property
    def faithful(self) -> bool:
        return 0 <= self.begin < self.end <= len(self.text) and (
            self.text[self.begin : self.end] == self.anchor
        )


def _values(quads: list[ox.Quad], predicate: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for quad in quads:
        if quad.predicate.value == NIF + predicate:
            out[str(getattr(quad.subject, "value", quad.subject))] = quad.object
    return out


def published_mentions(out: Path) -> list[PublishedMention]:
    """Every ``nif:anchorOf`` in ``out/kg.nq``, with its offsets and its article's text."""
    quads = list(ox.parse(path=str(out / "kg.nq"), format=ox.RdfFormat.N_QUADS))
    anchors = _values(quads, "anchorOf")
    begins = _values(quads, "beginIndex")
    ends = _values(quads, "endIndex")
    contexts = _values(quads, "referenceContext")
    texts = _values(quads, "isString")
    found = []
    for iri, anchor in anchors.items():
        context = contexts[iri].value
        found.append(
            PublishedMention(
                iri,
                context,
                int(begins[iri].value),
                int(ends[iri].value),
                anchor.value,
                texts[context].value,
            )
        )
    return found


def published_sentences(out: Path) -> list[tuple[int, int, int]]:
    """(begin, end, length of the article text) of every ``nif:Sentence``."""
    quads = list(ox.parse(path=str(out / "kg.nq"), format=ox.RdfFormat.N_QUADS))
    begins = _values(quads, "beginIndex")
    ends = _values(quads, "endIndex")
    contexts = _values(quads, "referenceContext")
    texts = _values(quads, "isString")
    sentences = {
        q.subject.value
        for q in quads
        if q.predicate.value.endswith("#type") and q.object.value == NIF + "Sentence"
    }
    return [
        (int(begins[s].value), int(ends[s].value), len(texts[contexts[s].value].value))
        for s in sorted(sentences)
    ]


def article_texts(out: Path) -> dict[str, str]:
    """The ``nif:isString`` of every article, by article IRI."""
    quads = ox.parse(path=str(out / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    return {q.subject.value: q.object.value for q in quads if q.predicate.value == NIF + "isString"}
