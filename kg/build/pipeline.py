"""The build, stage by stage: ingest -> extract -> link -> map -> validate -> merge -> publish.

:func:`build` is the list of stages. Each article goes through its own stages on its own
(:meth:`Run.article_graphs`): an article found in the incremental cache (:mod:`kg.build.cache`) is
reused as is; the others are extracted (spaCy), linked, mapped to their named graph
(:mod:`kg.graph.map`) and validated against ``shapes/`` with the local view of the entities they
mention, in batches (:mod:`kg.build.articles`), here or in worker processes. An article whose
extraction, linking or mapping raises, or whose graph does not conform, is quarantined (kept in
``DIR/quarantine/<id>/`` with the reason and its validation report) and left out; the others are
still built. The merged layer (:mod:`kg.graph.merge`) is then recomputed from all published articles
and validated; the dumps, VoID and checksums are written (:mod:`kg.publish.dumps`) and the store is
bulk-loaded from them (:mod:`kg.dataset.store`). All of it happens in a staging folder that replaces
``DIR`` atomically only when it is complete (:mod:`kg.build.release`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyoxigraph import NamedNode

from kg.build.articles import ARTICLES_PER_BATCH, ArticleGraph, ArticleStage
from kg.build.cache import Cache, build_context, cache_key
from kg.build.ingest import Ingested, read_articles
from kg.build.release import COMPLETE_MARKER, staged_build
from kg.build.versions import build_activity, distribution_version
from kg.dataset.store import load_store
from kg.errors import BuildError
from kg.graph.merge import MergedLayer, merge_layer
from kg.iris import Iris
from kg.model import Article
from kg.publish.dumps import (
    ONTOLOGY_FILE,
    SHAPES_FILE,
    VOID_FILE,
    Dumps,
    nquads_block,
    rdf_file_quads,
    sorted_triples,
    turtle,
    write_checksums,
    write_dump_blocks,
)
from kg.publish.void import void_triples
from kg.settings import Settings
from kg.shacl.validate import ValidationReport, ValidationResult
from kg.vocab import PREFIXES

QUARANTINE_DIR = "quarantine"
#: Merged-graph nodes validated per pySHACL call (cost stays per node, not per corpus).
MERGED_CHUNK = 500
#: Fewer articles to process than this are not worth starting worker processes for.
PARALLEL_MINIMUM = 8


@dataclass
class BuildReport:
    """What a build did; written to ``build-report.json`` (the only file that holds a time)."""

    out: str
    started: str
    base_iri: str = ""
    finished: str = ""
    seconds: float = 0.0
    articles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    released: bool = False
    processed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    cache_rebuilt: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0: released with at least one article; 1: nothing released (see ``problems``)."""
        return 0 if self.released else 1

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def published(self, inputs: Sequence[Path]) -> BuildReport:
        """The report as the build publishes it (``/dumps/build-report.json``): input files named
        from their input folder (``seeds/a.txt``), never by the builder's own folders."""
        folders = {str(p.parent) for path in inputs for p in (path, path.absolute())}
        prefixes = sorted((f.rstrip(os.sep) + os.sep for f in folders if f != "."), key=len)

        def local(text: str) -> str:
            for prefix in reversed(prefixes):  # longest first
                text = text.replace(prefix, "")
            return text

        return dataclasses.replace(
            self,
            out=Path(self.out).name,
            problems=[local(p) for p in self.problems],
            quarantined=[local(q) for q in self.quarantined],
        )


