"""The W3C SPARQL 1.1 Protocol test suite (tests/data/w3c-protocol/manifest.ttl) against the app.

Every query test and every "bad request" test must pass. Seven tests are not applicable to a
read-only endpoint: they send SPARQL Update requests and expect them to succeed (2xx). For each
of them this suite asserts the opposite, that the update is refused with 403:

- update_dataset_default_graph, update_dataset_default_graphs, update_dataset_named_graphs,
  update_dataset_full: CLEAR/DROP ALL then INSERT with using-graph-uri / using-named-graph-uri;
- update_post_form (update=CLEAR ALL, form-encoded), update_post_direct (CLEAR ALL as
  application/sparql-update);
- update_base_uri: CLEAR SILENT GRAPH + INSERT DATA with a relative IRI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
)
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.settings import Settings
from server.app import create_app
from server.testing import write_build

HERE = Path(__file__).parent / "data" / "w3c-protocol"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
NOT_APPLICABLE = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    boolean: bool | None
    format: str | None


@dataclass
class ProtocolTest:
    name: str
    requests: list[HttpRequest] = field(default_factory=list)


def _value(graph: Graph, node: Node, predicate: URIRef) -> Node | None:
    return graph.value(node, predicate)


def _request(graph: Graph, node: Node) -> HttpRequest:
    headers: dict[str, str] = {}
    header_list = _value(graph, node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(_value(graph, header, HT.fieldName))] = str(
                _value(graph, header, HT.fieldValue)
            )
    body = None
    body_node = _value(graph, node, HT.body)
    if body_node is not None:
        encoding = str(_value(graph, body_node, CNT.characterEncoding) or "UTF-8")
        body = str(_value(graph, body_node, CNT.chars)).encode(encoding.lower())
    response = _value(graph, node, HT.resp)
    statuses = {int(str(s)[len(HTS)]) for s in graph.objects(response, MF.expectedStatus)}
    boolean = _value(graph, response, MF.expectedBoolean)  # type: ignore[arg-type]
    fmt = _value(graph, response, MF.expectedFormat)  # type: ignore[arg-type]
    return HttpRequest(
        method=str(_value(graph, node, HT.methodName)),
        path=str(_value(graph, node, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=None if boolean is None else boolean.toPython(),  # type: ignore[attr-defined]
        format=None if fmt is None else str(fmt),
    )


def load_manifest() -> tuple[list[ProtocolTest], dict[str, Path]]:
    """The tests in manifest order, and the graph name -> data file of all ``ut:graphData``."""
    graph = Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=BASE + "manifest.ttl")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests: list[ProtocolTest] = []
    data: dict[str, Path] = {}
    for entry in Collection(graph, _value(graph, manifest, MF.entries)):  # type: ignore[arg-type]
        test = ProtocolTest(str(entry).rsplit("#", 1)[-1])
        for graph_data in graph.objects(entry, UT.graphData):
            file = str(_value(graph, graph_data, UT.graph))
            data[str(_value(graph, graph_data, RDFS.label))] = HERE / file[len(BASE) :]
        action = _value(graph, entry, MF.action)
        requests = _value(graph, action, HT.requests)  # type: ignore[arg-type]
        for node in Collection(graph, requests):  # type: ignore[arg-type]
            test.requests.append(_request(graph, node))
        tests.append(test)
    return tests, data


TESTS, DATA = load_manifest()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One build holding every graph the manifest names, each in its named graph."""
    nquads = b"".join(
        line.rstrip(b" .\n") + f" <{name}> .\n".encode()
        for name, path in sorted(DATA.items())
        for line in path.read_bytes().splitlines(keepends=True)
        if line.strip()
    )
    dist = tmp_path_factory.mktemp("w3c") / "dist"
    write_build(dist, nquads, format=RdfFormat.N_QUADS)
    application = create_app(Settings(base_iri="http://kg.test/", query_workers=2), dist)
    yield application
    application.extensions["newskg"].close()


def send(client: FlaskClient, request: HttpRequest):  # type: ignore[no-untyped-def]
    headers = dict(request.headers)
    content_type = headers.pop("content-type", None)
    return client.open(
        request.path,
        method=request.method,
        headers=headers,
        data=request.body,
        content_type=content_type,
    )


def check_format(request: HttpRequest, media_type: str, body: bytes) -> None:
    if request.format in ("boolean", "tabular"):
        results_format = QueryResultsFormat.from_media_type(media_type)
        assert results_format is not None, media_type
        parsed = parse_query_results(body, format=results_format)
        if request.format == "boolean":
            assert isinstance(parsed, QueryBoolean)
            if request.boolean is not None:
                assert bool(parsed) is request.boolean
        else:
            assert isinstance(parsed, QuerySolutions)
    elif request.format == "RDF":
        rdf_format = RdfFormat.from_media_type(media_type)
        assert rdf_format is not None, media_type
        list(parse(body, format=rdf_format))


def test_w3c_protocol_manifest_was_read() -> None:
    assert len(TESTS) == 34
    assert set(DATA) == {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}
    assert NOT_APPLICABLE <= {t.name for t in TESTS}


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(app: Flask, test: ProtocolTest) -> None:
    client = app.test_client()
    if test.name in NOT_APPLICABLE:
        response = send(client, test.requests[0])
        assert response.status_code == 403, response.data
        assert response.get_json()["error"] == "QueryRefused"
        return
    for request in test.requests:
        response = send(client, request)
        assert response.status_code // 100 in request.statuses, (
            response.status_code,
            response.data[:300],
        )
        check_format(request, response.mimetype, response.data)
