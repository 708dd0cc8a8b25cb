"""The build the server publishes, reopened when a new build is released.

``dist`` is a symlink that each build swaps atomically. Every request asks the holder for the
current :class:`Dataset`; the holder compares the symlink target and ``build-report.json`` with
what it has open (two system calls) and, when they changed, opens the new build. Requests in
flight keep the old dataset until they finish; then its query workers are stopped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from pyoxigraph import Store

from kg.counts import Counts
from kg.dataset.browse import EntityRow, all_entities
from kg.dataset.events import EventReader, EventRow
from kg.dataset.info import (
    BuildInfo,
    count_store,
    counts_from_void,
    read_build_info,
    served_base_iri,
)
from kg.dataset.labels import Labeller
from kg.dataset.remote import RemoteStore
from kg.dataset.store import open_store
from kg.errors import KgError
from kg.layout import REPORT, Layout
from kg.settings import Settings
from kg.sparql import QueryPlan, QueryPool, QueryResult, QueryShape, check_query, execute
from kg.sparql.lexer import CACHED_LENGTH
from kg.sparql.plan import checked_shape

log = logging.getLogger(__name__)
#: Named graphs listed in the service description at most.
MAX_LISTED_GRAPHS = 10_000


class Dataset:
    """One opened build: its store (for pages), its query workers (for SPARQL) and its facts."""

    def __init__(self, info: BuildInfo, settings: Settings) -> None:
        self.info = info
        self.settings = settings
        #: The build's own base IRI (a conflicting --base-iri / KG_BASE_IRI is an error).
        self.base_iri = served_base_iri(info, settings)
        # With an external endpoint the pages read the store there (kg.dataset.remote answers
        # the few Store calls they make); /sparql still runs on the build's own store, if any.
        self.store: Store = (
            cast(Store, RemoteStore(settings.endpoint, timeout=settings.query_timeout))
            if settings.endpoint
            else open_store(info.path)
        )
        self._pool: QueryPool | None = None
        self._counts: Counts | None = None
        self._counted = False
        self._graphs: list[str] | None = None
        self._events: list[EventRow] | None = None
        self._entities: list[EntityRow] | None = None
        self._lock = threading.Lock()
        self._users = 0
        self._retired = False

    @property
    def pool(self) -> QueryPool:
        """The query workers, started on first use (a page that runs no query starts none)."""
        with self._lock:
            if self._pool is None:
                self._pool = QueryPool(
                    self.info.path,
                    self.settings.query_workers,
                    memory_mb=self.settings.query_memory_mb,
                )
            return self._pool

    def shape(self, query: str, deadline: float) -> QueryShape:
        """The checked shape of ``query`` (updates, SERVICE and deep nesting refused): scanned
        here when it is short, in a query worker (memory capped, killed at the deadline) when it
        is long, so no text a client sends can make this process scan it for long."""
        if len(query) <= CACHED_LENGTH:
            return check_query(query, deadline=deadline)
        now = time.monotonic()
        return self.pool.call(
            checked_shape, query, deadline, timeout=max(0.0, deadline - now), started=now
        )

    def answer(self, plan: QueryPlan, *, timeout: float, started: float) -> QueryResult:
        """Run a planned query: a lookup (``plan.shape.lookup``, which provably reads one
        subject's triples) in place on this process's store, anything else in a killable query
        worker within ``timeout`` from ``started``; the slow-query memory knows it by its
        normalised form (``plan.shape.key``)."""
        if plan.shape.lookup:
            return execute(self.store, plan.job)
        return self.pool.call(
            execute, plan.job, timeout=timeout, started=started, key=plan.shape.key
        )

    def counts(self) -> Counts | None:
        """Headline counts: from ``void.ttl``, else counted once in a worker (None if that fails:
        the landing page then shows none, and the store is not counted again for this build)."""
        if not self._counted:
            found = counts_from_void(Layout(self.info.path).void)
            if found is None:
                try:
                    found = self.pool.call(
                        count_store,
                        self.base_iri,
                        timeout=self.settings.query_timeout,
                    )
                except KgError as exc:
                    log.warning("counting %s failed: %s", self.info.path, exc)
            self._counts, self._counted = found, True
        return self._counts

    def event_rows(self) -> list[EventRow]:
        """The events table of this build (every row, unfiltered), read once: a build never
        changes, and the table, timeline and map all filter it."""
        with self._lock:
            if self._events is None:
                reader = EventReader(self.store, Labeller(self.store, self.base_iri))
                self._events = reader.rows()
            return self._events

    def entity_rows(self) -> list[EntityRow]:
        """Every entity of this build with its names, read once (the entities page filters it)."""
        with self._lock:
            if self._entities is None:
                self._entities = all_entities(self.store, Labeller(self.store, self.base_iri))
            return self._entities

    def named_graphs(self) -> list[str]:
        if self._graphs is None:
            graphs: list[str] = []
            for graph in self.store.named_graphs():
                if len(graphs) >= MAX_LISTED_GRAPHS:
                    break
                graphs.append(graph.value)
            self._graphs = sorted(graphs)
        return self._graphs

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            idle = self._retired and self._users == 0
        if idle:
            self.close()

    def retire(self) -> None:
        """A newer build replaced this one: close it as soon as no request uses it."""
        with self._lock:
            self._retired = True
            idle = self._users == 0
        if idle:
            self.close()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


class DatasetHolder:
    """Hands out the current dataset of ``directory`` and swaps it when a build is released."""

    def __init__(self, directory: Path, settings: Settings) -> None:
        self.directory = directory
        self.settings = settings
        self._report = os.path.join(directory, REPORT)
        self._lock = threading.Lock()
        self._current: Dataset | None = None
        self._key: tuple[str, int, int] | None = None

    def _key_now(self) -> tuple[str, int, int] | None:
        """What identifies the released build: the symlink's target and its report's inode and
        time (two system calls; resolving the whole path each request cost six)."""
        try:
            target = os.readlink(self.directory)
        except OSError:
            target = ""  # a plain folder, not a symlink: its report alone tells builds apart
        try:
            stat = os.stat(self._report)
        except OSError:
            return None
        return target, stat.st_ino, stat.st_mtime_ns

    def _current_dataset(self) -> Dataset:
        key = self._key_now()
        with self._lock:
            if self._current is not None and key == self._key:
                self._current.enter()
                return self._current
            fresh = Dataset(read_build_info(self.directory), self.settings)
            old, self._current, self._key = self._current, fresh, key
            fresh.enter()
        if old is not None:
            log.info("new build %s replaces %s", fresh.info.path, old.info.path)
            old.retire()
        return fresh

    @contextmanager
    def use(self) -> Iterator[Dataset]:
        """The current dataset, kept open until the block ends."""
        dataset = self._current_dataset()
        try:
            yield dataset
        finally:
            dataset.leave()

    def close(self) -> None:
        with self._lock:
            current, self._current, self._key = self._current, None, None
        if current is not None:
            current.retire()