def build(paths: Sequence[Path], settings: Settings) -> BuildReport:
    """Build the graph of the articles under ``paths`` into ``settings.out``, atomically."""
    started = time.time()
    report = BuildReport(out=str(settings.out), started=_stamp(started), base_iri=settings.base_iri)
    ingested = read_articles(
        paths, max_bytes=settings.max_article_bytes, max_chars=settings.max_article_chars
    )
    report.problems = [str(p) for p in ingested.problems]
    if not _may_release(ingested, settings, report):
        return _finish(report, started)
    run = Run(settings, report)
    try:
        with staged_build(settings.out, settings.builds_dir) as staging:
            graphs = run.article_graphs(ingested.articles)  # cache, or extract+link+map+validate
            run.quarantine(staging, graphs)  # the articles that failed, and why
            merged = run.merged_layer(graphs)  # entities and events across articles, validated
            with _store_loading(staging, background=settings.processes > 1) as load:
                dumps = run.publish(staging, graphs, merged, load)  # kg.nq, kg.ttl, void.ttl...
            run.finish(staging, graphs, dumps, started, paths)  # build-report.json
    except NothingPublished as exc:
        report.problems.append(str(exc))
        return _finish(report, started)
    run.cache.prune([run.merged_key, *(graph.key for graph in graphs)])
    return report


class NothingPublished(BuildError):
    """Every article was quarantined: there is nothing to release."""


