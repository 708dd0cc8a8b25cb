"""The SHACL shapes, tested shape by shape with fixture graphs (after pySHACL's test_dash_validate).

``tests/shapes/base.trig`` is a valid miniature build. Each ``tests/shapes/<Shape>/*.trig`` is TriG
whose default graph is added to the base, and whose graph ``<urn:newskg:test:expected>`` lists the
exact results expected (focus node, source shape, constraint component, and the value where it
matters). ``valid*`` fixtures expect none. The base's ``@base`` and ``@prefix`` lines are prepended
to each fixture, so fixtures do not repeat them.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.model import ENTITY_CLASSES, EVENT_TYPES
from kg.settings import PROJECT_ROOT
from kg.shacl.validate import SHAPES_IRI, ValidationReport, Validator
from kg.vocab import NK_IRI

SHAPES_PATH = PROJECT_ROOT / "shapes" / "newskg.ttl"
ONTOLOGY_PATH = PROJECT_ROOT / "ontology" / "newskg.ttl"
FIXTURES_DIR = Path(__file__).parent / "shapes"
BASE_FIXTURE = FIXTURES_DIR / "base.trig"
FIXTURES = sorted(FIXTURES_DIR.glob("*/*.trig"))
EXPECTED_GRAPH = ox.NamedNode("urn:newskg:test:expected")
SH_NS = ox.NamedNode(str(SH))

#: Parameters that make a shape a source of results (besides targets, paths and nesting).
NOT_CONSTRAINTS = {
    SH.property,
    SH.path,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.message,
    SH.name,
    SH.description,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
}

Expectation = tuple[str, str, str]


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(SHAPES_PATH, ONTOLOGY_PATH)


@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_PATH)


@cache
def ontology_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_PATH)


@cache
def base_quads() -> tuple[ox.Quad, ...]:
    return tuple(ox.parse(path=str(BASE_FIXTURE), format=ox.RdfFormat.TRIG))


def prefixes() -> str:
    lines = BASE_FIXTURE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith(("@base", "@prefix"))) + "\n"


def load(path: Path) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """A fixture's own data quads and its expectation quads."""
    text = prefixes() + path.read_text(encoding="utf-8")
    quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))
    data = [q for q in quads if q.graph_name != EXPECTED_GRAPH]
    expected = [q for q in quads if q.graph_name == EXPECTED_GRAPH]
    return data, expected


def term_text(term: object) -> str:
    """A term as :class:`kg.shacl.validate.ValidationResult` writes it."""
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def expectations(quads: list[ox.Quad]) -> tuple[Counter[Expectation], dict[Expectation, str]]:
    """Expected (focus, shape, component) counts, and the expected value of those that give one."""
    by_node: dict[object, dict[str, str]] = {}
    for quad in quads:
        field = quad.predicate.value.removeprefix(SH_NS.value)
        by_node.setdefault(quad.subject, {})[field] = term_text(quad.object)
    counts: Counter[Expectation] = Counter()
    values: dict[Expectation, str] = {}
    for fields in by_node.values():
        key = (fields["focusNode"], fields["sourceShape"], fields["sourceConstraintComponent"])
        counts[key] += 1
        if "value" in fields:
            values[key] = fields["value"]
    return counts, values


def validate_fixture(validator: Validator, path: Path) -> ValidationReport:
    data, _expected = load(path)
    return validator.validate([*base_quads(), *data])


def source_shapes() -> list[str]:
    """Named shapes that can be a result's sh:sourceShape (they have constraints of their own)."""
    graph = shapes_graph()
    found = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            own = {p for p in graph.predicates(shape) if str(p).startswith(str(SH))}
            if isinstance(shape, rdflib.URIRef) and own - NOT_CONSTRAINTS:
                found.add(str(shape))
    return sorted(found)


def subclasses(cls: rdflib.term.Node) -> set[rdflib.term.Node]:
    """``cls`` and its subclasses, transitively."""
    found = ontology_graph().transitive_subjects(RDFS.subClassOf, cls)
    return {node for node in found if node is not None}


def sh_in(shape: str) -> set[str]:
    """The sh:in list of a shape, or of its sh:qualifiedValueShape."""
    graph = shapes_graph()
    node = rdflib.URIRef(shape)
    qualified = graph.value(node, SH.qualifiedValueShape)
    holder = qualified if qualified is not None else node
    members = graph.value(holder, SH["in"])
    assert members is not None, f"{shape} has no sh:in"
    return {str(member) for member in Collection(graph, members)}


