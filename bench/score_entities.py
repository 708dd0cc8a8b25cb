"""Score a build's entities and Wikidata links against the entity gold (bench/gold/entities.jsonl).

    .venv/bin/kg build ../shared/devcorpus/articles.jsonl --out /tmp/dev/dist
    .venv/bin/python -m bench.score_entities /tmp/dev/dist [--split test|tune|all] [--errors]

Only the gold windows are scored: a predicted mention counts when it lies in a window. A gold
mention is *found* when a predicted entity mention overlaps it (and *exact* when the spans are
equal); the found mention's entity class is then compared with the gold class (exact, and by
core class). Links are scored by mention and by entity:

- link precision: of the links the build makes on mentions in the windows, how many are right.
  A link is wrong when the gold says another QID, when the gold says no item should exist
  (``null``), or when the mention is not an entity at all; links on mentions whose gold QID is
  ``unknown`` are not scored;
- link recall: of the gold mentions with a verified QID, how many carry that QID;
- by entity: the same over the distinct gold refs (an entity is right when all its linked
  mentions are right);
- entities per real-world entity: for each gold ref, the number of distinct entity IRIs of the
  build among its found mentions (1.0 is one entity per thing).

Every wrong link is listed (article, words, the build's QID, the gold's) so a figure can be
judged; ``--errors`` lists missed mentions and class errors too.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pyoxigraph import NamedNode, QuerySolutions, Store

from kg.model import CORE_CLASS

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "gold" / "entities.jsonl"
NK = "https://w3id.org/newskg/ontology#"
WD = "http://www.wikidata.org/entity/"

QUERY = f"""
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?entity ?class ?qid ?label ?mention ?begin ?end ?article WHERE {{
  GRAPH ?merged {{ ?entity a ?class ; rdfs:label ?label OPTIONAL {{ ?entity owl:sameAs ?qid }} }}
  FILTER(STRSTARTS(STR(?class), "{NK}"))
  GRAPH ?g {{
    ?entity gaf:denotedBy ?mention .
    ?mention nif:beginIndex ?begin ; nif:endIndex ?end ; nif:referenceContext ?article .
  }}
}}
"""


@dataclass(frozen=True, slots=True)
class Gold:
    article: str
    begin: int
    end: int
    text: str
    cls: str
    ref: str
    qid: str | None  # "Q…", None (no item expected) or "unknown"


@dataclass(frozen=True, slots=True)
class Predicted:
    article: str
    begin: int
    end: int
    entity: str
    label: str
    cls: str
    qid: str | None


@dataclass
class Scores:
    gold: int = 0
    found: int = 0
    exact: int = 0
    class_right: int = 0
    core_right: int = 0
    links_made: int = 0
    links_right: int = 0
    links_wrong: list[str] = field(default_factory=list)
    links_unscored: int = 0
    verified: int = 0
    verified_linked: int = 0
    unlinked: list[str] = field(default_factory=list)  # verified mentions left without a link
    entities: Counter[str] = field(default_factory=Counter)  # right, wrong, verified, recalled
    split_counts: list[int] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    class_errors: list[str] = field(default_factory=list)

    def ratio(self, part: int, whole: int) -> str:
        return ratio(part, whole)


def ratio(part: int, whole: int) -> str:
    """A share with its counts, "0.920 (481/523)"; "n/a" of nothing."""
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a"


def gold_rows(path: Path, split: str) -> tuple[list[dict[str, Any]], dict[str, tuple[int, int]]]:
    """The rows of a gold JSON Lines file in ``split`` ("all": every row), and each row's
    article window (begin, end); shared by the entity and event scorers."""
    rows: list[dict[str, Any]] = []
    windows: dict[str, tuple[int, int]] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if split != "all" and row["split"] != split:
            continue
        windows[row["article"]] = (row["window"][0], row["window"][1])
        rows.append(row)
    return rows, windows


def read_gold(path: Path, split: str) -> tuple[list[Gold], dict[str, tuple[int, int]]]:
    mentions: list[Gold] = []
    rows, windows = gold_rows(path, split)
    for row in rows:
        for m in row["mentions"]:
            qid = m.get("qid")
            mentions.append(
                Gold(row["article"], m["begin"], m["end"], m["text"], m["cls"], m["ref"], qid)
            )
    return mentions, windows


def read_build(build: Path, windows: dict[str, tuple[int, int]]) -> list[Predicted]:
    store = Store.read_only(str(build / "store"))
    result = store.query(QUERY)
    assert isinstance(result, QuerySolutions)
    found: set[Predicted] = set()
    for row in result:
        article = unquote(str(row["article"].value).rsplit("/", 1)[-1])
        if article not in windows:
            continue
        begin, end = int(row["begin"].value), int(row["end"].value)
        low, high = windows[article]
        if not (low <= begin and end <= high):
            continue
        qid_term = row["qid"]
        qid = (
            qid_term.value.removeprefix(WD)
            if isinstance(qid_term, NamedNode) and qid_term.value.startswith(WD)
            else None
        )
        found.add(
            Predicted(
                article,
                begin,
                end,
                row["entity"].value,
                row["label"].value,
                row["class"].value.removeprefix(NK),
                qid,
            )
        )
    return sorted(found, key=lambda p: (p.article, p.begin, p.end, p.entity))


def overlapping(gold: Gold, predicted: Iterable[Predicted]) -> list[Predicted]:
    return [p for p in predicted if p.begin < gold.end and gold.begin < p.end]


def _score_link(scores: Scores, g: Gold, best: Predicted, ref_links: dict[str, list[bool]]) -> None:
    """Count the link made (or not) on one found gold mention."""
    if g.qid and g.qid != "unknown" and best.qid == g.qid:
        scores.verified_linked += 1
    if best.qid is None:
        if g.qid and g.qid != "unknown":
            scores.unlinked.append(f"{g.article} {g.text!r} ({best.cls}); gold {g.qid}")
        return
    scores.links_made += 1
    if g.qid == "unknown":
        scores.links_unscored += 1
        return
    right = best.qid == g.qid
    ref_links[g.ref].append(right)
    if right:
        scores.links_right += 1
    else:
        why = "no item expected" if g.qid is None else f"gold {g.qid}"
        scores.links_wrong.append(f"{g.article} {g.text!r} -> {best.qid} ({best.label}); {why}")


def score(gold: list[Gold], predicted: list[Predicted]) -> Scores:
    scores = Scores(gold=len(gold))
    by_article: dict[str, list[Predicted]] = defaultdict(list)
    for p in predicted:
        by_article[p.article].append(p)
    matched: set[Predicted] = set()
    per_ref: dict[str, set[str]] = defaultdict(set)
    ref_links: dict[str, list[bool]] = defaultdict(list)
    ref_qid: dict[str, str | None] = {}
    for g in gold:
        candidates = overlapping(g, by_article[g.article])
        ref_qid.setdefault(g.ref, g.qid)
        if g.qid and g.qid != "unknown":
            scores.verified += 1
        if not candidates:
            scores.missed.append(f"{g.article} {g.begin}-{g.end} {g.text!r} ({g.cls})")
            continue
        best = min(candidates, key=lambda p: abs(p.begin - g.begin) + abs(p.end - g.end))
        matched.update(candidates)
        scores.found += 1
        scores.exact += (best.begin, best.end) == (g.begin, g.end)
        scores.class_right += best.cls == g.cls
        scores.core_right += CORE_CLASS.get(best.cls) == CORE_CLASS[g.cls]
        if best.cls != g.cls:
            scores.class_errors.append(f"{g.article} {g.text!r}: {best.cls}, gold {g.cls}")
        per_ref[g.ref].add(best.entity)
        _score_link(scores, g, best, ref_links)
    for p in predicted:  # links on words that are no entity at all
        if p.qid is not None and p not in matched:
            scores.links_made += 1
            scores.links_wrong.append(
                f"{p.article} {p.begin}-{p.end} -> {p.qid} ({p.label}); not an entity mention"
            )
    for links in ref_links.values():
        scores.entities["right" if all(links) else "wrong"] += 1
    verified_refs = {r for r, q in ref_qid.items() if q and q != "unknown"}
    scores.entities["verified"] = len(verified_refs)
    scores.entities["recalled"] = sum(
        1
        for r in verified_refs
        if any(g.ref == r and g.qid for g in gold) and r in ref_links and all(ref_links[r])
    )
    scores.split_counts = [len(entities) for entities in per_ref.values()]
    scores.splits = [
        f"{ref}: {' | '.join(sorted(e.rsplit('/', 1)[-1] for e in entities))}"
        for ref, entities in sorted(per_ref.items())
        if len(entities) > 1
    ]
    return scores


def report(scores: Scores, *, errors: bool) -> str:
    splits = scores.split_counts
    lines = [
        f"gold mentions: {scores.gold}",
        f"mention recall (overlap): {scores.ratio(scores.found, scores.gold)}",
        f"mention recall (exact span): {scores.ratio(scores.exact, scores.gold)}",
        f"class accuracy (found mentions): {scores.ratio(scores.class_right, scores.found)}",
        f"core class accuracy: {scores.ratio(scores.core_right, scores.found)}",
        f"links made: {scores.links_made} ({scores.links_unscored} on 'unknown' gold, unscored)",
        f"link precision (by mention): "
        f"{scores.ratio(scores.links_right, scores.links_right + len(scores.links_wrong))}",
        f"link recall (verified mentions): {scores.ratio(scores.verified_linked, scores.verified)}",
        f"link precision (by entity): {scores.ratio(scores.entities['right'], scores.entities['right'] + scores.entities['wrong'])}",  # noqa: E501
        f"link recall (by entity): {scores.ratio(scores.entities['recalled'], scores.entities['verified'])}",  # noqa: E501
        f"entities per real-world entity: {sum(splits) / len(splits):.3f} "
        f"({sum(splits)} entities for {len(splits)} things)"
        if splits
        else "entities per real-world entity: n/a",
        "",
        f"wrong links ({len(scores.links_wrong)}):",
        *(f"  {w}" for w in scores.links_wrong),
    ]
    if errors:
        lines += [
            "",
            f"missed mentions ({len(scores.missed)}):",
            *(f"  {m}" for m in scores.missed),
        ]
        lines += [
            "",
            f"verified mentions left unlinked ({len(scores.unlinked)}):",
            *(f"  {u}" for u in scores.unlinked),
            "",
            f"class errors ({len(scores.class_errors)}):",
            *(f"  {c}" for c in scores.class_errors),
            "",
            f"things split into several entities ({len(scores.splits)}):",
            *(f"  {s}" for s in scores.splits),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("build", type=Path, help="a build folder (kg build --out)")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--split", choices=["tune", "test", "all"], default="test")
    parser.add_argument("--errors", action="store_true", help="list misses and class errors")
    args = parser.parse_args(argv)
    gold, windows = read_gold(args.gold, args.split)
    predicted = read_build(args.build.resolve(), windows)
    print(f"split {args.split}: {len(windows)} windows")
    print(report(score(gold, predicted), errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
