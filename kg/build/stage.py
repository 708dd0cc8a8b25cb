"""The per-article stage: extract, link, map and validate a batch of articles.

:func:`run_batch` turns a batch of articles into outcomes, one per article: :class:`Published`
(the article's graph as sorted N-Quads, its extraction for the merged layer, its warnings) or
:class:`Quarantined` (why, and what is known of its graph). Every failure of one article is
caught here (an extraction, linking or mapping that raises, a graph that does not conform), so
one broken article never sinks the others. Outcomes are frozen values; the build caches them
(:mod:`kg.build.cache`) and runs batches here or in worker processes (:mod:`kg.build.articles`).
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pyoxigraph import Quad, Triple

from kg.build.timelimit import TimeLimitExceeded, time_limit
from kg.build.toolkit import Extract, Toolkit
from kg.codec import extraction_from_json, extraction_to_json
from kg.graph.context import context_of, entity_contexts
from kg.graph.facts import without_facts
from kg.graph.map import Activity, map_article
from kg.graph.merge import entity_view
from kg.iris import Iris
from kg.link import link_entities
from kg.model import Article, Extraction
from kg.publish.dumps import nquads_block
from kg.shacl.validate import ValidationReport, ValidationResult


@dataclass(frozen=True)
class Published:
    """An article whose graph conforms: its sorted N-Quads, extraction and warnings, and the
    facts left out of it because they violated a shape (``"<IRI>: <why>"``)."""

    article: Article
    key: str
    block: bytes
    extraction: Extraction
    warnings: tuple[ValidationResult, ...] = ()
    cached: bool = False
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quarantined:
    """An article left out, with the reason; its graph and violations when it got that far."""

    article: Article
    key: str
    reason: str
    block: bytes = b""
    violations: tuple[ValidationResult, ...] = ()
    cached: bool = False


Outcome = Published | Quarantined


@dataclass(frozen=True)
class ArticleStage:
    """What the stage needs: the toolkit, the IRIs, the build activity, the batch size and the
    time limit on one article's extraction (seconds; 0: none)."""

    toolkit: Toolkit
    iris: Iris
    activity: Activity
    batch_size: int
    article_timeout: float = 0.0


def run_batch(stage: ArticleStage, batch: Sequence[tuple[Article, str]]) -> list[Outcome]:
    """The outcome of each (article, cache key) of ``batch``, in order.

    The batch is validated together (:meth:`Validator.validate_each` screens all its graphs with
    one query); if that fails, each graph is validated alone to find the one at fault.
    """
    extracted = extract_each(
        stage.toolkit.extract, [a for a, _ in batch], stage.batch_size, stage.article_timeout
    )
    mapped = [
        _mapped(stage, article, key, outcome)
        for (article, key), (_, outcome) in zip(batch, extracted, strict=True)
    ]
    pending = [(i, item) for i, item in enumerate(mapped) if not isinstance(item, Quarantined)]
    validator = stage.toolkit.validator
    try:
        verdicts: list[ValidationReport | str] = list(
            validator.validate_each([triples for _, (_, triples) in pending])
        )
    except Exception:
        verdicts = [_validate_alone(stage, triples) for _, (_, triples) in pending]
    outcomes: list[Outcome] = [
        item if isinstance(item, Quarantined) else item[0] for item in mapped
    ]
    for (number, (published, _)), verdict in zip(pending, verdicts, strict=True):
        outcomes[number] = _judged(stage, published, verdict)
    return outcomes


def _mapped(
    stage: ArticleStage, article: Article, key: str, extracted: Extraction | str
) -> Quarantined | tuple[Published, list[Triple | Quad]]:
    """The article linked and mapped, with what to validate; or why it failed."""
    if isinstance(extracted, str):
        return Quarantined(article, key, extracted)
    try:
        linker = stage.toolkit.linker
        extraction = extracted if linker is None else link_entities(extracted, linker)
    except Exception as exc:
        return Quarantined(article, key, _error("linking failed", exc))
    try:
        quads = map_article(extraction, stage.iris, stage.activity)
    except Exception as exc:
        return Quarantined(article, key, _error("mapping failed", exc))
    block = nquads_block(quads)
    try:
        view = entity_view(extraction, stage.iris)
        context = context_of((q.triple for q in quads), entity_contexts(view), ())
    except Exception as exc:
        return Quarantined(article, key, _error("validation failed to run", exc), block)
    return Published(article, key, block, extraction), [*quads, *context]


def _validate_alone(stage: ArticleStage, triples: list[Triple | Quad]) -> ValidationReport | str:
    try:
        return stage.toolkit.validator.validate(triples)
    except Exception as exc:
        return _error("validation failed to run", exc)


def _judged(stage: ArticleStage, published: Published, verdict: ValidationReport | str) -> Outcome:
    """The article published with its warnings; without the facts that violate their shapes
    (:mod:`kg.graph.facts`) when the rest conforms; else quarantined with its violations."""
    if isinstance(verdict, str):
        return Quarantined(published.article, published.key, verdict, published.block)
    if verdict.conforms:
        return replace(published, warnings=verdict.results)
    trimmed = _without_violating_facts(stage, published, verdict)
    if trimmed is not None:
        return trimmed
    reason = "its graph does not conform to shapes/: " + _violations(verdict)
    return Quarantined(published.article, published.key, reason, published.block, verdict.results)


