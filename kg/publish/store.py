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


def load_store(layout: Layout) -> None:
    """Bulk-load the build's ``kg.nq`` into a new on-disk store at ``store/``."""
    store = Store(str(layout.store))
    store.bulk_load(path=str(layout.nquads), format=RdfFormat.N_QUADS)
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
