"""Issue 21's breaks in the app (any server in front): each test reproduced its break first.

The Host header never reaches links or redirects; HTML pages carry security headers and link
only http(s) IRIs; a long request target is refused (414) and never echoed whole; a multipart
query that is not UTF-8 is refused; the slow-query memory is keyed on the normalised query and
holds digests; a long query is checked in a query worker, not in the web process; the HTML
results page is capped; a JSON-LD CONSTRUCT of a triple term is a 406; a query nested deeper
than the parser's stack is refused, by the endpoint and by ``kg query`` alike.
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from robust.dataset import BASE, entity, synthetic_build

from kg.settings import Settings
from kg.sparql.lexer import MAX_DEPTH, shape
from kg.sparql.plan import HTML_ROW_LIMIT
from server.app import create_app

QUERY = "application/sparql-query"
HTML = {"Accept": "text/html"}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "dist"
    synthetic_build(out, entities=400)  # 1,600 quads: more rows than the HTML page shows
    return out


@pytest.fixture(scope="module")
def app(dist: Path) -> Iterator[Flask]:
    settings = Settings(base_iri=BASE, query_workers=1, query_timeout=5.0, row_limit=5000)
    application = create_app(settings, dist)
    application.config["TESTING"] = True
    yield application
    application.extensions["newskg"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_robust_hostile_host_header_never_reaches_links_or_redirects(client: FlaskClient) -> None:
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    redirect = client.get("/dumps", headers=evil)
    assert redirect.status_code in (301, 308)
    assert "evil" not in redirect.headers["Location"]
    for path in ("/", "/dumps/"):
        body = client.get(path, headers={**evil, "Accept": "application/json"}).get_data(True)
        assert "evil" not in body, path
        assert BASE in body, path
    description = client.get("/sparql", headers={**evil, "Accept": "text/turtle"})
    assert "evil" not in description.get_data(as_text=True)
    page = client.get("/", headers={**evil, **HTML}).get_data(as_text=True)
    assert "evil" not in page


def test_robust_hostile_html_pages_carry_security_headers(client: FlaskClient) -> None:
    for path in ("/", "/id/entity/e1", "/sparql?query=" + quote("ASK {}"), "/nowhere"):
        response = client.get(path, headers=HTML)
        assert response.mimetype == "text/html", path
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, path
        assert "default-src 'none'" in policy, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
    assert client.get("/-/health").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "iri", ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<b>x"]
)
def test_robust_hostile_only_http_iris_become_links(client: FlaskClient, iri: str) -> None:
    query = f'SELECT ?x ?y {{ BIND(IRI("{iri}") AS ?x) BIND(<https://example.org/ok> AS ?y) }}'
    response = client.get("/sparql?query=" + quote(query), headers=HTML)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    scheme = iri.split(":", 1)[0]
    assert f'href="{scheme}' not in body.replace("&#34;", '"')
    assert 'href="https://example.org/ok"' in body  # other links still are links


def test_robust_hostile_long_request_target_is_a_414_never_echoed(app: Flask) -> None:
    client = app.test_client()
    limit = Settings().max_url_bytes
    long_path = "/id/entity/" + "a" * limit
    response = client.get(long_path, headers={"Accept": "application/json"})
    assert response.status_code == 414
    assert len(response.get_data()) < 2000
    assert "POST" in response.get_json()["fix"]
    query = client.get("/sparql?query=" + quote("ASK {} #" + "x" * limit))
    assert query.status_code == 414
    shorter = client.get("/id/entity/" + "b" * 5000, headers={"Accept": "application/json"})
    assert shorter.status_code == 404
    assert len(shorter.get_json()["message"]) < 300  # the path is clipped, not echoed whole


def multipart(value: bytes, name: bytes = b"query") -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n'
        + value + b"\r\n--b--\r\n"
    )  # fmt: skip


def test_robust_hostile_multipart_query_must_be_utf8(client: FlaskClient) -> None:
    kind = "multipart/form-data; boundary=b"
    bad = client.post("/sparql", data=multipart(b'ASK { ?s ?p "caf\xe9" }'), content_type=kind)
    assert bad.status_code == 400, bad.get_data()[:200]
    assert "UTF-8" in bad.get_json()["message"]
    good = client.post(
        "/sparql", data=multipart('ASK { ?s ?p "café" }'.encode()), content_type=kind
    )
    assert good.status_code == 200
    assert good.get_json()["boolean"] is False


def test_robust_hostile_slow_query_memory_is_keyed_on_the_normalised_query() -> None:
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # try 1"
    variants = [
        slow.replace("# try 1", "# try 2"),
        slow.replace("?a", "?zz").replace("COUNT", "count"),
        "PREFIX x: <http://x/>\n" + slow.replace("\n", " ") + "\n#" + "y" * 3000,
        slow.replace(" . ", " .\n\t "),
    ]
    key = shape(slow).key
    assert len(key) == 32  # a digest: the memory holds keys, never query texts
    for variant in variants:
        assert shape(variant).key == key, variant
    labelled = 'SELECT * { ?s <http://p> "Kyiv" . ?s ?p ?o }'
    assert shape(labelled).key == shape(labelled.replace("Kyiv", "Odesa")).key
    assert shape("SELECT * { ?s ?p ?o }").key != key
    assert (
        shape(f"ASK {{ <{entity(1)}> ?p ?o }}").key != shape(f"ASK {{ <{entity(2)}> ?p ?o }}").key
    )


def test_robust_hostile_slow_lane_remembers_digests(app: Flask) -> None:
    client = app.test_client()
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = client.post("/sparql?timeout=1", data=slow.encode(), content_type=QUERY)
    assert response.status_code == 503
    with app.extensions["newskg"].use() as dataset:
        known = list(dataset.pool.slow_lane._known)
    assert known == [shape(slow).key]


def test_robust_hostile_long_query_is_checked_outside_the_web_process(dist: Path) -> None:
    settings = Settings(base_iri=BASE, query_workers=1, query_timeout=3.0)
    application = create_app(settings, dist)
    try:
        client = application.test_client()
        client.get("/sparql?query=" + quote("ASK {}"))  # start the query worker
        query = "ASK { " + "?" * 200_000 + " }"
        tracemalloc.start()
        response = client.post("/sparql", data=query.encode(), content_type=QUERY)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert 400 <= response.status_code < 600
        assert peak < 8 * 1024 * 1024, f"the web process used {peak / 1e6:.0f} MB to check it"
        refused = client.post(
            "/sparql",
            data=(
                "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } #" + "x" * 40_000
            ).encode(),
            content_type=QUERY,
        )
        assert refused.status_code == 403  # still refused, by the worker's check
    finally:
        application.extensions["newskg"].close()


def test_robust_hostile_html_results_page_is_capped(client: FlaskClient) -> None:
    query = "SELECT * { GRAPH ?g { ?s ?p ?o } }"
    page = client.get("/sparql?query=" + quote(query), headers=HTML)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert page.headers["X-Result-Limit"] == str(HTML_ROW_LIMIT)
    assert page.headers["X-Result-Truncated"] == "true"
    assert page.headers["X-Result-Rows"] == str(HTML_ROW_LIMIT)
    whole = client.get("/sparql?query=" + quote(query), headers={"Accept": "text/csv"})
    assert whole.headers["X-Result-Truncated"] == "false"  # the download is not capped so
    rows = int(whole.headers["X-Result-Rows"])
    assert rows > HTML_ROW_LIMIT
    assert len(whole.get_data().splitlines()) == 1 + rows


def test_robust_hostile_jsonld_of_a_triple_term_is_a_406(client: FlaskClient) -> None:
    query = (
        "CONSTRUCT { <http://a/s> <http://a/p> <<( <http://a/c> <http://a/d> <http://a/e> )>> } {}"
    )
    response = client.get(
        "/sparql?query=" + quote(query), headers={"Accept": "application/ld+json"}
    )
    assert response.status_code == 406, response.get_data()[:300]
    assert "Turtle" in response.get_json()["fix"]
    turtle = client.get("/sparql?query=" + quote(query), headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert b"<<(" in turtle.get_data()


def nested(depth: int) -> str:
    return "SELECT * {" + " { SELECT * {" * depth + " ?s ?p ?o " + "} }" * depth + "} LIMIT 1"


def test_robust_hostile_deep_nesting_is_refused_by_the_endpoint(client: FlaskClient) -> None:
    assert client.post("/sparql", data=nested(50).encode(), content_type=QUERY).status_code == 200
    response = client.post("/sparql", data=nested(5000).encode(), content_type=QUERY)
    assert response.status_code == 400
    assert str(MAX_DEPTH) in response.get_json()["message"]


def test_robust_hostile_kg_query_refuses_deep_nesting_instead_of_crashing(dist: Path) -> None:
    command = [sys.executable, "-c", "from kg.cli import main; main()", "query", str(dist)]
    done = subprocess.run(
        [*command, nested(5000)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "nests" in done.stderr
    assert "Traceback" not in done.stderr
    shallow = subprocess.run(
        [*command, nested(20)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert shallow.returncode == 0, shallow.stderr[-500:]
