"""Write the gold articles (those of entities.jsonl and events.jsonl) as a corpus to build.

    .venv/bin/python -m bench.gold.articles /tmp/dev/gold-articles.jsonl [--devcorpus DIR]
    .venv/bin/kg build /tmp/dev/gold-articles.jsonl --out /tmp/ev/dist

Each line is the dev corpus's own line for the article (``id``, ``text``, ``published``,
``source_country``; see ``../shared/devcorpus/README.md``), copied as it is, in id order. The
output holds the articles' text: write it outside the project (the corpus's licence).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEVCORPUS = HERE.parent.parent.parent / "shared" / "devcorpus"
GOLDS = (HERE / "entities.jsonl", HERE / "events.jsonl")


def gold_ids(golds: Iterable[Path] = GOLDS) -> set[str]:
    """The ids of the articles the gold files annotate."""
    return {
        json.loads(line)["article"]
        for gold in golds
        for line in gold.read_text("utf-8").splitlines()
        if line.strip()
    }


def select(lines: Iterable[str], ids: set[str]) -> list[str]:
    """The corpus lines of the articles in ``ids``, in id order; every id must be found."""
    chosen = {}
    for line in lines:
        if line.strip() and (article := json.loads(line)["id"]) in ids:
            chosen[article] = line
    missing = ids - chosen.keys()
    if missing:
        raise SystemExit(f"not in the corpus: {', '.join(sorted(missing))}")
    return [chosen[article] for article in sorted(chosen)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="the JSONL file to write")
    parser.add_argument("--devcorpus", type=Path, default=DEVCORPUS, help="holds articles.jsonl")
    args = parser.parse_args(argv)
    corpus = (args.devcorpus / "articles.jsonl").read_text("utf-8").splitlines()
    lines = select(corpus, gold_ids())
    args.out.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    print(f"wrote {len(lines)} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
