"""Every file and folder of a build, named once.

A build folder (``dist`` points at one) holds the dumps, their gzip copies, the VoID description,
the ontology and shapes it was validated with, their checksums, the build report (written last:
its presence marks a complete build), the store loaded from the N-Quads dump, and the articles
that were quarantined, one folder each. Everything that reads or writes a build asks
:class:`Layout` for the path instead of spelling a file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

NQUADS = "kg.nq"
TURTLE = "kg.ttl"
NQUADS_GZ = NQUADS + ".gz"
TURTLE_GZ = TURTLE + ".gz"
VOID_TTL = "void.ttl"
ONTOLOGY = "ontology.ttl"
SHAPES = "shapes.ttl"
CHECKSUMS = "SHA256SUMS"
REPORT = "build-report.json"
STORE = "store"
QUARANTINE = "quarantine"

#: The dumps, in the order they are written (N-Quads first: the store is loaded from it).
DUMPS = (NQUADS, NQUADS_GZ, TURTLE, TURTLE_GZ)
#: The files ``SHA256SUMS`` covers, which are also the files the server offers for download.
PUBLISHED = (*DUMPS, VOID_TTL, ONTOLOGY, SHAPES)


@dataclass(frozen=True, slots=True)
class Layout:
    """The paths of one build folder."""

    root: Path

    def file(self, name: str) -> Path:
        return self.root / name

    @property
    def nquads(self) -> Path:
        return self.root / NQUADS

    @property
    def turtle(self) -> Path:
        return self.root / TURTLE

    @property
    def void(self) -> Path:
        return self.root / VOID_TTL

    @property
    def ontology(self) -> Path:
        return self.root / ONTOLOGY

    @property
    def shapes(self) -> Path:
        return self.root / SHAPES

    @property
    def checksums(self) -> Path:
        return self.root / CHECKSUMS

    @property
    def report(self) -> Path:
        return self.root / REPORT

    @property
    def store(self) -> Path:
        return self.root / STORE

    @property
    def quarantine(self) -> Path:
        return self.root / QUARANTINE

    def quarantined(self, article_id: str) -> Path:
        """The folder of one quarantined article: its id percent-encoded, so that any id (``..``,
        ``a/b``) names one folder inside :attr:`quarantine` and two ids never share one."""
        return self.quarantine / (quote(article_id, safe="-_~") or "_")
