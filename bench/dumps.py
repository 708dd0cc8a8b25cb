"""Dumps section: triples/s of writing the Turtle and N-Quads dumps, and of loading the store.

From a build's ``kg.nq`` (split into one block per named graph, as the build hands them over):

* ``write_dump_blocks``: what ``kg build`` runs, both dumps and their gzip copies;
* its two halves, composed of the same :mod:`kg.publish.dumps` functions: N-Quads (merge the sorted
  blocks, write, gzip) and Turtle (distinct triples, statistics, prefixed Turtle, write, gzip);
* ``load_store``: the pyoxigraph bulk load of ``kg.nq`` the build ends with;
* pyoxigraph alone parsing the sorted N-Triples and serialising Turtle (no sort, statistics or
  gzip), the floor of what the Turtle dump can cost;
* the same work done with rdflib (parse N-Quads, serialise Turtle and N-Quads) on the same data,
  the baseline of the planning figures (rdflib 70 s / 73 s against pyoxigraph 7 s / 2 s).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import RdfFormat, parse, serialize

from bench.measure import Budget, Row, median, timed
from bench.workspace import Workspace
from kg.layout import NQUADS, TURTLE, Layout
from kg.publish.dumps import merge_blocks, triple_lines, turtle, write_dump_blocks, write_gzip
from kg.publish.store import load_store
from kg.publish.void import Statistics
from kg.vocab import PREFIXES

SECTION = "dumps"


def graph_blocks(nquads: bytes) -> list[bytes]:
    """The lines of each named graph as one block (the graph name is the last term)."""
    blocks: dict[bytes, list[bytes]] = defaultdict(list)
    for line in nquads.splitlines():
        blocks[line[line.rfind(b" <") :]].append(line + b"\n")
    return [b"".join(lines) for lines in blocks.values()]


def write_nquads(directory: Path, blocks: list[bytes]) -> list[bytes]:
    lines = merge_blocks(blocks)
    data = b"".join(line + b"\n" for line in lines)
    (directory / NQUADS).write_bytes(data)
    write_gzip(directory / NQUADS, data)
    return lines


def write_turtle(directory: Path, lines: list[bytes]) -> None:
    statistics = Statistics(uri_space="")
    ntriples = b"".join(line + b"\n" for line in triple_lines(lines))
    triples = statistics.observe(parse(ntriples, format=RdfFormat.N_TRIPLES))
    data = turtle(triples, PREFIXES)
    (directory / TURTLE).write_bytes(data)
    write_gzip(directory / TURTLE, data)


def run(
    ws: Workspace, size: int, budget: Budget, *, repeat: int = 3
) -> tuple[list[Row], dict[str, Any]]:
    size, build = ws.dataset(size)
    nquads = (build / NQUADS).read_bytes()
    blocks = graph_blocks(nquads)
    lines = merge_blocks(blocks)
    quads = len(lines)
    triples = len(triple_lines(lines))
    seconds: dict[str, list[float]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="dumps-", dir=ws.root))
    try:
        seconds["kg_both_dumps"] = timed(
            lambda: write_dump_blocks(Layout(scratch), blocks, PREFIXES, uri_space=""), repeat
        )
        seconds["kg_nquads"] = timed(lambda: write_nquads(scratch, blocks), repeat)
        seconds["kg_turtle"] = timed(lambda: write_turtle(scratch, lines), repeat)
        ntriples = b"".join(line + b"\n" for line in triple_lines(lines))
        seconds["pyoxigraph_turtle"] = timed(
            lambda: serialize(
                parse(ntriples, format=RdfFormat.N_TRIPLES),
                format=RdfFormat.TURTLE,
                prefixes=PREFIXES,
            ),
            repeat,
        )

        shutil.copyfile(build / NQUADS, scratch / NQUADS)

        def bulk_load() -> None:
            shutil.rmtree(Layout(scratch).store, ignore_errors=True)
            load_store(Layout(scratch))

        seconds["kg_store_load"] = timed(bulk_load, repeat)
        if budget.remaining() > 60:
            seconds.update(rdflib_seconds(build, scratch, triples))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    data = {
        "articles": size,
        "quads": quads,
        "triples": triples,
        "graphs": len(blocks),
        "seconds": seconds,
    }
    return rows_of(seconds, quads, triples), data


#: rdflib's Turtle writer grows worse than linearly (about 1,100 triples/s on 200,000 triples
#: here, 186 s): it is timed on the first triples only and reported per triple, which flatters
#: rdflib, never us.
RDFLIB_TURTLE_SAMPLE = 20_000


def rdflib_seconds(build: Path, scratch: Path, triples: int) -> dict[str, list[float]]:
    """rdflib parsing the N-Quads dump, then writing Turtle (of the union, on a sample scaled to
    all ``triples``) and N-Quads."""
    dataset = rdflib.Dataset(default_union=True)
    found = {"rdflib_load": timed(lambda: dataset.parse(build / NQUADS, format="nquads"), 1)}
    graph = rdflib.Graph()
    for triple in dataset.triples((None, None, None)):
        graph.add(triple)
        if len(graph) >= RDFLIB_TURTLE_SAMPLE:
            break
    scale = triples / max(1, len(graph))
    sample = timed(lambda: graph.serialize(scratch / "rdflib.ttl", format="turtle"), 1)
    found["rdflib_turtle"] = [seconds * scale for seconds in sample]
    found["rdflib_nquads"] = timed(
        lambda: dataset.serialize(scratch / "rdflib.nq", format="nquads"), 1
    )
    return found


def rows_of(seconds: dict[str, list[float]], quads: int, triples: int) -> list[Row]:
    def rate(name: str, count: int) -> float | None:
        runs = seconds.get(name)
        return count / median(runs) if runs else None

    rows = []
    specs = (
        ("N-Quads dump (kg.publish.dumps)", "kg_nquads", quads, "quads/s", "rdflib_nquads"),
        ("Turtle dump (kg.publish.dumps)", "kg_turtle", triples, "triples/s", "rdflib_turtle"),
        ("Turtle dump (kg.publish.dumps)", "kg_turtle", triples, "triples/s", "pyoxigraph_turtle"),
        ("both dumps (write_dump_blocks)", "kg_both_dumps", quads, "quads/s", None),
        ("store bulk load (kg.dataset.store)", "kg_store_load", quads, "quads/s", "rdflib_load"),
    )
    for label, name, count, unit, baseline in specs:
        value = rate(name, count)
        if value is None:
            continue
        base = rate(baseline, count) if baseline else None
        rows.append(Row(SECTION, label, value, unit, base, baseline or ""))
    return rows
