"""The Linked Data description of an IRI, over a hand-written store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

from kg.dataset.resource import describe, entity_for_qid, exists
from kg.vocab import NIF, NK

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
ID = "http://kg.test/id/"
PLANT = ID + "entity/zaporizhzhia-npp-bbbbbbbbbbbb"
TROOPS = ID + "entity/russian-armed-forces-aaaaaaaaaaaa"


@pytest.fixture(scope="module")
def store() -> Store:
    """The fixture as a build stores it: its named graphs, and their merge as default graph."""
    quads = list(parse(FIXTURE.read_bytes(), format=RdfFormat.TRIG))
    store = Store()
    store.extend(quads)
    store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return store


def test_resource_describes_an_entity(store: Store) -> None:
    d = describe(store, PLANT)
    assert d is not None
    assert d.label == 'Zaporizhzhia <Nuclear> & "Power" Plant'
    assert [t.value for t in d.types] == [NK.NuclearPowerPlant.value]
    assert [w.value for w in d.wikidata] == ["http://www.wikidata.org/entity/Q1642"]
    assert d.labels[NK.NuclearPowerPlant.value] == "Nuclear power plant"


def test_resource_gives_mentions_with_their_sentence_and_article(store: Store) -> None:
    d = describe(store, PLANT)
    assert d is not None
    mention = next(m for m in d.mentions if m.article == NamedNode(ID + "article/a1"))
    assert mention.anchor == "Zaporizhzhia"
    assert mention.before == "Russian troops seized the "
    assert mention.after == " plant on March 4."
    assert mention.article_title == "Troops seize the plant <b>now</b>"


def test_resource_article_document_holds_its_mentions_and_sentences(store: Store) -> None:
    """``<article>#char=b,e`` is fetched as the article's document, so that document must
    describe every mention and sentence of the article (and nothing of another article)."""
    d = describe(store, ID + "article/a1")
    assert d is not None
    subjects = {t.subject.value for t in d.triples()}  # type: ignore[union-attr]
    assert {ID + "article/a1#char=0,14", ID + "article/a1#char=0,56"} <= subjects
    assert not any("article/a2" in s for s in subjects)
    mention = NamedNode(ID + "article/a1#char=15,21")
    assert {t.predicate for t in d.triples() if t.subject == mention} >= {
        NIF.anchorOf,
        NIF.beginIndex,
        NIF.endIndex,
        NIF.referenceContext,
    }


def test_resource_limits_links_and_says_so(store: Store) -> None:
    d = describe(store, ID + "article/a1", limit=2)
    assert d is not None
    assert len(d.outgoing) == 2
    assert d.outgoing_truncated
    assert len(d.incoming) == 2
    assert d.incoming_truncated
    assert len(d.triples()) == 4 + len(d.members)
    assert d.truncated


def test_resource_knows_what_exists(store: Store) -> None:
    assert describe(store, ID + "entity/nothing") is None
    assert exists(store, ID + "event/dddddddddddd")
    assert not exists(store, ID + "event/nothing")
    assert entity_for_qid(store, "Q1642", "http://kg.test/") == NamedNode(PLANT)
    assert entity_for_qid(store, "Q1", "http://kg.test/") is None
