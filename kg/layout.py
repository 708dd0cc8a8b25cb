"""Every file and folder of a build, named once.

A build folder (``dist`` points at one) holds the dumps, their gzip copies, the VoID description,
the ontology and shapes it was validated with, their checksums, the build report (written last:
its presence marks a complete build), the store loaded from the N-Quads dump, and the articles
that were quarantined, one folder each. Everything that reads or writes a build asks
:class:`Layout` for the path instead of spelling a file name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.iris import article_segment

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
#: Longest quarantine folder name (file systems allow 255 bytes; an id of 200 characters may
#: take 2,400 percent-encoded).
MAX_FOLDER_NAME = 200

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
        """The folder of one quarantined article, named as the article's IRI ends
        (:func:`kg.iris.article_segment`), so that any id (``..``, ``a/b``) names one folder
        inside :attr:`quarantine` and two ids never share one. A name too long for a file system
        is cut and ends with ``+`` and a hash of the id (``+`` is never in a segment)."""
        name = article_segment(article_id) or "!"  # (ingest refuses empty ids)
        if len(name) > MAX_FOLDER_NAME:
            digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()
            name = f"{name[: MAX_FOLDER_NAME - 17]}+{digest[:16]}"
        return self.quarantine / name
