"""Browsing without SPARQL: entities by class and name, the events table and its downloads, the
timeline."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient

HTML = {"Accept": "text/html"}
EVENT = "http://kg.test/id/event/dddddddddddd"
DENIED = "http://kg.test/id/report/eeeeeeeeeeee"


def test_server_browse_entities_by_class_with_counts_and_name_search(client: FlaskClient) -> None:
    page = client.get("/entities", headers=HTML).get_data(as_text=True)
    assert '>Armed forces</a> <span class="note">1</span>' in page
    assert '>Nuclear power plant</a> <span class="note">1</span>' in page
    assert "2 entities." in page
    found = client.get("/entities?q=RUSSIAN+TROOPS").get_data(as_text=True)  # an altLabel
    assert "1 entity named like “RUSSIAN TROOPS”." in found
    assert (
        '<a href="/id/entity/russian-armed-forces-aaaaaaaaaaaa">Russian Armed Forces</a>' in found
    )
    by_class = client.get(
        "/entities?class=https://w3id.org/newskg/ontology%23NuclearPowerPlant"
    ).get_data(as_text=True)
    assert "zaporizhzhia-npp-bbbbbbbbbbbb" in by_class
    assert "russian-armed-forces" not in by_class.split("<table", 1)[1]
    assert client.get("/entities?class=not%20an%20iri").status_code == 400
    assert client.get("/entities?q=%3C%3E%22%27%5C").status_code == 200  # quotes stay text


def test_server_browse_events_table_lists_events_and_lone_reports(client: FlaskClient) -> None:
    page = client.get("/events", headers=HTML).get_data(as_text=True)
    assert '<a href="/id/event/dddddddddddd">Seizure of Zaporizhzhia' in page
    assert '<a href="/id/report/eeeeeeeeeeee">Shelling of Zaporizhzhia' in page
    assert page.index("on 4 March 2022") < page.index("on 5 March 2022")


def rows(client: FlaskClient, query: str) -> list[str]:
    data = client.get("/events.json" + query).get_json()
    assert data["count"] == len(data["events"])
    return [e["iri"] for e in data["events"]]


def test_server_browse_events_filter_by_every_field(client: FlaskClient) -> None:
    assert rows(client, "") == [EVENT, DENIED]
    assert rows(client, "?type=Seizure") == [EVENT]
    assert rows(client, "?type=https://w3id.org/newskg/ontology%23Shelling") == [DENIED]
    assert rows(client, "?agent=russian") == [EVENT]
    assert rows(client, "?target=zaporizhzhia") == [EVENT, DENIED]
    assert rows(client, "?place=anywhere") == []
    assert rows(client, "?factuality=denied") == [DENIED]
    assert rows(client, "?factuality=asserted") == [EVENT]
    assert rows(client, "?from=2022-03-05") == [DENIED]
    assert rows(client, "?to=2022-03-04") == [EVENT]
    assert rows(client, "?from=2022-03-04&to=2022-03-04&agent=Russian") == [EVENT]
    assert client.get("/events?from=March").status_code == 400


def test_server_browse_events_csv_has_the_same_rows_as_json(client: FlaskClient) -> None:
    for query in ("", "?factuality=denied", "?target=zaporizhzhia&to=2022-03-04"):
        response = client.get("/events.csv" + query)
        assert response.mimetype == "text/csv"
        table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert [r["iri"] for r in table] == rows(client, query), query
    (first, *_) = csv.DictReader(io.StringIO(client.get("/events.csv").get_data(as_text=True)))
    assert first["type"] == "Seizure"
    assert first["agents"] == "Russian Armed Forces"
    assert first["earliest"] == first["latest"] == "2022-03-04"
    assert first["factuality"] == "asserted"
    assert first["articles"] == "Troops seize the plant <b>now</b>"
    assert first["article_iris"] == "http://kg.test/id/article/a1"
    assert client.get("/events.xml").status_code == 400


def test_server_browse_timeline_counts_events_per_day_by_type(client: FlaskClient) -> None:
    page = client.get("/timeline", headers=HTML).get_data(as_text=True)
    assert "2 days with events" in page
    assert "<title>2022-03-04: 1 Seizure</title>" in page
    assert "<title>2022-03-05: 1 Shelling</title>" in page
    only = client.get("/timeline?factuality=denied").get_data(as_text=True)
    assert "1 day with events" in only
    assert "Seizure" not in only.split("<svg", 1)[1]


def test_server_browse_map_draws_places_and_events_from_the_graphs_coordinates(
    client: FlaskClient,
) -> None:
    page = client.get("/map", headers=HTML).get_data(as_text=True)
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count('<path class="land"') > 5  # the vendored outline, clipped to the area
    # both events act on the plant, which has coordinates: one circle, two events
    assert (
        "<title>Zaporizhzhia &lt;Nuclear&gt; &amp; &#34;Power&#34; Plant: 2 events</title>" in svg
    )
    table = page.split('<table class="places">', 1)[1]
    assert '<td class="num">47.5119</td><td class="num">34.5858</td>' in table
    only = client.get("/map?factuality=denied").get_data(as_text=True)
    assert "Plant: 1 event</title>" in only
    none = client.get("/map?factuality=hypothetical").get_data(as_text=True)
    assert "<title>Zaporizhzhia &lt;Nuclear&gt; &amp; &#34;Power&#34; Plant</title>" in none
    assert "http" not in svg.split("<path", 1)[0]  # no tile server, nothing fetched
