"""Landing page, dumps (list, download, Range), documents, health, version, errors, reloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse

from server.examples import EXAMPLES
from server.testing import write_build

HTML = {"Accept": "text/html,*/*;q=0.8"}


def test_server_site_landing_page_has_counts_examples_and_editor(client: FlaskClient) -> None:
    page = client.get("/", headers=HTML).get_data(as_text=True)
    assert "named graphs" in page
    assert "entities linked to Wikidata" in page
    assert page.count('class="run-example"') >= 4
    assert "vendor/yasgui/yasgui.min.js" in page
    assert 'id="plain-editor"' in page
    for link in ['href="/dumps/"', 'href="/ontology"', 'href="/void"', 'href="/sparql"']:
        assert link in page
    data = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert data["counts"]["linked"] == 2
    assert data["examples"][0]["query"].startswith("PREFIX")


def test_server_site_examples_run(client: FlaskClient) -> None:
    data = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert len(data["examples"]) == len(EXAMPLES) >= 3  # the loop below has examples to run
    for example in data["examples"]:
        response = client.post("/sparql", data={"query": example["query"]})
        assert response.status_code == 200, example["title"]
        assert response.get_json()["results"]["bindings"], example["title"]


def test_server_site_event_examples_give_one_row_per_event(client: FlaskClient) -> None:
    for example in EXAMPLES:
        if "one row per" not in example.title:
            continue
        rows = client.post("/sparql", data={"query": example.query}).get_json()["results"]
        first = next(iter(rows["bindings"][0]))  # the event (or report) is the first column
        subjects = [row[first]["value"] for row in rows["bindings"]]
        assert len(subjects) == len(set(subjects)), example.title
    events = next(e for e in EXAMPLES if e.title.startswith("Military actions"))
    (row,) = client.post("/sparql", data={"query": events.query}).get_json()["results"]["bindings"]
    assert row["type"]["value"] == "Seizure"
    assert row["agents"]["value"] == "Russian Armed Forces"
    assert row["reports"]["value"] == "1"


def test_server_site_static_editor_is_vendored(client: FlaskClient) -> None:
    response = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert response.status_code == 200
    assert len(response.data) > 500_000
    response.close()


def test_server_site_lists_dumps_with_sizes_and_checksums(client: FlaskClient) -> None:
    files = client.get("/dumps/", headers={"Accept": "application/json"}).get_json()["files"]
    by_name = {f["name"]: f for f in files}
    assert {"kg.nq", "kg.ttl", "kg.nq.gz", "kg.ttl.gz", "SHA256SUMS"} <= set(by_name)
    assert len(by_name["kg.nq"]["sha256"]) == 64
    assert by_name["kg.nq"]["size"] > 0
    assert "store" not in by_name
    page = client.get("/dumps/", headers=HTML).get_data(as_text=True)
    assert by_name["kg.nq"]["sha256"] in page


def test_server_site_streams_dumps_with_range_support(client: FlaskClient) -> None:
    whole = client.get("/dumps/kg.nq")
    assert whole.status_code == 200
    assert whole.mimetype == "application/n-quads"
    body = whole.data
    whole.close()
    part = client.get("/dumps/kg.nq", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.data == body[10:20]
    part.close()
    gz = client.get("/dumps/kg.ttl.gz")
    assert gz.mimetype == "application/gzip"
    assert "Content-Encoding" not in gz.headers
    gz.close()


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "bytes=abc", "bytes=5-2", "items=0-9", "bytes=0-1, 3-4, 7-"],
)
def test_server_site_ignores_range_it_cannot_serve_as_one_part(
    client: FlaskClient, header: str
) -> None:
    """A multi-range or malformed Range gets the whole file (RFC 9110 14.2), never 416."""
    whole = client.get("/dumps/kg.nq")
    body = whole.data
    whole.close()
    response = client.get("/dumps/kg.nq", headers={"Range": header})
    assert response.status_code == 200, header
    assert response.data == body
    response.close()


def test_server_site_answers_416_only_past_the_end(client: FlaskClient) -> None:
    whole = client.get("/dumps/kg.nq")
    size = len(whole.data)
    whole.close()
    response = client.get("/dumps/kg.nq", headers={"Range": f"bytes={size + 10}-"})
    assert response.status_code == 416
    assert response.get_json()["status"] == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"
    tail = client.get("/dumps/kg.nq", headers={"Range": "bytes=-5"})
    assert tail.status_code == 206
    assert len(tail.data) == 5
    tail.close()


def test_server_site_gives_each_published_file_its_media_type(client: FlaskClient) -> None:
    for name, content_type in [
        ("SHA256SUMS", "text/plain; charset=utf-8"),
        ("build-report.json", "application/json"),
        ("kg.ttl", "text/turtle; charset=utf-8"),
        ("kg.nq", "application/n-quads"),
        ("kg.nq.gz", "application/gzip"),
    ]:
        response = client.get("/dumps/" + name)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == content_type, name
        response.close()


def test_server_site_serves_documents_by_accept(client: FlaskClient) -> None:
    for path in ["/ontology", "/shapes", "/void"]:
        turtle = client.get(path)
        assert turtle.status_code == 200, path
        assert turtle.mimetype == "text/turtle", path
        assert list(parse(turtle.data, format=RdfFormat.TURTLE)), path
        nt = client.get(path, headers={"Accept": "application/n-triples"})
        assert nt.mimetype == "application/n-triples"
        assert client.get(path, headers=HTML).mimetype == "text/html"
        assert client.get(path + "?format=jsonld").mimetype == "application/ld+json"


def test_server_site_ontology_page_documents_the_terms(client: FlaskClient) -> None:
    page = client.get("/ontology", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for term in ("Seizure", "NuclearPowerPlant", "MilitaryAction", "Statement"):
        # a documented section per term (in the sandboxed srcdoc frame), not raw Turtle
        assert f"id=&#34;{term}&#34;" in text, term


def test_server_site_health_and_version(client: FlaskClient) -> None:
    health = client.get("/-/health").get_json()
    assert health["status"] == "ok"
    assert health["build"] == "build-1"
    version = client.get("/-/version").get_json()
    assert version["newskg"]
    assert version["pyoxigraph"]
    assert version["build"] == "build-1"


def test_server_site_without_a_build_answers_503(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    client = make_app(tmp_path / "missing").test_client()
    response = client.get("/-/health")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["error"] == "DatasetError"
    assert client.get("/-/version").get_json()["build"] is None


def test_server_site_hides_internal_errors(make_app: Callable[..., Flask]) -> None:
    app = make_app()

    @app.route("/-/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/-/boom")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)


def test_server_site_reopens_a_newly_released_build(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    fixture = Path(__file__).with_name("fixture.trig").read_bytes()
    dist = tmp_path / "dist"
    write_build(dist, fixture, name="build-1")
    client = make_app(dist).test_client()
    query = "/sparql?query=ASK%7B%3Chttp://kg.test/new%3E%20?p%20?o%7D"
    assert client.get(query).get_json()["boolean"] is False
    old_etag = client.get("/").headers["ETag"]
    extra = b"<http://kg.test/new> <http://kg.test/p> <http://kg.test/o> <http://kg.test/g> ."
    write_build(
        dist,
        fixture.replace(
            b"<http://kg.test/graph/ontology> {",
            b"<http://kg.test/graph/new> { <http://kg.test/new> "
            b"<http://kg.test/p> <http://kg.test/o> . }\n"
            b"<http://kg.test/graph/ontology> {",
        ),
        name="build-2",
        finished="2026-02-02T00:00:00Z",
    )
    assert extra
    assert client.get(query).get_json()["boolean"] is True
    assert client.get("/-/health").get_json()["build"] == "build-2"
    assert client.get("/", headers={"If-None-Match": old_etag}).status_code == 200