def test_shapes_base_fixture_conforms(validator: Validator) -> None:
    report = validator.validate(base_quads())
    assert report.results == ()
    assert report.conforms


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shapes_fixture_gives_exactly_the_expected_results(
    validator: Validator, path: Path
) -> None:
    _data, expected_quads = load(path)
    counts, values = expectations(expected_quads)
    report = validate_fixture(validator, path)
    actual = Counter(
        (r.focus, r.source_shape, r.constraint.removeprefix(str(SH))) for r in report.results
    )
    expected = Counter({(f, s, c.removeprefix(str(SH))): n for (f, s, c), n in counts.items()})
    assert actual == expected, report.summary()
    for (focus, shape, component), value in values.items():
        got = {
            r.value
            for r in report.results
            if (r.focus, r.source_shape) == (focus, shape) and r.constraint == component
        }
        assert value in got, f"{shape} on {focus}: expected value {value}, got {got}"
    if path.stem.startswith("valid"):
        assert report.conforms
    else:
        assert not report.conforms
        assert SHAPES_IRI + path.parent.name in {shape for _f, shape, _c in counts}


@pytest.mark.parametrize("shape", source_shapes(), ids=lambda s: s.removeprefix(SHAPES_IRI))
def test_shapes_every_shape_has_valid_and_invalid_fixtures(shape: str) -> None:
    folder = FIXTURES_DIR / shape.removeprefix(SHAPES_IRI)
    assert sorted(folder.glob("valid*.trig")), f"no valid fixture in {folder}"
    assert sorted(folder.glob("invalid*.trig")), f"no invalid fixture in {folder}"


def test_shapes_fixture_folders_name_existing_shapes() -> None:
    shapes = {shape.removeprefix(SHAPES_IRI) for shape in source_shapes()}
    folders = {path.parent.name for path in FIXTURES}
    assert folders <= shapes


@pytest.mark.parametrize(
    "path", [p for p in FIXTURES if p.stem.startswith("valid")], ids=lambda p: p.parent.name
)
def test_shapes_valid_fixture_exercises_its_shape(path: Path) -> None:
    """A valid fixture uses its shape's path, or holds a node its shape (or parent) targets.

    A property shape that forbids its path (sh:maxCount 0) is exercised by a node it applies to.
    """
    graph = shapes_graph()
    shape = rdflib.URIRef(SHAPES_IRI + path.parent.name)
    data, _expected = load(path)
    predicates = {q.predicate.value for q in data}
    types = {term_text(q.object) for q in data if q.predicate.value == str(RDF.type)}
    path_iri = graph.value(shape, SH.path)
    if path_iri is not None and graph.value(shape, SH.maxCount) != rdflib.Literal(0):
        assert str(path_iri) in predicates
        return
    holders = [shape] if path_iri is None else list(graph.subjects(SH.property, shape))
    classes = {
        str(c) for h in holders for t in graph.objects(h, SH.targetClass) for c in subclasses(t)
    }
    target_predicates = {
        str(p)
        for h in holders
        for k in (SH.targetSubjectsOf, SH.targetObjectsOf)
        for p in graph.objects(h, k)
    }
    assert types & classes or predicates & target_predicates


def test_shapes_every_source_shape_has_an_english_message() -> None:
    graph = shapes_graph()
    for shape in source_shapes():
        node = rdflib.URIRef(shape)
        holder = graph.value(node, SH.sparql) or node
        messages = [
            m
            for m in graph.objects(holder, SH.message)
            if isinstance(m, rdflib.Literal) and m.language == "en"
        ]
        assert messages, f"{shape} has no English sh:message"


def test_shapes_event_type_lists_match_ontology_and_model() -> None:
    ontology_types = {str(c) for c in subclasses(rdflib.URIRef(NK_IRI + "MilitaryAction"))} - {
        NK_IRI + "MilitaryAction"
    }
    model_types = {NK_IRI + name for name in EVENT_TYPES}
    assert sh_in(SHAPES_IRI + "EventTypeShape") == ontology_types == model_types
    assert sh_in(SHAPES_IRI + "EventClassShape") == ontology_types


def test_shapes_entity_class_list_matches_ontology_and_model() -> None:
    ontology_classes = set()
    for core in ("Person", "Organisation", "Place"):
        ontology_classes |= {str(c) for c in subclasses(rdflib.URIRef(NK_IRI + core))}
    model_classes = {NK_IRI + name for name in ENTITY_CLASSES}
    assert sh_in(SHAPES_IRI + "EntityClassShape") == ontology_classes == model_classes


def test_shapes_terms_exist_in_the_ontology() -> None:
    """Every nk: IRI the shapes use is defined by the ontology (no typos, no stale names)."""
    defined = {str(s) for s in ontology_graph().subjects() if str(s).startswith(NK_IRI)}
    used = {str(t) for triple in shapes_graph() for t in triple if str(t).startswith(NK_IRI)}
    assert used <= defined, sorted(used - defined)
