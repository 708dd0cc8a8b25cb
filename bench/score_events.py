"""Score a build's military events against the event gold (bench/gold/events.jsonl).

    .venv/bin/python -m bench.gold.articles /tmp/dev/gold-articles.jsonl
    .venv/bin/kg build /tmp/dev/gold-articles.jsonl --out /tmp/ev/dist
    .venv/bin/python -m bench.score_events /tmp/ev/dist [--split tune|test|all] [--errors]

Only the gold windows are scored: a predicted event report (``nk:EventReport``) counts when its
trigger lies in the window of an article of the split. A report *matches* a gold action when its
trigger overlaps one of the action's triggers (several reports may match one action: its reports
in several paragraphs); a report that overlaps no gold trigger is a false positive.

- precision: matched reports of the gold action's type / reports (and ignoring the type);
- recall: gold actions with a matching report of their type / gold actions (and ignoring the
  type), over all actions and without the ``generic`` ones (the system may leave those out);
- roles, over the matched (report, action) pairs whose gold role is stated: agent (a mention
  overlapping the gold span, the same QID, or a compatible national group: a country, its armed
  forces and its government count as one agent), target or location (overlap or QID), date (the
  predicted bounds lie within the gold's; and exactly equal), factuality, and the source of
  ``reported``/``denied`` actions (overlap or QID);
- merges, over pairs of matched reports: two reports denote one occurrence when they match the
  same action of one article, or actions of two articles with the same (reconciled) key. A
  *wrong merge* puts two other occurrences in one predicted event (``nk:reportOf``); a *missed
  merge* leaves one occurrence in two events.

``--errors`` lists false positives, missed actions, type errors, every wrong role, factuality and
merge, and the occurrences split into several events; the trigger words come from ``--articles``
(the gold articles, see ``bench/gold/articles.py``), offsets only if that file is missing.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pyoxigraph import QuerySolutions, Store

from bench.score_entities import NK, ROOT, WD, gold_rows, ratio

GOLD = ROOT / "bench" / "gold" / "events.jsonl"
GROUPS = ROOT / "kg" / "data" / "gazetteer" / "groups-cc0.tsv"
ARTICLES = Path("/tmp/dev/gold-articles.jsonl")
QID = re.compile(r"Q[1-9][0-9]*")
CHAR = re.compile(r"#char=([0-9]+),([0-9]+)$")
#: The build's IRI of a national group the gazetteer has no entry for (kg.names.GROUP_NAMES).
NATIONAL_GROUP_IRI = re.compile(r"/(?:armed-forces|government)-of-(q[1-9][0-9]*)-[0-9a-f]+$")

#: Cross-article keys the annotators wrote differently for one occurrence -> the key kept.
#: (README "Event gold": ``<Type>:<target or place slug>:<date or period>``, "reconciled across
#: annotators afterwards".) Only keys that clearly denote the same occurrence are unified.
KEY_ALIASES = {
    # The Russian build-up of ~100,000 troops on Ukraine's border (20220208 US, events-1): the
    # same build-up events-3 and events-4 key by its period (under way since November 2021,
    # ongoing in February 2022); "2022-02" is only the article's month.
    "Deployment:ukraine-border:2022-02": "Deployment:ukraine-border:2021-2022",
    # events-3's two hypothetical actions in pre-invasion articles (11 and 14 Feb 2022, notes
    # "feared/possible Russian invasion before it happened") are the feared invasion that
    # events-4 keys "feared-2022". Not the invasion of 24 February: the gold keeps the feared
    # invasion and the invasion apart within one article (20220501 US: a8 and a1).
    "Invasion:ukraine:2022": "Invasion:ukraine:feared-2022",
}
#: Keys of single actions, where the key string itself is shared with another occurrence.
ACTION_KEYS = {
    # A hypothetical, pre-invasion "invasion" (published 8 Feb 2022) keyed as the invasion of 24
    # February; its note says "coordinator may prefer a separate key": the feared invasion, as
    # above.
    ("20220208T181500Z_US_en_2c52b7d76a", "a1"): "Invasion:ukraine:feared-2022",
}
#: Gold refs without a verified QID that name a state's armed forces, branch or government ->
#: the state, for agent compatibility (QID'd groups come from the gazetteer's groups file).
NATIONAL_REFS = {
    "name:United States Armed Forces": "Q30",
    "name:British Armed Forces": "Q145",
    "name:Royal Air Force": "Q145",
    "name:Canadian Armed Forces": "Q16",
    "name:Royal Australian Air Force": "Q408",
    "name:Russian Airborne Forces": "Q159",
    "name:Moscow Kremlin": "Q159",  # "the Kremlin" as an actor: Russia's presidency
    "name:Soviet Armed Forces": "Q15180",
}

Interval = tuple[str | None, str | None]  # earliest, latest ISO dates; None: open


@dataclass(frozen=True, slots=True)
class Span:
    """A gold span: a trigger, or a role filler with its verified QID (else None)."""

    begin: int
    end: int
    text: str
    ref: str | None = None
    qid: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    article: str
    id: str
    type: str
    factuality: str
    triggers: tuple[Span, ...]
    agent: tuple[Span, ...] = ()
    target: tuple[Span, ...] = ()
    location: tuple[Span, ...] = ()
    source: tuple[Span, ...] = ()
    date: Interval | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A predicted entity with its mentions in the report's article."""

    iri: str
    label: str
    qid: str | None = None
    mentions: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    iri: str
    article: str
    begin: int
    end: int
    type: str
    factuality: str
    event: str | None = None  # nk:reportOf; None: the report is its own event
    agents: tuple[Entity, ...] = ()
    targets: tuple[Entity, ...] = ()
    locations: tuple[Entity, ...] = ()
    sources: tuple[Entity, ...] = ()
    date: Interval | None = None


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, right: bool, error: str) -> None:
        self.total += 1
        self.right += right
        if not right:
            self.errors.append(error)


