"""The build, stage by stage: ingest -> extract, link, map, validate -> merge -> publish.

:func:`build` is the list of stages, each a function of frozen values:

1. :func:`kg.build.ingest.read_articles`: files in, articles and the problems of bad input out;
2. :func:`kg.build.articles.process_articles`: each article from the cache, or extracted, linked,
   mapped to its named graph and validated (:mod:`kg.build.stage`), here or in worker processes;
   an article that fails any of it is quarantined with the reason, the others go on;
   each outcome is spooled as it arrives (:mod:`kg.build.spool`): the graph to the dumps'
   external sorter, the extraction to the merge input by partition, a quarantined article to
   ``quarantine/<id>/``; the build keeps only a summary of each;
3. :func:`kg.build.merged.merge_articles`: the merged layer of all published articles, a
   partition at a time, validated node by node;
4. :func:`kg.publish.files.publish`: dumps (merged from sorted runs on disk), VoID, checksums,
   and the store loaded from the dumps;
5. the report, written last (its presence marks a complete build).

All of it happens in a staging folder that replaces ``DIR`` atomically only when it is complete
(:mod:`kg.build.release`); a build that fails leaves the previous one exactly as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

from kg.build.articles import ArticleOutcomes, Progress, process_articles
from kg.build.cache import Cache, build_context
from kg.build.executors import open_executor
from kg.build.ingest import Ingested, read_articles
from kg.build.merged import MergeResult, merge_articles, partitions_for
from kg.build.release import staged_build
from kg.build.report import BuildReport, stamp
from kg.build.spool import Kept, Spool, Spooled
from kg.build.stage import ArticleStage, Quarantined
from kg.build.toolkit import Toolkit, ToolkitRecipe, load_toolkit, places_of
from kg.build.versions import build_activity, distribution_version, file_hash
from kg.errors import BuildError
from kg.gazetteer.table import load_gazetteer
from kg.graph.merge import Places
from kg.iris import Iris
from kg.layout import Layout
from kg.publish.dumps import Dumps, nquads_block
from kg.publish.files import Publication, publish
from kg.publish.store import add_description, store_loading
from kg.settings import Settings
from kg.shacl.validate import ValidationReport, Validator
from kg.vocab import PREFIXES


def build(
    paths: Sequence[Path],
    settings: Settings,
    *,
    toolkit: Toolkit | None = None,
    recipe: ToolkitRecipe | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the graph of the articles under ``paths`` into ``settings.out``, atomically.

    ``toolkit`` replaces the one this process would load; ``recipe`` the one cluster workers
    load (``settings.scheduler``); ``progress`` is told how many articles are done.
    """
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
    report = dataclasses.replace(report, versions=run.activity.versions())
    try:
        with (
            staged_build(settings.out, settings.builds_dir) as staging,
            Spool.opened(
                Layout(staging), run.iris, run.prefixes,
                partitions=partitions_for(len(ingested.articles)),
                memory_bytes=settings.sort_memory_mb * 1024 * 1024,
            ) as spool,
        ):  # fmt: skip
            layout = Layout(staging)
            done = process_articles(
                ingested.articles, run.cache, run.context,
                lambda todo: open_executor(settings, todo, run.stage, recipe or
                                           ToolkitRecipe(settings), run.activity),
                settings.batch_size, keep=spool.keep, progress=progress,
            )  # fmt: skip
            published = _published(done)  # raises NothingPublished: nothing to release
            merged = merge_articles(spool.merge, run.iris, run.validator(), run.cache,
                                    run.merged_key, spool.lines, run.places())  # fmt: skip
            background = settings.processes > 1 or bool(settings.scheduler)
            with store_loading(layout, background=background) as load:
                dumps = publish(layout, _publication(published, merged, run.iris), spool.lines,
                                run.iris, run.prefixes, ontology=settings.ontology_path,
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

    def __init__(self, done: ArticleOutcomes[Kept]) -> None:
        super().__init__(
            "no article could be published: every article was quarantined",
            fix="see the reasons above; the previous build is unchanged",
        )
        self.done = done


class Run:
    """What the stages of one build share: IRIs, the build activity, the cache and its context,
    and the toolkit, loaded the first time a stage in this process needs it (a build whose
    articles are all cached, or run on a cluster, never loads the spaCy model here)."""

    def __init__(self, settings: Settings, toolkit: Toolkit | None = None) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.activity = build_activity(self.iris, settings)
        self.context = build_context(
            base=self.iris.base,
            activity=self.activity.iri.value,  # newskg, pipeline, spaCy, model, gazetteer, linker
            validator=f"pyshacl {distribution_version('pyshacl')}",
            shapes=file_hash(settings.shapes_path),
            ontology=file_hash(settings.ontology_path),
        )
        self.cache = Cache(settings.resolved_cache_dir)
        self.merged_key = hashlib.sha256(f"merged graph\0{self.context}".encode()).hexdigest()
        self.prefixes = {**PREFIXES, **self.iris.prefixes()}
        self._toolkit = toolkit
        self._validator: Validator | None = None

    def toolkit(self) -> Toolkit:
        if self._toolkit is None:
            self._toolkit = load_toolkit(self.settings)
        return self._toolkit

    def stage(self) -> ArticleStage:
        """The per-article stage of this process (loads the toolkit)."""
        return ArticleStage(
            self.toolkit(),
            self.iris,
            self.activity,
            self.settings.batch_size,
            self.settings.article_timeout,
        )

    def places(self) -> Places:
        """Where linked entities' items are: the toolkit's, or read from the gazetteer when the
        toolkit was never loaded (every article cached), so that both give the same graph."""
        if self._toolkit is not None:
            return self._toolkit.places
        if self.settings.linker == "none":
            return {}
        return places_of(load_gazetteer())

    def validator(self) -> Validator:
        """The validator of the merged layer: the toolkit's, or the shapes alone."""
        if self._toolkit is not None:
            return self._toolkit.validator
        if self._validator is None:
            self._validator = Validator(self.settings.shapes_path, self.settings.ontology_path)
        return self._validator


def prepare(settings: Settings, toolkit: Toolkit | None = None) -> Run:
    """Mint the build activity and open the cache; the toolkit loads when first needed."""
    return Run(settings, toolkit)


def _published(done: ArticleOutcomes[Kept]) -> list[Spooled]:
    published = [o for o in done.outcomes if isinstance(o, Spooled)]
    if not published:
        raise NothingPublished(done)
    return published


def _quarantined(done: ArticleOutcomes[Kept]) -> list[Quarantined]:
    return [o for o in done.outcomes if isinstance(o, Quarantined)]


def _publication(published: Sequence[Spooled], merged: MergeResult, iris: Iris) -> Publication:
    """What the dumps hold besides the spooled article graphs and merged graph: the validation
    report of the published data (it conforms: warnings only), and what VoID says of them."""
    names = [iris.article_graph(p.article.id).value for p in published]
    results = [r for p in published for r in p.warnings] + list(merged.warnings)
    report = ValidationReport.of(results, graphs=[*names, iris.merged_graph.value])
    validation = report.to_quads(iris.validation_graph, iris.validation_report())
    return Publication(
        validation_block=nquads_block(validation),
        articles=[iris.article(p.article.id) for p in published],
        dates=[p.article.published.date() for p in published if p.article.published],
    )


def _left_out(done: ArticleOutcomes[Kept]) -> list[str]:
    """The facts left out of published articles, one line each (kg.graph.facts)."""
    return [
        f"{o.article.id}: left out {fact}"
        for o in done.outcomes
        if isinstance(o, Spooled)
        for fact in o.left_out
    ]


def _reasons(done: ArticleOutcomes[Kept]) -> list[str]:
    return [f"{o.article.id}: {o.reason} (in {o.article.source})" for o in _quarantined(done)]


def _completed(
    report: BuildReport,
    done: ArticleOutcomes[Kept],
    merged: MergeResult,
    dumps: Dumps,
    started: float,
) -> BuildReport:
    articles = [o.article.id for o in done.outcomes if isinstance(o, Spooled)]
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
