"""kg.shacl.validate: the validator, its report (as text and as RDF), and whole-build validation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
import rdflib.plugins.sparql.parser
import rdflib.plugins.sparql.processor
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from shape_cases import (
    BASE_FIXTURE,
    ONTOLOGY_PATH,
    SHAPE_FIXTURES,
    SHAPES_PATH,
    base_triples,
    fixture_triples,
    shapes_file,
)

import kg.shacl.validate
from kg.errors import ValidationError
from kg.shacl.validate import (
    SHAPES_IRI,
    ValidationReport,
    ValidationResult,
    Validator,
    _ShapesGraphRdf,
    validate_build,
)
from kg.vocab import NK, RDF, RDFS, SH, XSD

BASE = "http://example.org/"
ARTICLE_GRAPH = ox.NamedNode(BASE + "graph/article/a1")
MERGED_GRAPH = ox.NamedNode(BASE + "graph/merged")
ENTITY = BASE + "id/entity/"
SH_IRI = SH.base
GAF_DENOTED_BY = ox.NamedNode("http://groundedannotationframework.org/gaf#denotedBy")
PROV_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
#: Shapes whose fixtures exercise each kind of constraint: SPARQL, sh:or, sh:xone, sh:not,
#: qualified value shapes, property pairs, datatypes and languages.
MIXED_SHAPES = (
    "MentionTextShape",
    "AgentShape",
    "DisjointEntityClassesShape",
    "EventTimeShape",
    "EntityClassShape",
    "TimeRangeShape",
    "EntityLabelShape",
    "MentionBeginShape",
)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(SHAPES_PATH, ONTOLOGY_PATH)


def split_build(triples: list[ox.Triple]) -> list[ox.Quad]:
    """The base fixture laid out like a build: entity descriptions and events in the merged graph.

    Entity mentions (gaf:denotedBy) stay in the article graph, as kg.graph.map writes them.
    """
    quads = []
    for t in triples:
        subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else ""
        describes_entity = subject.startswith(ENTITY) and t.predicate != GAF_DENOTED_BY
        merged = describes_entity or subject.startswith(BASE + "id/event/")
        graph = MERGED_GRAPH if merged else ARTICLE_GRAPH
        quads.append(ox.Quad(t.subject, t.predicate, t.object, graph))
    return quads


def write_build(directory: Path, quads: list[ox.Quad] | None = None, dump: str = "") -> Path:
    """A build folder: ``kg.nq`` (the quads, or ``dump`` as is) and a report naming the base."""
    directory.mkdir(parents=True, exist_ok=True)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"" if quads else dump.encode()
    (directory / "kg.nq").write_bytes(data)
    (directory / "build-report.json").write_text(json.dumps({"base_iri": BASE}))
    return directory


def run_build(directory: Path) -> ValidationReport:
    return validate_build(directory, shapes_path=SHAPES_PATH, ontology_path=ONTOLOGY_PATH)


def result(
    focus: str = "urn:x",
    shape: str = "Shape",
    severity: str = "Violation",
    value: str | None = None,
    path: str | None = "urn:p",
) -> ValidationResult:
    return ValidationResult(
        focus=focus,
        path=path,
        value=value,
        source_shape=SHAPES_IRI + shape,
        constraint=SH_IRI + "MinCountConstraintComponent",
        severity=severity,
        message="fix it",
    )


# -- Validator ---------------------------------------------------------------------------------


def test_validate_accepts_triples_and_quads_alike(validator: Validator) -> None:
    triples = base_triples()
    quads = [ox.Quad(t.subject, t.predicate, t.object, ARTICLE_GRAPH) for t in triples]
    assert validator.validate(triples) == validator.validate(quads) == ValidationReport(True, ())


def test_validate_gives_each_result_its_focus_shape_path_and_value(validator: Validator) -> None:
    person = ox.NamedNode(ENTITY + "p")
    report = validator.validate(
        [
            ox.Triple(person, RDF.type, NK.Person),
            ox.Triple(person, RDFS.label, ox.Literal("Petro Kotin", language="uk")),
        ]
    )
    assert report.results == (
        ValidationResult(
            focus=person.value,
            path=RDFS.label.value,
            value='"Petro Kotin"@uk',
            source_shape=SHAPES_IRI + "EntityLabelShape",
            constraint=SH_IRI + "LanguageInConstraintComponent",
            severity="Violation",
            message=report.results[0].message,
        ),
    )
    assert "English rdfs:label" in report.results[0].message
    assert not report.conforms


def test_validate_uses_the_class_hierarchy(validator: Validator) -> None:
    """sh:class nk:Place accepts a nk:NuclearPowerPlant, through the ontology's subclass axioms."""
    plant = ox.NamedNode(ENTITY + "plant")
    report = validator.validate(
        [
            ox.Triple(plant, RDF.type, NK.NuclearPowerPlant),
            ox.Triple(plant, RDFS.label, ox.Literal("Zaporizhzhia NPP", language="en")),
        ]
    )
    assert report.conforms
    assert report.results == ()


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        ("shapes", None, "does not exist"),
        ("shapes", "@prefix broken", "cannot be parsed"),
        ("ontology", None, "does not exist"),
    ],
)
def test_validate_rejects_missing_or_broken_input_files(
    tmp_path: Path, which: str, content: str | None, message: str
) -> None:
    bad = tmp_path / f"{which}.ttl"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    paths = {"shapes_path": SHAPES_PATH, "ontology_path": ONTOLOGY_PATH, f"{which}_path": bad}
    with pytest.raises(ValidationError, match=message) as error:
        Validator(**paths)
    assert str(bad) in str(error.value)
    assert error.value.exit_code == 2


