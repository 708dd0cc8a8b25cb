"""The shape fixtures (``tests/shapes/``) and the project's shapes, for the tests that validate.

``tests/test_validate.py`` checks the validator on them and ``tests/test_screen.py`` the
conformance screen; both read the fixtures the way ``tests/test_shapes.py`` does.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.settings import PROJECT_ROOT

SHAPES_PATH = PROJECT_ROOT / "shapes" / "newskg.ttl"
ONTOLOGY_PATH = PROJECT_ROOT / "ontology" / "newskg.ttl"
BASE_FIXTURE = Path(__file__).parent / "shapes" / "base.trig"
SHAPE_FIXTURES = sorted(BASE_FIXTURE.parent.glob("*/*.trig"))
EXPECTED_GRAPH = ox.NamedNode("urn:newskg:test:expected")


def base_triples() -> list[ox.Triple]:
    quads = ox.parse(path=str(BASE_FIXTURE), format=ox.RdfFormat.TRIG)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def fixture_triples(path: Path) -> list[ox.Triple]:
    """A shape fixture as tests/test_shapes.py validates it: the base plus its default graph."""
    lines = BASE_FIXTURE.read_text(encoding="utf-8").splitlines()
    prologue = "\n".join(line for line in lines if line.startswith(("@base", "@prefix")))
    text = prologue + "\n" + path.read_text(encoding="utf-8")
    quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG)
    own = [
        ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name != EXPECTED_GRAPH
    ]
    return base_triples() + own


def shapes_file(tmp_path: Path, shapes: str) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + shapes, encoding="utf-8")
    return path
