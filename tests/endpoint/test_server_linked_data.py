"""Dereferencing IRIs under the base: pages, RDF by Accept or extension, Wikidata redirects."""

from __future__ import annotations

import rdflib
from flask.testing import FlaskClient
from pyoxigraph import RdfFormat, parse
from rdflib.compare import isomorphic

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
    assert ">Nuclear power plant</a>" in page  # its class, by the ontology's label
    assert "nk:" not in page  # no CURIE where words can be given


def test_server_linked_data_entity_page_lists_events_by_type_and_date(
    client: FlaskClient,
) -> None:
    page = client.get(PLANT, headers=HTML).get_data(as_text=True)
    events = page.split('<section class="entity-events">', 1)[1].split("</section>", 1)[0]
    assert events.index("<h3>Seizure</h3>") < events.index("<h3>Shelling</h3>")
    seizure = (
        "Seizure of Zaporizhzhia &lt;Nuclear&gt; &amp; &#34;Power&#34; Plant by Russian Armed "
        "Forces on 4 March 2022"
    )
    assert f'<a href="/id/event/dddddddddddd">{seizure}</a>' in events
    assert "<td>on 4 March 2022</td><td>target</td>" in events
    # the denied shelling is no event: its report is listed, with its factuality
    assert '<a href="/id/report/eeeeeeeeeeee">' in events
    assert "<td>denied</td>" in events


def test_server_linked_data_event_page_says_what_happened_and_shows_its_reports(
    client: FlaskClient,
) -> None:
    page = client.get("/id/event/dddddddddddd", headers=HTML).get_data(as_text=True)
    assert "<h1>Seizure of Zaporizhzhia &lt;Nuclear&gt; &amp; &#34;Power&#34; Plant by " in page
    assert "<title>Seizure of" in page
    reports = page.split('<section class="reports">', 1)[1].split("</section>", 1)[0]
    assert '<a href="/id/article/a1">Troops seize the plant &lt;b&gt;now&lt;/b&gt;</a>' in reports
    assert (
        'Russian troops <a class="mark trigger" href="/id/article/a1#char=15,21">seized</a>'
        in reports
    )
    assert '<span class="factuality asserted">asserted</span>' in reports


def test_server_linked_data_report_page_names_its_speaker_and_article_without_headline(
    client: FlaskClient,
) -> None:
    page = client.get("/id/report/eeeeeeeeeeee", headers=HTML).get_data(as_text=True)
    assert "<h1>Shelling of Zaporizhzhia" in page
    assert '<a href="/id/article/a2">Article a2</a>' in page  # no headline: never invented
    assert 'according to <a href="/id/entity/russian-armed-forces-aaaaaaaaaaaa">Russian' in page
    assert '<span class="factuality denied">denied</span>' in page


def test_server_linked_data_article_page_marks_every_mention_and_sentence(
    client: FlaskClient,
) -> None:
    page = client.get("/id/article/a1", headers=HTML).get_data(as_text=True)
    text = page.split('<div class="text">', 1)[1].split("</div>", 1)[0]
    assert text.startswith('<span class="mark sentence" id="char=0,56">')
    assert (
        '<a class="mark entity" id="char=0,14" '
        'href="/id/entity/russian-armed-forces-aaaaaaaaaaaa" title="Russian Armed Forces">'
        "Russian troops</a>"
    ) in text
    assert '<a class="mark trigger" id="char=15,21" href="/id/event/dddddddddddd"' in text
    assert 'id="char=26,38" href="/id/entity/zaporizhzhia-npp-bbbbbbbbbbbb"' in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the text stays text


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
        ("application/rdf+xml", RdfFormat.RDF_XML),
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
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ]:
        response = client.get(f"{PLANT}.{extension}")
        assert response.status_code == 200
        assert response.mimetype == media_type
    link = client.get(PLANT).headers["Link"]
    assert f'<{PLANT}.ttl>; rel="alternate"; type="text/turtle"' in link
    assert f'<{PLANT}.jsonld>; rel="alternate"; type="application/ld+json"' in link
    assert f'<{PLANT}.rdf>; rel="alternate"; type="application/rdf+xml"' in link
    assert f'<{PLANT}.nt>; rel="alternate"; type="application/n-triples"' in link


def test_server_linked_data_jsonld_is_compacted_with_a_context(client: FlaskClient) -> None:
    """JSON-LD comes with an @context of our prefixes and expands to exactly the Turtle's
    triples (rdflib's JSON-LD parser does the expansion)."""
    document = client.get(PLANT, headers={"Accept": "application/ld+json"}).get_json()
    assert document["@context"]["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#"
    node = next(n for n in document["@graph"] if n["@id"] == "entity:zaporizhzhia-npp-bbbbbbbbbbbb")
    assert node["@type"] == ["nk:NuclearPowerPlant"]
    assert node["owl:sameAs"] == [{"@id": "wd:Q1642"}]
    jsonld = rdflib.Graph().parse(
        data=client.get(PLANT + ".jsonld").get_data(as_text=True), format="json-ld"
    )
    turtle = rdflib.Graph().parse(data=client.get(PLANT + ".ttl").get_data(as_text=True))
    assert len(jsonld) == len(turtle) > 5
    assert isomorphic(jsonld, turtle)


def test_server_linked_data_hash_iris_are_described_by_their_document(
    client: FlaskClient,
) -> None:
    """A client fetching <article>#char=b,e drops the fragment: the article's document must
    hold the mention's triples, in every format."""
    mention = "http://kg.test/id/article/a1#char=26,38"
    for extension in ("ttl", "nt", "jsonld", "rdf"):
        data = client.get(f"/id/article/a1.{extension}").data
        fmt = RdfFormat.from_extension(extension)
        assert fmt is not None
        triples = [t for t in parse(data, format=fmt) if t.subject.value == mention]
        assert {t.predicate.value.rsplit("#", 1)[1] for t in triples} >= {
            "anchorOf",
            "beginIndex",
            "endIndex",
            "referenceContext",
            "sentence",
        }, extension
    # the percent-encoded form names the mention alone
    encoded = client.get("/id/article/a1%23char=26,38", headers={"Accept": "text/turtle"})
    assert encoded.status_code == 200
    assert "Zaporizhzhia" in encoded.get_data(as_text=True)


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
