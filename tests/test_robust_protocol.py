"""Protocol abuse: updates in disguise, malformed percent-encoding, wrong charsets, oversized and
streamed bodies, path traversal, odd methods and headers. Each gets the right 4xx with a message
a person can act on, never a 5xx, and leaves no trace: every file of the build (store included)
is byte-identical afterwards.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust.dataset import BASE, synthetic_build
from robust.dataset import snapshot as take_snapshot
from werkzeug import Response
from werkzeug.test import TestResponse

from kg.settings import Settings
from server.app import create_app

MAX_BODY = 2000
QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("protocol") / "dist"
    synthetic_build(out, entities=300)
    return out


@pytest.fixture(scope="module")
def app(dist: Path) -> Iterator[Flask]:
    settings_ = Settings(
        base_iri=BASE, query_workers=1, query_timeout=5.0, max_body_bytes=MAX_BODY, row_limit=100
    )
    application = create_app(settings_, dist)
    application.config["TESTING"] = True
    application.test_client().get("/sparql?query=ASK%7B%7D")  # open the store before snapshots
    yield application
    application.extensions["newskg"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def untouched(dist: Path, client: FlaskClient) -> Iterator[None]:
    """The test leaves no trace: the build's files and the builds folder are unchanged."""
    builds = dist.absolute().parent / f".{dist.name}-builds"
    before = take_snapshot(dist), sorted(p.name for p in builds.iterdir()), dist.resolve()
    count = client.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) { GRAPH ?g {?s ?p ?o} }"))
    yield
    after = take_snapshot(dist), sorted(p.name for p in builds.iterdir()), dist.resolve()
    assert after == before
    again = client.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) { GRAPH ?g {?s ?p ?o} }"))
    assert again.get_json()["results"] == count.get_json()["results"]


def error_of(response: TestResponse | Response) -> dict[str, Any]:
    body = response.get_json()
    assert isinstance(body, dict), response.data[:200]
    assert body["message"], body
    return body


UPDATES = [
    "INSERT DATA { <http://x.test/s> <http://x.test/p> <http://x.test/o> }",
    "insert data { <http://x.test/s> <http://x.test/p> <http://x.test/o> }",
    "PREFIX x: <http://x.test/>\nINSERT DATA { x:s x:p x:o }",
    "# a comment\nDELETE WHERE { ?s ?p ?o }",
    "BASE <http://x.test/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://x.test/g>",
    "CLEAR ALL",
    "clear default",
    "DROP SILENT GRAPH <http://kg.test/graph/merged>",
    "CREATE GRAPH <http://x.test/g>",
    "COPY DEFAULT TO <http://x.test/g>",
    "MOVE <http://kg.test/graph/merged> TO <http://x.test/g>",
    "ADD <http://kg.test/graph/merged> TO <http://x.test/g>",
    "WITH <http://kg.test/graph/merged> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "ASK {} ; CLEAR ALL",
]
SERVICES = [
    "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * { ?x ?y ?z . { sErViCe ?endpoint { ?s ?p ?o } } }\n"
    "VALUES ?endpoint { <http://127.0.0.1:9/> }",
    "SELECT * { FILTER(?a<?b)SERVICE<http://127.0.0.1:9/>{?s ?p ?o} }",
    "SELECT * {\n  OPTIONAL { SERVICE\t<http://127.0.0.1:9/> {} }\n}",
]


@pytest.mark.usefixtures("untouched")
@pytest.mark.parametrize("query", UPDATES + SERVICES)
def test_robust_protocol_updates_and_service_are_refused_every_way(
    client: FlaskClient, query: str
) -> None:
    for response in (
        client.get("/sparql?query=" + quote(query)),
        client.get("/sparql?update=" + quote(query)),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", data={"update": query}),
        client.post("/sparql", data=query.encode(), content_type=QUERY),
        client.post("/sparql", data=query.encode(), content_type="application/sparql-update"),
    ):
        if response.status_code == 400 and not query.split()[0].isalpha():
            continue  # hidden after a query or inside one: a syntax error never runs either
        if response.status_code == 400 and query.startswith(("ASK", "SELECT")):
            assert error_of(response)["error"] == "QuerySyntaxError"
            continue
        assert response.status_code == 403, (query, response.status_code, response.data[:200])
        body = error_of(response)
        assert body["error"] == "QueryRefused"
        assert body["fix"]
    inserted = "ASK { GRAPH ?g { <http://x.test/s> ?p ?o } }"
    assert client.get("/sparql?query=" + quote(inserted)).get_json()["boolean"] is False


