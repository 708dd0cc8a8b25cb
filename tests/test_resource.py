"""The Linked Data description of an IRI, over a hand-written store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store, parse

from kg.dataset.resource import describe, entity_for_qid, exists
from kg.vocab import NK

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
ID = "http://kg.test/id/"
PLANT = ID + "entity/zaporizhzhia-npp-bbbbbbbbbbbb"
TROOPS = ID + "entity/russian-armed-forces-aaaaaaaaaaaa"


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    store.extend(parse(FIXTURE.read_bytes(), format=RdfFormat.TRIG))
    return store


def test_resource_describes_an_entity(store: Store) -> None:
    d = describe(store, PLANT)
    assert d is not None
    assert d.label == 'Zaporizhzhia <Nuclear> & "Power" Plant'
    assert [t.value for t in d.types] == [NK.NuclearPowerPlant.value]
    assert [w.value for w in d.wikidata] == ["http://www.wikidata.org/entity/Q1642"]
    assert d.labels[TROOPS] == "Russian Armed Forces"


def test_resource_gives_mentions_with_their_sentence_and_article(store: Store) -> None:
    d = describe(store, PLANT)
    assert d is not None
    (mention,) = d.mentions
    assert mention.anchor == "Zaporizhzhia"
    assert mention.before == "Russian troops seized the "
    assert mention.after == " plant on March 4."
    assert mention.article == NamedNode(ID + "article/a1")
    assert mention.article_title == "Troops seize the plant <b>now</b>"


def test_resource_lists_the_events_an_entity_takes_part_in(store: Store) -> None:
    d = describe(store, TROOPS)
    assert d is not None
    (event,) = d.events
    assert event.iri.value == ID + "event/dddddddddddd"
    assert event.role == NK.agent
    assert event.types == (NK.Seizure,)
    assert event.time == "2022-03-04"
    assert (NK.target, NamedNode(PLANT)) in event.participants


def test_resource_limits_links_and_says_so(store: Store) -> None:
    d = describe(store, ID + "article/a1", limit=2)
    assert d is not None
    assert len(d.outgoing) == 2
    assert d.outgoing_truncated
    assert len(d.incoming) == 2
    assert d.incoming_truncated
    assert len(d.triples()) == 4


def test_resource_knows_what_exists(store: Store) -> None:
    assert describe(store, ID + "entity/nothing") is None
    assert exists(store, ID + "event/dddddddddddd")
    assert not exists(store, ID + "event/nothing")
    assert entity_for_qid(store, "Q1642", "http://kg.test/") == NamedNode(PLANT)
    assert entity_for_qid(store, "Q1", "http://kg.test/") is None
