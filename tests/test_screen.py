"""kg.shacl.screen: the shapes compiled to SPARQL must never pass a graph on which pySHACL reports a
result (soundness), and should pass the graphs newskg builds (else the screen saves nothing)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shape_cases import (
    BASE_FIXTURE,
    ONTOLOGY_PATH,
    SHAPE_FIXTURES,
    SHAPES_PATH,
    base_triples,
    fixture_triples,
    shapes_file,
)

from kg.shacl.screen import Screen, Unsupported, compile_screen
from kg.shacl.validate import Validator

W3C = Path(__file__).parent / "data" / "w3c-shacl"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD = "http://www.w3.org/2001/XMLSchema#"
#: W3C tests the screen compiles today; fewer means a regression in what it covers.
W3C_COMPILED_AT_LEAST = 65


def w3c_cases() -> list[tuple[str, Path, Path, bool]]:
    """(id, data file, shapes file, whether the expected report has a result) of each test."""
    cases = []
    for manifest in sorted(W3C.glob("*/*/*.ttl")):  # each test file is its own manifest
        graph = rdflib.Graph().parse(manifest, format="turtle")
        for entry in graph.subjects(rdflib.RDF.type, SHT.Validate):
            action = graph.value(entry, MF.action)
            data = Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://"))
            shapes = Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://"))
            report = graph.value(entry, MF.result)
            has_result = graph.value(report, SH.result) is not None
            name = f"{manifest.parent.parent.name}/{manifest.parent.name}/{manifest.stem}"
            cases.append((name, data, shapes, has_result))
    return sorted(set(cases))


W3C_CASES = w3c_cases()


def w3c_screen(shapes: Path) -> Screen | None:
    try:
        return compile_screen(rdflib.Graph().parse(shapes, format="turtle"))
    except Unsupported:
        return None


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(SHAPES_PATH, ONTOLOGY_PATH)


@pytest.fixture(scope="module")
def screen(validator: Validator) -> Screen:
    compiled = validator._screen
    assert compiled is not None, "newskg's own shapes must compile"
    return compiled


def with_hierarchy(validator: Validator, triples: list[ox.Triple]) -> list[ox.Triple]:
    return [*triples, *validator._hierarchy_triples]


@pytest.mark.parametrize(
    ("name", "data", "shapes", "has_result"), W3C_CASES, ids=[case[0] for case in W3C_CASES]
)
def test_screen_w3c_flags_every_graph_with_a_result(
    name: str, data: Path, shapes: Path, has_result: bool
) -> None:
    screen = w3c_screen(shapes)
    if screen is None:
        pytest.skip("the screen does not compile these shapes: pySHACL validates such graphs")
    triples = list(ox.parse(path=str(data), format=ox.RdfFormat.TURTLE, base_iri=data.as_uri()))
    assert screen.passes(triples) is not has_result


def test_screen_w3c_compiles_most_core_tests() -> None:
    compiled = [case for case in W3C_CASES if w3c_screen(case[2]) is not None]
    assert len(compiled) >= W3C_COMPILED_AT_LEAST, f"{len(compiled)} of {len(W3C_CASES)}"
    assert any(has_result for *_, has_result in compiled)
    assert any(not has_result for *_, has_result in compiled)


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_screen_newskg_fixtures_flagged_exactly_when_pyshacl_reports(
    validator: Validator, screen: Screen, path: Path
) -> None:
    triples = fixture_triples(path)
    reported = bool(validator.validate_with_pyshacl(triples).results)
    assert screen.passes(with_hierarchy(validator, triples)) is not reported


def test_screen_screens_many_graphs_in_one_call_each_on_its_own(
    validator: Validator, screen: Screen
) -> None:
    good = base_triples()
    bad = fixture_triples(BASE_FIXTURE.parent / "MentionTextShape" / "invalid.trig")
    graphs = [with_hierarchy(validator, g) for g in (good, bad, good, bad, good)]
    assert screen.passes_each(graphs) == [True, False, True, False, True]
    assert screen.passes_each([]) == []


#: Literals that SPARQL and rdflib read differently, or that are ill-typed.
TRICKY_LITERALS = [
    ox.Literal("080", datatype=ox.NamedNode(XSD + "nonNegativeInteger")),
    ox.Literal("-5", datatype=ox.NamedNode(XSD + "nonNegativeInteger")),
    ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("2022-02-30", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("2022-03-01T24:00:00", datatype=ox.NamedNode(XSD + "dateTime")),
    ox.Literal("2022-03-01T10:00:00+00:00", datatype=ox.NamedNode(XSD + "dateTime")),
    ox.Literal("2022-03-01", datatype=ox.NamedNode(XSD + "dateTime")),
    ox.Literal(""),
    ox.Literal("Kyiv"),
    ox.Literal("Kyiv", language="EN-gb"),
    ox.Literal("Kyiv", language="uk"),
    ox.Literal("", language="en"),
    ox.Literal("abc", datatype=ox.NamedNode(XSD + "integer")),
]


@st.composite
def mutated_graphs(draw: st.DrawFn) -> list[ox.Triple]:
    """The conforming base fixture with a few triples dropped, changed or added."""
    triples = base_triples()
    iris = sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}, key=str)
    classes = sorted({t.object for t in triples if t.predicate.value.endswith("#type")}, key=str)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(triples) - 1))
        old = triples[index]
        kind = draw(st.sampled_from(["drop", "literal", "iri", "add", "type"]))
        if kind == "drop":
            del triples[index]
        elif kind in ("literal", "iri"):
            pool: list[ox.NamedNode | ox.Literal] = (
                list(TRICKY_LITERALS) if kind == "literal" else list(iris)
            )
            new = ox.Triple(old.subject, old.predicate, draw(st.sampled_from(pool)))
            triples[index] = new if draw(st.booleans()) else triples[index]
            if triples[index] == old:
                triples.append(new)
        elif kind == "add":
            triples.append(
                ox.Triple(old.subject, old.predicate, draw(st.sampled_from(TRICKY_LITERALS + iris)))
            )
        else:
            triples.append(
                ox.Triple(
                    draw(st.sampled_from(iris)),
                    old.predicate
                    if old.predicate.value.endswith("#type")
                    else ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    draw(st.sampled_from(classes)),
                )
            )
    return triples


def assert_flagged_if_reported(
    validator: Validator, screen: Screen, triples: list[ox.Triple]
) -> None:
    if validator.validate_with_pyshacl(triples).results:
        assert not screen.passes(with_hierarchy(validator, triples))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples=mutated_graphs())
def test_screen_never_passes_a_mutated_graph_pyshacl_reports(
    validator: Validator, screen: Screen, triples: list[ox.Triple]
) -> None:
    assert_flagged_if_reported(validator, screen, triples)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples=mutated_graphs())
def test_screen_never_passes_a_mutated_graph_pyshacl_reports_many(
    validator: Validator, screen: Screen, triples: list[ox.Triple]
) -> None:
    assert_flagged_if_reported(validator, screen, triples)


@pytest.mark.parametrize(
    ("shapes", "reason"),
    [
        ("<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:closed true .", "sh:closed"),
        ("<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:node <urn:s> .", "refers to itself"),
        (
            "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:property [ sh:path <urn:p> ; "
            'sh:minCount "x" ] .',
            "not an integer",
        ),
        (
            "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:property [ sh:path <urn:p> ; "
            'sh:pattern "\\\\d+" ] .',
            "sh:pattern",
        ),
        (
            "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:property [ sh:path <urn:p> ; "
            "sh:datatype <urn:custom> ] .",
            "no lexical check",
        ),
        (
            "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; "
            'sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:p> ?x FILTER (?x =) }" ] .',
            "cannot parse",
        ),
        (
            "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:sparql [ sh:select "
            '"SELECT $this WHERE { ?x <urn:p> ?y FILTER (STR(STR(STR(STR($this)))) = ?y) }" ] .',
            "not one group",
        ),
        (
            "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:sparql [ sh:select "
            '"SELECT $this WHERE { { $this <urn:p> ?y } FILTER bound($this) }" ] .',
            "not one group",
        ),
    ],
)
def test_screen_refuses_shapes_outside_its_subset(tmp_path: Path, shapes: str, reason: str) -> None:
    graph = rdflib.Graph().parse(shapes_file(tmp_path, shapes), format="turtle")
    with pytest.raises(Unsupported, match=reason):
        compile_screen(graph)


def test_screen_unsupported_shapes_leave_validation_to_pyshacl(tmp_path: Path) -> None:
    path = shapes_file(
        tmp_path,
        "<urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ; "
        "sh:closed true ; sh:ignoredProperties ( ) .",
    )
    validator = Validator(path, ONTOLOGY_PATH)
    triple = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"))
    assert validator._screen is None
    assert [r.focus for r in validator.validate_each([[triple], [triple]])[1].results] == ["urn:a"]