def test_robust_protocol_service_inside_strings_and_comments_is_not_refused(
    client: FlaskClient,
) -> None:
    query = 'SELECT ?x { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) } # SERVICE <x>'
    assert client.get("/sparql?query=" + quote(query)).status_code == 200


@pytest.mark.usefixtures("untouched")
@pytest.mark.parametrize(
    "raw",
    [
        "ASK%zz%7B%7D",
        "ASK%C3%28%7B%7D",
        "%C3%28",
        "ASK%7B%7D%",
        "ASK%7B%7D%2",
        "%FF%FE%00%00",
        "%00ASK%7B%7D",
        "SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%20%2D1",
    ],
)
def test_robust_protocol_malformed_percent_encoding_is_a_400(client: FlaskClient, raw: str) -> None:
    response = client.get("/sparql?query=" + raw)
    assert response.status_code == 400, (raw, response.status_code, response.data[:200])
    error_of(response)


@pytest.mark.parametrize("via", ["get", "form"])
def test_robust_protocol_non_utf8_percent_escapes_are_refused(
    client: FlaskClient, via: str
) -> None:
    raw = "SELECT%20*%20%7B%20BIND(%22caf%E9%22%20AS%20%3Fx)%20%7D"
    if via == "get":
        response = client.get("/sparql?query=" + raw)
    else:
        response = client.post("/sparql", data=b"query=" + raw.encode(), content_type=FORM)
    assert response.status_code == 400, response.get_json()
    assert "UTF-8" in error_of(response)["message"]


@pytest.mark.usefixtures("untouched")
def test_robust_protocol_wrong_charsets_are_refused_with_a_reason(client: FlaskClient) -> None:
    latin = 'ASK { ?s ?p "caf\xe9" }'.encode("latin-1")
    declared = client.post("/sparql", data=latin, content_type=f"{QUERY}; charset=latin-1")
    assert declared.status_code == 415
    assert "latin-1" in error_of(declared)["message"]
    lying = client.post("/sparql", data=latin, content_type=f"{QUERY}; charset=utf-8")
    assert lying.status_code == 400
    assert "UTF-8" in error_of(lying)["message"]
    undeclared = client.post("/sparql", data=latin, content_type=QUERY)
    assert undeclared.status_code == 400
    assert "UTF-8" in error_of(undeclared)["message"]
    utf16 = client.post("/sparql", data="ASK {}".encode("utf-16"), content_type=QUERY)
    assert utf16.status_code == 400
    bom = client.post("/sparql", data="\ufeffASK {}".encode(), content_type=QUERY)
    assert bom.status_code in (200, 400)


def test_robust_protocol_form_in_another_charset_is_a_415(client: FlaskClient) -> None:
    body = "query=ASK {}#caf\xe9".encode("latin-1")
    response = client.post("/sparql", data=body, content_type=f"{FORM}; charset=latin-1")
    assert response.status_code == 415, error_of(response)


@pytest.mark.usefixtures("untouched")
def test_robust_protocol_oversized_bodies_are_a_413(client: FlaskClient) -> None:
    big = "ASK {} #" + "x" * MAX_BODY
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n'
        + big.encode()
        + b"\r\n--b--\r\n"
    )
    for response in (
        client.post("/sparql", data=big.encode(), content_type=QUERY),
        client.post("/sparql", data={"query": big}),
        client.post("/sparql", data=multipart, content_type="multipart/form-data; boundary=b"),
        client.get("/sparql?query=" + quote(big)),
    ):
        assert response.status_code == 413, response.data[:200]
        assert str(MAX_BODY) in error_of(response)["message"]
    plain = client.post("/sparql", data=b"x" * (MAX_BODY * 50), content_type="text/plain")
    assert plain.status_code in (413, 415)  # refused either way, the body is never read
    just = "ASK {} #" + "x" * (MAX_BODY - 200)
    assert client.post("/sparql", data=just.encode(), content_type=QUERY).status_code == 200