class Run:
    """What the stages of one build share: settings, IRIs, versions, cache and shapes."""

    def __init__(self, settings: Settings, report: BuildReport) -> None:
        self.settings = settings
        self.report = report
        self.iris = Iris(settings.base_iri)
        self.activity = build_activity(self.iris, settings)
        report.versions = self.activity.versions()
        self.stage = ArticleStage(settings, self.iris, self.activity)
        self.stage.validator  # noqa: B018 - parse the shapes now: a broken file stops the build
        shapes, ontology = self.stage.versions
        self.context = build_context(
            base=self.iris.base,
            activity=self.activity.iri.value,  # newskg, pipeline, spaCy, model, gazetteer, linker
            validator=f"pyshacl {distribution_version('pyshacl')}",
            shapes=shapes,
            ontology=ontology,
        )
        self.cache = Cache(settings.resolved_cache_dir)
        self.merged_key = hashlib.sha256(f"merged graph\0{self.context}".encode()).hexdigest()
        self.prefixes = {**PREFIXES, **self.iris.prefixes()}
        self.merged_results: list[ValidationResult] = []

    # -- per article: cache, or extract, link, map, validate ------------------------------------
    def article_graphs(self, articles: Sequence[Article]) -> list[ArticleGraph]:
        """Every article's graph, in input order; only the articles not in the cache are run."""
        done: dict[str, ArticleGraph] = {}
        todo: dict[str, tuple[Article, str]] = {}
        for article in articles:
            key = cache_key(article, self.context)
            graph = self._from_cache(article, key)
            if graph is None:
                todo[article.id] = (article, key)
            else:
                done[article.id] = graph
        corrupt = set(self.cache.corrupt)
        self.report.cache_rebuilt = [i for i, (_, key) in todo.items() if key in corrupt]
        with self._workers(len(todo)) as pool:
            batches = _batches(todo.values(), ARTICLES_PER_BATCH)
            runs = pool.map(self.stage, batches) if pool else map(self.stage, batches)
            for graphs in runs:
                for graph in graphs:
                    self.report.processed.append(graph.article.id)
                    if graph.published or graph.results:  # an exception may be transient
                        self.cache.put(graph.key, graph.to_cache())
                    done[graph.article.id] = graph
        return [done[article.id] for article in articles]

    @contextmanager
    def _workers(self, count: int) -> Iterator[ProcessPoolExecutor | None]:
        """With ``processes`` > 1, worker processes that each extract, link, map and validate
        whole batches of articles, while this one only collects their graphs (so the whole
        per-article work is spread, as spaCy's own ``n_process`` spreads parsing alone).

        The workers are forked all at once, while this process has no other thread, after it
        loaded the model, gazetteer and shapes: they inherit them instead of loading their own.
        """
        workers = self.settings.processes
        if workers < 2 or count < PARALLEL_MINIMUM:
            yield None
            return
        self.stage.prepare()
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            pool.submit(int).result()  # start them all now (fork: all at the first submit)
            yield pool

    def _from_cache(self, article: Article, key: str) -> ArticleGraph | None:
        entry = self.cache.get(key)
        if entry is None:
            return None
        try:
            return ArticleGraph.from_cache(article, key, entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            self.cache.corrupt.append(key)
            return None

    # -- quarantine -----------------------------------------------------------------------------
    def quarantine(self, staging: Path, graphs: Sequence[ArticleGraph]) -> None:
        """Keep each quarantined article in ``quarantine/<id>/`` with why; stop if none is left."""
        for graph in graphs:
            if not graph.published:
                article = graph.article
                self.report.quarantined.append(f"{article.id}: {graph.error} (in {article.source})")
                self._write_quarantined(staging / QUARANTINE_DIR, graph)
        if all(not graph.published for graph in graphs):
            raise NothingPublished(
                "no article could be published: every article was quarantined",
                fix="see the reasons above; the previous build is unchanged",
            )

    def _write_quarantined(self, directory: Path, graph: ArticleGraph) -> None:
        article = graph.article
        folder = directory / (quote(article.id, safe="-_~") or "_")
        folder.mkdir(parents=True)
        reason = f"article {article.id} ({article.source})\n{graph.error}\n"
        (folder / "reason.txt").write_text(reason, encoding="utf-8")
        if graph.block:
            (folder / "graph.nq").write_bytes(graph.block)
        if graph.results:
            name = self.iris.article_graph(article.id).value
            report = ValidationReport.of(graph.results, graphs=[name])
            iri = self.iris.validation_report(article.id)
            quads = report.to_quads(self.iris.validation_graph, iri)
            triples = sorted_triples(q.triple for q in quads)
            (folder / "report.ttl").write_bytes(turtle(triples, self.prefixes))
            (folder / "report.txt").write_text(report.summary() + "\n", encoding="utf-8")

    # -- the merged layer -----------------------------------------------------------------------
    def merged_layer(self, graphs: Sequence[ArticleGraph]) -> MergedLayer:
        """Entities and events across the published articles; nodes that fail shapes are left out.

        Each node is validated with the context its shapes need (in chunks of nodes), unless the
        cache knows that exactly this description, in this build context, conforms without
        results: an incremental build validates only the nodes that changed.
        """
        extractions = [g.extraction for g in graphs if g.published and g.extraction is not None]
        layer = merge_layer(extractions, self.iris)
        entry = self.cache.get(self.merged_key)
        known = set(entry.get("conforming", [])) if entry else set()
        units = [(_digest(triples), d.node, triples) for d, triples in layer.validation_units()]
        pending = [unit for unit in units if unit[0] not in known]
        results: list[ValidationResult] = []
        for start in range(0, len(pending), MERGED_CHUNK):
            chunk = [t for _, _, triples in pending[start : start + MERGED_CHUNK] for t in triples]
            results += self.stage.validator.validate(chunk).results
        failing = {r.focus: r.message for r in results if r.severity == "Violation"}
        for node, message in sorted(failing.items()):
            self.report.problems.append(f"merged graph: left out {node}: {message}")
        self.merged_results = [r for r in results if r.focus not in failing]
        noted = {r.focus for r in results}
        conforming = sorted({digest for digest, node, _ in units if node.value not in noted})
        if conforming != sorted(known):
            self.cache.put(self.merged_key, {"conforming": conforming})
        return layer.without({NamedNode(node) for node in failing})

    # -- publish ------------------------------------------------------------------------------
    def publish(
        self,
        staging: Path,
        graphs: Sequence[ArticleGraph],
        merged: MergedLayer,
        nquads_written: Callable[[Path], None],
    ) -> Dumps:
        """kg.nq, kg.ttl (+ .gz), void.ttl and SHA256SUMS of the published graphs; the store is
        loaded from kg.nq by ``nquads_written`` as soon as that file is complete."""
        iris = self.iris
        published = [g for g in graphs if g.published]
        vocabularies = rdf_file_quads(
            self.settings.ontology_path, iris.ontology_graph, iris.base
        ) + rdf_file_quads(self.settings.shapes_path, iris.shapes_graph, iris.base)
        blocks = [g.block for g in published]
        blocks.append(nquads_block(merged.quads(iris.merged_graph)))
        blocks.append(nquads_block(vocabularies))
        blocks.append(self._validation_report(published))
        dumps = write_dump_blocks(
            staging, blocks, self.prefixes, uri_space=iris.base + "id/", written=nquads_written
        )
        dates = [g.article.published.date() for g in published if g.article.published]
        description = void_triples(
            iris,
            dumps.statistics,
            dumps=[(name, (staging / name).stat().st_size) for name in dumps.files],
            articles=sorted((iris.article(g.article.id) for g in published), key=str),
            created=max(dates) if dates else None,
        )
        (staging / VOID_FILE).write_bytes(turtle(sorted_triples(description), self.prefixes))
        shutil.copyfile(self.settings.ontology_path, staging / ONTOLOGY_FILE)
        shutil.copyfile(self.settings.shapes_path, staging / SHAPES_FILE)
        write_checksums(staging, [*dumps.files, VOID_FILE, ONTOLOGY_FILE, SHAPES_FILE])
        return dumps

    def _validation_report(self, published: Sequence[ArticleGraph]) -> bytes:
        """The report of the published data (it conforms: warnings only) as N-Quads."""
        names = [self.iris.article_graph(g.article.id).value for g in published]
        results = [result for g in published for result in g.results] + self.merged_results
        report = ValidationReport.of(results, graphs=[*names, self.iris.merged_graph.value])
        quads = report.to_quads(self.iris.validation_graph, self.iris.validation_report())
        return nquads_block(quads)

    # -- the build report ---------------------------------------------------------------------
    def finish(
        self,
        staging: Path,
        graphs: Sequence[ArticleGraph],
        dumps: Dumps,
        started: float,
        inputs: Sequence[Path],
    ) -> None:
        report = self.report
        report.articles = [g.article.id for g in graphs if g.published]
        report.cached = [g.article.id for g in graphs if g.cached]
        report.counts = {
            "articles": len(report.articles),
            "quarantined": len(report.quarantined),
            "processed": len(report.processed),
            "cached": len(report.cached),
            "quads": dumps.quads,
            "triples": dumps.statistics.triples,
        }
        report.released = True
        _finish(report, started)
        published = report.published(inputs).to_json()
        (staging / COMPLETE_MARKER).write_text(published, encoding="utf-8")


@contextmanager
def _store_loading(staging: Path, *, background: bool) -> Iterator[Callable[[Path], None]]:
    """A function that bulk-loads the store of ``staging`` from an N-Quads file; in a thread when
    ``background`` (pyoxigraph releases the GIL while it loads, so the Turtle dump is written
    meanwhile on another core). Leaving the block waits for the load and raises its error."""
    loads: list[Path] = []
    threads: list[threading.Thread] = []
    failures: list[BaseException] = []

    def in_thread(nquads: Path) -> None:
        try:
            load_store(staging, nquads)
        except BaseException as exc:  # raised again in the build's thread
            failures.append(exc)

    def load(nquads: Path) -> None:
        loads.append(nquads)
        if not background:
            return load_store(staging, nquads)
        threads.append(threading.Thread(target=in_thread, args=(nquads,), name="kg-store-load"))
        threads[-1].start()

    try:
        yield load
    finally:
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
    if not loads:
        raise BuildError("the store was not loaded", why="no N-Quads dump was written")


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _digest(triples: Iterable[Any]) -> str:
    """A hash of a set of triples, whatever their order."""
    return hashlib.sha256("\n".join(sorted(map(str, triples))).encode("utf-8")).hexdigest()


# -- helpers --------------------------------------------------------------------------------------
def _may_release(ingested: Ingested, settings: Settings, report: BuildReport) -> bool:
    if settings.strict and ingested.problems:
        report.problems.append("strict mode: not released because of the problems above")
        return False
    if not ingested.articles:
        report.problems.append("no article could be read: nothing to build")
        return False
    return True


def _finish(report: BuildReport, started: float) -> BuildReport:
    finished = time.time()
    report.finished = _stamp(finished)
    report.seconds = round(finished - started, 3)
    return report


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