ROLE_NAMES = (
    "agent",
    "target or location",
    "date (within gold bounds)",
    "date (exact)",
    "factuality",
    "source (reported/denied)",
)


@dataclass
class Scores:
    reports: int = 0
    matched: int = 0
    typed: int = 0
    actions: Tally = field(default_factory=Tally)  # found, any type
    actions_typed: Tally = field(default_factory=Tally)
    specific: Tally = field(default_factory=Tally)  # not generic, any type
    specific_typed: Tally = field(default_factory=Tally)
    roles: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in ROLE_NAMES})
    merged_pairs: int = 0
    same_pairs: int = 0
    missed_merges: int = 0
    wrong_merges: list[str] = field(default_factory=list)
    split_occurrences: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    type_errors: list[str] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------------
def reconcile(article: str, action: str, key: str | None) -> str | None:
    """The action's cross-article key after :data:`ACTION_KEYS` and :data:`KEY_ALIASES`."""
    if (article, action) in ACTION_KEYS:
        return ACTION_KEYS[article, action]
    return KEY_ALIASES.get(key, key) if key else None


def _spans(rows: Iterable[dict[str, Any]]) -> tuple[Span, ...]:
    spans = []
    for s in rows:
        qid = s.get("qid")
        verified = qid if isinstance(qid, str) and QID.fullmatch(qid) else None
        spans.append(Span(s["begin"], s["end"], s["text"], s.get("ref"), verified))
    return tuple(spans)


def _action(article: str, a: dict[str, Any]) -> Action:
    date = a.get("date")
    return Action(
        article,
        a["id"],
        a["type"],
        a["factuality"],
        _spans(a["triggers"]),
        _spans(a.get("agent") or []),
        _spans(a.get("target") or []),
        _spans(a.get("location") or []),
        _spans(a.get("source") or []),
        (date.get("earliest"), date.get("latest")) if date else None,
        reconcile(article, a["id"], a.get("key")),
    )


