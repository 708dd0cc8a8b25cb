"""Keep each quarantined article in ``quarantine/<id>/``: why, its graph, its validation report.

The folder is part of the staged build, so it is released with it and replaced by the next
build; nothing in it is published in the dumps or the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.build.stage import Quarantined
from kg.iris import Iris
from kg.layout import Layout
from kg.publish.dumps import sorted_triples, turtle
from kg.shacl.validate import ValidationReport


def write_quarantine(
    layout: Layout, quarantined: Iterable[Quarantined], iris: Iris, prefixes: dict[str, str]
) -> None:
    for outcome in quarantined:
        article = outcome.article
        folder = layout.quarantined(article.id)
        folder.mkdir(parents=True)
        reason = f"article {article.id} ({article.source})\n{outcome.reason}\n"
        (folder / "reason.txt").write_text(reason, encoding="utf-8")
        if outcome.block:
            (folder / "graph.nq").write_bytes(outcome.block)
        if outcome.violations:
            name = iris.article_graph(article.id).value
            report = ValidationReport.of(outcome.violations, graphs=[name])
            quads = report.to_quads(iris.validation_graph, iris.validation_report(article.id))
            triples = sorted_triples(q.triple for q in quads)
            (folder / "report.ttl").write_bytes(turtle(triples, prefixes))
            (folder / "report.txt").write_text(report.summary() + "\n", encoding="utf-8")
