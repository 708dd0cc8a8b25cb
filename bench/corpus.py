"""Scale a corpus: N articles made by recombining sentences, with entity names swapped.

Sentences come from the seed articles and the benchmark's own short articles (``bench/texts``).
Names the gazetteer knows (countries, places, plants, organisations) are swapped for other names of
the same class, so a large corpus has many distinct entities instead of the same few repeated:
linking and merging then cost what they would on real news. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kg.build.ingest import read_articles
from kg.gazetteer.table import Gazetteer, load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "seeds", ROOT / "bench" / "texts")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[A-Z“\"])")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")
SWAPPABLE = ("Country", "Place", "NuclearPowerPlant", "InternationalOrganisation")


def source_sentences(sources: Sequence[Path] = SOURCES) -> list[str]:
    """Every sentence of the source articles (a simple splitter is enough for recombining)."""
    articles = read_articles(list(sources)).articles
    sentences: list[str] = []
    for article in articles:
        for paragraph in article.text.split("\n"):
            sentences.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if len(s) > 20)
    return sentences


def names_by_class(gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Single-label names per swappable class, sorted, for reproducible sampling."""
    pool: dict[str, set[str]] = defaultdict(set)
    for entry in gazetteer.entries:
        if entry.cls in SWAPPABLE and _NAME.fullmatch(entry.label):
            pool[entry.cls].add(entry.label)
    return {cls: sorted(names) for cls, names in pool.items()}


def swap_names(
    sentence: str, gazetteer: Gazetteer, pool: dict[str, list[str]], rng: random.Random
) -> str:
    def replace(match: re.Match[str]) -> str:
        entries = gazetteer.lookup(match.group(0))
        classes = [e.cls for e in entries if e.cls in pool]
        if not classes or rng.random() < 0.3:
            return match.group(0)
        return rng.choice(pool[classes[0]])

    return _NAME.sub(replace, sentence)


def make_corpus(
    count: int, *, seed: int = 7, sentences_per_article: tuple[int, int] = (3, 6)
) -> list[dict[str, str]]:
    """``count`` article objects in the JSONL corpus format."""
    rng = random.Random(seed)
    gazetteer = load_gazetteer()
    pool = names_by_class(gazetteer)
    sentences = source_sentences()
    start = datetime(2022, 1, 1, tzinfo=UTC)
    corpus = []
    for index in range(count):
        chosen = rng.sample(sentences, rng.randint(*sentences_per_article))
        text = " ".join(swap_names(s, gazetteer, pool, rng) for s in chosen)
        published = start + timedelta(days=rng.randint(0, 1000), seconds=rng.randint(0, 86399))
        corpus.append(
            {"id": f"bench-{index:05d}", "text": text, "published": published.isoformat()}
        )
    return corpus


def write_corpus(path: Path, count: int, *, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(article, ensure_ascii=False) for article in make_corpus(count, seed=seed))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


#: Articles per file of a corpus folder: ``kg build`` rejects input files over 5 MB.
ARTICLES_PER_FILE = 1000


def write_corpus_folder(directory: Path, count: int, *, seed: int = 7) -> list[Path]:
    """The corpus as ``part-000.jsonl``, ``part-001.jsonl`` ... of at most 1,000 articles each."""
    directory.mkdir(parents=True, exist_ok=True)
    articles = make_corpus(count, seed=seed)
    paths = []
    for number, start in enumerate(range(0, count, ARTICLES_PER_FILE)):
        chunk = articles[start : start + ARTICLES_PER_FILE]
        path = directory / f"part-{number:03d}.jsonl"
        lines = (json.dumps(article, ensure_ascii=False) for article in chunk)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def word_count(texts: Sequence[str]) -> int:
    return sum(len(text.split()) for text in texts)
