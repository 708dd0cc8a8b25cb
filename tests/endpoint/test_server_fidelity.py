"""Over real HTTP, on the real seed build: the endpoint and the Linked Data answer exactly what the
dumps say.

- the default graph is the RDF merge of the named graphs: COUNT(*) equals ``void:triples``, and a
  provenance join gives each solution once;
- a CONSTRUCT of everything is ``kg.ttl`` triple for triple, literals included (lexical form and
  datatype), and each named graph's CONSTRUCT is that graph of ``kg.nq``; rebuilt into a build
  folder, the CONSTRUCTed graphs pass ``kg validate``;
- each Linked Data representation holds only triples of the dumps (``kg.ttl``, ``void.ttl``);
- the VoID description can be queried, and the dataset's own IRIs dereference.

The build runs once (``kg build seeds/``, a subprocess) and a gunicorn server serves it, which
takes about half a minute: the module is marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

from kg.layout import NQUADS, REPORT, TURTLE, VOID_TTL
from kg.settings import Settings
from kg.shacl.validate import validate_build
from server.testing import live_server

ROOT = Path(__file__).resolve().parent.parent.parent
BASE = "http://kg.test/"
pytestmark = pytest.mark.slow
ENV = {"KG_WORKERS": "1", "KG_THREADS": "4", "KG_QUERY_WORKERS": "1", "KG_ROW_LIMIT": "100000"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fidelity") / "dist"
    env = {**os.environ, "KG_CACHE_DIR": str(out.parent / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", "from kg.cli import main; main()", "build", str(ROOT / "seeds"),
         "--out", str(out),
         "--base-iri", BASE],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def site(built: Path) -> Iterator[str]:
    with live_server(built, env=ENV) as url:
        yield url


def fetch(url: str, accept: str = "*/*") -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read(), response.headers.get("Content-Type", "")


def select(site: str, query: str) -> list[dict[str, dict[str, str]]]:
    body, _ = fetch(
        site + "sparql?" + urllib.parse.urlencode({"query": query}),
        "application/sparql-results+json",
    )
    rows: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    return rows


def construct(site: str, query: str) -> set[str]:
    """The N-Triples lines of a CONSTRUCT: literals compared exactly as written."""
    body, _ = fetch(
        site + "sparql?" + urllib.parse.urlencode({"query": query}), "application/n-triples"
    )
    return {line for line in body.decode("utf-8").splitlines() if line and not line[0] == "#"}


def ntriples_of(path: Path, fmt: RdfFormat) -> set[str]:
    triples = [q.triple for q in parse(path=str(path), format=fmt)]
    text = (serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return set(text.splitlines())


def test_server_fidelity_default_graph_is_a_set(site: str, built: Path) -> None:
    (row,) = select(site, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    void = [
        q.object.value
        for q in parse(path=str(built / VOID_TTL), format=RdfFormat.TURTLE)
        if q.predicate.value == "http://rdfs.org/ns/void#triples"
        and q.subject.value == BASE + "dataset"
    ]
    assert (
        int(row["n"]["value"]) == int(void[0]) == len(ntriples_of(built / TURTLE, RdfFormat.TURTLE))
    )
    # a three-hop provenance join: each solution once, as with DISTINCT
    join = """PREFIX nk: <https://w3id.org/newskg/ontology#>
    PREFIX gaf: <http://groundedannotationframework.org/gaf#>
    PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
    SELECT %s ?event ?report ?phrase ?article ?words WHERE {
      ?event nk:hasReport ?report . ?report gaf:denotedBy ?phrase .
      ?phrase nif:referenceContext ?article ; nif:anchorOf ?words . }"""
    plain, distinct = select(site, join % ""), select(site, join % "DISTINCT")
    assert plain
    assert len(plain) == len(distinct)


def test_server_fidelity_construct_is_the_dump_literal_for_literal(site: str, built: Path) -> None:
    everything = construct(site, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert everything == ntriples_of(built / TURTLE, RdfFormat.TURTLE)
    assert any("XMLSchema#decimal>" in line for line in everything)  # confidences
    assert any("nif-core#beginIndex>" in line for line in everything)  # offsets


def test_server_fidelity_constructed_graphs_pass_kg_validate(
    site: str, built: Path, tmp_path: Path
) -> None:
    """Each named graph CONSTRUCTed over HTTP is that graph of kg.nq, and those graphs, laid out
    as a build, conform to the shapes."""
    graphs = {
        row["g"]["value"] for row in select(site, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    }
    assert BASE + "graph/void" in graphs  # queryable, but in no dump
    dumped = list(parse(path=str(built / NQUADS), format=RdfFormat.N_QUADS))
    assert graphs - {BASE + "graph/void"} == {q.graph_name.value for q in dumped}
    quads = []
    for graph in sorted(graphs - {BASE + "graph/void"}):
        lines = construct(
            site, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        triples = [q.triple for q in parse("\n".join(lines).encode(), format=RdfFormat.N_TRIPLES)]
        quads += [Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in triples]
    assert set(quads) == set(dumped)
    copy = tmp_path / "constructed"
    copy.mkdir()
    (copy / NQUADS).write_bytes(serialize(quads, format=RdfFormat.N_QUADS) or b"")
    (copy / REPORT).write_text(json.dumps({"base_iri": BASE}), encoding="utf-8")
    settings = Settings()
    report = validate_build(
        copy, shapes_path=settings.shapes_path, ontology_path=settings.ontology_path
    )
    assert report.conforms, report.summary()


def test_server_fidelity_linked_data_holds_only_the_dumps_triples(site: str, built: Path) -> None:
    # kg.ttl, and void.ttl for the dataset's own triples (an article is its dct:source)
    dump = ntriples_of(built / TURTLE, RdfFormat.TURTLE) | ntriples_of(
        built / VOID_TTL, RdfFormat.TURTLE
    )
    resources = [
        row["s"]["value"]
        for row in select(
            site,
            "SELECT DISTINCT ?s { ?s a ?c FILTER(STRSTARTS(STR(?s), 'http://kg.test/id/') "
            "&& !CONTAINS(STR(?s), '#')) } ORDER BY ?s",
        )
    ]
    assert len(resources) > 20
    for iri in resources[:: max(1, len(resources) // 25)]:
        path = iri[len(BASE) :]
        for extension, fmt in (("nt", RdfFormat.N_TRIPLES), ("ttl", RdfFormat.TURTLE)):
            body, _ = fetch(f"{site}{path}.{extension}")
            triples = [q.triple for q in parse(body, format=fmt)]
            lines = set(
                (serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode().splitlines()
            )
            assert lines, iri
            assert lines <= dump, (iri, sorted(lines - dump)[:3])


def test_server_fidelity_void_is_queryable_and_the_dataset_dereferences(
    site: str, built: Path
) -> None:
    rows = select(
        site,
        "SELECT ?triples { GRAPH <http://kg.test/graph/void> "
        "{ <http://kg.test/dataset> <http://rdfs.org/ns/void#triples> ?triples } }",
    )
    assert len(rows) == 1
    void = list(parse(path=str(built / VOID_TTL), format=RdfFormat.TURTLE))
    own = sorted({q.subject.value for q in void if q.subject.value.startswith(BASE + "dataset")})
    kinds = {"dataset", "class", "property", "distribution"}
    assert {
        iri[len(BASE) :].split("/")[1] if "/" in iri[len(BASE) :] else "dataset" for iri in own
    } >= kinds
    for iri in own:
        body, content_type = fetch(site + iri[len(BASE) :], "text/turtle")
        assert content_type.startswith("text/turtle"), iri
        assert any(q.subject.value == iri for q in parse(body, format=RdfFormat.TURTLE)), iri
        page, _ = fetch(site + iri[len(BASE) :], "text/html")
        assert b"<h1>" in page
