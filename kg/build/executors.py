"""Where batches of the per-article stage run: in this process, in forked workers, on a cluster.

An :class:`Executor` takes batches of ``(article, cache key)`` and yields, for each batch, the
outcome of each of its articles (:func:`kg.build.stage.run_batch`). Batches may come back in
any order; the build puts outcomes back in input order, so where they ran never shows in the
output. Three executors exist:

- :class:`InProcess`: this process runs every batch (``--processes 1``);
- :class:`ForkedWorkers`: worker processes forked after the toolkit was loaded (``--processes
  N``), each keeping the stage it inherited;
- :class:`kg.build.cluster.DaskExecutor`: the workers of a Dask cluster (``--scheduler URL``),
  each loading the toolkit once, when it starts (a worker plugin).

An executor never raises for one article: the stage catches what an article does wrong. Only a
batch lost with its worker is the executor's business (the Dask one retries it once, then
quarantines its articles).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from itertools import islice
from typing import Protocol

from kg.build.stage import ArticleStage, Outcome, run_batch
from kg.build.toolkit import ToolkitRecipe
from kg.graph.map import Activity
from kg.model import Article
from kg.settings import Settings

Batch = Sequence[tuple[Article, str]]


class Executor(Protocol):
    """Runs batches of the per-article stage; yields each batch's outcomes, batches in any
    order, each batch's outcomes in its own order."""

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Outcome]]: ...


class InProcess:
    """Every batch in this process, one after the other."""

    def __init__(self, stage: ArticleStage) -> None:
        self.stage = stage

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Outcome]]:
        for batch in batches:
            yield run_batch(self.stage, batch)


#: Batches in flight per worker process (see :meth:`ForkedWorkers.run`).
IN_FLIGHT_PER_PROCESS = 3
#: The stage of a forked worker process, installed once when the worker starts.
_installed: list[ArticleStage] = []


def _install(stage: ArticleStage) -> None:
    _installed[:] = [stage]


def _run_installed(batch: Batch) -> list[Outcome]:
    return run_batch(_installed[0], batch)


class ForkedWorkers:
    """Worker processes that each extract, link, map and validate whole batches, while this
    process only collects their outcomes.

    The workers are forked all at once, while this process has no other thread; each gets the
    stage (and its loaded toolkit) through the fork, not through a pipe, and keeps it for every
    batch it runs.
    """

    def __init__(self, pool: ProcessPoolExecutor, processes: int) -> None:
        self.pool = pool
        self.window = IN_FLIGHT_PER_PROCESS * processes

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Outcome]]:
        """A few batches per worker in flight, never all: outcomes wait for this process in
        memory, so the window bounds them whatever the corpus size (``Executor.map`` would
        submit every batch at once)."""
        pending = iter(batches)
        running = {self.pool.submit(_run_installed, b) for b in islice(pending, self.window)}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
            running |= {self.pool.submit(_run_installed, b) for b in islice(pending, len(done))}

    @classmethod
    @contextmanager
    def started(cls, stage: ArticleStage, processes: int) -> Iterator[ForkedWorkers]:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            processes, mp_context=context, initializer=_install, initargs=(stage,)
        ) as pool:
            pool.submit(int).result()  # start them all now (fork: all at the first submit)
            yield cls(pool, processes)


#: Fewer articles to process than this are not worth starting worker processes for.
PARALLEL_MINIMUM = 8


@contextmanager
def open_executor(
    settings: Settings,
    todo: int,
    stage: Callable[[], ArticleStage],
    recipe: ToolkitRecipe,
    activity: Activity,
) -> Iterator[Executor]:
    """The executor ``settings`` ask for, for ``todo`` articles; ``stage`` loads the local stage
    (only when this process runs batches: a cluster build never loads the model here),
    ``recipe`` tells cluster workers what to load."""
    if settings.scheduler:
        from kg.build.cluster import DaskExecutor  # only a cluster build imports distributed

        with DaskExecutor.connected(
            settings.scheduler, recipe, activity, settings.batch_size
        ) as executor:
            yield executor
    elif settings.processes > 1 and todo >= PARALLEL_MINIMUM:
        with ForkedWorkers.started(stage(), settings.processes) as executor:
            yield executor
    else:
        yield InProcess(stage())
