"""The merged layer of a build: entities and events across articles, validated node by node, a
partition at a time, so that memory does not grow with the corpus.

As articles arrive, :class:`MergeInput` writes what each says of its entities (votes: names,
classes, links) and its event reports to partition files on disk: an entity's votes go to the
partition of its IRI, a report to the partition of its merge key
(:func:`kg.graph.events.partition_key`: reports that may merge share it). :func:`merge_articles`
then reads one partition at a time: entities first (the sum of an entity's votes is its merged
description, :mod:`kg.graph.merge`), then events (each partition's reports merged on their
own, which is exactly merging them all). Only three things outlive a partition: the class and
label of every entity (in an on-disk SQLite index: an event's validation needs those of the
entities it names), the nodes left out, and the hashes of the descriptions known to conform.

Each node is validated with its context (:mod:`kg.graph.context`), in chunks, unless the cache
knows that exactly this description, in this build context, conforms without results: an
incremental build validates only the nodes that changed. A node that violates a shape is left
out, and so is an event that names a left-out entity; both are named in the build report.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from kg.build.cache import Cache
from kg.graph.context import context_of, entity_contexts
from kg.graph.events import ReportKey, partition_key
from kg.graph.merge import (
    Description,
    EntityVotes,
    Places,
    Trigger,
    add_votes,
    describe_entities,
    describe_events,
    entity_votes,
    report_triggers,
)
from kg.iris import Iris
from kg.model import Extraction
from kg.publish.dumps import nquads_block
from kg.publish.sorting import LineSorter
from kg.shacl.validate import ValidationResult, Validator

#: Merged-graph nodes validated per pySHACL call (cost stays per node, not per corpus).
MERGED_CHUNK = 500
#: Articles per partition: a partition holds the votes and reports of about this many articles.
ARTICLES_PER_PARTITION = 2_000
#: At most this many partitions (two open files each while articles arrive).
MAX_PARTITIONS = 256


def partitions_for(articles: int) -> int:
    """How many partitions a build of ``articles`` articles merges in."""
    return max(1, min(MAX_PARTITIONS, -(-articles // ARTICLES_PER_PARTITION)))


@dataclass(frozen=True)
class MergeResult:
    """What merging wrote, the warnings of its nodes, and the nodes left out (with why)."""

    warnings: tuple[ValidationResult, ...]
    problems: tuple[str, ...]
    quads: int


class MergeInput:
    """Every published article's entity votes and event reports, on disk by partition."""

    def __init__(self, folder: Path, iris: Iris, partitions: int) -> None:
        self.folder = folder
        self.iris = iris
        self.partitions = partitions
        self._files: dict[str, BinaryIO] = {}

    def add(self, extraction: Extraction) -> None:
        for node, votes in entity_votes(extraction, self.iris).items():
            self._write("entities", node.value, (node.value, votes))
        for report, trigger in report_triggers(extraction, self.iris):
            record = (report, trigger.article.value, trigger.mention.value)
            self._write("reports", partition_key(report), record)

    def entity_partitions(self) -> Iterator[dict[NamedNode, EntityVotes]]:
        """The summed votes of the entities of each partition in turn."""
        for records in self._partitions("entities"):
            votes: dict[str, EntityVotes] = {}
            for iri, vote in records:
                if iri in votes:
                    add_votes(votes[iri], vote)
                else:
                    votes[iri] = vote
            yield {NamedNode(iri): vote for iri, vote in votes.items()}

    def report_partitions(self) -> Iterator[tuple[list[ReportKey], dict[str, Trigger]]]:
        """The reports of each partition in turn, with their triggers by report IRI."""
        for records in self._partitions("reports"):
            reports: list[ReportKey] = []
            triggers: dict[str, Trigger] = {}
            for report, article, mention in records:
                reports.append(report)
                triggers[report.iri] = Trigger(NamedNode(article), NamedNode(mention))
            yield reports, triggers

    def close(self) -> None:
        for file in self._files.values():
            file.close()
        self._files.clear()

    def _write(self, kind: str, key: str, record: object) -> None:
        number = zlib.crc32(key.encode("utf-8")) % self.partitions
        path = self.folder / f"{kind}-{number:03d}"
        file = self._files.get(path.name)
        if file is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            file = self._files[path.name] = open(path, "ab")  # closed by close()
        pickle.dump(record, file, protocol=pickle.HIGHEST_PROTOCOL)

    def _partitions(self, kind: str) -> Iterator[list[Any]]:
        self.close()
        for number in range(self.partitions):
            path = self.folder / f"{kind}-{number:03d}"
            if not path.exists():
                continue
            records = []
            with open(path, "rb") as file:
                while True:
                    try:
                        records.append(pickle.load(file))
                    except EOFError:
                        break
            yield records


