"""What a build holds: counts by class, Wikidata links, events by type, quarantined articles.

``kg stats DIR`` prints :meth:`Stats.to_text`; :meth:`Stats.to_json` is the same as data. Counts
come from the build's store (opened read-only, so a running server is not disturbed) and the
quarantine list from ``build-report.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from kg import counts
from kg.dataset.store import open_store
from kg.errors import DatasetError
from kg.iris import Iris
from kg.layout import REPORT
from kg.vocab import PREFIXES


@dataclass(frozen=True)
class Stats:
    """Counts of one build (see the module docstring)."""

    directory: str
    articles: int
    quads: int
    classes: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    linked: int = 0
    events: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    quarantined: list[str] = field(default_factory=list)

    @property
    def link_ratio(self) -> float:
        return self.linked / self.entities if self.entities else 0.0

    def to_json(self) -> str:
        data = {**asdict(self), "link_ratio": round(self.link_ratio, 4)}
        return json.dumps(data, indent=2) + "\n"

    def to_text(self) -> str:
        lines = [
            f"{self.directory}: {self.articles} article(s), {self.quads} quads",
            "",
            "Instances by class (article and merged graphs):",
            *_table(self.classes),
            "",
            f"Entities: {self.entities}; linked to Wikidata: {self.linked} "
            f"({100 * self.link_ratio:.1f}%)",
            "",
            f"Events by type (merged): {sum(self.events.values())}",
            *_table(self.events),
            "",
            f"Event reports by type: {sum(self.reports.values())}",
            *_table(self.reports),
            "",
            f"Quarantined articles: {len(self.quarantined)}",
            *(f"  {item}" for item in self.quarantined),
        ]
        return "\n".join(lines) + "\n"


def stats(directory: Path) -> Stats:
    """Count what the build in ``directory`` holds; a clear error when it is not a build."""
    report_path = directory / REPORT
    if not report_path.is_file():
        raise DatasetError(
            f"{directory} is not a newskg build",
            why=f"it has no {REPORT}",
            fix=f"run `kg build --out {directory}` first",
        )
    try:
        report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{report_path} cannot be read", why=str(exc)) from exc
    if not str(report.get("base_iri", "")).startswith(("http://", "https://")):
        raise DatasetError(
            f"{report_path} does not name the build's base IRI",
            why="the build was made by an older newskg",
            fix=f"rebuild it with `kg build --out {directory}`",
        )
    store = open_store(directory)
    try:
        return _count(store, directory, report)
    finally:
        del store


def _count(store: Store, directory: Path, report: dict[str, Any]) -> Stats:
    """The counts of :mod:`kg.counts`, by class in the data graphs."""
    iris = Iris(str(report.get("base_iri") or ""))
    graphs = {
        "merged": f"<{iris.merged_graph.value}>",
        "articles": json.dumps(iris.article_graph("").value),  # a SPARQL string
    }
    return Stats(
        directory=str(directory),
        articles=len(report.get("articles", [])),
        quads=_number(store, counts.QUADS % {"void": f"<{iris.void_graph.value}>"}),
        classes=_pairs(store, counts.DATA_CLASSES % graphs),
        entities=_number(store, counts.ENTITIES % graphs),
        linked=_number(store, counts.LINKED % graphs),
        events=_pairs(store, counts.EVENTS % graphs),
        reports=_pairs(store, counts.REPORTS % graphs),
        quarantined=list(report.get("quarantined", [])),
    )


def _solutions(store: Store, query: str) -> Iterator[tuple[Any, Any]]:
    results = store.query(query)
    assert isinstance(results, QuerySolutions)
    for solution in results:
        yield solution[0], solution[1]


def _pairs(store: Store, query: str) -> dict[str, int]:
    counts = {_short(key): _int(value) for key, value in _solutions(store, query)}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _number(store: Store, query: str) -> int:
    results = store.query(query)
    assert isinstance(results, QuerySolutions)
    for solution in results:
        return _int(solution[0])
    return 0


def _int(term: Any) -> int:
    return int(term.value) if isinstance(term, Literal) else 0


def _short(term: Any) -> str:
    iri = term.value if isinstance(term, NamedNode) else str(term)
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _table(counts: dict[str, int]) -> list[str]:
    if not counts:
        return ["  (none)"]
    width = max(len(name) for name in counts)
    return [f"  {name:<{width}}  {count:>8,}" for name, count in counts.items()]
