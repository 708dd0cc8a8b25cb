"""The build, stage by stage: ingest -> extract, link, map, validate -> merge -> publish.

:func:`build` is the list of stages, each a function of frozen values:

1. :func:`kg.build.ingest.read_articles`: files in, articles and the problems of bad input out;
2. :func:`kg.build.articles.process_articles`: each article from the cache, or extracted, linked,
   mapped to its named graph and validated (:mod:`kg.build.stage`), here or in worker processes;
   an article that fails any of it is quarantined with the reason, the others go on;
3. :func:`kg.build.quarantine.write_quarantine`: the quarantined articles and why;
4. :func:`kg.build.merged.merge_articles`: the merged layer of all published articles, validated
   node by node;
5. :func:`kg.publish.files.publish`: dumps, VoID, checksums, and the store loaded from the dumps;
6. the report, written last (its presence marks a complete build).

All of it happens in a staging folder that replaces ``DIR`` atomically only when it is complete
(:mod:`kg.build.release`); a build that fails leaves the previous one exactly as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.build.articles import ArticleOutcomes, process_articles
from kg.build.cache import Cache, build_context
from kg.build.ingest import Ingested, read_articles
from kg.build.merged import MergeResult, merge_articles
from kg.build.quarantine import write_quarantine
from kg.build.release import staged_build
from kg.build.report import BuildReport, stamp
from kg.build.stage import ArticleStage, Published, Quarantined
from kg.build.toolkit import Toolkit, load_toolkit
from kg.build.versions import build_activity, distribution_version, file_hash
from kg.errors import BuildError
from kg.iris import Iris
from kg.layout import Layout
from kg.publish.dumps import Dumps, nquads_block
from kg.publish.files import Publication, publish
from kg.publish.store import add_description, store_loading
from kg.settings import Settings
from kg.shacl.validate import ValidationReport
from kg.vocab import PREFIXES


def build(
    paths: Sequence[Path], settings: Settings, *, toolkit: Toolkit | None = None
) -> BuildReport:
    """Build the graph of the articles under ``paths`` into ``settings.out``, atomically."""
    started = time.time()
    ingested = read_articles(
        paths,
        max_bytes=settings.max_article_bytes,
        max_chars=settings.max_article_chars,
        max_word_chars=settings.max_word_chars,
    )
    report = BuildReport(
        out=str(settings.out), started=stamp(started), base_iri=settings.base_iri,
        problems=[str(p) for p in ingested.problems],
    )  # fmt: skip
    refusal = _refusal(ingested, settings)
    if refusal is not None:
        return report.finished_at(started, problems=[*report.problems, refusal])
    run = prepare(settings, toolkit)
    report = dataclasses.replace(report, versions=run.stage.activity.versions())
    try:
        with staged_build(settings.out, settings.builds_dir) as staging:
            layout = Layout(staging)
            done = process_articles(ingested.articles, run.stage, run.cache, run.context,
                                    settings.processes)  # fmt: skip
            published = _published(done)  # raises NothingPublished: nothing to release
            write_quarantine(layout, _quarantined(done), run.iris, run.prefixes)
            merged = merge_articles(published, run.iris, run.stage.toolkit.validator, run.cache,
                                    run.merged_key, run.stage.toolkit.places)  # fmt: skip
            with store_loading(layout, background=settings.processes > 1) as load:
                dumps = publish(layout, _publication(published, merged, run.iris), run.iris,
                                run.prefixes, ontology=settings.ontology_path,
                                shapes=settings.shapes_path, nquads_written=load)  # fmt: skip
            add_description(layout, run.iris.void_graph)
            report = _completed(report, done, merged, dumps, started)
            layout.report.write_text(report.published(list(paths)).to_json(), encoding="utf-8")
    except NothingPublished as exc:
        return _nothing_released(report, exc, started)
    run.cache.prune([run.merged_key, *(o.key for o in done.outcomes)])
    return report


class NothingPublished(BuildError):
    """Every article was quarantined: there is nothing to release."""

    def __init__(self, done: ArticleOutcomes) -> None:
        super().__init__(
            "no article could be published: every article was quarantined",
            fix="see the reasons above; the previous build is unchanged",
        )
        self.done = done


@dataclass(frozen=True)
class Run:
    """What the stages of one build share: the stage, IRIs, cache and its context."""

    stage: ArticleStage
    iris: Iris
    cache: Cache
    context: str
    merged_key: str
    prefixes: dict[str, str]


def prepare(settings: Settings, toolkit: Toolkit | None = None) -> Run:
    """Load the toolkit (unless given), mint the build activity, open the cache."""
    toolkit = load_toolkit(settings) if toolkit is None else toolkit
    iris = Iris(settings.base_iri)
    activity = build_activity(iris, settings)
    context = build_context(
        base=iris.base,
        activity=activity.iri.value,  # newskg, pipeline, spaCy, model, gazetteer, linker
        validator=f"pyshacl {distribution_version('pyshacl')}",
        shapes=file_hash(settings.shapes_path),
        ontology=file_hash(settings.ontology_path),
    )
    return Run(
        stage=ArticleStage(toolkit, iris, activity, settings.batch_size, settings.article_timeout),
        iris=iris,
        cache=Cache(settings.resolved_cache_dir),
        context=context,
        merged_key=hashlib.sha256(f"merged graph\0{context}".encode()).hexdigest(),
        prefixes={**PREFIXES, **iris.prefixes()},
    )


def _published(done: ArticleOutcomes) -> list[Published]:
    published = [o for o in done.outcomes if isinstance(o, Published)]
    if not published:
        raise NothingPublished(done)
    return published


def _quarantined(done: ArticleOutcomes) -> list[Quarantined]:
    return [o for o in done.outcomes if isinstance(o, Quarantined)]


def _publication(published: Sequence[Published], merged: MergeResult, iris: Iris) -> Publication:
    """The blocks of the dumps: the articles, the merged graph and the validation report of the
    published data (it conforms: warnings only)."""
    names = [iris.article_graph(p.article.id).value for p in published]
    results = [r for p in published for r in p.warnings] + list(merged.warnings)
    report = ValidationReport.of(results, graphs=[*names, iris.merged_graph.value])
    validation = report.to_quads(iris.validation_graph, iris.validation_report())
    return Publication(
        article_blocks=[p.block for p in published],
        merged_block=nquads_block(merged.layer.quads(iris.merged_graph)),
        validation_block=nquads_block(validation),
        articles=[iris.article(p.article.id) for p in published],
        dates=[p.article.published.date() for p in published if p.article.published],
    )


def _left_out(done: ArticleOutcomes) -> list[str]:
    """The facts left out of published articles, one line each (kg.graph.facts)."""
    return [
        f"{o.article.id}: left out {fact}"
        for o in done.outcomes
        if isinstance(o, Published)
        for fact in o.left_out
    ]


def _reasons(done: ArticleOutcomes) -> list[str]:
    return [f"{o.article.id}: {o.reason} (in {o.article.source})" for o in _quarantined(done)]


def _completed(
    report: BuildReport, done: ArticleOutcomes, merged: MergeResult, dumps: Dumps, started: float
) -> BuildReport:
    articles = [o.article.id for o in done.outcomes if isinstance(o, Published)]
    quarantined = _reasons(done)
    return report.finished_at(
        started,
        articles=articles,
        problems=[*report.problems, *_left_out(done), *merged.problems],
        quarantined=quarantined,
        released=True,
        processed=list(done.processed),
        cached=[o.article.id for o in done.outcomes if o.cached],
        cache_rebuilt=list(done.cache_rebuilt),
        counts={
            "articles": len(articles),
            "quarantined": len(quarantined),
            "processed": len(done.processed),
            "cached": sum(1 for o in done.outcomes if o.cached),
            "quads": dumps.quads,
            "triples": dumps.statistics.triples,
        },
    )


def _nothing_released(report: BuildReport, exc: NothingPublished, started: float) -> BuildReport:
    done = exc.done
    return report.finished_at(
        started,
        problems=[*report.problems, str(exc)],
        quarantined=_reasons(done),
        processed=list(done.processed),
        cache_rebuilt=list(done.cache_rebuilt),
    )


def _refusal(ingested: Ingested, settings: Settings) -> str | None:
    """Why nothing may be built from this input, if so."""
    if settings.strict and ingested.problems:
        return "strict mode: not released because of the problems above"
    if not ingested.articles:
        return "no article could be read: nothing to build"
    return None