def read_gold(path: Path, split: str) -> tuple[list[Action], dict[str, tuple[int, int]]]:
    rows, windows = gold_rows(path, split)
    actions = [_action(row["article"], a) for row in rows for a in row["actions"]]
    return actions, windows


def read_groups(path: Path = GROUPS) -> dict[str, str]:
    """Group QID (a state's armed forces or government) -> the state's QID."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row["qid"]: row["country"] for row in csv.DictReader(f, delimiter="\t")}


def read_texts(path: Path) -> dict[str, str]:
    """Article id -> text, from a JSONL of articles; empty if the file is missing."""
    if not path.is_file():
        return {}
    rows = (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    return {row["id"]: row["text"] for row in rows}


PREFIXES = f"""
PREFIX gaf: <http://groundedannotationframework.org/gaf#>
PREFIX nk: <{NK}>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
"""
REPORTS = (
    PREFIXES
    + """
SELECT ?report ?type ?factuality ?trigger ?article ?event ?stamp ?earliest ?latest WHERE {
  ?report a nk:EventReport ; nk:eventType ?type ; nk:factuality ?factuality ;
          gaf:denotedBy ?trigger ; prov:wasDerivedFrom ?article .
  OPTIONAL { ?report nk:reportOf ?event }
  OPTIONAL { ?report sem:hasTimeStamp ?stamp }
  OPTIONAL { ?report sem:hasEarliestBeginTimeStamp ?earliest }
  OPTIONAL { ?report sem:hasLatestEndTimeStamp ?latest }
}
"""
)
ROLES = (
    PREFIXES
    + """
SELECT ?report ?role ?entity ?label ?same ?mention WHERE {
  VALUES ?role { nk:agent nk:target nk:location prov:wasAttributedTo }
  ?report a nk:EventReport ; ?role ?entity .
  OPTIONAL { ?entity rdfs:label ?label }
  OPTIONAL { ?entity owl:sameAs ?same }
  OPTIONAL { ?entity gaf:denotedBy ?mention }
}
"""
)
ROLE_FIELDS = {
    NK + "agent": "agents",
    NK + "target": "targets",
    NK + "location": "locations",
    "http://www.w3.org/ns/prov#wasAttributedTo": "sources",
}


def _value(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _offsets(mention: str) -> tuple[int, int]:
    found = CHAR.search(mention)
    if found is None:
        raise ValueError(f"not an offset-based mention IRI: {mention}")
    return int(found[1]), int(found[2])


def article_id(iri: str) -> str:
    """The gold article id of an article IRI (as bench.score_entities reads it)."""
    return unquote(iri.split("#", 1)[0].rsplit("/", 1)[-1])


def _query(store: Store, query: str) -> Iterator[Any]:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    yield from result


def _entities(store: Store) -> dict[tuple[str, str], dict[str, Entity]]:
    """(report, role field) -> entity IRI -> the entity, mentions in the report's article."""
    found: dict[tuple[str, str], dict[str, Entity]] = defaultdict(dict)
    articles = {_value(r["report"]): _value(r["article"]) for r in _query(store, REPORTS)}
    for row in _query(store, ROLES):
        report, iri = str(row["report"].value), str(row["entity"].value)
        slot = found[report, ROLE_FIELDS[row["role"].value]]
        old = slot.get(iri) or Entity(iri, _value(row["label"]) or iri.rsplit("/", 1)[-1])
        same, mention = _value(row["same"]), _value(row["mention"])
        qid = same.removeprefix(WD) if same and same.startswith(WD) else old.qid
        mentions = old.mentions
        if mention and mention.split("#", 1)[0] == articles.get(report):
            mentions = tuple(sorted({*mentions, _offsets(mention)}))
        slot[iri] = Entity(iri, old.label, qid, mentions)
    return found


def _interval(row: Any) -> Interval | None:
    stamp = _value(row["stamp"])
    if stamp:
        return stamp, stamp
    earliest, latest = _value(row["earliest"]), _value(row["latest"])
    return (earliest, latest) if earliest or latest else None


