"""What issue 21's guards cost a build, and what they save it.

``extract``: :func:`kg.build.stage.extract_each` on bench corpus articles with the time limit per
article (``KG_ARTICLE_TIMEOUT``, a CPU timer set and cleared around each extraction)
against the same without it, alternately, in CPU time. ``ingest``: :func:`read_articles` on a
JSON Lines corpus (files found and read safely, fields checked, the run-without-whitespace
guard) against the raw engine, ``json.loads`` of every line of the same file. ``tokenizer``: the
spaCy tokenizer on the longest run ingest lets through (``KG_MAX_WORD_CHARS``, 1,000 characters)
and on ten times that, which ingest rejects (its time grows with the square of the length).
Medians of ``--repeat`` runs.

    .venv/bin/python -m bench.limits                    # about two minutes
    .venv/bin/python -m bench.limits --articles 320 --repeat 7
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.corpus import make_corpus
from kg.build.ingest import DEFAULT_MAX_WORD_CHARS, read_articles, text_sha256
from kg.build.stage import extract_each
from kg.extract import Extractor, load_extractor
from kg.gazetteer.table import load_gazetteer
from kg.model import Article
from kg.settings import Settings

BATCH = 32


def cpu_seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def alternate(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of CPU seconds of ``first`` and ``second``, run turn about."""
    ones, twos = [], []
    for _ in range(repeat):
        ones.append(cpu_seconds(first))
        twos.append(cpu_seconds(second))
    return statistics.median(ones), statistics.median(twos)


def measure_extract(extractor: Extractor, articles: list[Article], repeat: int) -> list[str]:
    limit = Settings().article_timeout
    without, with_limit = alternate(
        lambda: list(extract_each(extractor, articles, BATCH, 0)),
        lambda: list(extract_each(extractor, articles, BATCH, limit)),
        repeat,
    )
    per = 1000 / len(articles)
    return [
        f"extract  {len(articles)} articles  without limit {without * per:7.2f} ms/article  "
        f"with {limit:g} s limit {with_limit * per:7.2f} ms/article  "
        f"ratio {with_limit / without:.3f}"
    ]


def measure_ingest(corpus: Path, repeat: int) -> list[str]:
    lines = corpus.read_text(encoding="utf-8").splitlines()
    raw, ours = alternate(
        lambda: [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()],
        lambda: read_articles([corpus]),
        repeat,
    )
    per = 1e6 / len(lines)
    return [
        f"ingest   {len(lines)} articles  json.loads {raw * per:7.1f} us/article  "
        f"read_articles {ours * per:7.1f} us/article  ratio {ours / raw:.2f}"
    ]


def measure_tokenizer(extractor: Extractor, word_chars: int) -> list[str]:
    rows = []
    for length in (word_chars, 10 * word_chars):
        text = ")" * length
        seconds = cpu_seconds(lambda text=text: extractor.nlp.tokenizer(text))  # type: ignore[misc]
        rows.append(f"tokenizer  a run of {length:>6,} ')'  {seconds:8.3f} s")
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=320, help="corpus articles [320]")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measure [5]")
    parser.add_argument(
        "--word-chars",
        type=int,
        default=DEFAULT_MAX_WORD_CHARS,
        help=f"run length the tokenizer is timed on, and ten times it [{DEFAULT_MAX_WORD_CHARS}]",
    )
    args = parser.parse_args(argv)
    corpus_items = make_corpus(args.articles)
    articles = [
        Article(id=o["id"], text=o["text"], sha256=text_sha256(o["text"]), source="bench")
        for o in corpus_items
    ]
    extractor = load_extractor(load_gazetteer())
    list(extract_each(extractor, articles[:BATCH], BATCH, 0))  # warm up
    rows = measure_extract(extractor, articles, args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        big = [dict(o, id=f"{o['id']}-{n}") for n in range(10) for o in corpus_items]
        corpus.write_text("\n".join(json.dumps(o) for o in big) + "\n", encoding="utf-8")
        rows += measure_ingest(corpus, args.repeat)
    rows += measure_tokenizer(extractor, args.word_chars)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
