"""Write the published files of a build: sorted dumps, their gzip copies, VoID and SHA256SUMS.

Dumps are byte-identical for the same input: N-Quads lines are sorted bytewise, Turtle is written
from the sorted distinct triples with its ``@prefix`` lines in sorted order, gzip headers carry no
name or time, and no blank node is ever written (the ontology's and shapes' blank nodes are
skolemised to stable IRIs). The build time goes in ``build-report.json``, never in a dump.

Article graphs arrive as blocks of sorted N-Quads lines (see :func:`nquads_block`), which is also
how the cache stores them: a cached article is published without being parsed again.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)

from kg.layout import DUMPS, Layout
from kg.publish.void import Statistics

SKOLEM_PATH = ".well-known/genid/"
_BUFFER = 1024 * 1024


@dataclass(frozen=True)
class Dumps:
    """The dump files written (names relative to the build folder) and what they hold."""

    files: tuple[str, ...]
    quads: int
    statistics: Statistics


def nquads_block(quads: Iterable[Quad]) -> bytes:
    """Canonical-order N-Quads: one line per distinct quad, lines sorted bytewise."""
    text = serialize(quads, format=RdfFormat.N_QUADS) or b""
    return b"".join(line + b"\n" for line in sorted(set(text.splitlines())) if line)


def merge_blocks(blocks: Iterable[bytes]) -> list[bytes]:
    """All lines of the blocks, distinct and sorted (each line without its newline)."""
    lines: list[bytes] = []
    for block in blocks:
        lines.extend(block.splitlines())
    lines.sort()
    return [line for i, line in enumerate(lines) if line and (i == 0 or line != lines[i - 1])]


def triple_lines(nquad_lines: Iterable[bytes]) -> list[bytes]:
    """The distinct triples of named-graph N-Quads lines, as sorted N-Triples lines.

    A line is ``S P O <G> .``; the graph name is the last term and an IRI has no space, so it
    starts at the last ``" <"``.
    """
    return sorted({_triple_line(line) for line in nquad_lines})


def sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Distinct triples in the order of their sorted N-Triples lines (the dumps' order)."""
    text = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    lines = b"".join(line + b"\n" for line in sorted(set(text.splitlines())) if line)
    return list(parse(lines, format=RdfFormat.N_TRIPLES))


