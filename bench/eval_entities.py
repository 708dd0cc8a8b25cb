"""Score entity extraction (and, optionally, linking) on the hand-labelled development set.

    .venv/bin/python bench/eval_entities.py [--devset FILE] [--gazetteer DIR] [--link] [--errors]

The dev set (``tests/data/devset/entities.jsonl``) holds short news paragraphs written for it,
each with its entity mentions: ``{id, text, entities: [{begin, end, text, cls, qid|null}]}``.
A predicted mention counts when its character span and class equal a gold one ("strict"); the
"span" and "core" rows relax the class to none or to Person/Organisation/Place. Link accuracy is
measured over gold mentions that have a QID and were found: right, wrong (worse than none) or
abstained. ``--link`` links with the offline linker over the same gazetteer; :func:`predict` takes
any function ``Extraction -> Extraction`` that fills ``Entity.link``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract import Extractor, load_extractor  # noqa: E402
from kg.extract.entities import find_entities  # noqa: E402
from kg.gazetteer.table import Gazetteer, load_gazetteer  # noqa: E402
from kg.model import CORE_CLASS, Article, Extraction  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "devset" / "entities.jsonl"

Linker = Callable[[Extraction], Extraction]
#: (document id, begin, end, class) of one mention; the class may be relaxed for scoring.
Labelled = tuple[str, int, int, str]


@dataclass(frozen=True, slots=True)
class GoldMention:
    doc: str
    begin: int
    end: int
    text: str
    cls: str
    qid: str | None


@dataclass(frozen=True, slots=True)
class PredictedMention:
    doc: str
    begin: int
    end: int
    text: str
    cls: str
    qid: str | None


@dataclass
class Scores:
    """Counts per class, overall strict/span/core, and link outcomes."""

    true_positives: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    links: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def precision(self, row: str) -> float:
        return self.true_positives[row] / self.predicted[row] if self.predicted[row] else 0.0

    def recall(self, row: str) -> float:
        return self.true_positives[row] / self.gold[row] if self.gold[row] else 0.0

    def f1(self, row: str) -> float:
        p, r = self.precision(row), self.recall(row)
        return 2 * p * r / (p + r) if p + r else 0.0

    def link_accuracy(self) -> float:
        total = sum(self.links.values())
        return self.links["right"] / total if total else 0.0


def read_devset(path: Path = DEVSET) -> list[dict[str, Any]]:
    """The dev set's documents, in file order."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def gold_mentions(documents: Iterable[dict[str, Any]]) -> list[GoldMention]:
    return [
        GoldMention(d["id"], e["begin"], e["end"], e["text"], e["cls"], e["qid"])
        for d in documents
        for e in d["entities"]
    ]


def predict(
    documents: Sequence[dict[str, Any]],
    extractor: Extractor,
    linker: Linker | None = None,
) -> list[PredictedMention]:
    """Every mention of every entity found in the documents, with its entity's class and link."""
    found: list[PredictedMention] = []
    texts = [d["text"] for d in documents]
    for document, doc in zip(documents, extractor.nlp.pipe(texts), strict=True):
        entities, positions = find_entities(doc, extractor.gazetteer, extractor.tables.lexicon)
        if linker is not None:
            article = Article(id=document["id"], text=document["text"], sha256="", source="devset")
            extraction = Extraction(article=article, entities=entities, positions=positions)
            entities = linker(extraction).entities
        for entity in entities:
            qid = entity.link.qid if entity.link is not None else None
            for m in entity.mentions:
                found.append(
                    PredictedMention(document["id"], m.begin, m.end, m.anchor, entity.cls, qid)
                )
    return found


def score(
    gold: Sequence[GoldMention], predicted: Sequence[PredictedMention], *, linked: bool
) -> Scores:
    """Precision/recall per class and overall; link outcomes when ``linked``."""
    scores = Scores()
    views: dict[str, Callable[[str], str]] = {
        "strict": lambda cls: cls,
        "core": lambda cls: CORE_CLASS[cls],
        "span": lambda cls: "",
    }
    for row, view in views.items():
        gold_set = {(g.doc, g.begin, g.end, view(g.cls)) for g in gold}
        predicted_set = {(p.doc, p.begin, p.end, view(p.cls)) for p in predicted}
        scores.true_positives[row] = len(gold_set & predicted_set)
        scores.gold[row], scores.predicted[row] = len(gold_set), len(predicted_set)
    _per_class(scores, gold, predicted)
    _errors(scores, gold, predicted)
    if linked:
        _links(scores, gold, predicted)
    return scores


