"""Compacted JSON-LD expands to exactly the triples it was made from (rdflib expands it)."""

from __future__ import annotations

import json

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from rdflib.compare import isomorphic

from kg.sparql.jsonld import compact_jsonld
from kg.vocab import NIF, NK, PREFIXES, RDF, RDFS, XSD

ENTITY = NamedNode("http://kg.test/id/entity/kyiv-1")
MENTION = NamedNode("http://kg.test/id/article/a%201#char=0,4")
TRIPLES = [
    Triple(ENTITY, RDF.type, NK.Place),
    Triple(ENTITY, RDFS.label, Literal("Kyiv", language="en")),
    Triple(ENTITY, NK.linkConfidence, Literal("0.9", datatype=XSD.decimal)),
    Triple(MENTION, NIF.beginIndex, Literal("0", datatype=XSD.integer)),
    Triple(MENTION, NIF.anchorOf, Literal('Kyiv "quoted" \\ \n')),
    Triple(MENTION, NK.note, Literal("010", datatype=XSD.string)),
    Triple(BlankNode("b0"), RDFS.seeAlso, NamedNode("urn:isbn:0451450523")),
    Triple(ENTITY, RDFS.seeAlso, NamedNode("http://www.wikidata.org/entity/Q1899")),
]


def test_jsonld_compacts_with_our_prefixes() -> None:
    prefixes = {**PREFIXES, "entity": "http://kg.test/id/entity/"}
    document = json.loads(compact_jsonld(TRIPLES, prefixes))
    assert document["@context"]["nk"] == NK.base
    node = next(n for n in document["@graph"] if n["@id"] == "entity:kyiv-1")
    assert node["@type"] == ["nk:Place"]
    assert node["nk:linkConfidence"] == [{"@value": "0.9", "@type": "xsd:decimal"}]
    assert node["rdfs:seeAlso"] == [{"@id": "wd:Q1899"}]


def test_jsonld_expands_to_the_same_triples() -> None:
    prefixes = {**PREFIXES, "entity": "http://kg.test/id/entity/"}
    compacted = rdflib.Graph().parse(data=compact_jsonld(TRIPLES, prefixes), format="json-ld")
    turtle = serialize(TRIPLES, format=RdfFormat.TURTLE) or b""
    expected = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(compacted) == len(TRIPLES)
    assert isomorphic(compacted, expected)
