"""Synthetic released builds for the server tests (no spaCy), and folder snapshots.

:func:`synthetic_nquads` makes a graph shaped like ours (articles, entities, ``nk:related`` links
between entities, labels) that is big enough to make cartesian products, property paths and
sorts expensive, yet loads in a fraction of a second.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pyoxigraph import RdfFormat

from server.testing import write_build

BASE = "http://kg.test/"
RELATED = "https://w3id.org/newskg/ontology#related"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PERSON = "https://w3id.org/newskg/ontology#Person"


def entity(number: int) -> str:
    return f"{BASE}id/entity/e{number}"


def synthetic_nquads(entities: int = 3000, graphs: int = 100, *, tag: str = "one") -> bytes:
    """``entities`` entities in ``graphs`` article graphs, each linked to two others."""
    lines = []
    for i in range(entities):
        graph = f"<{BASE}graph/article/a{i % graphs}>"
        node = f"<{entity(i)}>"
        lines += [
            f'{node} <{LABEL}> "Entity {i} of build {tag}" {graph} .',
            f"{node} <{RELATED}> <{entity((i * 7 + 1) % entities)}> {graph} .",
            f"{node} <{RELATED}> <{entity((i * 13 + 5) % entities)}> {graph} .",
            f"{node} <{TYPE}> <{PERSON}> {graph} .",
        ]
    marker = f"<{BASE}id/build-marker> <{LABEL}> \"{tag}\" <{BASE}graph/merged> ."
    return ("\n".join([*lines, marker]) + "\n").encode("utf-8")


def synthetic_build(out: Path, *, name: str = "build-1", tag: str = "one",
                    entities: int = 3000) -> Path:
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
