"""Open a released build's store, read-only (it was loaded once by :mod:`kg.publish.store`)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Store

from kg.errors import DatasetError
from kg.layout import Layout


def open_store(directory: Path) -> Store:
    """Open the store of a released build read-only; say clearly when it is missing or broken."""
    path = Layout(directory).store
    if not path.is_dir():
        raise DatasetError(
            f"no store in {directory}",
            why=f"{path} does not exist",
            fix=f"run `kg build --out {directory}` first",
        )
    try:
        return Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:
        # pyoxigraph reports a damaged store ("Corruption: ...") as RuntimeError.
        raise DatasetError(
            f"the store in {path} cannot be opened (missing, unreadable or corrupt)",
            why=str(exc),
            fix=f"rebuild it with `kg build --out {directory}`",
        ) from exc
