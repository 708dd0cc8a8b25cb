"""Functions a query worker runs (``QueryPool.call`` sends them by reference) to report its own
limits."""

from __future__ import annotations

import resource

from pyoxigraph import Store


def address_space_limit(store: Store) -> int:
    """The worker's soft RLIMIT_AS in bytes (``resource.RLIM_INFINITY`` when there is none)."""
    return resource.getrlimit(resource.RLIMIT_AS)[0]
