"""Print every event extracted from the given article files, one row each, for reviewing by eye.

    .venv/bin/python bench/show_events.py /work/shared/seeds bench/texts
    .venv/bin/python bench/show_events.py --tsv article.txt > events.tsv

Columns: article, type, trigger, agent, target, location, date, factuality, speaker, confidence.
Entities come from the entity stage (``kg.extract.entities.find_entities`` with the bundled
gazetteer); when it is not available, spaCy's named entities stand in, and a note says so.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.extract.events import find_events
from kg.extract.nlp import load_model
from kg.ingest import read_articles
from kg.model import Article, Entity, Event, Mention, Statement

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
FALLBACK_CLASSES = {"PERSON": "Person", "ORG": "Organisation", "GPE": "Place", "LOC": "Place",
                    "FAC": "Facility"}  # fmt: skip
UNIT_GAZETTEER = (
    Path(__file__).resolve().parent.parent / "tests" / "data" / "devset" / "unit_gazetteer.json"
)
EntityFinder = Callable[[Any], tuple[Entity, ...]]


def entity_finder(nlp: Any) -> tuple[EntityFinder, str | None]:
    """The entity stage's finder, or a spaCy-NER stand-in and a note saying so."""
    try:
        from kg.extract.entities import find_entities
        from kg.extract.ruler import build_entity_ruler
        from kg.link.gazetteer import load_gazetteer
    except ImportError as error:
        return ner_entities, f"entity stage unavailable ({error}); using spaCy NER entities"
    note = None
    try:
        gazetteer = load_gazetteer()
    except KgError as error:
        if not UNIT_GAZETTEER.exists():
            return ner_entities, f"no gazetteer ({error.what}); using spaCy NER entities"
        gazetteer = unit_gazetteer(UNIT_GAZETTEER)
        note = f"no built gazetteer ({error.what}); using the small test gazetteer"
    build_entity_ruler(nlp, gazetteer)
    return (lambda doc: find_entities(doc, gazetteer)[0]), note


def unit_gazetteer(path: Path) -> Any:
    """The small hand-made gazetteer the entity tests use (real QIDs, a few hundred names)."""
    from kg.link.gazetteer import Gazetteer, GazetteerEntry

    data = json.loads(path.read_text("utf-8"))
    entries = [
        GazetteerEntry(
            e["qid"], e["label"], tuple(e["aliases"]), e["cls"], e["country"], e["source"]
        )
        for e in data["entries"]
    ]
    groups = {(country, kind): qid for country, kind, qid in data["groups"]}
    return Gazetteer(entries, data["demonyms"], groups)


def ner_entities(doc: Any) -> tuple[Entity, ...]:
    """One entity per distinct spaCy entity text with a usable label (a rough stand-in)."""
    by_key: dict[tuple[str, str], list[Mention]] = {}
    for ent in doc.ents:
        cls = FALLBACK_CLASSES.get(ent.label_)
        if cls is not None:
            mention = Mention(ent.start_char, ent.end_char, ent.text)
            by_key.setdefault((ent.text, cls), []).append(mention)
    return tuple(
        Entity(key=text.lower(), name=text, cls=cls, mentions=tuple(mentions))
        for (text, cls), mentions in by_key.items()
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
    nlp = load_model()
    find, note = entity_finder(nlp)
    notes = [str(problem) for problem in ingested.problems] + ([note] if note else [])
    rows: list[tuple[str, ...]] = []
    for article in ingested.articles:
        doc = nlp(article.text)
        entities = find(doc)
        statements, events = find_events(doc, entities, article.published)
        rows.extend(event_row(article, event, entities, statements) for event in events)
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
