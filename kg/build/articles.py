"""The per-article stage of a build: extract, link, map and validate a batch of articles.
:class:`ArticleStage` turns a batch of articles into :class:`ArticleGraph` records: an article's
graph as sorted N-Quads, or why the article is quarantined. Every failure of one article is caught
here (an extraction, linking or mapping that raises, a graph that does not conform), so one broken
article never sinks the others. The stage is small and picklable: :mod:`kg.build.pipeline` runs it
in this process or in worker processes, batch by batch, and caches what it returns
(:mod:`kg.build.cache`).
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Quad

from kg.build.cache import extraction_from_json, extraction_to_json
from kg.build.versions import file_hash
from kg.extract import extract_articles
from kg.graph.map import Activity, map_article
from kg.graph.merge import entity_view
from kg.iris import Iris
from kg.link import Linker, link_entities, make_linker
from kg.model import Article, Extraction
from kg.publish.dumps import nquads_block
from kg.settings import Settings
from kg.shacl.validate import ValidationReport, ValidationResult, Validator

#: Articles extracted, linked, mapped and validated together, as one task of a worker process: the
#: conformance screen runs one query per batch (pyoxigraph plans each query anew, about 10 ms for
#: our shapes), spaCy parses a batch at once, and small tasks keep two workers evenly busy.
ARTICLES_PER_BATCH = 32


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
        self.versions = (file_hash(settings.shapes_path), file_hash(settings.ontology_path))

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


def _error(what: str, exc: BaseException) -> str:
    """What failed, the exception, and the line that raised it (for the quarantine reason)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{what}: {type(exc).__name__}: {exc}{where}"


def _violations(report: ValidationReport) -> str:
    lines = [f"{r.focus}: {r.message}" for r in report.results if r.severity == "Violation"]
    more = f" (and {len(lines) - 3} more)" if len(lines) > 3 else ""
    return "; ".join(lines[:3]) + more
