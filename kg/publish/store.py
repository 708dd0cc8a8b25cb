"""Load a build's store from its N-Quads dump: the build's only store write.

A store is written once, in the staging folder of a build, and afterwards only opened read-only
(:mod:`kg.dataset.store`): pyoxigraph must not open a store read-only while another process
writes it, so builds never write a released store; they write a new one and swap it in.

The store holds the named graphs of ``kg.nq`` and, as its default graph, their RDF merge: each
distinct triple once (what ``kg.ttl`` holds). pyoxigraph's union default graph would be a bag (a
triple in three graphs matched three times), so counts and joins over the default graph would
not be what the dumps say. The VoID description is added last, in a named graph of its own
(:func:`add_description`) that the default graph leaves out: it counts the default graph's
triples and the sizes of the dumps, so it cannot be part of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from kg.errors import BuildError
from kg.layout import Layout
from kg.publish.dumps import triple_lines

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
            # the merge: the chunk's triples in the default graph too (the store is a set, so
            # a triple in two chunks or two named graphs is there once); N-Triples lines load
            # faster than re-parsing the quads in Python
            triples = triple_lines(line.rstrip(b"\n") for line in lines)
            store.bulk_load(b"".join(t + b"\n" for t in triples), format=RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store


def add_description(layout: Layout, graph: NamedNode) -> None:
    """Add the build's ``void.ttl`` to its store as the named graph ``graph`` (not to the
    default graph), so the dataset's own description can be queried and dereferenced."""
    store = Store(str(layout.store))
    store.bulk_extend(
        Quad(t.subject, t.predicate, t.object, graph)
        for t in parse(path=str(layout.void), format=RdfFormat.TURTLE)
    )
    store.flush()
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
