"""Extraction: articles in, :class:`~kg.model.Extraction` records out, through one spaCy pipeline.

An :class:`Extractor` holds what extraction needs, built once by :func:`load_extractor`: a spaCy
model of its own with the gazetteer and facility rulers added, the gazetteer, and the word lists
(:mod:`kg.extract.tables`). Called on articles, it parses them in batches with ``nlp.pipe``;
everything after the parse is a pure function of the parsed document and those values: entities
and positions (:mod:`kg.extract.entities`), then statements and events (:mod:`kg.extract.events`),
which refer to the entities by index (a country acting as agent or speaker is resolved to its
government, which may add an entity after the others).

spaCy refuses texts longer than ``nlp.max_length`` (1,000,000 characters), and its memory use
grows with the text, while ingest accepts articles up to 5 MB. So a long article is parsed in
pieces cut at paragraph (else line, else space) boundaries and the pieces are joined again with
``Doc.from_docs``: the joined document has exactly the article's text, so offsets stay exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.entities import find_entities
from kg.extract.events import find_events_and_actors
from kg.extract.nlp import load_model
from kg.extract.ruler import build_entity_ruler
from kg.extract.tables import Tables, load_tables
from kg.gazetteer.table import Gazetteer
from kg.model import Article, Extraction

#: Longest piece of text handed to spaCy at once (well under its 1,000,000-character limit).
MAX_PIECE = 100_000
_BOUNDARIES = ("\n\n", "\n", " ")


@dataclass(frozen=True)
class Extractor:
    """Articles in, :class:`~kg.model.Extraction` records out, in input order."""

    nlp: Language
    gazetteer: Gazetteer
    tables: Tables
    max_piece: int = MAX_PIECE

    def __call__(self, articles: Iterable[Article], *, batch_size: int) -> Iterator[Extraction]:
        """Parse ``articles`` (``batch_size`` texts per ``nlp.pipe`` batch) and extract them."""
        for doc, article in self._parse(articles, batch_size):
            entities, positions = find_entities(doc, self.gazetteer, self.tables.lexicon)
            entities, statements, events = find_events_and_actors(
                doc,
                entities,
                article.published,
                gazetteer=self.gazetteer,
                tables=self.tables,
                article_id=article.id,
            )
            yield Extraction(
                article=article,
                sentences=tuple((s.start_char, s.end_char) for s in doc.sents),
                entities=entities,
                positions=positions,
                statements=statements,
                events=events,
            )

    def _parse(self, articles: Iterable[Article], batch_size: int) -> Iterator[tuple[Doc, Article]]:
        """``nlp.pipe`` over every piece of every article; the pieces of one article are joined."""
        pieces = (
            (piece, (article, index, count))
            for article in articles
            for index, count, piece in _pieces(article.text, self.max_piece)
        )
        parsed: list[Doc] = []
        for doc, (article, index, count) in self.nlp.pipe(
            pieces, as_tuples=True, batch_size=batch_size
        ):
            parsed.append(doc)
            if index + 1 == count:
                joined = parsed[0] if count == 1 else Doc.from_docs(parsed, ensure_whitespace=False)
                yield joined, article
                parsed = []


def load_extractor(
    gazetteer: Gazetteer, *, tables: Tables | None = None, nlp: Language | None = None
) -> Extractor:
    """An extractor over a new spaCy model (or ``nlp``, which gets the rulers added: pass a
    model no other extractor uses) with ``gazetteer``'s names and the word lists."""
    tables = load_tables() if tables is None else tables
    nlp = load_model() if nlp is None else nlp
    build_entity_ruler(nlp, gazetteer, tables.lexicon)
    return Extractor(nlp, gazetteer, tables)


def _pieces(text: str, limit: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(index, count, piece) for the pieces of ``text``, which concatenate back to ``text``."""
    limit = MAX_PIECE if limit is None else limit
    cuts = [0]
    while len(text) - cuts[-1] > limit:
        start = cuts[-1]
        window = text[start : start + limit]
        cut = next(
            (
                start + found + len(mark)
                for mark in _BOUNDARIES
                if (found := window.rfind(mark)) > 0
            ),
            start + limit,
        )
        cuts.append(cut)
    cuts.append(len(text))
    count = len(cuts) - 1
    for index in range(count):
        yield index, count, text[cuts[index] : cuts[index + 1]]