@pytest.mark.parametrize(
    "constraint",
    [
        pytest.param('sh:property [ sh:path <urn:p> ; sh:minCount "x" ]', id="bad-parameter"),
        pytest.param('sh:sparql [ sh:select "SELECT $this WHERE { oops" ]', id="bad-sparql"),
        pytest.param(
            'sh:sparql [ sh:select "SELECT $this WHERE { BIND(SUBSTR(\\"abc\\", 1.5) AS ?x) }" ]',
            id="sparql-crash",
        ),
    ],
)
def test_validate_turns_shapes_that_cannot_run_into_a_validation_error(
    tmp_path: Path, constraint: str
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<urn:shape> a sh:NodeShape ; sh:targetNode <urn:a> ; {constraint} .\n",
        encoding="utf-8",
    )
    validator = Validator(shapes, ONTOLOGY_PATH)
    with pytest.raises(ValidationError, match="pySHACL could not apply the shapes") as error:
        validator.validate(
            [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"))]
        )
    assert error.value.exit_code == 2


def test_validate_writes_complex_paths_in_sparql_syntax(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:NodeShape ; sh:targetNode <urn:a> ;
            sh:property [ sh:path ( [ sh:inversePath <urn:p> ] [ sh:zeroOrMorePath <urn:q> ] ) ;
                          sh:minCount 1 ] .""",
        encoding="utf-8",
    )
    report = Validator(shapes, ONTOLOGY_PATH).validate([])
    (only,) = report.results
    assert only.path == "(^<urn:p>/<urn:q>*)"
    quads = report.to_quads(ox.NamedNode("urn:g"), ox.NamedNode("urn:report"))
    assert not any(q.predicate == SH.resultPath for q in quads)


# -- Validator: what it prepares once ---------------------------------------------------------


def test_validate_reused_validator_gives_the_results_of_a_fresh_one(validator: Validator) -> None:
    paths = [p for p in SHAPE_FIXTURES if p.parent.name in MIXED_SHAPES]
    first = {p: validator.validate(fixture_triples(p)) for p in paths}
    again = {p: validator.validate(fixture_triples(p)) for p in reversed(paths)}
    assert again == first
    for path in paths:
        fresh = Validator(SHAPES_PATH, ONTOLOGY_PATH).validate(fixture_triples(path))
        assert fresh == first[path], path
    assert sum(not report.conforms for report in first.values()) >= len(MIXED_SHAPES)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [BASE_FIXTURE, *(p for p in SHAPE_FIXTURES if p.stem.startswith("invalid"))],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_validate_reports_what_pyshacl_validate_reports(validator: Validator, path: Path) -> None:
    """The reference: one plain pyshacl.validate call per graph, nothing reused."""
    triples = base_triples() if path == BASE_FIXTURE else fixture_triples(path)
    report = validator.validate(triples)
    assert report == validator.validate_with_pyshacl(triples)
    assert report.conforms == (path == BASE_FIXTURE)


def test_validate_parses_each_query_and_collects_the_shapes_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    collected: list[object] = []

    def counting_prepare(text: str, initNs: dict[str, Any]) -> Query:
        parsed.append(text)
        return prepareQuery(text, initNs=initNs)

    collect: Callable[[pyshacl.ShapesGraph], None] = pyshacl.ShapesGraph._build_node_shape_cache

    def counting_collect(shapes_graph: pyshacl.ShapesGraph) -> None:
        collected.append(shapes_graph)
        collect(shapes_graph)

    monkeypatch.setattr(kg.shacl.validate, "prepareQuery", counting_prepare)
    monkeypatch.setattr(pyshacl.ShapesGraph, "_build_node_shape_cache", counting_collect)
    fresh = Validator(SHAPES_PATH, ONTOLOGY_PATH)
    reports = [
        fresh.validate(fixture_triples(BASE_FIXTURE.parent / "MentionTextShape" / name))
        for name in ("valid.trig", "invalid.trig", "valid.trig")
    ]
    assert [report.conforms for report in reports] == [True, False, True]
    assert len(parsed) == 1
    assert "nif:isString" in parsed[0]
    assert len(collected) == 1


def test_validate_evaluates_a_prepared_query_per_text_focus_node_and_graph(tmp_path: Path) -> None:
    """Queries that differ in one literal are prepared apart; each run binds its own $this."""
    validator = Validator(
        shapes_file(
            tmp_path,
            """
        <urn:shape:x> a sh:NodeShape ; sh:targetNode <urn:a> , <urn:b> ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:p> 'x' }" ] .
        <urn:shape:y> a sh:NodeShape ; sh:targetNode <urn:a> , <urn:b> ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:p> 'y' }" ] .
        # no sh:prefixes: rdfs: is one of the data graph's namespaces, as in rdflib
        <urn:shape:label> a sh:NodeShape ; sh:targetNode <urn:a> , <urn:b> ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this rdfs:label 'bad' }" ] .
        """,
        ),
        ONTOLOGY_PATH,
    )

    def flagged(data: dict[str, str]) -> set[tuple[str, str]]:
        triples = [
            ox.Triple(ox.NamedNode(f"urn:{node}"), ox.NamedNode("urn:p"), ox.Literal(value))
            for node, value in data.items()
        ]
        triples.append(ox.Triple(ox.NamedNode("urn:b"), RDFS.label, ox.Literal("bad")))
        report = validator.validate(triples)
        return {(r.focus, r.source_shape) for r in report.results}

    label = {("urn:b", "urn:shape:label")}
    assert flagged({"a": "x"}) == {("urn:a", "urn:shape:x")} | label
    both = {("urn:a", "urn:shape:y"), ("urn:b", "urn:shape:x")}
    assert flagged({"a": "y", "b": "x"}) == both | label
    assert flagged({"b": "y"}) == {("urn:b", "urn:shape:y")} | label
    assert flagged({"a": "x"}) == {("urn:a", "urn:shape:x")} | label


@pytest.mark.parametrize(
    "shapes",
    [
        pytest.param(
            "".join(
                f"<urn:ok{n}> a sh:NodeShape ; sh:targetNode <urn:a> ; sh:nodeKind sh:IRI .\n"
                for n in range(20)
            )
            + "<urn:bad> a sh:NodeShape ; sh:deactivated <urn:x> .",
            id="cannot-collect",
        ),
        pytest.param(
            "<urn:shape> a sh:NodeShape ; sh:targetNode <urn:a> ; "
            'sh:sparql [ sh:select "SELECT $this WHERE { oops" ] .',
            id="bad-sparql",
        ),
        pytest.param(
            "<urn:shape> a sh:NodeShape ; sh:targetNode <urn:a> ; "
            'sh:property [ sh:path <urn:p> ; sh:minCount "x" ] .',
            id="bad-parameter",
        ),
    ],
)
def test_validate_fails_every_call_on_shapes_that_cannot_run(tmp_path: Path, shapes: str) -> None:
    """Nothing half-prepared is kept: the second call fails like the first."""
    validator = Validator(shapes_file(tmp_path, shapes), ONTOLOGY_PATH)
    triple = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b"))
    messages = []
    for _ in range(2):
        with pytest.raises(ValidationError, match="pySHACL could not apply the shapes") as error:
            validator.validate([triple])
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_validate_changes_no_library_wide_state(validator: Validator) -> None:
    """The caches live in the Validator: rdflib and pySHACL are left as they were."""

    def seen() -> list[object]:
        return [
            rdflib.Graph.query,
            rdflib.Graph.triples,
            pyshacl.Validator.__init__,
            pyshacl.Validator.run,
            pyshacl.ShapesGraph.shapes,
            pyshacl.Shape.validate,
            rdflib.plugins.sparql.processor.SPARQLProcessor.query,
            rdflib.plugins.sparql.parser.parseQuery,
        ]

    before = seen()
    validator.validate(fixture_triples(BASE_FIXTURE.parent / "MentionTextShape" / "invalid.trig"))
    assert seen() == before


def test_validate_shapes_graph_lookups_follow_changes_to_the_graph() -> None:
    graph = _ShapesGraphRdf()
    s, p, o = rdflib.URIRef("urn:s"), rdflib.URIRef("urn:p"), rdflib.URIRef("urn:o")
    assert list(graph.objects(s, p)) == []
    graph.add((s, p, o))
    assert list(graph.objects(s, p)) == [o]
    graph.add((s, p, o))
    assert list(graph.objects(s, p)) == [o]
    graph.addN([(s, p, rdflib.Literal("two"), graph)])
    assert set(graph.objects(s, p)) == {o, rdflib.Literal("two")}
    graph.remove((s, p, None))
    assert list(graph.objects(s, p)) == []
    assert (s, p, o) not in graph


# -- ValidationReport --------------------------------------------------------------------------


def test_validate_report_drops_duplicates_and_sorts_by_shape_then_focus() -> None:
    report = ValidationReport.of(
        [result("urn:b", "B"), result("urn:a", "B"), result("urn:z", "A"), result("urn:a", "B")]
    )
    assert [(r.source_shape, r.focus) for r in report.results] == [
        (SHAPES_IRI + "A", "urn:z"),
        (SHAPES_IRI + "B", "urn:a"),
        (SHAPES_IRI + "B", "urn:b"),
    ]


@pytest.mark.parametrize(
    ("severities", "conforms"),
    [((), True), (("Warning", "Info"), True), (("Warning", "Violation"), False)],
)
def test_validate_report_conforms_unless_a_result_is_a_violation(
    severities: tuple[str, ...], conforms: bool
) -> None:
    results = [result(f"urn:{n}", severity=s) for n, s in enumerate(severities)]
    assert ValidationReport.of(results).conforms is conforms


def test_validate_report_as_rdf_has_no_blank_nodes_and_numbered_results() -> None:
    results = [
        result("urn:a", "A", value='"Q212"'),
        result("_:b7", "B", value="_:b8"),
        result("urn:c", "C", value='"0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ]
    report = ValidationReport.of(results)
    graph, iri = ox.NamedNode("urn:graph"), ox.NamedNode("http://example.org/report")
    quads = report.to_quads(graph, iri)
    assert quads == report.to_quads(graph, iri)
    assert all(q.graph_name == graph for q in quads)
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))
    store = ox.Store()
    store.extend(quads)
    rows = store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?r ?focus ?value WHERE { "
        "GRAPH ?g { <http://example.org/report> sh:conforms false ; sh:result ?r . "
        "?r sh:focusNode ?focus ; sh:value ?value } } ORDER BY ?r"
    )
    assert isinstance(rows, ox.QuerySolutions)
    genid = "http://example.org/report#genid-"
    assert [(row["r"], row["focus"], row["value"]) for row in rows] == [
        (ox.NamedNode(iri.value + "#r1"), ox.NamedNode("urn:a"), ox.Literal("Q212")),
        (ox.NamedNode(iri.value + "#r2"), ox.NamedNode(genid + "b7"), ox.NamedNode(genid + "b8")),
        (
            ox.NamedNode(iri.value + "#r3"),
            ox.NamedNode("urn:c"),
            ox.Literal("0.5", datatype=XSD.decimal),
        ),
    ]


def test_validate_report_as_rdf_of_a_conforming_report() -> None:
    quads = ValidationReport(True, ()).to_quads(ox.NamedNode("urn:g"), ox.NamedNode("urn:r"))
    assert {(q.predicate, q.object) for q in quads} == {
        (RDF.type, SH.ValidationReport),
        (SH.conforms, ox.Literal(True)),
    }


def test_validate_summary_groups_results_by_shape() -> None:
    results = [
        result("urn:a", "AgentShape"),
        result("urn:b", "AgentShape"),
        result("urn:c", "TargetShape"),
    ]
    report = ValidationReport.of(results, graphs=[ARTICLE_GRAPH.value, MERGED_GRAPH.value])
    lines = report.summary().splitlines()
    assert lines[0] == (
        "Validated 1 article graph(s) and the merged graph: does not conform: "
        "3 violation(s) from 2 shape(s)."
    )
    assert lines[2] == "nks:AgentShape: 2 result(s)"
    assert lines[3].startswith("  Violation: urn:a ")
    assert "[sh:MinCountConstraintComponent] fix it" in lines[3]
    assert lines[6] == "nks:TargetShape: 1 result(s)"
    assert len(lines) == 8


def test_validate_summary_of_a_conforming_report() -> None:
    expected = "Validated the given triples: conforms (no results)."
    assert ValidationReport(True, ()).summary() == expected


# -- validate_build ----------------------------------------------------------------------------


def test_validate_build_of_a_valid_build_conforms(tmp_path: Path) -> None:
    report = run_build(write_build(tmp_path / "dist", split_build(base_triples())))
    assert report.results == ()
    assert report.graphs == (ARTICLE_GRAPH.value, MERGED_GRAPH.value)
    assert report.summary() == (
        "Validated 1 article graph(s) and the merged graph: conforms (no results)."
    )


def test_validate_build_without_merged_graph_validates_the_articles(tmp_path: Path) -> None:
    quads = [q for q in split_build(base_triples()) if q.graph_name == ARTICLE_GRAPH]
    report = run_build(write_build(tmp_path / "dist", quads))
    assert report.graphs == (ARTICLE_GRAPH.value,)
    # Without the merged graph, the article's entities have no description (no local view).
    assert {r.source_shape.removeprefix(SHAPES_IRI) for r in report.results} >= {"AgentShape"}


def test_validate_build_reports_an_entity_missing_from_the_merged_graph(tmp_path: Path) -> None:
    quads = split_build(base_triples())
    ghost = ox.NamedNode(ENTITY + "ghost")
    report_node = ox.NamedNode(BASE + "id/report/r1")
    quads.append(ox.Quad(report_node, NK.agent, ghost, ARTICLE_GRAPH))
    report = run_build(write_build(tmp_path / "dist", quads))
    assert [(r.focus, r.source_shape, r.value) for r in report.results] == [
        (report_node.value, SHAPES_IRI + "AgentShape", ghost.value),
    ]


def test_validate_build_checks_cited_articles_exist_in_the_build(tmp_path: Path) -> None:
    quads = split_build(base_triples())
    event = ox.NamedNode(BASE + "id/event/e1")
    elsewhere = ox.NamedNode(BASE + "id/article/not-in-this-build")
    quads.append(ox.Quad(event, PROV_DERIVED_FROM, elsewhere, MERGED_GRAPH))
    report = run_build(write_build(tmp_path / "dist", quads))
    assert [(r.focus, r.source_shape, r.value) for r in report.results] == [
        (event.value, SHAPES_IRI + "SourceArticleShape", elsewhere.value),
    ]


def test_validate_build_reports_merged_graph_violations(tmp_path: Path) -> None:
    quads = split_build(base_triples())
    plant = ox.NamedNode(ENTITY + "zaporizhzhia-npp")
    wrong = ox.NamedNode("https://www.wikidata.org/wiki/Q909477")
    quads = [q for q in quads if not (q.subject == plant and q.predicate == OWL_SAME_AS)]
    quads.append(ox.Quad(plant, OWL_SAME_AS, wrong, MERGED_GRAPH))
    report = run_build(write_build(tmp_path / "dist", quads))
    assert [(r.focus, r.source_shape, r.value) for r in report.results] == [
        (plant.value, SHAPES_IRI + "EntitySameAsShape", wrong.value),
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param(lambda d: None, "is not a folder", id="no-folder"),
        pytest.param(lambda d: d.mkdir(), "kg.nq does not exist", id="no-dump"),
        pytest.param(
            lambda d: write_build(d, dump="<a> <b> .\n"),
            "cannot be parsed as N-Quads",
            id="broken-dump",
        ),
        pytest.param(
            lambda d: write_build(
                d, dump=("<urn:a> <urn:b> <urn:c> <http://example.org/graph/merged> .\n")
            ),
            "holds no article graph",
            id="no-article-graph",
        ),
        pytest.param(
            lambda d: (d.mkdir(), (d / "kg.nq").write_text("")),
            "does not name the build's base IRI",
            id="no-report",
        ),
    ],
)
def test_validate_build_fails_clearly_on_a_bad_folder(
    tmp_path: Path, setup: object, message: str
) -> None:
    directory = tmp_path / "dist"
    assert callable(setup)
    setup(directory)
    with pytest.raises(ValidationError, match=message) as error:
        run_build(directory)
    assert str(directory) in str(error.value)
    assert error.value.exit_code == 2
