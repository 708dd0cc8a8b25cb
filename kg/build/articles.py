"""Every article of a build through the per-article stage, from the cache where it can be.

An article whose cache entry (:mod:`kg.build.cache`) matches its text and the build context is
reused as is; the others go through :func:`kg.build.stage.run_batch` in batches of
``settings.batch_size``, in this process or, with ``processes`` > 1, in worker processes forked
after the toolkit was loaded (they inherit it instead of loading their own).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from kg.build.cache import Cache, cache_key
from kg.build.stage import (
    ArticleStage,
    Outcome,
    Published,
    outcome_from_cache,
    outcome_to_cache,
    run_batch,
)
from kg.model import Article

#: Fewer articles to process than this are not worth starting worker processes for.
PARALLEL_MINIMUM = 8

T = TypeVar("T")


@dataclass(frozen=True)
class ArticleOutcomes:
    """The outcome of every article in input order, which of them were processed (not cached),
    and which were rebuilt because their cache entry was damaged."""

    outcomes: tuple[Outcome, ...]
    processed: tuple[str, ...]
    cache_rebuilt: tuple[str, ...]


def process_articles(
    articles: Sequence[Article],
    stage: ArticleStage,
    cache: Cache,
    context: str,
    processes: int,
) -> ArticleOutcomes:
    """Every article's outcome; only the articles the cache does not hold are run."""
    done: dict[str, Outcome] = {}
    todo: list[tuple[Article, str]] = []
    for article in articles:
        key = cache_key(article, context)
        cached = _from_cache(cache, article, key)
        if cached is None:
            todo.append((article, key))
        else:
            done[article.id] = cached
    corrupt = set(cache.corrupt)
    rebuilt = tuple(article.id for article, key in todo if key in corrupt)
    processed: list[str] = []
    for outcome in _run(stage, todo, processes):
        processed.append(outcome.article.id)
        if isinstance(outcome, Published) or outcome.violations:  # an exception may be transient
            cache.put(outcome.key, outcome_to_cache(outcome))
        done[outcome.article.id] = outcome
    return ArticleOutcomes(
        outcomes=tuple(done[article.id] for article in articles),
        processed=tuple(processed),
        cache_rebuilt=rebuilt,
    )


def _run(
    stage: ArticleStage, todo: Sequence[tuple[Article, str]], processes: int
) -> Iterator[Outcome]:
    batches = _batches(todo, stage.batch_size)
    with _workers(stage, processes if len(todo) >= PARALLEL_MINIMUM else 1) as pool:
        runs = pool.map(_run_installed, batches) if pool else (run_batch(stage, b) for b in batches)
        for outcomes in runs:
            yield from outcomes


#: The stage of a worker process, installed once when the worker starts (see :func:`_workers`).
_installed: list[ArticleStage] = []


def _install(stage: ArticleStage) -> None:
    _installed[:] = [stage]


def _run_installed(batch: Sequence[tuple[Article, str]]) -> list[Outcome]:
    return run_batch(_installed[0], batch)


@contextmanager
def _workers(stage: ArticleStage, processes: int) -> Iterator[ProcessPoolExecutor | None]:
    """With ``processes`` > 1, worker processes that each extract, link, map and validate whole
    batches of articles, while this one only collects their outcomes.

    The workers are forked all at once, while this process has no other thread; each gets the
    stage (and its loaded toolkit) through the fork, not through a pipe, and keeps it for every
    batch it runs.
    """
    if processes < 2:
        yield None
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_install, initargs=(stage,)
    ) as pool:
        pool.submit(int).result()  # start them all now (fork: all at the first submit)
        yield pool


def _from_cache(cache: Cache, article: Article, key: str) -> Outcome | None:
    entry = cache.get(key)
    if entry is None:
        return None
    try:
        return outcome_from_cache(article, key, entry)
    except (KeyError, TypeError, ValueError, AttributeError):
        cache.corrupt.append(key)
        return None


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
