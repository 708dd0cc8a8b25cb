"""The pyoxigraph store: bulk-load a finished build, open it read-only, and nothing else.

This is the project's only store I/O. A store is written once, in the staging folder of a build,
and then only ever opened read-only (pyoxigraph must not open a store read-only while another
process writes it: builds never write a released store; they write a new one and swap it in).
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat, Store

from kg.errors import DatasetError

STORE_DIR = "store"


def load_store(directory: Path, nquads_file: Path) -> None:
    """Bulk-load ``nquads_file`` into a new on-disk store at ``directory/store``."""
    store = Store(str(directory / STORE_DIR))
    store.bulk_load(path=str(nquads_file), format=RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store


def open_store(directory: Path) -> Store:
    """Open the store of a released build read-only; say clearly when it is missing or broken."""
    path = directory / STORE_DIR
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
