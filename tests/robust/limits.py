"""Functions a query worker runs (``QueryPool.call`` sends them by reference) to report its own
limits."""

from __future__ import annotations

import resource
import time

from pyoxigraph import Store


def address_space_limit(store: Store) -> int:
    """The worker's soft RLIMIT_AS in bytes (``resource.RLIM_INFINITY`` when there is none)."""
    return resource.getrlimit(resource.RLIMIT_AS)[0]


def allocate(store: Store, megabytes: int) -> int:
    """Allocate and touch ``megabytes`` MB, as a query materialising a huge product would."""
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def sleep(store: Store, seconds: float) -> float:
    """Hold the worker for ``seconds``, as a slow query would."""
    time.sleep(seconds)
    return seconds
