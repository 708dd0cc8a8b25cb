"""Synthetic released builds for the server tests (no spaCy), and folder snapshots.

The dataset is :func:`server.testing.synthetic_nquads` (shared with the load bench).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pyoxigraph import RdfFormat

from server.testing import LABEL, PERSON, RELATED, TYPE, synthetic_nquads, write_build
from server.testing import SYNTHETIC_BASE as BASE
from server.testing import synthetic_entity as entity

__all__ = [
    "BASE",
    "LABEL",
    "PERSON",
    "RELATED",
    "TYPE",
    "entity",
    "snapshot",
    "synthetic_build",
    "synthetic_nquads",
]


def synthetic_build(
    out: Path, *, name: str = "build-1", tag: str = "one", entities: int = 3000
) -> Path:
    """Release a synthetic dataset as build ``name`` behind the symlink ``out``."""
    data = synthetic_nquads(entities, tag=tag)
    return write_build(out, data, format=RdfFormat.N_QUADS, name=name)


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (symlinks resolved), by relative path."""
    root = folder.resolve()
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
