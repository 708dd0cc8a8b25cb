"""HTML in articles (``<script>`` and friends) is published as text and escaped on every page.

A build whose articles carry markup in their text, headline, file name (the article id) and an
entity name is served by the real app; every HTML page that can show one of those strings (the
resource page of every subject that holds one, graph pages, the SPARQL results page, error pages
that echo the request) must show it escaped, never as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from robust.extraction import FakeExtractor
from robust.text import NEWS

from kg.build.pipeline import build
from kg.build.toolkit import load_toolkit
from kg.settings import Settings
from server.app import create_app

BASE = "http://kg.test/"
HTML = {"Accept": "text/html"}
PAYLOADS = (
    '<script>alert("newskg")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "</textarea><script>alert(3)</script>",
    "<!--",
)
#: What must never reach a page unescaped (the start of each payload's markup).
MARKUP = ("<script>alert", "<img src=x", "<svg onload", "</textarea><script>")
ARTICLE_ID = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Path]]:
    folder = tmp_path_factory.mktemp("html")
    inputs = folder / "in"
    inputs.mkdir()
    markup = " ".join(PAYLOADS)
    # The first line is the header: the headline carries markup too.
    (inputs / f"{ARTICLE_ID}.txt").write_text(
        f"1646380800 Headline {markup}\n{markup}\n{NEWS}\n{markup}\n", encoding="utf-8"
    )
    (inputs / "plain.txt").write_text(f"x\n{NEWS}\n", encoding="utf-8")
    config = Settings(out=folder / "dist", base_iri=BASE, linker="none")
    report = build([inputs], config, toolkit=load_toolkit(config, extract=FakeExtractor()))
    assert report.released, report.quarantined
    assert ARTICLE_ID in report.articles, report.quarantined
    app = create_app(Settings(base_iri=BASE, query_workers=1, query_timeout=10.0), config.out)
    app.config["TESTING"] = True
    yield app, config.out
    app.extensions["newskg"].close()


@pytest.fixture
def client(site: tuple[Flask, Path]) -> FlaskClient:
    return site[0].test_client()


def assert_escaped(body: str, where: str) -> None:
    for markup in MARKUP:
        assert markup not in body, f"{where} shows {markup!r} unescaped"


def hostile_subjects(out: Path) -> list[str]:
    """Every subject under the base whose literal (or IRI) holds markup, without fragments."""
    quads = ox.parse(path=str(out / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    found = set()
    for quad in quads:
        subject = quad.subject.value
        if not subject.startswith(BASE + "id/"):
            continue
        if any(p in quad.object.value or p in subject for p in ("<script", "<img", "onerror")):
            found.add(subject.split("#", 1)[0])
        if "%3Cimg" in subject:
            found.add(subject.split("#", 1)[0])
    return sorted(found)


def test_robust_html_markup_is_published_as_text(site: tuple[Flask, Path]) -> None:
    _, out = site
    quads = list(ox.parse(path=str(out / "kg.nq"), format=ox.RdfFormat.N_QUADS))
    texts = [q.object.value for q in quads if isinstance(q.object, ox.Literal)]
    for payload in PAYLOADS:
        assert any(payload in text for text in texts), payload


def test_robust_html_every_page_escapes_markup(
    client: FlaskClient, site: tuple[Flask, Path]
) -> None:
    subjects = hostile_subjects(site[1])
    assert len(subjects) >= 2, subjects  # the article and the entity named with markup
    assert any("/id/article/" in s for s in subjects)
    assert any("/id/entity/" in s for s in subjects)
    for iri in subjects:
        response = client.get("/" + iri[len(BASE) :], headers=HTML)
        assert response.status_code == 200, (iri, response.status_code)
        body = response.get_data(as_text=True)
        assert_escaped(body, iri)
        assert html.escape("<script>", quote=False) in body or "&lt;img" in body, iri
    article = BASE + "id/article/" + quote(ARTICLE_ID, safe="-._~")
    page = client.get("/" + article[len(BASE) :], headers=HTML).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page


def test_robust_html_graph_pages_escape_markup(client: FlaskClient) -> None:
    path = "/graph/article/" + quote(ARTICLE_ID, safe="-._~")
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert_escaped(body, path)
    assert "&lt;script&gt;" in body


def test_robust_html_sparql_results_page_escapes_markup(client: FlaskClient) -> None:
    query = (
        "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>\n"
        "# </textarea><script>alert(3)</script>\n"
        "SELECT ?a ?t ?label WHERE { ?a nif:isString ?t OPTIONAL { ?m nif:anchorOf ?label } }"
    )
    response = client.get("/sparql?query=" + quote(query), headers=HTML)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert_escaped(body, "/sparql results")
    assert "&lt;script&gt;alert(&#34;newskg&#34;)" in body or "&lt;script&gt;alert(" in body


@pytest.mark.parametrize(
    "path",
    [
        "/id/" + quote('<script>alert("newskg")</script>'),
        "/id/entity/" + quote("<img src=x onerror=alert(1)>"),
        "/dumps/" + quote("<script>alert(1)</script>"),
        "/wikidata/" + quote("<svg onload=alert(2)>"),
        "/sparql?query=" + quote('<script>alert("newskg")</script>'),
        "/sparql?query=ASK%7B%7D&timeout=" + quote("<script>alert(1)</script>"),
    ],
)
def test_robust_html_error_pages_escape_what_they_echo(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=HTML)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert response.mimetype == "text/html"
    assert_escaped(response.get_data(as_text=True), path)
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json"
    assert as_json.get_json()["message"]
