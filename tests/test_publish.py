"""kg.publish.dumps: sorted, byte-stable dumps without blank nodes; rdflib and pyoxigraph agree."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import rdflib
from fakes import ACTIVITY, IRIS, ROOT, article, sample_extraction
from rdflib.compare import to_isomorphic

from kg.graph.map import map_article
from kg.layout import CHECKSUMS, NQUADS, TURTLE, Layout
from kg.publish.dumps import (
    merge_blocks,
    nquads_block,
    rdf_file_quads,
    skolemise,
    stored_form,
    triple_lines,
    turtle,
    write_checksums,
    write_dump_blocks,
)
from kg.vocab import PREFIXES

PREFIX_MAP = {**PREFIXES, **IRIS.prefixes()}


def blocks() -> list[bytes]:
    odd = article("odd id/ü.", text=sample_extraction().article.text)
    return [
        nquads_block(map_article(sample_extraction(article(name)), IRIS, ACTIVITY))
        for name in ("a2", "a1")
    ] + [nquads_block(map_article(sample_extraction(odd), IRIS, ACTIVITY))]


def test_publish_nquads_block_is_sorted_and_distinct() -> None:
    quads = map_article(sample_extraction(), IRIS, ACTIVITY)
    block = nquads_block(quads + quads[:5])
    lines = block.splitlines()
    assert lines == sorted(set(lines))
    assert len(lines) == len(set(quads))
    assert nquads_block(reversed(quads)) == block


def test_publish_triple_lines_drop_the_graph_and_duplicates() -> None:
    lines = merge_blocks(blocks())
    triples = triple_lines(lines)
    assert triples == sorted(set(triples))
    parsed = [q.triple for q in ox.parse(b"\n".join(triples), format=ox.RdfFormat.N_TRIPLES)]
    expected = {q.triple for q in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_QUADS)}
    assert set(parsed) == expected
    assert len(parsed) == len(expected)


def test_publish_turtle_prefixes_are_sorted() -> None:
    data = turtle(
        [ox.Triple(IRIS.dataset, ox.NamedNode(PREFIXES["rdf"] + "type"), IRIS.dataset)], PREFIX_MAP
    )
    header = [line for line in data.splitlines() if line.startswith(b"@prefix")]
    assert header == sorted(header)
    assert len(header) == len(PREFIX_MAP)


def test_publish_dumps_round_trip_in_rdflib_and_pyoxigraph(tmp_path: Path) -> None:
    write_dump_blocks(Layout(tmp_path), blocks(), PREFIX_MAP, uri_space=IRIS.base + "id/")
    quads = list(ox.parse(path=str(tmp_path / NQUADS), format=ox.RdfFormat.N_QUADS))
    triples = [q.triple for q in ox.parse(path=str(tmp_path / TURTLE), format=ox.RdfFormat.TURTLE)]
    assert len(set(triples)) == len(triples) == len({q.triple for q in quads})
    dataset = rdflib.Dataset()
    dataset.parse(tmp_path / NQUADS, format="nquads")
    graph = rdflib.Graph().parse(tmp_path / TURTLE, format="turtle")
    assert len(list(dataset.quads())) == len(quads)
    assert len(graph) == len(triples)
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        union.add((s, p, o))
    assert to_isomorphic(union) == to_isomorphic(graph)
    from_ox = rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )
    assert to_isomorphic(from_ox) == to_isomorphic(graph)


def test_publish_dumps_are_byte_identical_and_gzip_has_no_time(tmp_path: Path) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    first.mkdir()
    second.mkdir()
    write_dump_blocks(Layout(first), blocks(), PREFIX_MAP, uri_space="x")
    write_dump_blocks(Layout(second), list(reversed(blocks())), PREFIX_MAP, uri_space="x")
    for name in (NQUADS, TURTLE, NQUADS + ".gz", TURTLE + ".gz"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    data = (first / "kg.nq.gz").read_bytes()
    assert data[4:8] == b"\0\0\0\0"  # gzip MTIME
    assert gzip.decompress(data) == (first / NQUADS).read_bytes()


def test_publish_turtle_is_byte_identical_across_processes() -> None:
    script = (
        "import sys; from test_publish import blocks, PREFIX_MAP; from kg.publish.dumps import *;"
        "lines = triple_lines(merge_blocks(blocks()));"
        "import pyoxigraph as ox;"
        "t = ox.parse(b'\\n'.join(lines), format=ox.RdfFormat.N_TRIPLES);"
        "sys.stdout.buffer.write(turtle(t, PREFIX_MAP))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            cwd=Path(__file__).parent,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert outputs.pop().startswith(b"@prefix build:")


def test_publish_checksums_read_like_sha256sum(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(b"bee")
    (tmp_path / "a.txt").write_bytes(b"ay")
    write_checksums(Layout(tmp_path), ["b.txt", "a.txt"])
    lines = (tmp_path / CHECKSUMS).read_text().splitlines()
    assert lines == [
        f"{hashlib.sha256(b'ay').hexdigest()}  a.txt",
        f"{hashlib.sha256(b'bee').hexdigest()}  b.txt",
    ]


def test_publish_skolemises_blank_nodes_stably() -> None:
    graph = ox.NamedNode("http://kg.example.org/graph/shapes")
    shapes = ROOT / "shapes" / "newskg.ttl"
    first = rdf_file_quads(shapes, graph, IRIS.base)
    second = rdf_file_quads(shapes, graph, IRIS.base)
    assert first == second
    assert not any(isinstance(t, ox.BlankNode) for q in first for t in (q.subject, q.object))
    assert any("/.well-known/genid/" in q.subject.value for q in first)  # type: ignore[union-attr]
    # the same graph, parsed with other blank node labels, gets the same IRIs
    relabelled = [
        ox.Quad(
            ox.BlankNode("zz" + q.subject.value)
            if isinstance(q.subject, ox.BlankNode)
            else q.subject,
            q.predicate,
            ox.BlankNode("zz" + q.object.value) if isinstance(q.object, ox.BlankNode) else q.object,
            graph,
        )
        for q in ox.parse(path=str(shapes))
    ]
    assert skolemise(stored_form(relabelled), IRIS.base + ".well-known/genid/") == first
