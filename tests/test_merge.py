"""kg.graph.merge: one description per entity and per event across articles; deterministic, valid.

Which reports form one event is kg.graph.events' business (tests/test_merge_events.py); these
tests check how the merged layer describes entities and events.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from fakes import IRIS, article, sample_extraction
from pyoxigraph import Literal, NamedNode

import kg.graph.merge
from kg.graph.merge import merge_layer, most_specific_class
from kg.model import Extraction
from kg.shacl.validate import Validator
from kg.vocab import GAF, GEO, NK, OWL, PROV, RDF, RDFS, SKOS, WD


def two_articles() -> list[Extraction]:
    first = sample_extraction(article("a1"))
    second = sample_extraction(article("a2"))
    # the second article calls the troops differently and the plant an occupation target too
    troops = dataclasses.replace(second.entities[0], name="Russian forces", cls="Organisation")
    return [first, dataclasses.replace(second, entities=(troops, *second.entities[1:]))]


def triples(layer: kg.graph.merge.MergedLayer) -> set[tuple[object, object, object]]:
    return {t for d in layer.descriptions() for t in d.triples}


def test_merge_entity_has_one_class_and_one_label() -> None:
    layer = merge_layer(two_articles(), IRIS)
    found = triples(layer)
    for description in layer.entities:
        labels = [o for s, p, o in description.triples if p == RDFS.label]
        kinds = [o for s, p, o in description.triples if p == RDF.type]
        assert len(labels) == 1, description
        assert len(kinds) == 1, description
    troops = IRIS.entity(two_articles()[0].entities[0])
    # 1 vote ArmedForces + 1 vote Organisation: ArmedForces is the most specific supported class
    assert (troops, RDF.type, NK.ArmedForces) in found
    # a tie between names goes to the first in sort order; the other name is an altLabel
    assert (troops, RDFS.label, Literal("Russian forces", language="en")) in found
    assert (troops, SKOS.altLabel, Literal("Russian troops", language="en")) in found
    assert (troops, NK.country, WD.Q159) in found


def test_merge_linked_entity_takes_the_gazetteer_label_and_sameas() -> None:
    found = triples(merge_layer(two_articles(), IRIS))
    plant = IRIS.entity(two_articles()[0].entities[1])
    assert (plant, RDFS.label, Literal("Zaporizhzhia Nuclear Power Plant", language="en")) in found
    assert (plant, OWL.sameAs, WD.Q200639) in found
    assert (
        plant,
        NK.linkConfidence,
        Literal("0.93", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ) in found
    alt = {o.value for s, p, o in found if s == plant and p == SKOS.altLabel}  # type: ignore[attr-defined]
    assert alt == {"ZNPP", "Zaporizhzhia nuclear power plant"}


def test_merge_linked_place_gets_the_coordinates_of_its_item(validator: Validator) -> None:
    """Coordinates come from the gazetteer (by QID), as canonical xsd:decimal degrees; an
    entity without a point gets none, and the layer still conforms."""
    places = {"Q200639": (47.511944, 34.585833), "Q1": (-0.00001, 180.0)}
    layer = merge_layer(two_articles(), IRIS, places)
    found = triples(layer)
    plant = IRIS.entity(two_articles()[0].entities[1])
    decimal = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    assert (plant, GEO.lat, Literal("47.5119", datatype=decimal)) in found
    assert (plant, GEO.long, Literal("34.5858", datatype=decimal)) in found
    assert sum(1 for _s, p, _o in found if p == GEO.lat) == 1
    assert kg.graph.merge.degrees(-0.00001).value == "0"
    assert kg.graph.merge.degrees(180.0).value == "180"
    units = layer.validation_units({IRIS.article("a1"), IRIS.article("a2")})
    report = validator.validate([t for _, unit in units for t in unit])
    assert report.conforms, report.summary()
    assert not report.results, report.summary()


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ({"Organisation": 3, "ArmedForces": 1}, "ArmedForces"),
        ({"Company": 1, "GovernmentBody": 2}, "GovernmentBody"),
        ({"Place": 1, "Facility": 1, "NuclearPowerPlant": 1}, "NuclearPowerPlant"),
        ({"Person": 2, "Organisation": 1, "Company": 1}, "Company"),
        ({"Person": 3, "Organisation": 1, "Company": 1}, "Person"),
    ],
)
def test_merge_most_specific_class(votes: dict[str, int], expected: str) -> None:
    assert most_specific_class(Counter(votes)) == expected


def test_merge_events_link_reports_mentions_and_articles() -> None:
    extractions = two_articles()
    layer = merge_layer(extractions, IRIS)
    found = triples(layer)
    seizures = [d for d in layer.events if (d.node, RDF.type, NK.Seizure) in d.triples]
    assert len(seizures) == 1
    event = seizures[0].node
    reports = sorted(
        IRIS.report(x.article.id, x.events[0].trigger.begin, x.events[0].trigger.end, "Seizure")
        for x in extractions
    )
    assert event == IRIS.event(*(r.value for r in reports))
    for x, report in zip(extractions, reports, strict=True):
        trigger = x.events[0].trigger
        assert (event, NK.hasReport, report) in found
        assert (report, NK.reportOf, event) in found
        trigger_iri = IRIS.mention(x.article.id, trigger.begin, trigger.end)
        assert (event, GAF.denotedBy, trigger_iri) in found
        assert (event, PROV.wasDerivedFrom, IRIS.article(x.article.id)) in found
    assert (event, NK.agent, IRIS.entity(extractions[0].entities[0])) in found
    assert any(s == event and p == NK.mergeReason for s, p, _ in found)


def test_merge_does_not_depend_on_article_order() -> None:
    forward = merge_layer(two_articles(), IRIS)
    backward = merge_layer(list(reversed(two_articles())), IRIS)
    assert forward == backward


def test_merge_without_drops_dependent_events() -> None:
    layer = merge_layer(two_articles(), IRIS)
    plant = IRIS.entity(two_articles()[0].entities[1])
    smaller = layer.without({plant})
    assert plant not in {d.node for d in smaller.entities}
    assert not any(o == plant for _, _, o in triples(smaller))


def test_merge_layer_conforms_to_the_shapes(validator: Validator) -> None:
    layer = merge_layer(two_articles(), IRIS)
    units = list(layer.validation_units({IRIS.article("a1"), IRIS.article("a2")}))
    assert len(units) == len(layer.entities) + len(layer.events)
    for _, triples in units:
        report = validator.validate(triples)
        assert report.conforms, report.summary()
        assert not report.results, report.summary()
    together = validator.validate([t for _, triples in units for t in triples])
    assert together.conforms
    assert not together.results
