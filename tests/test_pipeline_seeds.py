"""The real build of seeds/, end to end: it conforms, it round-trips, it is reproducible.

Two builds run in separate processes (separate caches, so both extract), as ``kg build`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import golden
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic, to_isomorphic

from kg.layout import CHECKSUMS, NQUADS, TURTLE, VOID_TTL
from kg.settings import Settings
from kg.shacl.validate import validate_build

ROOT = Path(__file__).resolve().parent.parent
DUMPS = (NQUADS, TURTLE, NQUADS + ".gz", TURTLE + ".gz", VOID_TTL, CHECKSUMS)

pytestmark = pytest.mark.slow


def kg_build(out: Path, cache: Path) -> None:
    env = {**os.environ, "KG_CACHE_DIR": str(cache), "PYTHONHASHSEED": str(len(str(cache)))}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kg.cli import main; main()",
            "build",
            str(ROOT / "seeds"),
            "--out",
            str(out),
        ],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("seeds")
    kg_build(base / "one", base / "cache-one")
    kg_build(base / "two", base / "cache-two")
    return base / "one", base / "two"


def test_pipeline_seeds_build_conforms_with_zero_violations(builds: tuple[Path, Path]) -> None:
    out, _ = builds
    settings = Settings()
    report = validate_build(
        out, shapes_path=settings.shapes_path, ontology_path=settings.ontology_path
    )
    assert report.conforms, report.summary()
    assert not report.results, report.summary()
    assert not (out / "quarantine").exists()


def test_pipeline_seeds_builds_are_byte_identical(builds: tuple[Path, Path]) -> None:
    one, two = builds
    for name in DUMPS:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_pipeline_seeds_dumps_parse_alike_in_rdflib_and_pyoxigraph(
    builds: tuple[Path, Path],
) -> None:
    out, _ = builds
    ox_quads = list(ox.parse(path=str(out / NQUADS), format=ox.RdfFormat.N_QUADS))
    ox_triples = {q.triple for q in ox.parse(path=str(out / TURTLE), format=ox.RdfFormat.TURTLE)}
    assert len(ox_triples) == len({q.triple for q in ox_quads})
    dataset = rdflib.Dataset()
    dataset.parse(out / NQUADS, format="nquads")
    assert len(list(dataset.quads())) == len(ox_quads)
    graph = rdflib.Graph().parse(out / TURTLE, format="turtle")
    assert len(graph) == len(ox_triples)
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        union.add((s, p, o))
    assert to_isomorphic(union) == to_isomorphic(graph)
    reparsed = rdflib.Graph().parse(data=graph.serialize(format="nt"), format="nt")
    assert to_isomorphic(reparsed) == to_isomorphic(graph)
    assert not any(isinstance(t, rdflib.BNode) for triple in graph for t in triple)


def test_pipeline_seeds_build_is_the_golden_graph(builds: tuple[Path, Path]) -> None:
    """The seed build's Turtle is, as a graph, tests/data/golden/seeds.ttl (code versions aside).
    A change of the facts shows here as the triples that went and came; regenerate the golden
    file with tests/golden.py when the change is meant."""
    out, _ = builds
    expected = golden.graph_of(golden.GOLDEN.read_text(encoding="utf-8"))
    actual = golden.graph_of((out / TURTLE).read_text(encoding="utf-8"))
    assert len(actual) == len(expected) > 2000
    assert isomorphic(expected, actual), golden.differences(expected, actual)
