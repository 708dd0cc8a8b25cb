"""SPARQLWrapper, a real client, against a live server (granian, what ``kg serve`` runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from server.testing import live_server, write_build

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
ENV = {
    "KG_BASE_IRI": "http://kg.test/",
    "KG_WORKERS": "1",
    "KG_THREADS": "4",
    "KG_QUERY_WORKERS": "1",
    "KG_QUERY_TIMEOUT": "5",
}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dist = tmp_path_factory.mktemp("client") / "dist"
    write_build(dist, FIXTURE.read_bytes())
    with live_server(dist, env=ENV) as url:
        yield url + "sparql"


def client(endpoint: str, query: str, fmt: str = JSON) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_sparql_client_select(endpoint: str) -> None:
    query = "SELECT ?e ?q { ?e <http://www.w3.org/2002/07/owl#sameAs> ?q } ORDER BY ?q"
    result = client(endpoint, query).queryAndConvert()
    assert isinstance(result, dict)
    qids = [b["q"]["value"] for b in result["results"]["bindings"]]
    assert qids == [
        "http://www.wikidata.org/entity/Q1642",
        "http://www.wikidata.org/entity/Q1726478",
    ]
    assert result["newskg"]["truncated"] is False


def test_sparql_client_select_by_post_as_csv(endpoint: str) -> None:
    sparql = client(endpoint, "SELECT ?t { ?s a ?t } ORDER BY ?t LIMIT 2", CSV)
    sparql.setMethod(POST)
    body = sparql.queryAndConvert()
    assert isinstance(body, bytes)
    assert body.splitlines()[0] == b"t"


def test_sparql_client_ask(endpoint: str) -> None:
    result = client(
        endpoint, "ASK { ?e a <https://w3id.org/newskg/ontology#Seizure> }"
    ).queryAndConvert()
    assert isinstance(result, dict)
    assert result["boolean"] is True


def test_sparql_client_construct(endpoint: str) -> None:
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = f"CONSTRUCT {{ ?e <http://e/label> ?l }} WHERE {{ ?e {label} ?l }}"
    graph = client(endpoint, query, TURTLE).queryAndConvert()
    if isinstance(graph, bytes):
        graph = Graph().parse(data=graph, format="turtle")
    assert isinstance(graph, Graph)
    assert len(graph) == 10  # two entities, eight ontology terms
    assert (URIRef("http://kg.test/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb"), None, None) in graph


def test_sparql_client_sees_errors(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed):
        client(endpoint, "SELECT * WHERE {").queryAndConvert()
    refused = client(endpoint, "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(Exception, match="403"):
        refused.queryAndConvert()
