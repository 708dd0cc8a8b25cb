"""Running one query with caps and serialising it (what a query worker does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import (
    BaseDirection,
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    RdfFormat,
    Store,
    Triple,
    parse,
    parse_query_results,
)

from kg.errors import BadRequest, DatasetError, QuerySyntaxError
from kg.settings import Settings
from kg.sparql import run_query
from kg.sparql.execute import QueryJob, execute, is_store_failure, term_json
from server.testing import write_build

FIXTURE = Path(__file__).parent / "endpoint" / "fixture.trig"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store()
    store.extend(parse(FIXTURE.read_bytes(), format=RdfFormat.TRIG))
    return store


def job(query: str, media_type: str = JSON, **options: object) -> QueryJob:
    return QueryJob(query=query, media_type=media_type, row_limit=1000, **options)  # type: ignore[arg-type]


def test_execute_select_json_has_head_results_and_the_limit_note(store: Store) -> None:
    labels = "SELECT ?label { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    result = execute(store, job(labels + " ORDER BY ?label"))
    document = json.loads(result.body)
    assert document["head"] == {"vars": ["label"]}
    assert document["results"]["bindings"][0]["label"]["xml:lang"] == "en"
    assert document["newskg"] == {"limit": 1000, "truncated": False, "rows": 10}
    assert result.media_type == JSON
    assert not result.truncated
    assert result.rows == 10  # two entities, eight ontology terms


def test_execute_caps_rows_and_says_so(store: Store) -> None:
    capped = QueryJob(query="SELECT * { ?s ?p ?o }", media_type=JSON, row_limit=3)
    result = execute(store, capped)
    document = json.loads(result.body)
    assert len(document["results"]["bindings"]) == 3
    assert document["newskg"]["truncated"] is True
    assert result.truncated
    assert result.rows == 3


def test_execute_caps_bytes(store: Store) -> None:
    small = QueryJob(query="SELECT * { ?s ?p ?o }", media_type=JSON, row_limit=1000, byte_limit=500)
    result = execute(store, small)
    assert result.truncated
    assert 0 < result.rows < 10


@pytest.mark.parametrize(
    "fmt", [QueryResultsFormat.XML, QueryResultsFormat.CSV, QueryResultsFormat.TSV]
)
def test_execute_serialises_every_results_format(store: Store, fmt: QueryResultsFormat) -> None:
    query = "SELECT ?s ?o { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o } ORDER BY ?s"
    result = execute(store, job(query, fmt.media_type.split(";")[0]))
    assert result.media_type == fmt.media_type
    if fmt != QueryResultsFormat.CSV:
        rows = list(parse_query_results(result.body, format=fmt))  # type: ignore[arg-type]
        assert [str(r["o"]) for r in rows] == [
            "<http://www.wikidata.org/entity/Q1726478>",
            "<http://www.wikidata.org/entity/Q1642>",
        ]
    else:
        assert result.body.splitlines()[0] == b"s,o"


def test_execute_construct_truncation_is_a_turtle_comment(store: Store) -> None:
    capped = QueryJob(query="CONSTRUCT WHERE { ?s ?p ?o }", media_type="text/turtle", row_limit=2)
    result = execute(store, capped)
    assert result.body.startswith(b"# newskg: truncated to the first 2 triples (limit 2)")
    assert len(list(parse(result.body, format=RdfFormat.TURTLE))) == 2


def test_execute_ask_and_describe(store: Store) -> None:
    ask = json.loads(
        execute(store, job("ASK { ?s a <https://w3id.org/newskg/ontology#Seizure> }")).body
    )
    assert ask["boolean"] is True
    assert ask["head"] == {}
    described = execute(
        store, job("DESCRIBE <http://kg.test/id/event/dddddddddddd>", "application/n-triples")
    )
    assert described.media_type == "application/n-triples"
    assert b"ontology#agent" in described.body


def test_execute_reports_the_parsers_message(store: Store) -> None:
    with pytest.raises(QuerySyntaxError, match="error at 1:6"):
        execute(store, job("ASK {"))


def test_execute_honours_protocol_datasets(store: Store) -> None:
    merged = "http://kg.test/graph/merged"
    only_merged = job(
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", default_graphs=(merged,), named_graphs=()
    )
    count = json.loads(execute(store, only_merged).body)["results"]["bindings"][0]["n"]["value"]
    everything = json.loads(execute(store, job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")).body)
    assert 0 < int(count) < int(everything["results"]["bindings"][0]["n"]["value"])
    with pytest.raises(BadRequest):
        execute(store, job("ASK {}", default_graphs=("not an iri",), named_graphs=()))


def test_execute_term_json_follows_the_spec() -> None:
    assert term_json(BlankNode("b1")) == {"type": "bnode", "value": "b1"}
    assert term_json(
        Literal("5", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    ) == {"type": "literal", "value": "5", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    rtl = Literal("x", language="ar", direction=BaseDirection.RTL)
    assert term_json(rtl) == {"type": "literal", "value": "x", "xml:lang": "ar", "its:dir": "rtl"}
    triple = Triple(NamedNode("http://a"), NamedNode("http://b"), Literal("c"))
    assert term_json(triple)["value"]["object"] == {"type": "literal", "value": "c"}


def test_sparql_run_query_works_in_process_for_the_cli(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    write_build(dist, FIXTURE.read_bytes())
    settings = Settings(base_iri="http://kg.test/", row_limit=2)
    result = run_query(dist, "SELECT ?s { ?s a ?t } ORDER BY ?s", "csv", settings=settings)
    assert result.media_type.startswith("text/csv")
    assert result.truncated
    assert result.rows == 2
    turtle = run_query(dist, "CONSTRUCT WHERE { ?s a ?t }", "turtle", settings=settings)
    assert turtle.body.startswith(b"# newskg: truncated")
    from kg.errors import NotAcceptable

    with pytest.raises(NotAcceptable):
        run_query(dist, "SELECT * {}", "turtle", settings=settings)


class _FailingStore:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def query(self, *args: object, **kwargs: object) -> object:
        raise self.error

    def quads_for_pattern(self, *args: object) -> object:
        return iter(())  # no merged default graph: the query asks for the union


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RuntimeError("Corruption: block checksum mismatch in 000012.sst"), DatasetError),
        (OSError("IO error: No such file or directory"), DatasetError),
        (RuntimeError("The SPARQL query evaluation failed"), BadRequest),
        (ValueError("invalid IRI"), BadRequest),
    ],
)
def test_execute_blames_the_store_not_the_client_for_store_errors(
    error: Exception, expected: type[Exception]
) -> None:
    job = QueryJob(query="ASK {}", media_type="application/sparql-results+json", row_limit=1)
    with pytest.raises(expected) as raised:
        execute(_FailingStore(error), job)  # type: ignore[arg-type]
    assert type(raised.value) is expected
    assert is_store_failure(error) is (expected is DatasetError)