def _per_class(
    scores: Scores, gold: Sequence[GoldMention], predicted: Sequence[PredictedMention]
) -> None:
    gold_set = {(g.doc, g.begin, g.end, g.cls) for g in gold}
    predicted_set = {(p.doc, p.begin, p.end, p.cls) for p in predicted}
    for item in gold_set:
        scores.gold[item[3]] += 1
        scores.true_positives[item[3]] += item in predicted_set
    for item in predicted_set:
        scores.predicted[item[3]] += 1


def _errors(
    scores: Scores, gold: Sequence[GoldMention], predicted: Sequence[PredictedMention]
) -> None:
    gold_by_span = {(g.doc, g.begin, g.end): g for g in gold}
    predicted_by_span = {(p.doc, p.begin, p.end): p for p in predicted}
    for span, g in gold_by_span.items():
        p = predicted_by_span.get(span)
        if p is None:
            scores.errors.append(f"missed   {g.doc}: {g.text!r} {g.cls}")
        elif p.cls != g.cls:
            scores.errors.append(f"class    {g.doc}: {g.text!r} {p.cls} (gold {g.cls})")
    for span, p in predicted_by_span.items():
        if span not in gold_by_span:
            scores.errors.append(f"spurious {p.doc}: {p.text!r} {p.cls}")


def _links(
    scores: Scores, gold: Sequence[GoldMention], predicted: Sequence[PredictedMention]
) -> None:
    predicted_by_span = {(p.doc, p.begin, p.end): p for p in predicted}
    for g in gold:
        p = predicted_by_span.get((g.doc, g.begin, g.end))
        if g.qid is None or p is None:
            continue
        outcome = "abstained" if p.qid is None else "right" if p.qid == g.qid else "wrong"
        scores.links[outcome] += 1
        if outcome != "right":
            scores.errors.append(f"{outcome:8} {g.doc}: {g.text!r} {p.qid} (gold {g.qid})")


def report(scores: Scores, *, show_errors: bool) -> str:
    """The scores as a plain-text table."""
    rows = [
        "strict",
        "core",
        "span",
        *sorted(
            k
            for k in scores.gold.keys() | scores.predicted.keys()
            if k not in ("strict", "core", "span")
        ),
    ]
    lines = [f"{'':26} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"]
    for row in rows:
        lines.append(
            f"{row:26} {scores.precision(row):6.3f} {scores.recall(row):6.3f} {scores.f1(row):6.3f}"
            f" {scores.gold[row]:5d} {scores.predicted[row]:5d}"
        )
    if scores.links:
        total = sum(scores.links.values())
        lines.append(
            f"link accuracy {scores.link_accuracy():.3f} over {total} found gold mentions"
            " with a QID"
            f" (right {scores.links['right']}, wrong {scores.links['wrong']},"
            f" abstained {scores.links['abstained']})"
        )
    if show_errors:
        lines.extend(sorted(scores.errors))
    return "\n".join(lines)


def offline_linker(gazetteer: Gazetteer) -> Linker:
    """The project's offline linker over ``gazetteer``, as an ``Extraction -> Extraction``."""
    from kg.link import link_entities
    from kg.link.offline import OfflineLinker

    linker = OfflineLinker(gazetteer)
    return lambda extraction: link_entities(extraction, linker)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--gazetteer", type=Path, default=None, help="gazetteer folder")
    parser.add_argument("--link", action="store_true", help="also link, with the offline linker")
    parser.add_argument("--errors", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    documents = read_devset(args.devset)
    started = time.perf_counter()
    gazetteer = load_gazetteer(args.gazetteer)
    extractor = load_extractor(gazetteer)
    print(f"model, gazetteer and rulers ready in {time.perf_counter() - started:.2f}s")
    linker = offline_linker(gazetteer) if args.link else None
    predicted = predict(documents, extractor, linker)
    scores = score(gold_mentions(documents), predicted, linked=linker is not None)
    print(f"{len(documents)} documents")
    print(report(scores, show_errors=args.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
