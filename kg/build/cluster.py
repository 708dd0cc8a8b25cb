"""The per-article stage on the workers of a Dask cluster (``kg build --scheduler URL``).

Each worker loads the toolkit once, when it joins (:class:`StagePlugin`, a Dask worker plugin
registered for the build and removed after it): the recipe it gets is the settings and the
shapes and ontology the build validates with, never a model. Every task is one batch of articles
(:func:`kg.build.stage.run_batch`); a worker checks at start that its code, model and gazetteer
make the same build activity as the build process's, so a cluster with another version of
newskg refuses to work instead of publishing different graphs.

Failures: a batch whose worker dies (or whose task fails) is submitted again and runs wherever
the scheduler sends it; a batch that fails twice quarantines its articles, with the reason, and
the build goes on. The Dask scheduler also retries tasks of dead workers on its own
(``distributed.scheduler.allowed-failures``, 3 by default): set it to 0 on the scheduler for
exactly two tries per batch. A lost scheduler fails the build (the previous one stays
released; finished batches are in the cache).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from distributed import Client, Future, WorkerPlugin, as_completed, get_worker

from kg.build.executors import Batch
from kg.build.stage import ArticleStage, Outcome, Quarantined, run_batch
from kg.build.toolkit import ToolkitRecipe
from kg.build.versions import build_activity
from kg.errors import BuildError
from kg.graph.map import Activity
from kg.iris import Iris

#: Seconds to wait for the scheduler, and for at least one worker to join.
CONNECT_SECONDS = 30
#: Batches in flight per worker thread: enough to keep workers busy, few enough that the build
#: process holds a bounded number of articles and outcomes whatever the corpus size.
IN_FLIGHT_PER_THREAD = 3
Tries = dict["Future[list[Outcome]]", tuple[int, Batch, int]]
#: How many times a batch is submitted before its articles are quarantined.
TRIES = 2


@dataclass(frozen=True)
class StageRecipe:
    """What a worker needs to make the build's stage: the toolkit recipe, the shapes and ontology
    (their bytes: a worker may have another file system), and the build's activity."""

    toolkit: ToolkitRecipe
    shapes: bytes
    ontology: bytes
    activity: Activity
    batch_size: int

    @property
    def name(self) -> str:
        """The plugin's name: two builds with different recipes never share a stage."""
        digest = hashlib.sha256(
            repr((self.toolkit, self.activity, self.batch_size)).encode()
            + self.shapes
            + self.ontology
        ).hexdigest()
        return f"newskg-stage-{digest[:16]}"


class StagePlugin(WorkerPlugin):
    """Loads the stage once per worker, when the worker starts (or when the build registers it)."""

    def __init__(self, recipe: StageRecipe) -> None:
        self.recipe = recipe
        self.name = recipe.name
        self.stage: ArticleStage | None = None
        self.folder: str | None = None

    def setup(self, worker: Any) -> None:
        self.folder = tempfile.mkdtemp(prefix="newskg-worker-")
        shapes, ontology = Path(self.folder, "shapes.ttl"), Path(self.folder, "ontology.ttl")
        shapes.write_bytes(self.recipe.shapes)
        ontology.write_bytes(self.recipe.ontology)
        settings = replace(self.recipe.toolkit.settings, shapes_path=shapes, ontology_path=ontology)
        iris = Iris(settings.base_iri)
        own = build_activity(iris, settings)
        if own != self.recipe.activity:
            raise BuildError(
                f"worker {worker.address} runs another newskg pipeline than the build",
                why=f"its versions are {own.versions()}, the build's "
                f"{self.recipe.activity.versions()}",
                fix="install the same newskg, spaCy model and gazetteer on every worker",
            )
        toolkit = replace(self.recipe.toolkit, settings=settings).load()
        self.stage = ArticleStage(
            toolkit, iris, self.recipe.activity, self.recipe.batch_size, settings.article_timeout
        )

    def teardown(self, worker: Any) -> None:
        self.stage = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def run_on_worker(name: str, batch: Batch) -> list[Outcome]:
    """A Dask task: one batch through the stage the worker loaded at start."""
    plugin = get_worker().plugins.get(name)
    if not isinstance(plugin, StagePlugin) or plugin.stage is None:
        raise RuntimeError(f"worker has no newskg stage {name} (its plugin did not load)")
    return run_batch(plugin.stage, batch)