def _without_violating_facts(
    stage: ArticleStage, published: Published, verdict: ValidationReport
) -> Published | None:
    """The article mapped again without the statements, reports and positions that violate a
    shape, if that is all that violates one and the rest conforms."""
    violations = [r for r in verdict.results if r.severity == "Violation"]
    kept = without_facts(published.extraction, stage.iris, {r.focus for r in violations})
    if kept is None:
        return None
    try:
        quads = map_article(kept, stage.iris, stage.activity)
        view = entity_view(kept, stage.iris)
        context = context_of((q.triple for q in quads), entity_contexts(view), ())
        again = stage.toolkit.validator.validate([*quads, *context])
    except Exception:
        return None
    if not again.conforms:
        return None
    left_out = tuple(sorted({f"{r.focus}: {r.message}" for r in violations}))
    return Published(
        published.article, published.key, nquads_block(quads), kept, again.results,
        left_out=left_out,
    )  # fmt: skip


def extract_each(
    extract: Extract, articles: Sequence[Article], batch_size: int, seconds: float = 0.0
) -> Iterator[tuple[Article, Extraction | str]]:
    """Each article with its extraction, or why it failed (in input order).

    When the stream fails, the article it stopped at is retried alone: if it fails again it
    is the culprit, else its extraction is kept; the stream resumes after it.

    ``seconds`` (0: none) bounds the CPU time spent on each next extraction
    (:mod:`kg.build.timelimit`). spaCy parses a batch before it yields its first document, so
    when the time runs out it is not known which article of the batch is at fault: the articles
    not yet extracted are then extracted one at a time, each within the limit, and an article
    that runs out of time alone is the one that failed.
    """
    remaining = articles
    while remaining:
        done = 0
        try:
            stream = iter(extract(remaining, batch_size=batch_size))
            while done < len(remaining):
                with time_limit(seconds):
                    extraction = next(stream, None)
                if extraction is None:
                    return
                yield remaining[done], extraction
                done += 1
            return
        except TimeLimitExceeded:
            stalled = remaining[done:]
            if len(stalled) == 1:
                yield stalled[0], _too_slow(seconds)
            else:
                for article in stalled:
                    yield article, _extract_alone(extract, article, seconds)
            return
        except Exception:  # one bad article must not sink the others
            suspect = remaining[done]
            yield suspect, _extract_alone(extract, suspect, seconds)
            remaining = remaining[done + 1 :]


def _extract_alone(extract: Extract, article: Article, seconds: float) -> Extraction | str:
    """One article's extraction within the time limit, or why it failed."""
    try:
        with time_limit(seconds):
            (extraction,) = list(extract([article], batch_size=1))
    except TimeLimitExceeded:
        return _too_slow(seconds)
    except Exception as exc:
        return _error("extraction failed", exc)
    return extraction


def _too_slow(seconds: float) -> str:
    return (
        f"extraction was stopped after {seconds:g} s of CPU time, the time limit per article "
        "(KG_ARTICLE_TIMEOUT): spaCy may be stuck on pathological text (long runs of "
        "punctuation, very long lines); check the text, or raise the limit"
    )


# -- outcomes in the cache ------------------------------------------------------------------------
def outcome_to_cache(outcome: Outcome) -> dict[str, Any]:
    """The outcome as a cache entry (the article itself is not stored: ingest has it)."""
    left_out: tuple[str, ...] = ()
    if isinstance(outcome, Published):
        extraction: dict[str, Any] | None = extraction_to_json(outcome.extraction)
        results, error, left_out = outcome.warnings, "", outcome.left_out
    else:
        extraction, results, error = None, outcome.violations, outcome.reason
    return {
        "article": outcome.article.id,
        "block": outcome.block.decode("utf-8"),
        "extraction": extraction,
        "results": [asdict(result) for result in results],
        "error": error,
        "left_out": list(left_out),
    }


def outcome_from_cache(article: Article, key: str, entry: dict[str, Any]) -> Outcome:
    """The outcome a cache entry holds; raises ``KeyError``/``TypeError``/``ValueError`` when
    the entry is damaged."""
    results = tuple(ValidationResult(**result) for result in entry["results"])
    block = entry["block"].encode("utf-8")
    if entry["error"]:
        return Quarantined(article, key, str(entry["error"]), block, results, cached=True)
    extraction = extraction_from_json(entry["extraction"], article)
    left_out = tuple(str(item) for item in entry["left_out"])
    return Published(article, key, block, extraction, results, cached=True, left_out=left_out)


def _error(what: str, exc: BaseException) -> str:
    """What failed, the exception, and the line that raised it (for the quarantine reason)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{what}: {type(exc).__name__}: {exc}{where}"


def _violations(report: ValidationReport) -> str:
    lines = [f"{r.focus}: {r.message}" for r in report.results if r.severity == "Violation"]
    more = f" (and {len(lines) - 3} more)" if len(lines) > 3 else ""
    return "; ".join(lines[:3]) + more
