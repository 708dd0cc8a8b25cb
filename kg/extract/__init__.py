"""Extraction: articles in, :class:`~kg.model.Extraction` records out, through one spaCy pipeline.

The model is loaded once, the gazetteer rulers are added to it once, and documents are processed
in batches with ``nlp.pipe``. Everything after the parse is a pure function of the parsed
document: entities and positions (:mod:`kg.extract.entities`), then statements and events
(:mod:`kg.extract.events`), which refer to the entities by index (a country acting as agent or
speaker is resolved to its government, which may add an entity after the others).

spaCy refuses texts longer than ``nlp.max_length`` (1,000,000 characters), and its memory use
grows with the text, while ingest accepts articles up to 5 MB. So a long article is parsed in
pieces cut at paragraph (else line, else space) boundaries and the pieces are joined again with
``Doc.from_docs``: the joined document has exactly the article's text, so offsets stay exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.entities import find_entities
from kg.extract.events import find_events_and_actors
from kg.extract.nlp import load_model
from kg.extract.ruler import build_entity_ruler
from kg.gazetteer.table import Gazetteer, load_gazetteer
from kg.model import Article, Extraction

#: Longest piece of text handed to spaCy at once (well under its 1,000,000-character limit).
MAX_PIECE = 100_000
_BOUNDARIES = ("\n\n", "\n", " ")


def extract_articles(
    articles: Iterable[Article],
    *,
    batch_size: int = 64,
    processes: int = 1,
    gazetteer: Gazetteer | None = None,
) -> Iterator[Extraction]:
    """Parse the articles and extract what they say, in input order."""
    gazetteer = load_gazetteer() if gazetteer is None else gazetteer
    nlp = load_model()
    build_entity_ruler(nlp, gazetteer)
    for doc, article in _parse(nlp, articles, batch_size=batch_size, processes=processes):
        entities, positions = find_entities(doc, gazetteer)
        entities, statements, events = find_events_and_actors(
            doc, entities, article.published, gazetteer=gazetteer
        )
        yield Extraction(
            article=article,
            sentences=tuple((s.start_char, s.end_char) for s in doc.sents),
            entities=entities,
            positions=positions,
            statements=statements,
            events=events,
        )


def _parse(
    nlp: Language, articles: Iterable[Article], *, batch_size: int, processes: int
) -> Iterator[tuple[Doc, Article]]:
    """``nlp.pipe`` over every piece of every article; the pieces of one article are joined."""
    pieces = (
        (piece, (article, index, count))
        for article in articles
        for index, count, piece in _pieces(article.text)
    )
    parsed: list[Doc] = []
    for doc, (article, index, count) in nlp.pipe(
        pieces, as_tuples=True, batch_size=batch_size, n_process=processes
    ):
        parsed.append(doc)
        if index + 1 == count:
            joined = parsed[0] if count == 1 else Doc.from_docs(parsed, ensure_whitespace=False)
            yield joined, article
            parsed = []


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
