"""Load a build's store from its N-Quads dump: the build's only store write.

A store is written once, in the staging folder of a build, and afterwards only opened read-only
(:mod:`kg.dataset.store`): pyoxigraph must not open a store read-only while another process
writes it, so builds never write a released store; they write a new one and swap it in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from kg.errors import BuildError
from kg.layout import Layout

#: N-Quads text per bulk-load call (see :func:`load_store`).
LOAD_CHUNK_BYTES = 32 * 1024 * 1024


def load_store(layout: Layout) -> None:
    """Bulk-load the build's ``kg.nq`` into a new on-disk store at ``store/``, a chunk of
    :data:`LOAD_CHUNK_BYTES` at a time.

    pyoxigraph's bulk loader holds large batches in memory (loading 2 million quads in one call
    peaked at 1.5 GB, in chunks of 32 MB at 0.3 GB, in the same time), so chunks keep the build's
    memory independent of the size of the dump. Lines are whole quads, so any cut between lines
    is valid N-Quads.
    """
    store = Store(str(layout.store))
    with open(layout.nquads, "rb") as nquads:
        while lines := nquads.readlines(LOAD_CHUNK_BYTES):
            store.bulk_load(b"".join(lines), format=RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store


@contextmanager
def store_loading(layout: Layout, *, background: bool) -> Iterator[Callable[[Path], None]]:
    """A function to call once ``kg.nq`` is complete: it loads the store, in a thread when
    ``background`` (pyoxigraph releases the GIL while it loads, so the Turtle dump is written
    meanwhile on another core). Leaving the block waits for the load and raises its error."""
    loads: list[Path] = []
    threads: list[threading.Thread] = []
    failures: list[BaseException] = []

    def in_thread() -> None:
        try:
            load_store(layout)
        except BaseException as exc:  # raised again in the build's thread
            failures.append(exc)

    def load(nquads: Path) -> None:
        loads.append(nquads)
        if not background:
            return load_store(layout)
        threads.append(threading.Thread(target=in_thread, name="kg-store-load"))
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