def turtle(triples: Iterable[Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle of ``triples`` in the order given, with the ``@prefix`` lines sorted by name."""
    text = serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes) or b""
    body = io.BytesIO(text)
    header: list[bytes] = []
    position = 0
    for line in body:
        if not line.startswith(b"@prefix "):
            break
        header.append(line)
        position += len(line)
    return b"".join(sorted(header)) + text[position:]


def write_dump_blocks(
    layout: Layout,
    blocks: Iterable[bytes],
    prefixes: dict[str, str],
    uri_space: str,
    written: Callable[[Path], None] | None = None,
) -> Dumps:
    """:func:`write_dumps` of the lines of ``blocks`` (sorted here, in memory)."""
    return write_dumps(layout, iter(merge_blocks(blocks)), prefixes, uri_space, written)


def write_dumps(
    layout: Layout,
    lines: Iterator[bytes],
    prefixes: dict[str, str],
    uri_space: str,
    written: Callable[[Path], None] | None = None,
) -> Dumps:
    """Write kg.nq and kg.ttl, and their .gz copies, from distinct N-Quads ``lines`` sorted
    bytewise (:class:`kg.publish.sorting.LineSorter` gives them); ``written`` is called with
    kg.nq as soon as it is complete (the build loads the store from it).

    Everything streams through files: memory does not grow with the size of the dumps. The
    distinct triples come straight from the sorted quads: a quad line is its triple's line with
    `` <graph>`` inserted before the final `` .``, and what can follow a triple's last term in
    another triple's line sorts after a space, so the lines of one triple are adjacent and in
    the order of the triples' own lines.
    """
    triples_path = layout.root / ".triples.nt"
    quads = 0
    try:
        with (
            open(layout.nquads, "wb", buffering=_BUFFER) as nquads,
            open(triples_path, "wb", buffering=_BUFFER) as triples,
        ):
            previous = b""
            for line in lines:
                nquads.write(line + b"\n")
                quads += 1
                triple = _triple_line(line)
                if triple != previous:
                    triples.write(triple + b"\n")
                    previous = triple
        if written is not None:
            written(layout.nquads)
        gzip_file(layout.nquads)
        statistics = Statistics(uri_space=uri_space)
        observed = statistics.observe(parse(path=str(triples_path), format=RdfFormat.N_TRIPLES))
        write_turtle(layout.turtle, observed, prefixes)
    finally:
        triples_path.unlink(missing_ok=True)
    gzip_file(layout.turtle)
    return Dumps(files=DUMPS, quads=quads, statistics=statistics)


def write_turtle(path: Path, triples: Iterable[Triple], prefixes: dict[str, str]) -> None:
    """Turtle of ``triples`` in the order given, streamed to ``path``, with the ``@prefix`` lines
    sorted by name (what :func:`turtle` returns, without holding the text)."""
    with open(path, "w+b", buffering=_BUFFER) as file:
        serialize(triples, file, format=RdfFormat.TURTLE, prefixes=prefixes)
        file.seek(0)
        header: list[bytes] = []
        for line in file:
            if not line.startswith(b"@prefix "):
                break
            header.append(line)
        file.seek(0)  # the same lines in another order: the same length, rewritten in place
        file.write(b"".join(sorted(header)))


def _triple_line(line: bytes) -> bytes:
    cut = line.rfind(b" <")
    if cut < 0 or not line.endswith(b"> ."):
        raise ValueError(f"not a named-graph N-Quads line: {line[:200]!r}")
    return line[:cut] + b" ."


def gzip_file(path: Path) -> Path:
    """Gzip ``path`` next to it, streamed, with no name or time in the header (reproducible;
    the bytes are those :func:`write_gzip` makes of the whole content)."""
    target = path.with_name(path.name + ".gz")
    with (
        open(path, "rb") as source,
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        shutil.copyfileobj(source, gz, _BUFFER)
    return target


def write_gzip(path: Path, data: bytes) -> Path:
    """Gzip ``data`` next to ``path`` with no name or time in the header (reproducible)."""
    target = path.with_name(path.name + ".gz")
    with (
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
    ):
        gz.write(data)
    return target


def write_checksums(layout: Layout, names: Iterable[str]) -> Path:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads, sorted by name."""
    lines = []
    for name in sorted(set(names)):
        digest = hashlib.sha256(layout.file(name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    layout.checksums.write_text("".join(lines), encoding="utf-8")
    return layout.checksums


def rdf_file_quads(path: Path, graph: NamedNode, skolem_base: str) -> list[Quad]:
    """The triples of an RDF file (format from its extension) in ``graph``, skolemised, with
    their literals as the store keeps them (:func:`stored_form`)."""
    quads = [
        Quad(t.subject, t.predicate, t.object, graph) for t in parse(path=str(path))
    ]  # a Turtle file parses to triples in the default graph
    return skolemise(stored_form(quads), skolem_base + SKOLEM_PATH)


def stored_form(quads: Iterable[Quad]) -> list[Quad]:
    """``quads`` as pyoxigraph's store gives them back: it canonicalises typed literals
    (``"0.50"^^xsd:decimal`` -> ``"0.5"``, ``xsd:nonNegativeInteger`` -> ``xsd:integer``), so
    hand-written files (the ontology, the shapes) are published in that form and the dumps say
    exactly what the endpoint answers. Blank nodes keep their labels."""
    store = Store()
    store.extend(quads)
    return list(store)


def skolemise(quads: Iterable[Quad], prefix: str) -> list[Quad]:
    """Replace blank nodes by stable IRIs ``<prefix><hash>`` (RDF 1.1 Concepts, 3.5).

    Blank nodes are first given canonical labels (RDF Dataset Canonicalization, RDFC-1.0), so the
    same graph always gets the same IRIs, whatever labels the parser chose.
    """
    dataset = Dataset(quads)
    if not any(
        isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) for q in dataset
    ):
        return sorted(dataset, key=str)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    salt = "|".join(sorted({str(q.graph_name) for q in dataset}))
    skolem: dict[BlankNode, NamedNode] = {}

    def iri(node: BlankNode) -> NamedNode:
        if node not in skolem:
            digest = hashlib.sha256(f"{salt}|{node.value}".encode()).hexdigest()[:16]
            skolem[node] = NamedNode(prefix + digest)
        return skolem[node]

    quads = [
        Quad(
            iri(q.subject) if isinstance(q.subject, BlankNode) else q.subject,
            q.predicate,
            iri(q.object) if isinstance(q.object, BlankNode) else q.object,
            q.graph_name,
        )
        for q in dataset
    ]
    return sorted(quads, key=str)
