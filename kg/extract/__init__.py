"""Extraction: articles in, :class:`~kg.model.Extraction` records out, through one spaCy pipeline.

The model is loaded once, the gazetteer rulers are added to it once, and documents are processed
in batches with ``nlp.pipe``. Everything after the parse is a pure function of the parsed
document: entities and positions (:mod:`kg.extract.entities`), then statements and events
(:mod:`kg.extract.events`), which refer to the entities by index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.extract.entities import find_entities
from kg.extract.events import find_events
from kg.extract.nlp import load_model
from kg.extract.ruler import build_entity_ruler
from kg.link.gazetteer import Gazetteer, load_gazetteer
from kg.model import Article, Extraction


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
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=processes):
        entities, positions = find_entities(doc, gazetteer)
        statements, events = find_events(doc, entities, article.published)
        yield Extraction(
            article=article,
            sentences=tuple((s.start_char, s.end_char) for s in doc.sents),
            entities=entities,
            positions=positions,
            statements=statements,
            events=events,
        )