def merge_articles(
    merge_input: MergeInput,
    iris: Iris,
    validator: Validator,
    cache: Cache,
    cache_key: str,
    out: LineSorter,
    places: Places | None = None,
) -> MergeResult:
    """Merge, validate and write (into ``out``) the merged layer (see the module docstring);
    ``places`` give linked places their coordinates."""
    entry = cache.get(cache_key)
    known = frozenset(entry.get("conforming", [])) if entry else frozenset()
    judge = _Judge(validator, known)
    graph = iris.merged_graph
    quads = 0
    with closing(_ContextIndex(merge_input.folder / "entities.sqlite")) as index:
        for votes in merge_input.entity_partitions():
            descriptions = describe_entities(votes, places)
            units = [(d, _unit(d, entity_contexts(_triples(d)), ())) for d in descriptions]
            kept = judge.keep(units)
            index.add(entity_contexts(t for d in kept for t in _triples(d)))
            quads += _write(out, kept, graph)
        for reports, triggers in merge_input.report_partitions():
            events = [e for e in describe_events(reports, triggers, iris) if judge.names_kept(e)]
            contexts = index.contexts({o for d in events for o in _objects(d)})
            articles = {t.article for t in triggers.values()}
            units = [(d, _unit(d, contexts, articles)) for d in events]
            quads += _write(out, judge.keep(units), graph)
    if sorted(judge.conforming) != sorted(known):
        cache.put(cache_key, {"conforming": sorted(judge.conforming)})
    return MergeResult(
        warnings=tuple(judge.warnings),
        problems=tuple(
            f"merged graph: left out {node}: {why}" for node, why in sorted(judge.left_out.items())
        ),
        quads=quads,
    )


class _Judge:
    """Validates units (what the cache does not know to conform), keeps the nodes that conform,
    and remembers what was left out and why."""

    def __init__(self, validator: Validator, known: frozenset[str]) -> None:
        self.validator = validator
        self.known = known
        self.conforming: set[str] = set()
        self.warnings: list[ValidationResult] = []
        self.left_out: dict[str, str] = {}

    def keep(self, units: Sequence[tuple[Description, tuple[Triple, ...]]]) -> list[Description]:
        digests = [_digest(triples) for _, triples in units]
        pending = [
            unit for unit, digest in zip(units, digests, strict=True) if digest not in self.known
        ]
        results: list[ValidationResult] = []
        for start in range(0, len(pending), MERGED_CHUNK):
            chunk = [t for _, triples in pending[start : start + MERGED_CHUNK] for t in triples]
            results += self.validator.validate(chunk).results
        failing = {r.focus: r.message for r in results if r.severity == "Violation"}
        self.left_out.update(failing)
        self.warnings += [r for r in results if r.focus not in failing]
        noted = {r.focus for r in results}
        kept = []
        for (description, _), digest in zip(units, digests, strict=True):
            if description.node.value not in noted:
                self.conforming.add(digest)
            if description.node.value not in failing:
                kept.append(description)
        return kept

    def names_kept(self, event: Description) -> bool:
        """Whether no entity the event names was left out (else it is left out too)."""
        gone = sorted(o.value for o in _objects(event) if o.value in self.left_out)
        if gone:
            self.left_out[event.node.value] = f"it names left-out entity {gone[0]}"
        return not gone


class _ContextIndex:
    """The class and label triples of every kept entity, on disk (N-Triples lines by IRI)."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE context (iri TEXT PRIMARY KEY, lines BLOB NOT NULL)")

    def add(self, contexts: dict[NamedNode, list[Triple]]) -> None:
        rows = (
            (node.value, nquads_block(Quad(*t) for t in triples))
            for node, triples in contexts.items()
        )
        self.db.executemany("INSERT INTO context VALUES (?, ?)", rows)
        self.db.commit()

    def contexts(self, nodes: Iterable[NamedNode]) -> dict[NamedNode, list[Triple]]:
        wanted = sorted({n.value for n in nodes})
        found: dict[NamedNode, list[Triple]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for iri, lines in self.db.execute(
                f"SELECT iri, lines FROM context WHERE iri IN ({marks})", chunk
            ):
                found[NamedNode(iri)] = _parse_triples(lines)
        return found

    def close(self) -> None:
        self.db.close()


def _parse_triples(lines: bytes) -> list[Triple]:
    return [q.triple for q in parse(lines, format=RdfFormat.N_TRIPLES)]


def _triples(description: Description) -> list[Triple]:
    return [Triple(s, p, o) for s, p, o in description.triples]


def _objects(description: Description) -> list[NamedNode]:
    return [o for _, _, o in description.triples if isinstance(o, NamedNode)]


def _unit(
    description: Description,
    entities: dict[NamedNode, list[Triple]],
    articles: Iterable[NamedNode],
) -> tuple[Triple, ...]:
    """A node's description with its validation context (:mod:`kg.graph.context`)."""
    triples = _triples(description)
    context = context_of(triples, entities, set(articles))
    return tuple(dict.fromkeys([*triples, *context]))


def _write(out: LineSorter, descriptions: Sequence[Description], graph: NamedNode) -> int:
    block = nquads_block(Quad(s, p, o, graph) for d in descriptions for s, p, o in d.triples)
    out.add(block)
    return block.count(b"\n")


def _digest(triples: Iterable[object]) -> str:
    """A hash of a set of triples, whatever their order."""
    return hashlib.sha256("\n".join(sorted(map(str, triples))).encode("utf-8")).hexdigest()
