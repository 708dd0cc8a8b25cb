"""Write the published files of a build: sorted dumps, their gzip copies and SHA256SUMS.

Dumps are sorted and compressed without timestamps, so two builds of the same input are
byte-identical. The build time goes in ``build-report.json``, never in a dump.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Triple, parse, serialize

from kg.vocab import PREFIXES

TURTLE_DUMP = "kg.ttl"
NQUADS_DUMP = "kg.nq"
CHECKSUMS = "SHA256SUMS"


def sorted_nquads(quads: Iterable[Quad]) -> bytes:
    """Canonical-order N-Quads: one line per distinct quad, lines sorted bytewise."""
    text = serialize(quads, format=RdfFormat.N_QUADS) or b""
    lines = sorted(set(text.splitlines()))
    return b"".join(line + b"\n" for line in lines if line)


def turtle_from_nquads(nquads: bytes) -> bytes:
    """All triples of all graphs, distinct, in sorted order, as Turtle with our prefixes."""
    triples = {
        Triple(q.subject, q.predicate, q.object) for q in parse(nquads, format=RdfFormat.N_QUADS)
    }
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return serialize(ordered, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def write_gzip(path: Path, data: bytes) -> Path:
    """Gzip ``data`` next to ``path`` with no name or time in the header (reproducible)."""
    target = path.with_name(path.name + ".gz")
    with (
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        gz.write(data)
    return target


def write_checksums(directory: Path, names: Iterable[str]) -> Path:
    lines = []
    for name in sorted(names):
        digest = hashlib.sha256((directory / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    target = directory / CHECKSUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def write_dumps(directory: Path, quads: Iterable[Quad]) -> list[str]:
    """Write kg.nq and kg.ttl (and .gz copies); return the file names written."""
    nquads = sorted_nquads(quads)
    (directory / NQUADS_DUMP).write_bytes(nquads)
    turtle = turtle_from_nquads(nquads)
    (directory / TURTLE_DUMP).write_bytes(turtle)
    written = [NQUADS_DUMP, TURTLE_DUMP]
    for name, data in ((NQUADS_DUMP, nquads), (TURTLE_DUMP, turtle)):
        written.append(write_gzip(directory / name, data).name)
    return written