def streamed(client: FlaskClient, body: bytes, content_type: str) -> TestResponse:
    """A body without Content-Length, as gunicorn and the front hand on a chunked request."""
    return client.open(
        "/sparql",
        method="POST",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": content_type, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


@pytest.mark.parametrize("kind", [QUERY, FORM])
def test_robust_protocol_streamed_oversized_body_is_a_413(client: FlaskClient, kind: str) -> None:
    query = "SELECT * { ?s ?p ?o } LIMIT 1" + " " * MAX_BODY + "0"
    body = query.encode() if kind == QUERY else b"query=" + quote(query).encode()
    response = streamed(client, body, kind)
    assert response.status_code == 413, (response.status_code, response.data[:120])


def test_robust_protocol_streamed_small_body_is_answered(client: FlaskClient) -> None:
    response = streamed(client, b"SELECT * { ?s ?p ?o } LIMIT 2", QUERY)
    assert response.status_code == 200
    assert response.get_json()["newskg"]["rows"] == 2


TRAVERSALS = [
    "/dumps/../../etc/passwd",
    "/dumps/%2e%2e/%2e%2e/etc/passwd",
    "/dumps/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/dumps/..%2f..%2f..%2fetc%2fpasswd",
    "/dumps/%252e%252e%252fetc%252fpasswd",
    "/dumps/..%5c..%5cetc%5cpasswd",
    "/dumps/%2fetc%2fpasswd",
    "/dumps//etc/passwd",
    "/dumps/store/CURRENT",
    "/dumps/store%2FCURRENT",
    "/dumps/./kg.nq/../../../etc/passwd",
    "/dumps/.",
    "/dumps/..",
    "/dumps/%00",
    "/dumps/kg.nq%00.txt",
    "/dumps/kg.nq/",
    "/dumps/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd",
    "/id/../../etc/passwd",
    "/id/%2e%2e/%2e%2e/etc/passwd",
    "/id/..%2f..%2fetc%2fpasswd",
    "/id/entity/..%2f..%2f..%2fkg.nq",
    "/id/entity/%2e%2e%2f%2e%2e%2fstore%2fCURRENT",
    "/id/%zz",
    "/id/%C3%28",
    "/id/entity/e1%00",
    "/id/entity/e1.ttl%00",
    "/graph/..%2f..%2fetc%2fpasswd",
    "/static/../kg/settings.py",
    "/static/%2e%2e/%2e%2e/kg/settings.py",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e%2fapp.py",
    "/wikidata/..%2f..%2fetc%2fpasswd",
    "//etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/file:///etc/passwd",
    "/http://127.0.0.1:9/",
]


@pytest.mark.usefixtures("untouched")
@pytest.mark.parametrize("path", TRAVERSALS)
def test_robust_protocol_path_traversal_is_a_404_and_reads_nothing(
    client: FlaskClient, path: str
) -> None:
    for accept in ("application/json", "text/html"):
        with client.get(path, headers={"Accept": accept}) as response:
            body = response.get_data()
        assert response.status_code in (400, 404), (path, response.status_code)
        assert b"root:" not in body
        assert b"[project]" not in body
        assert b"import " not in body
        if accept == "application/json":
            assert error_of(response)["error"] in ("NotFound", "KgError", "BadRequest")


@pytest.mark.usefixtures("untouched")
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/sparql", "/dumps/kg.nq", "/id/entity/e1", "/", "/dumps/"])
def test_robust_protocol_writing_methods_are_a_405(
    client: FlaskClient, method: str, path: str
) -> None:
    with client.open(
        path, method=method, data=b"<a> <b> <c> .", content_type="application/n-triples"
    ) as response:
        pass
    assert response.status_code == 405, (method, path, response.status_code)
    assert response.headers["Allow"]
    error_of(response)


@pytest.mark.usefixtures("untouched")
@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": "*/*;q=abc"},
        {"Accept": "text/html;q=" + "9" * 400},
        {"Accept": ",".join(["a/b;q=0.1"] * 2000)},
        {"Accept": "\x00\x01"},
        {"Accept-Encoding": "gzip;q=x, *;q=-1"},
        {"If-None-Match": 'garbage""W/'},
        {"If-Modified-Since": "yesterday at noon"},
        {"Range": "bytes=9999999-1"},
        {"Range": "bytes=--1,abc"},
        {"Content-Type": "application/sparql-query; charset"},
        {"Origin": "null", "Access-Control-Request-Method": "DELETE"},
    ],
)
def test_robust_protocol_odd_headers_never_give_a_5xx(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    for path in ("/sparql?query=ASK%7B%7D", "/dumps/kg.nq", "/id/entity/e1", "/", "/void"):
        with client.get(path, headers=headers) as response:
            assert response.status_code < 500, (path, headers, response.status_code)


@FUZZ
@given(
    path=st.lists(
        st.one_of(
            st.binary(max_size=8).map(lambda b: quote(b, safe="")),
            st.sampled_from(
                [
                    "..",
                    ".",
                    "%2e%2e",
                    "%2f",
                    "id",
                    "dumps",
                    "static",
                    "entity",
                    "kg.nq",
                    "%",
                    "%zz",
                    "%C0",
                ]
            ),
        ),
        min_size=1,
        max_size=6,
    ).map("/".join),
    accept=st.sampled_from(["text/html", "application/json", "text/turtle", "*/*", ""]),
)
def test_robust_protocol_random_paths_never_give_a_5xx(
    client: FlaskClient, path: str, accept: str
) -> None:
    path = path.lstrip("/")  # (the test client reads a leading "//" as a host)
    with client.get("/" + path, headers={"Accept": accept} if accept else {}) as response:
        assert response.status_code < 500, (path, response.status_code, response.data[:200])
        assert b"root:" not in response.get_data()


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode)),
    content_type=st.sampled_from(
        [
            QUERY,
            f"{QUERY}; charset=utf-16",
            FORM,
            "multipart/form-data; boundary=x",
            "multipart/form-data",
            "application/sparql-update",
            "text/plain",
            "",
            "a/b; c=d",
        ]
    ),
)
def test_robust_protocol_random_bodies_never_give_a_5xx(
    client: FlaskClient, body: bytes, content_type: str
) -> None:
    response = client.post("/sparql", data=body, content_type=content_type or None)
    assert response.status_code < 500 or response.status_code == 503, response.data[:200]
    if response.status_code >= 400:
        error_of(response)


