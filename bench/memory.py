"""Peak memory of the build process against corpus size (issue 19): ``python -m bench.memory``.

The question is whether the build process's memory grows with the number of articles. The
per-article stage costs the same per article whatever the corpus (it runs in worker processes or
on a cluster), so what is measured is the process that collects outcomes, merges, sorts and
writes the dumps and loads the store. To reach 100,000 articles in minutes instead of hours,
spaCy is replaced by a *replay* extractor: 200 synthetic articles (``bench/corpus.py``) are
extracted and linked once with the real model and gazetteer, and article ``i`` of the corpus
has the text of pool article ``i % 200`` and its extraction, with every entity the gazetteer did
not link renamed for each round of 200 (``"Kotin"`` -> ``"Kotin 7"``). So the number of distinct
entities and events grows linearly with the corpus, the worst case for the merge (real news
repeats entities), while Wikidata-linked entities repeat as they do in news. Mapping, SHACL
validation, the cache, merging, the dumps and the store are the real ones.

Each size is built in a fresh child process (``--processes 2``: two forked workers run the
stage); the child reports its own peak resident memory (``ru_maxrss``; workers excluded) and
the memory after loading the toolkit, before the first article.

    .venv/bin/python -m bench.memory --sizes 1000,10000,100000 --workdir /tmp/kg-memory
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.corpus import make_corpus
from kg.model import Article, Extraction

POOL_SIZE = 200


def make_pool(path: Path) -> None:
    """Extract and link :data:`POOL_SIZE` synthetic articles with the real toolkit, once."""
    from kg.build.ingest import text_sha256
    from kg.extract import load_extractor
    from kg.gazetteer.table import load_gazetteer
    from kg.link import link_entities, make_linker
    from kg.settings import Settings

    gazetteer = load_gazetteer()
    extract = load_extractor(gazetteer)
    linker = make_linker(Settings(), gazetteer)
    articles = [
        Article(id=f"pool-{n:03d}", text=item["text"], sha256=text_sha256(item["text"]),
                source="pool", headline=None, published=None, url=None)
        for n, item in enumerate(make_corpus(POOL_SIZE, seed=19))
    ]  # fmt: skip
    pool = [link_entities(e, linker) for e in extract(articles, batch_size=32)]
    path.write_bytes(pickle.dumps(pool))


def write_corpus(folder: Path, size: int, pool_path: Path) -> None:
    """``size`` articles in JSONL files of 1,000: pool texts, unique ids and dates."""
    pool = pickle.loads(pool_path.read_bytes())
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    for part in range(0, size, 1000):
        lines = []
        for number in range(part, min(size, part + 1000)):
            text = pool[number % POOL_SIZE].article.text
            published = start + timedelta(hours=number % 20_000)
            item = {"id": f"mem-{number:06d}", "text": text, "published": published.isoformat()}
            lines.append(json.dumps(item, ensure_ascii=False))
        (folder / f"part-{part // 1000:03d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


class ReplayExtractor:
    """Article ``mem-<i>`` gets pool extraction ``i % 200``, its unlinked entities renamed for
    round ``i // 200`` (see the module docstring)."""

    def __init__(self, pool_path: Path) -> None:
        self.pool = pickle.loads(pool_path.read_bytes())

    def __call__(
        self, articles: Iterable[Article], *, batch_size: int = 32
    ) -> Iterator[Extraction]:
        for article in articles:
            number = int(article.id.rsplit("-", 1)[1])
            extraction = self.pool[number % POOL_SIZE]
            generation = number // POOL_SIZE
            entities = tuple(
                e if e.link is not None or generation == 0
                else dataclasses.replace(e, key=f"{e.key} {generation}",
                                         name=f"{e.name} {generation}")
                for e in extraction.entities
            )  # fmt: skip
            yield dataclasses.replace(extraction, article=article, entities=entities)


def child(size: int, workdir: Path, processes: int) -> None:
    """Build the corpus of ``size`` in this process and print its figures as JSON."""
    from kg.build.pipeline import build
    from kg.build.toolkit import load_toolkit
    from kg.settings import Settings

    settings = Settings(
        out=workdir / f"dist-{size}", cache_dir=workdir / f"cache-{size}", linker="none",
        processes=processes,
    )  # fmt: skip
    toolkit = load_toolkit(settings, extract=ReplayExtractor(workdir / "pool.pickle"))
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = build([workdir / f"corpus-{size}"], settings, toolkit=toolkit)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "size": size,
        "processes": processes,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak / 1024, 1),
        "loaded_mb": round(loaded / 1024, 1),
        "released": report.released,
        "counts": report.counts,
        "nquads_bytes": (settings.out / "kg.nq").stat().st_size,
        "problems": len(report.problems),
    }
    print(json.dumps(figures))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the builds and corpora")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args.child, args.workdir, args.processes)
        return 0
    pool = args.workdir / "pool.pickle"
    if not pool.exists():
        make_pool(pool)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = args.workdir / f"corpus-{size}"
        if not corpus.exists():
            write_corpus(corpus, size, pool)
        command = [sys.executable, "-m", "bench.memory", "--child", str(size),
                   "--workdir", str(args.workdir), "--processes", str(args.processes)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(figures)
        print(json.dumps(figures), flush=True)
        if not args.keep:
            (args.workdir / f"dist-{size}").unlink(missing_ok=True)  # the release symlink
            for name in (f".dist-{size}-builds", f"cache-{size}"):
                shutil.rmtree(args.workdir / name, ignore_errors=True)
    (args.workdir / "memory.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
