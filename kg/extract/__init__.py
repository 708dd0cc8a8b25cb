"""Extraction: articles in, :class:`~kg.model.Extraction` records out, through one spaCy pipeline.

The model is loaded once and documents are processed in batches with ``nlp.pipe``; everything
after the parse is a pure function of the parsed document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.extract.nlp import load_model
from kg.model import Article, Extraction


def extract_articles(
    articles: Iterable[Article], *, batch_size: int = 64, processes: int = 1
) -> Iterator[Extraction]:
    """Parse the articles and extract what they say, in input order."""
    nlp = load_model()
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=processes):
        sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
        yield Extraction(article=article, sentences=sentences)