def read_build(build: Path, windows: dict[str, tuple[int, int]]) -> list[Report]:
    """The build's event reports whose trigger lies in a window, with their roles."""
    store = Store.read_only(str(build / "store"))
    roles = _entities(store)
    reports: dict[str, Report] = {}
    for row in _query(store, REPORTS):
        iri = str(row["report"].value)
        begin, end = _offsets(str(row["trigger"].value))

        def role(name: str, iri: str = iri) -> tuple[Entity, ...]:
            return tuple(sorted(roles[iri, name].values(), key=lambda e: e.iri))

        reports[iri] = Report(
            iri,
            article_id(str(row["article"].value)),
            begin,
            end,
            str(row["type"].value).removeprefix(NK),
            str(row["factuality"].value).removeprefix(NK),
            _value(row["event"]),
            role("agents"),
            role("targets"),
            role("locations"),
            role("sources"),
            _interval(row),
        )
    return in_windows(reports.values(), windows)


def in_windows(reports: Iterable[Report], windows: dict[str, tuple[int, int]]) -> list[Report]:
    def inside(r: Report) -> bool:
        low, high = windows.get(r.article, (0, -1))
        return low <= r.begin < r.end <= high

    kept = [r for r in reports if inside(r)]
    return sorted(kept, key=lambda r: (r.article, r.begin, r.end, r.type))


# -- judging -------------------------------------------------------------------------------------
def overlap(a_begin: int, a_end: int, b_begin: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_begin, b_begin))


def match(report: Report, actions: Iterable[Action]) -> Action | None:
    """The gold action whose trigger the report's overlaps (its type first, then the most)."""
    best: tuple[bool, int] | None = None
    chosen = None
    for action in actions:
        if action.article != report.article:
            continue
        size = max(overlap(report.begin, report.end, t.begin, t.end) for t in action.triggers)
        rank = (action.type == report.type, size)
        if size and (best is None or rank > best):
            best, chosen = rank, action
    return chosen


def denotes(entity: Entity, gold: Span) -> bool:
    """A mention of the entity overlaps the gold span, or the entity has the gold QID."""
    if gold.qid is not None and entity.qid == gold.qid:
        return True
    return any(overlap(b, e, gold.begin, gold.end) for b, e in entity.mentions)


def nation_of_entity(entity: Entity, groups: dict[str, str]) -> str | None:
    """The state an entity stands for as an agent: itself, or the state of its forces/government."""
    if entity.qid is not None:
        return groups.get(entity.qid, entity.qid)
    found = NATIONAL_GROUP_IRI.search(entity.iri)
    return found[1].upper() if found else None


def nation_of_span(gold: Span, groups: dict[str, str]) -> str | None:
    if gold.qid is not None:
        return groups.get(gold.qid, gold.qid)
    return NATIONAL_REFS.get(gold.ref or "")


def agent_right(predicted: Sequence[Entity], gold: Sequence[Span], groups: dict[str, str]) -> bool:
    for entity in predicted:
        nation = nation_of_entity(entity, groups)
        for span in gold:
            if denotes(entity, span) or (nation and nation == nation_of_span(span, groups)):
                return True
    return False


def any_denotes(predicted: Sequence[Entity], gold: Sequence[Span]) -> bool:
    return any(denotes(e, s) for e in predicted for s in gold)


def date_right(predicted: Interval | None, gold: Interval) -> bool:
    """The predicted bounds are not empty and lie within the gold's (None: open)."""
    if predicted is None or predicted == (None, None):
        return False
    (p_low, p_high), (g_low, g_high) = predicted, gold
    if p_low is not None and p_high is not None and p_low > p_high:
        return False
    low = g_low is None or (p_low is not None and p_low >= g_low)
    high = g_high is None or (p_high is not None and p_high <= g_high)
    return low and high