def test_robust_protocol_too_many_form_parts_are_named_as_such(dist: Path) -> None:
    application = create_app(Settings(base_iri=BASE, query_workers=1), dist)
    try:
        part = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
        body = b"".join(part for _ in range(1500)) + b"--x--\r\n"
        assert len(body) < application.config["MAX_CONTENT_LENGTH"]
        response = application.test_client().post(
            "/sparql", data=body, content_type="multipart/form-data; boundary=x"
        )
        assert 400 <= response.status_code < 500
        assert "larger than" not in error_of(response)["message"], error_of(response)
    finally:
        application.extensions["newskg"].close()


@FUZZ
@given(st.binary(max_size=200))
def test_robust_protocol_percent_decoding_matches_the_standard_library(value: bytes) -> None:
    """The fast decoder gives what ``unquote_to_bytes`` gives on any well-formed input (every
    byte percent-encoded, or left as is where it is safe), and refuses a stray ``%``."""
    from urllib.parse import quote_from_bytes, unquote_to_bytes

    from server.protocol import percent_decoded

    for encoded in (quote_from_bytes(value, safe=""), quote_from_bytes(value, safe="\\/'\"x")):
        raw = encoded.encode("ascii")
        assert percent_decoded(raw) == unquote_to_bytes(raw) == value
    assert percent_decoded(b"a+b%2B") == b"a b+"
    for stray in (b"%", b"%4", b"%zz", b"a%4g"):
        with pytest.raises(ValueError, match="hex digits"):
            percent_decoded(stray)