class DaskExecutor:
    """Runs batches on a Dask cluster: a bounded window in flight, two tries per batch."""

    def __init__(self, client: Client, name: str) -> None:
        self.client = client
        self.name = name
        self.build = os.urandom(4).hex()

    @classmethod
    @contextmanager
    def connected(
        cls,
        address: str,
        recipe: ToolkitRecipe,
        activity: Activity,
        batch_size: int,
    ) -> Iterator[DaskExecutor]:
        """Connect to the scheduler at ``address``, load the stage on its workers, and remove it
        from them when the block ends."""
        stage = StageRecipe(
            toolkit=recipe,
            shapes=recipe.settings.shapes_path.read_bytes(),
            ontology=recipe.settings.ontology_path.read_bytes(),
            activity=activity,
            batch_size=batch_size,
        )
        client = _connect(address)
        try:
            try:
                client.wait_for_workers(1, timeout=CONNECT_SECONDS)
            except TimeoutError as exc:
                raise BuildError(
                    f"the Dask cluster at {address} has no worker",
                    why=f"none joined within {CONNECT_SECONDS} s",
                    fix=f"start workers with `dask worker {address}`",
                ) from exc
            plugin = StagePlugin(stage)
            client.register_plugin(plugin, name=stage.name)
            try:
                yield cls(client, stage.name)
            finally:
                if client.status == "running":
                    client.unregister_worker_plugin(stage.name)
        finally:
            client.close()

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Outcome]]:
        pending = iter(enumerate(batches))
        window = max(2, IN_FLIGHT_PER_THREAD * sum(self.client.nthreads().values()))
        tries: Tries = {}
        first = [self._submit(n, b, 1, tries) for n, b in itertools.islice(pending, window)]
        if not first:
            return
        running = as_completed(first, loop=self.client.loop)
        for future in running:
            number, batch, attempt = tries.pop(future)
            try:
                outcomes: list[Outcome] = future.result()
            except Exception as exc:  # the worker died, or the task failed: retry, then give up
                self._check_scheduler()
                if attempt < TRIES:
                    running.add(self._submit(number, batch, attempt + 1, tries))
                    continue
                outcomes = _lost(batch, exc)
            finally:
                future.release()
            yield outcomes
            for number, batch in itertools.islice(pending, 1):
                running.add(self._submit(number, batch, 1, tries))

    def _submit(
        self, number: int, batch: Batch, attempt: int, tries: Tries
    ) -> Future[list[Outcome]]:
        future = self.client.submit(
            run_on_worker, self.name, batch, key=f"newskg-{self.build}-{number}-{attempt}"
        )
        tries[future] = (number, batch, attempt)
        return future

    def _check_scheduler(self) -> None:
        if self.client.status != "running":
            raise BuildError(
                "lost the connection to the Dask scheduler",
                why=f"the client is {self.client.status}",
                fix="restart the scheduler and build again (finished batches are cached)",
            )


def _lost(batch: Batch, exc: BaseException) -> list[Outcome]:
    reason = (
        f"its batch of {len(batch)} article(s) failed {TRIES} times on the cluster "
        f"({type(exc).__name__}: {exc}); it was not built"
    )
    return [Quarantined(article, key, reason) for article, key in batch]


def _connect(address: str) -> Client:
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BuildError(
            f"cannot reach the Dask scheduler at {address}",
            why=str(exc) or type(exc).__name__,
            fix="start one with `dask scheduler` or correct --scheduler / KG_SCHEDULER",
        ) from exc