def same_occurrence(a: Action, b: Action) -> bool:
    """One action of one article, or two articles' actions with the same non-null key."""
    if a.article == b.article:
        return a.id == b.id
    return a.key is not None and a.key == b.key


def event_of(report: Report) -> str:
    return report.event or report.iri


# -- scoring -------------------------------------------------------------------------------------
class Words:
    """Trigger words for the error lists, from the article texts if they were given."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts

    def __call__(self, article: str, begin: int, end: int) -> str:
        text = self.texts.get(article)
        words = f" {text[begin:end]!r}" if text is not None else ""
        return f"{article} {begin}-{end}{words}"


def _show_entities(entities: Sequence[Entity]) -> str:
    return " | ".join(f"{e.label} ({e.qid or e.iri.rsplit('/', 1)[-1]})" for e in entities) or "-"


def _show_spans(spans: Sequence[Span]) -> str:
    return " | ".join(f"{s.text!r} ({s.qid or s.ref or '-'})" for s in spans)


def _show_interval(interval: Interval | None) -> str:
    if interval is None:
        return "-"
    low, high = interval
    return low or "…" if low == high else f"{low or '…'}..{high or '…'}"


def _score_detection(
    scores: Scores, actions: Sequence[Action], pairs: list[tuple[Report, Action]], words: Words
) -> None:
    found: dict[Action, set[bool]] = defaultdict(set)  # action -> {type right?}
    for report, action in pairs:
        found[action].add(report.type == action.type)
        if report.type != action.type:
            scores.type_errors.append(
                f"{words(report.article, report.begin, report.end)}: {report.type}, "
                f"gold {action.type} ({action.id})"
            )
    scores.matched = len(pairs)
    scores.typed = sum(r.type == a.type for r, a in pairs)
    for action in actions:
        trigger = min(action.triggers, key=lambda t: (t.begin, t.end))
        miss = f"{words(action.article, trigger.begin, trigger.end)}: {action.type} {action.id}, "
        miss += action.factuality
        tallies = [(scores.actions, scores.actions_typed)]
        if action.factuality != "generic":
            tallies.append((scores.specific, scores.specific_typed))
        for any_type, typed in tallies:
            any_type.count(action in found, miss)
            typed.count(True in found.get(action, set()), miss)


def _score_roles(scores: Scores, report: Report, action: Action, groups: dict[str, str]) -> None:
    where = f"{report.article} {action.id} {action.type} ({report.begin}-{report.end})"
    roles = scores.roles
    if action.agent:
        roles["agent"].count(
            agent_right(report.agents, action.agent, groups),
            f"{where}: {_show_entities(report.agents)}; gold {_show_spans(action.agent)}",
        )
    places = action.target + action.location
    if places:
        predicted = report.targets + report.locations
        roles["target or location"].count(
            any_denotes(predicted, places),
            f"{where}: {_show_entities(predicted)}; gold {_show_spans(places)}",
        )
    if action.date is not None:
        shown = f"{where}: {_show_interval(report.date)}; gold {_show_interval(action.date)}"
        roles["date (within gold bounds)"].count(date_right(report.date, action.date), shown)
        roles["date (exact)"].count(report.date == action.date, shown)
    roles["factuality"].count(
        report.factuality == action.factuality,
        f"{where}: {report.factuality}; gold {action.factuality}",
    )
    if action.factuality in ("reported", "denied") and action.source:
        roles["source (reported/denied)"].count(
            any_denotes(report.sources, action.source),
            f"{where}: {_show_entities(report.sources)}; gold {_show_spans(action.source)}",
        )


def _score_merges(scores: Scores, pairs: list[tuple[Report, Action]], words: Words) -> None:
    for (r1, a1), (r2, a2) in combinations(pairs, 2):
        merged = event_of(r1) == event_of(r2)
        same = same_occurrence(a1, a2)
        scores.merged_pairs += merged
        scores.same_pairs += same
        scores.missed_merges += same and not merged
        if merged and not same:
            scores.wrong_merges.append(
                f"{event_of(r1).rsplit('/', 1)[-1]}: {words(r1.article, r1.begin, r1.end)} "
                f"({a1.id} {a1.key or '-'}) + {words(r2.article, r2.begin, r2.end)} "
                f"({a2.id} {a2.key or '-'})"
            )
    occurrences: dict[str, set[str]] = defaultdict(set)
    for report, action in pairs:
        occurrences[action.key or f"{action.article} {action.id}"].add(event_of(report))
    scores.split_occurrences = [
        f"{occurrence}: {len(events)} events"
        for occurrence, events in sorted(occurrences.items())
        if len(events) > 1
    ]


def score(
    actions: Sequence[Action],
    reports: Sequence[Report],
    groups: dict[str, str],
    texts: dict[str, str] | None = None,
) -> Scores:
    """Scores of the reports (already limited to the windows) against the gold actions."""
    words = Words(texts or {})
    scores = Scores(reports=len(reports))
    by_article: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        by_article[action.article].append(action)
    pairs: list[tuple[Report, Action]] = []
    for report in reports:
        gold = match(report, by_article[report.article])
        if gold is None:
            scores.false_positives.append(
                f"{words(report.article, report.begin, report.end)}: {report.type}"
            )
            continue
        pairs.append((report, gold))
        _score_roles(scores, report, gold, groups)
    _score_detection(scores, actions, pairs, words)
    _score_merges(scores, pairs, words)
    return scores


# -- output --------------------------------------------------------------------------------------
def _listing(title: str, items: Sequence[str]) -> list[str]:
    return ["", f"{title} ({len(items)}):", *(f"  {item}" for item in items)]


def report(scores: Scores, *, errors: bool) -> str:
    s = scores
    lines = [
        f"gold actions: {s.actions.total} ({s.specific.total} not generic); "
        f"reports in windows: {s.reports}",
        f"event precision (type right): {ratio(s.typed, s.reports)}",
        f"event precision (any type): {ratio(s.matched, s.reports)}",
        f"event recall (type right): {ratio(s.actions_typed.right, s.actions_typed.total)}",
        f"event recall (any type): {ratio(s.actions.right, s.actions.total)}",
        f"event recall, generic left out (type right): "
        f"{ratio(s.specific_typed.right, s.specific_typed.total)}",
        f"event recall, generic left out (any type): {ratio(s.specific.right, s.specific.total)}",
        *(f"{name} right: {ratio(t.right, t.total)}" for name, t in s.roles.items()),
        f"merged report pairs: {s.merged_pairs}, wrong: {len(s.wrong_merges)} "
        f"(merge precision {ratio(s.merged_pairs - len(s.wrong_merges), s.merged_pairs)})",
        f"same-occurrence report pairs: {s.same_pairs}, missed merges: {s.missed_merges} "
        f"(merge recall {ratio(s.same_pairs - s.missed_merges, s.same_pairs)})",
        *_listing("wrong merges", s.wrong_merges),
    ]
    if errors:
        lines += _listing("false positives", s.false_positives)
        lines += _listing("missed actions", s.actions.errors)
        lines += _listing("type errors", s.type_errors)
        for name, tally in s.roles.items():
            lines += _listing(f"wrong {name}", tally.errors)
        lines += _listing("occurrences split into several events", s.split_occurrences)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("build", type=Path, help="a build folder (kg build --out)")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--split", choices=["tune", "test", "all"], default="test")
    parser.add_argument("--errors", action="store_true", help="list every error")
    parser.add_argument(
        "--articles", type=Path, default=ARTICLES, help="gold articles JSONL, for trigger words"
    )
    args = parser.parse_args(argv)
    actions, windows = read_gold(args.gold, args.split)
    reports = read_build(args.build.resolve(), windows)
    texts = read_texts(args.articles)
    print(f"split {args.split}: {len(windows)} articles")
    print(report(score(actions, reports, read_groups(), texts), errors=args.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
