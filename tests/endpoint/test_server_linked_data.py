"""Dereferencing IRIs under the base: pages, RDF by Accept or extension, Wikidata redirects."""

from __future__ import annotations

from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse

PLANT = "/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb"
TROOPS = "/id/entity/russian-armed-forces-aaaaaaaaaaaa"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_server_linked_data_page_shows_label_types_wikidata_mentions(client: FlaskClient) -> None:
    response = client.get(PLANT, headers=HTML)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Zaporizhzhia &lt;Nuclear&gt; &amp; &#34;Power&#34; Plant</h1>" in page
    assert 'href="http://www.wikidata.org/entity/Q1642"' in page
    assert "Russian troops seized the <mark>Zaporizhzhia</mark> plant on March 4." in page
    assert "Troops seize the plant &lt;b&gt;now&lt;/b&gt;" in page
    assert "nk:NuclearPowerPlant" in page
    assert f'href="{TROOPS}"' in page  # incoming link from the event's target, labelled


def test_server_linked_data_page_lists_an_entitys_events(client: FlaskClient) -> None:
    page = client.get(TROOPS, headers=HTML).get_data(as_text=True)
    assert 'href="/id/event/dddddddddddd"' in page
    assert "nk:Seizure" in page
    assert "2022-03-04" in page


def test_server_linked_data_escapes_every_literal(client: FlaskClient) -> None:
    page = client.get("/id/article/a1", headers=HTML).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "<b>now</b>" not in page


def test_server_linked_data_negotiates_rdf(client: FlaskClient) -> None:
    for accept, fmt in [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/n-triples", RdfFormat.N_TRIPLES),
    ]:
        response = client.get(PLANT, headers={"Accept": accept})
        assert response.mimetype == accept
        assert "Accept" in response.headers["Vary"]
        triples = list(parse(response.data, format=fmt))
        assert any(t.object.value == "http://www.wikidata.org/entity/Q1642" for t in triples)


def test_server_linked_data_serves_extensions_with_alternate_links(client: FlaskClient) -> None:
    for extension, media_type in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("html", "text/html"),
    ]:
        response = client.get(f"{PLANT}.{extension}")
        assert response.status_code == 200
        assert response.mimetype == media_type
    link = client.get(PLANT).headers["Link"]
    assert f'<{PLANT}.ttl>; rel="alternate"; type="text/turtle"' in link
    assert f'<{PLANT}.jsonld>; rel="alternate"; type="application/ld+json"' in link


def test_server_linked_data_dereferences_every_kind_of_iri(client: FlaskClient) -> None:
    for path in [
        "/id/event/dddddddddddd",
        "/id/report/cccccccccccc",
        "/id/article/a1",
        "/graph/merged",
    ]:
        assert client.get(path, headers=HTML).status_code == 200, path


def test_server_linked_data_redirects_wikidata_ids(client: FlaskClient) -> None:
    response = client.get("/wikidata/Q1642")
    assert response.status_code == 303
    assert response.headers["Location"] == PLANT
    assert client.get("/wikidata/Q99999").status_code == 404
    assert client.get("/wikidata/not-a-qid").status_code == 404


def test_server_linked_data_answers_404_for_unknown_and_traversing_paths(
    client: FlaskClient,
) -> None:
    for path in [
        "/id/entity/nothing",
        "/id/entity/nothing.ttl",
        "/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/store/CURRENT",
        "/dumps/../SHA256SUMS",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"] == "NotFound"
    html = client.get("/id/entity/nothing", headers=HTML)
    assert html.mimetype == "text/html"
    assert "404" in html.get_data(as_text=True)


def test_server_linked_data_revalidates(client: FlaskClient) -> None:
    first = client.get(PLANT, headers={"Accept": "text/turtle"})
    again = client.get(
        PLANT, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
