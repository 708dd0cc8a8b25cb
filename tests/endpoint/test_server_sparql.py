"""The /sparql endpoint: protocol, negotiation, refusals, limits, caching, gzip, CORS."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse
from werkzeug.test import TestResponse

from kg.errors import BadRequest
from kg.sparql import QueryPool
from server.protocol import parse_urlencoded

SELECT = "SELECT ?s ?label { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
SLOW = (
    "SELECT (COUNT(*) AS ?n) { VALUES ?a {1 2 3 4 5 6 7 8 9 10} VALUES ?b {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?c {1 2 3 4 5 6 7 8 9 10} VALUES ?d {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?e {1 2 3 4 5 6 7 8 9 10} VALUES ?f {1 2 3 4 5 6 7 8 9 10} "
    "VALUES ?g {1 2 3 4 5 6 7 8 9 10} VALUES ?h {1 2 3 4 5 6 7 8 9 10} }"
)


def get(client: FlaskClient, query: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.get("/sparql?query=" + quote(query), headers=headers)


def test_server_sparql_get_gives_json_by_default(client: FlaskClient) -> None:
    response = get(client, SELECT)
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    document = response.get_json()
    assert document["head"]["vars"] == ["s", "label"]
    assert len(document["results"]["bindings"]) == 10  # two entities, eight ontology terms
    assert response.headers["X-Result-Limit"] == "1000"
    assert response.headers["X-Result-Truncated"] == "false"


def test_server_sparql_accepts_form_and_direct_posts(client: FlaskClient) -> None:
    form = client.post("/sparql", data={"query": "ASK {}"})
    direct = client.post("/sparql", data="ASK {}", content_type="application/sparql-query")
    assert form.get_json()["boolean"] is True
    assert direct.get_json()["boolean"] is True


def test_server_sparql_negotiates_with_q_values(client: FlaskClient) -> None:
    csv = get(client, SELECT, Accept="text/csv;q=0.9, application/sparql-results+xml;q=0.5")
    assert csv.mimetype == "text/csv"
    assert csv.data.startswith(b"s,label")
    tsv = get(client, SELECT, Accept="text/tab-separated-values")
    assert tsv.data.startswith(b"?s\t?label")
    xml = get(client, SELECT, Accept="application/sparql-results+xml")
    assert b"<sparql" in xml.data
    graph = get(client, "CONSTRUCT WHERE { ?s a ?t }", Accept="application/ld+json")
    assert graph.mimetype == "application/ld+json"
    assert len(list(parse(graph.data, format=RdfFormat.JSON_LD))) > 3
    for accept, fmt in [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/n-quads", RdfFormat.N_QUADS),
        ("application/rdf+xml", RdfFormat.RDF_XML),
    ]:
        response = get(client, "DESCRIBE <http://kg.test/id/event/dddddddddddd>", Accept=accept)
        assert response.mimetype == accept
        assert len(list(parse(response.data, format=fmt))) >= 5


def test_server_sparql_answers_406_when_nothing_is_acceptable(client: FlaskClient) -> None:
    response = get(client, SELECT, Accept="image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_json()["fix"]
    assert get(client, "ASK {}", Accept="text/turtle").status_code == 406


def test_server_sparql_gives_the_parsers_message_on_a_syntax_error(client: FlaskClient) -> None:
    response = get(client, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert "error at 1:" in response.get_json()["message"]


def test_server_sparql_refuses_updates_load_clear_and_service(client: FlaskClient) -> None:
    requests: list[Callable[[], TestResponse]] = [
        lambda: client.get("/sparql?update=" + quote("CLEAR ALL")),
        lambda: client.post("/sparql", data={"update": "LOAD <http://example.org/x>"}),
        lambda: client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update"),
        lambda: get(client, "CLEAR ALL"),
        lambda: get(client, "LOAD <http://example.org/x>"),
        lambda: get(client, "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
    ]
    for request in requests:
        response = request()
        assert response.status_code == 403, response.data
        assert response.get_json()["error"] == "QueryRefused"


def test_server_sparql_rejects_malformed_requests(client: FlaskClient) -> None:
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    plain = client.post("/sparql", data="ASK {}", content_type="text/plain")
    utf16 = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    empty_post = client.post("/sparql", data={"limit": "1"})
    bad_timeout = client.get("/sparql?timeout=-1&query=ASK%7B%7D")
    put = client.put("/sparql?query=ASK%7B%7D")
    assert [r.status_code for r in (two, plain, utf16, empty_post, bad_timeout, put)] == [
        400,
        415,
        415,
        400,
        400,
        405,
    ]


def test_server_sparql_refuses_large_bodies_with_413(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_body_bytes=100).test_client()
    response = client.post(
        "/sparql", data="ASK {} #" + "x" * 200, content_type="application/sparql-query"
    )
    assert response.status_code == 413
    assert client.get("/sparql?query=" + "x" * 200).status_code == 413


def test_server_sparql_announces_the_row_cap(make_app: Callable[..., Flask]) -> None:
    client = make_app(row_limit=2).test_client()
    response = get(client, "SELECT * { ?s ?p ?o }")
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Limit"] == "2"
    assert response.get_json()["newskg"] == {"limit": 2, "truncated": True, "rows": 2}
    turtle = get(client, "CONSTRUCT WHERE { ?s ?p ?o }", Accept="text/turtle")
    assert turtle.data.startswith(b"# newskg: truncated")


@pytest.mark.slow
def test_server_sparql_stops_slow_queries_and_serves_others(make_app: Callable[..., Flask]) -> None:
    app = make_app(query_timeout=5.0, query_workers=2)
    cheap: list[int] = []

    def meanwhile() -> None:
        time.sleep(0.3)
        cheap.append(get(app.test_client(), "ASK {}").status_code)

    other = threading.Thread(target=meanwhile)
    other.start()
    started = time.perf_counter()
    response = app.test_client().get("/sparql?timeout=1&query=" + quote(SLOW))
    elapsed = time.perf_counter() - started
    other.join()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "stopped" in response.get_json()["message"]
    assert 1 <= elapsed < 3
    assert cheap == [200]


def test_server_sparql_revalidates_with_etag_and_last_modified(client: FlaskClient) -> None:
    first = get(client, SELECT)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Last-Modified"] == "Fri, 02 Jan 2026 03:04:05 GMT"
    assert "public" in first.headers["Cache-Control"]
    again = get(client, SELECT, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert not again.data
    since = get(client, SELECT, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = get(client, SELECT, Accept="text/csv", **{"If-None-Match": etag})
    assert other.status_code == 200


def test_server_sparql_gzips_for_clients_that_accept_it(client: FlaskClient) -> None:
    big = "SELECT * { ?s ?p ?o }"
    response = get(client, big, **{"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.data))["head"]["vars"] == ["o", "p", "s"]
    assert "Content-Encoding" not in get(client, big).headers


def test_server_sparql_allows_cross_origin_use(client: FlaskClient) -> None:
    response = get(client, "ASK {}", Origin="https://yasgui.example")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Result-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"


def test_server_sparql_describes_the_service(client: FlaskClient) -> None:
    response = client.get("/sparql")
    assert response.mimetype == "text/turtle"
    triples = list(parse(response.data, format=RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    predicates = {t.predicate.value for t in triples}
    expected = {sd + "endpoint", sd + "supportedLanguage", sd + "resultFormat", sd + "namedGraph"}
    assert expected <= predicates
    names = {t.object.value for t in triples if t.predicate.value == sd + "name"}
    assert "http://kg.test/graph/merged" in names
    assert b"at most 1000 rows" in response.data
    assert client.get("/sparql", headers={"Accept": "text/html"}).mimetype == "text/html"
    # the default graph is the merge of the data's graphs, not of graph/void: no
    # sd:UnionDefaultGraph claim (it would mean every named graph), a comment that says so
    features = {t.object.value for t in triples if t.predicate.value == sd + "feature"}
    assert sd + "UnionDefaultGraph" not in features
    assert b"RDF merge of the named graphs that hold the data" in response.data
    formats = {t.object.value for t in triples if t.predicate.value == sd + "resultFormat"}
    registered = "http://www.w3.org/ns/formats/"
    assert formats == {
        registered + name
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "N-Quads",
            "RDF_XML",
        )
    }


def test_server_sparql_shows_browsers_an_escaped_results_page(client: FlaskClient) -> None:
    response = get(client, SELECT, Accept="text/html,*/*;q=0.8")
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Zaporizhzhia &lt;Nuclear&gt; &amp; &#34;Power&#34; Plant" in page
    assert "<Nuclear>" not in page
    assert 'href="/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb"' in page


def test_server_sparql_unions_graphs_unless_the_query_has_from(client: FlaskClient) -> None:
    union = get(client, "SELECT (COUNT(*) AS ?n) { ?s a ?t }").get_json()
    merged = get(client, "SELECT (COUNT(*) AS ?n) FROM <http://kg.test/graph/merged> { ?s a ?t }")
    assert int(merged.get_json()["results"]["bindings"][0]["n"]["value"]) == 3
    assert int(union["results"]["bindings"][0]["n"]["value"]) > 3


def test_server_protocol_parses_urlencoded_strictly() -> None:
    fields = parse_urlencoded(b"query=ASK%20%7B%7D&format=json&&empty=&a+b=c+d", "query string")
    assert fields.getlist("query") == ["ASK {}"]
    assert fields["empty"] == ""
    assert fields["a b"] == "c d"
    with pytest.raises(BadRequest, match=r"'query'.*UTF-8"):
        parse_urlencoded(b"format=json&query=caf%E9", "form body")


def test_server_sparql_lookups_run_in_place(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lookup is answered with no query worker at all; anything else still needs one."""

    def no_worker(self: QueryPool, *args: Any, **options: Any) -> Any:
        raise AssertionError("a query worker was asked for")

    monkeypatch.setattr(QueryPool, "call", no_worker)
    client = make_app(query_workers=1).test_client()
    lookup = "SELECT ?p ?o { <http://kg.test/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb> ?p ?o }"
    response = client.get("/sparql?query=" + quote(lookup))
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"]
    other = client.get("/sparql?query=" + quote("SELECT * { ?s ?p ?o } LIMIT 1"))
    assert other.status_code == 500  # it went for a worker
