"""Every article of a build through the per-article stage, from the cache where it can be.

An article whose cache entry (:mod:`kg.build.cache`) matches its text and the build context is
reused as is; the others go through :func:`kg.build.stage.run_batch` in batches of
``settings.batch_size``, run by an executor (:mod:`kg.build.executors`): in this process, in
forked worker processes, or on a Dask cluster. Each outcome is cached as soon as it arrives, so
a build that fails later loses none of the work done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from kg.build.cache import Cache, cache_key
from kg.build.executors import Executor
from kg.build.stage import (
    Outcome,
    Published,
    outcome_from_cache,
    outcome_to_cache,
)
from kg.model import Article

T = TypeVar("T")
K = TypeVar("K")


class Progress(Protocol):
    """Told how far the build is (a progress bar on a terminal; nothing elsewhere)."""

    def start(self, total: int, *, done: int) -> None: ...

    def advance(self, articles: int) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ArticleOutcomes(Generic[K]):
    """What the build kept of every article's outcome, in input order; which of them were
    processed (not cached), and which were rebuilt because their cache entry was damaged."""

    outcomes: tuple[K, ...]
    processed: tuple[str, ...]
    cache_rebuilt: tuple[str, ...]


def process_articles(
    articles: Sequence[Article],
    cache: Cache,
    context: str,
    executor: Callable[[int], AbstractContextManager[Executor]],
    batch_size: int,
    *,
    keep: Callable[[Outcome], K],
    progress: Progress | None = None,
) -> ArticleOutcomes[K]:
    """Every article's outcome; only the articles the cache does not hold are run, by the
    executor ``executor(n)`` opens for ``n`` of them. ``keep`` sees each outcome as it arrives
    and returns what the build holds on to (the spooling build keeps only a summary)."""
    done: dict[str, K] = {}
    todo: list[tuple[Article, str]] = []
    for article in articles:
        key = cache_key(article, context)
        cached = _from_cache(cache, article, key)
        if cached is None:
            todo.append((article, key))
        else:
            done[article.id] = keep(cached)
    corrupt = set(cache.corrupt)
    rebuilt = tuple(article.id for article, key in todo if key in corrupt)
    processed: list[str] = []
    if progress is not None:
        progress.start(len(articles), done=len(done))
    if todo:
        with executor(len(todo)) as running:
            for outcomes in running.run(_batches(todo, batch_size)):
                for outcome in outcomes:
                    processed.append(outcome.article.id)
                    if isinstance(outcome, Published) or outcome.violations:  # else transient
                        cache.put(outcome.key, outcome_to_cache(outcome))
                    done[outcome.article.id] = keep(outcome)
                if progress is not None:
                    progress.advance(len(outcomes))
    if progress is not None:
        progress.close()
    order = {article.id: number for number, article in enumerate(articles)}
    return ArticleOutcomes(
        outcomes=tuple(done[article.id] for article in articles),
        processed=tuple(sorted(processed, key=order.__getitem__)),
        cache_rebuilt=rebuilt,
    )


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
