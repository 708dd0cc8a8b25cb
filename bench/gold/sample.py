"""Pick the articles and windows of the development golds at random, before anyone looks at output.

    python bench/gold/sample.py ../shared/devcorpus/articles.jsonl > bench/gold/selection.json

The choice depends only on the corpus file and the fixed seeds below, so anyone can re-draw it
and check that the annotated windows are the ones chance gave. Each article goes to the ``tune``
or the ``test`` half by a hash of its id (decided here, before annotation): rules and weights are
fitted on ``tune`` only, and figures are reported on ``test``.

- entities (issue 16): 64 articles; in each, a window of whole paragraphs starting at a random
  paragraph and running to at least 800 characters (or the article's end).
- events (issue 17): 44 articles, each annotated whole; an article longer than 10,000
  characters is annotated in a random paragraph-aligned window of at least 6,000 characters.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

ENTITY_SEED, ENTITY_ARTICLES, ENTITY_WINDOW = 16, 64, 800
EVENT_SEED, EVENT_ARTICLES, EVENT_LONG, EVENT_WINDOW = 17, 44, 10_000, 6_000


def split_of(article_id: str) -> str:
    """``tune`` or ``test``, by the parity of the first byte of the id's SHA-256."""
    return "tune" if hashlib.sha256(article_id.encode()).digest()[0] % 2 == 0 else "test"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``text`` (a paragraph is a line in this corpus)."""
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def window(text: str, rng: random.Random, minimum: int) -> tuple[int, int]:
    """Whole paragraphs from a random first one until ``minimum`` characters are covered."""
    spans = paragraphs(text)
    first = rng.randrange(len(spans))
    begin = spans[first][0]
    end = spans[first][1]
    for _, paragraph_end in spans[first + 1 :]:
        if end - begin >= minimum:
            break
        end = paragraph_end
    if end - begin < minimum:  # ran out at the end: extend backwards
        for paragraph_begin, _ in reversed(spans[:first]):
            if end - begin >= minimum:
                break
            begin = paragraph_begin
    return begin, end


def main(corpus: Path) -> dict[str, object]:
    articles = [json.loads(line) for line in corpus.read_text("utf-8").splitlines() if line]
    articles.sort(key=lambda a: a["id"])
    rng = random.Random(ENTITY_SEED)
    entities = []
    for article in rng.sample(articles, ENTITY_ARTICLES):
        begin, end = window(article["text"], rng, ENTITY_WINDOW)
        entities.append(
            {"article": article["id"], "split": split_of(article["id"]), "window": [begin, end]}
        )
    rng = random.Random(EVENT_SEED)
    events = []
    for article in rng.sample(articles, EVENT_ARTICLES):
        text = article["text"]
        begin, end = window(text, rng, EVENT_WINDOW) if len(text) > EVENT_LONG else (0, len(text))
        events.append(
            {"article": article["id"], "split": split_of(article["id"]), "window": [begin, end]}
        )
    return {"corpus": corpus.name, "entities": entities, "events": events}


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, indent=1)
    sys.stdout.write("\n")
