"""Print every event extracted from the given article files, one row each, for reviewing by eye.

    .venv/bin/python bench/show_events.py /work/shared/seeds bench/texts
    .venv/bin/python bench/show_events.py --tsv article.txt > events.tsv

Columns: article, type, trigger, agent, target, location, date, factuality, speaker, confidence.
Entities, statements and events come from the extraction stage itself
(``kg.extract.Extractor`` with the bundled gazetteer), so the table is what a build maps.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.build.ingest import read_articles
from kg.extract import load_extractor
from kg.gazetteer.table import load_gazetteer
from kg.model import Article, Entity, Event, Statement

COLUMNS = (
    "article",
    "type",
    "trigger",
    "agent",
    "target",
    "location",
    "date",
    "factuality",
    "speaker",
    "confidence",
)


def event_row(
    article: Article, event: Event, entities: Sequence[Entity], statements: Sequence[Statement]
) -> tuple[str, ...]:
    def names(indices: Sequence[int]) -> str:
        return "; ".join(entities[i].name for i in indices) or "-"

    time = event.time
    if time is None:
        when = "-"
    elif time.earliest == time.latest:
        when = f"{time.earliest} ({time.mention.anchor})"
    else:
        when = f"{time.earliest}..{time.latest} ({time.mention.anchor})"
    speaker = "-"
    if event.statement is not None:
        index = statements[event.statement].speaker
        speaker = entities[index].name if index is not None else "-"
    return (
        article.id,
        event.type,
        event.trigger.anchor,
        names(event.agents),
        names(event.targets),
        names(event.locations),
        when,
        event.factuality,
        speaker,
        f"{event.confidence:.3f}",
    )


def event_rows(paths: Sequence[Path]) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows for every event of every article under ``paths``, and notes (skipped files...)."""
    ingested = read_articles(paths)
    notes = [str(problem) for problem in ingested.problems]
    rows: list[tuple[str, ...]] = []
    extract = load_extractor(load_gazetteer())
    for extraction in extract(ingested.articles, batch_size=32):
        rows.extend(
            event_row(extraction.article, event, extraction.entities, extraction.statements)
            for event in extraction.events
        )
    return rows, notes


def render(rows: Sequence[tuple[str, ...]], *, tsv: bool) -> str:
    """A tab-separated table, or one aligned for the terminal."""
    table = [COLUMNS, *rows]
    if tsv:
        return "\n".join("\t".join(row) for row in table)
    widths = [max(len(row[n]) for row in table) for n in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="+", type=Path, help="article files or folders")
    parser.add_argument("--tsv", action="store_true", help="tab-separated output")
    args = parser.parse_args(argv)
    rows, notes = event_rows(args.paths)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(render(rows, tsv=args.tsv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
